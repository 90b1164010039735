"""Image measures: ``psnr``, ``ssim``, ``total_variation`` and ``image_gradients``.

All are built from featherflow's differentiable ops, so they serve as losses (the neural
style transfer tutorial minimises ``total_variation``; super-resolution ones maximise
``ssim``). SSIM's 11x11 Gaussian window is separable: its VALID filtering is one einsum
with a banded matrix per axis.

Example::

    >>> import featherflow as tf
    >>> float(tf.image.total_variation(tf.constant([[[0.0], [1.0]]])))
    1.0
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.image import color
from featherflow.ops import concat, linalg, math, reshape


def _tensor(image):
    return image if isinstance(image, Tensor) else Tensor(as_array(image))


def total_variation(images, name=None):
    """The sum of absolute differences between neighbouring pixels: a scalar for one image,
    one value per image for a batch."""
    x = _tensor(images)
    if x.data.ndim not in (3, 4):
        raise ValueError(f"tf.image.total_variation: 'images' must be either 3 or 4-dimensional;"
                         f" received shape {list(x.data.shape)}.")
    axis = x.data.ndim - 3
    lead = (slice(None),) * axis
    down = math.subtract(x[lead + (slice(1, None),)], x[lead + (slice(None, -1),)])
    right = math.subtract(x[lead + (slice(None), slice(1, None))],
                          x[lead + (slice(None), slice(None, -1))])
    axes = None if axis == 0 else [1, 2, 3]
    return math.add(math.reduce_sum(math.abs(down), axis=axes),
                    math.reduce_sum(math.abs(right), axis=axes))


def image_gradients(image):
    """``(dy, dx)``: forward differences of a 4-D batch, zero in the last row / column."""
    x = _tensor(image)
    if x.data.ndim != 4:
        raise ValueError("tf.image.image_gradients: image_gradients expects a 4D tensor "
                         f"[batch_size, h, w, d]; received shape {list(x.data.shape)}.")
    batch, height, width, depth = x.data.shape
    dy = math.subtract(x[:, 1:], x[:, :-1])
    dx = math.subtract(x[:, :, 1:], x[:, :, :-1])
    dy = concat.concat([dy, np.zeros((batch, 1, width, depth), x.data.dtype)], axis=1)
    dx = concat.concat([dx, np.zeros((batch, height, 1, depth), x.data.dtype)], axis=2)
    return dy, dx


def _check_pair(img1, img2, op_name):
    a, b = _tensor(img1), _tensor(img2)
    if a.data.ndim < 3 or a.data.shape[-3:] != b.data.shape[-3:]:
        raise ValueError(f"{op_name}: the images must have the same shape, at least 3-D "
                         f"[height, width, channels]; received {list(a.data.shape)} and "
                         f"{list(b.data.shape)}.")
    return a, b


def _float_max(max_val, dtype):
    return float(color.convert_image_dtype(np.asarray(max_val, dtype), np.float32).data)


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB over the last three axes (in float32)."""
    a, b = _check_pair(a, b, "tf.image.psnr")
    peak = _float_max(max_val, a.data.dtype)
    a = color.convert_image_dtype(a, np.float32)
    b = color.convert_image_dtype(b, np.float32)
    mse = math.reduce_mean(math.squared_difference(a, b), axis=[-3, -2, -1])
    scale = np.float32(10 / np.log(10.0))
    return math.subtract(np.float32(20 * np.log(peak) / np.log(10.0)),
                         math.multiply(math.log(mse), scale))


def _gaussian_band(size, filter_size, sigma):
    coords = np.arange(filter_size, dtype=np.float32) - np.float32((filter_size - 1) / 2)
    taps = np.exp(coords.astype(np.float64) ** 2 * (-0.5 / float(sigma) ** 2))
    taps /= taps.sum()
    band = np.zeros((size - filter_size + 1, size))
    rows = np.arange(size - filter_size + 1)[:, None]
    band[rows, rows + np.arange(filter_size)[None, :]] = taps
    return band


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """Structural similarity of two images or batches, averaged over channels (TF's Gaussian
    window, VALID filtering and constants)."""
    a, b = _check_pair(img1, img2, "tf.image.ssim")
    height, width = a.data.shape[-3:-1]
    if height < filter_size or width < filter_size:
        raise ValueError(f"tf.image.ssim: the images ({height}x{width}) must be at least "
                         f"filter_size={filter_size} pixels on each side; pass a smaller "
                         "filter_size.")
    peak = _float_max(max_val, a.data.dtype)
    a = color.convert_image_dtype(a, np.float32)
    b = color.convert_image_dtype(b, np.float32)
    lead = a.data.shape[:-3]
    rows = _gaussian_band(height, filter_size, filter_sigma)
    cols = _gaussian_band(width, filter_size, filter_sigma)

    def blur(x):
        y = linalg.einsum("ih,bhwc,jw->bijc", rows.astype(np.float32),
                          reshape.reshape(x, (-1,) + x.data.shape[-3:]), cols.astype(np.float32))
        return reshape.reshape(y, lead + y.data.shape[1:])

    c1 = np.float32((k1 * peak) ** 2)
    c2 = np.float32((k2 * peak) ** 2)
    mean_a, mean_b = blur(a), blur(b)
    num0 = math.multiply(math.multiply(mean_a, mean_b), np.float32(2))
    den0 = math.add(math.square(mean_a), math.square(mean_b))
    luminance = math.divide(math.add(num0, c1), math.add(den0, c1))
    num1 = math.multiply(blur(math.multiply(a, b)), np.float32(2))
    den1 = blur(math.add(math.square(a), math.square(b)))
    contrast = math.divide(math.add(math.subtract(num1, num0), c2),
                           math.add(math.subtract(den1, den0), c2))
    per_pixel = math.multiply(luminance, contrast)
    if return_index_map:
        return math.reduce_mean(per_pixel, axis=[-1])
    return math.reduce_mean(math.reduce_mean(per_pixel, axis=[-3, -2]), axis=[-1])


__all__ = ["image_gradients", "psnr", "ssim", "total_variation"]
