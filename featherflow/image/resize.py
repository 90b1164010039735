"""``tf.image.resize``, and ``resize_with_pad`` and ``resize_with_crop_or_pad`` built on it.

Every TF 2.x resize kernel is separable and linear in the pixels, so one is a pair of weight
matrices, ``(new_height, height)`` and ``(new_width, width)``, built per axis with NumPy and
applied as two contractions (the :class:`SeparableResize` primitive, whose backward is the
same contraction with the matrices transposed). The matrices reproduce TF's kernels:
half-pixel-centre bilinear, nearest and Keys bicubic (with TF's 1024-step weight table),
area (``ResizeArea``), and ``ScaleAndTranslate``'s spans for lanczos3/5, gaussian,
mitchellcubic and every ``antialias=True`` resize. Index arithmetic runs in float32 as TF's
kernels do, so a sample that lands on a pixel boundary picks the pixel TF picks.

Example::

    >>> import featherflow as tf
    >>> tf.image.resize(tf.zeros([4, 6, 3]), [2, 3]).shape
    TensorShape([2, 3, 3])
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.higher_order import linear_backward
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.image import resize_bands, resize_taps, transforms
from featherflow.ops import math, reshape


class ResizeMethod:
    """The names ``tf.image.resize`` accepts as ``method``."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_METHODS = {v for k, v in vars(ResizeMethod).items() if k.isupper()}


class SeparableResize(Function):
    """``out[b, i, j, c] = sum_hw rows[i, h] * x[b, h, w, c] * cols[j, w]`` on 4-D images.

    Each axis is one pass over the image (see resize_bands.py and resize_taps.py); the pass
    that shrinks the data more runs first. Floating images keep their dtype (resize() hands
    float32); integer images are read as they are and come out float32.
    """

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols

    def forward(self, x):
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        return _apply(np.ascontiguousarray(x), self.rows, self.cols, dtype)

    def backward(self, g):
        # the transposed matrices: each input pixel gathers the outputs it contributed to
        return (_apply(np.ascontiguousarray(g), self.rows.T, self.cols.T, g.dtype),)

    backward_tensors = linear_backward


# batches of at least this many images go through BLAS on bands of the weight matrices
# (resize_bands.py: 1.4-3.4x faster than the gathers on 32 x 224x224x3); fewer through one
# gather per tap (resize_taps.py: small BLAS calls cost more than they save on one image, and
# OpenBLAS's threads stall on a loaded machine)
_BANDS_MIN_BATCH = 8


def _apply(x, rows, cols, dtype):
    if x.shape[0] >= _BANDS_MIN_BATCH:
        return resize_bands.separable(x, resize_bands.Bands.of(rows),
                                      resize_bands.Bands.of(cols), dtype)
    return resize_taps.separable(x, resize_taps.Taps.of(rows), resize_taps.Taps.of(cols), dtype)


class NearestResize(Function):
    """Nearest-neighbour resize as a gather (keeps the dtype, and infinities, exactly)."""

    def __init__(self, rows, cols, in_shape):
        self.rows, self.cols, self.in_shape = rows, cols, in_shape

    def forward(self, x):
        return x[:, self.rows][:, :, self.cols]

    def backward(self, g):
        grad = np.zeros(self.in_shape, g.dtype)
        np.add.at(grad, (slice(None), self.rows[:, None], self.cols[None, :]), g)
        return (grad,)


def _f32(value):
    return np.float32(value)


def _bilinear_weights(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + _f32(0.5)) * scale - _f32(0.5)
    floor = np.floor(pos)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    lerp = (pos - floor).astype(np.float64)
    weights = np.zeros((out_size, in_size))
    out = np.arange(out_size)
    np.add.at(weights, (out, lower), 1.0 - lerp)
    np.add.at(weights, (out, upper), lerp)
    return weights


def _nearest_indices(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    pos = np.floor((np.arange(out_size, dtype=np.float32) + _f32(0.5)) * scale)
    return np.clip(pos.astype(np.int64), 0, in_size - 1)


# TF's bicubic resize reads Keys weights (a = -0.5) from a table of 1024 steps per unit.
_TABLE_STEPS = 1024


def _keys_near(x, a=-0.5):
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _keys_far(x, a=-0.5):
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _bicubic_weights(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + _f32(0.5)) * scale - _f32(0.5)
    base = np.floor(pos).astype(np.int64)
    offset = np.rint((pos - np.floor(pos)) * _f32(_TABLE_STEPS)).astype(np.int64)
    near = offset / _TABLE_STEPS
    far = (_TABLE_STEPS - offset) / _TABLE_STEPS
    taps = np.stack([_keys_far(near + 1), _keys_near(near), _keys_near(far), _keys_far(far + 1)],
                    axis=1).astype(np.float32).astype(np.float64)
    index = base[:, None] + np.arange(-1, 3)[None, :]
    # taps outside the image get no weight and the rest are renormalized (TF's Keys mode)
    taps = np.where((index >= 0) & (index < in_size), taps, 0.0)
    taps /= taps.sum(axis=1, keepdims=True)
    weights = np.zeros((out_size, in_size))
    np.add.at(weights, (np.arange(out_size)[:, None], np.clip(index, 0, in_size - 1)), taps)
    return weights


def _area_weights(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    start = np.arange(out_size, dtype=np.float32) * scale
    end = np.arange(1, out_size + 1, dtype=np.float32) * scale
    cells = np.arange(in_size + 1, dtype=np.float64)
    # overlap of output cell [start, end) with input cell [i, i + 1)
    lo = np.maximum(start[:, None].astype(np.float64), cells[None, :-1])
    hi = np.minimum(end[:, None].astype(np.float64), cells[None, 1:])
    weights = np.clip(hi - lo, 0.0, None)
    # an end past the last pixel (float32 rounding) is read from the last pixel, as TF bounds it
    spill = np.clip(end.astype(np.float64) - in_size, 0.0, None)
    weights[:, -1] += spill
    return weights / float(scale)


def _lanczos(radius):
    def kernel(x):
        x = np.abs(x)
        safe = np.where(x <= 1e-3, 1.0, x)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi * safe) ** 2
        return np.where(x > radius, 0.0, np.where(x <= 1e-3, 1.0, value))
    return kernel, float(radius)


def _triangle(x):
    return np.maximum(0.0, 1.0 - np.abs(x))


def _gaussian(x):
    x = np.abs(x)
    sigma = 1.5 / 3.0
    return np.where(x >= 1.5, 0.0, np.exp(-x * x / (2 * sigma * sigma)))


def _keys_cubic(x):
    x = np.abs(x)
    return np.where(x >= 2, 0.0, np.where(x >= 1, ((-0.5 * x + 2.5) * x - 4) * x + 2,
                                          ((1.5 * x - 2.5) * x) * x + 1))


def _mitchell(x):
    x = np.abs(x)
    far = (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    near = (((7.0 / 6.0) * x - 2.0) * x) * x + 8.0 / 9.0
    return np.where(x >= 2, 0.0, np.where(x >= 1, far, near))


_KERNELS = {
    "triangle": (_triangle, 1.0),
    "keyscubic": (_keys_cubic, 2.0),
    ResizeMethod.LANCZOS3: _lanczos(3),
    ResizeMethod.LANCZOS5: _lanczos(5),
    ResizeMethod.GAUSSIAN: (_gaussian, 1.5),
    ResizeMethod.MITCHELLCUBIC: (_mitchell, 2.0),
}


def _scale_translate_weights(in_size, out_size, kernel_name, antialias):
    kernel, radius = _KERNELS[kernel_name]
    scale = _f32(out_size) / _f32(in_size)
    inv_scale = _f32(1.0 / float(scale))
    kernel_scale = max(float(inv_scale), 1.0) if antialias else 1.0
    sample = ((np.arange(out_size, dtype=np.float32) + _f32(0.5)) * inv_scale).astype(np.float64)
    reach = radius * kernel_scale
    first = np.clip(np.ceil(sample - reach - 0.5), 0, in_size - 1)
    last = np.clip(np.floor(sample + reach - 0.5), 0, in_size - 1)
    source = np.arange(in_size, dtype=np.float64)[None, :]
    inside = (source >= first[:, None]) & (source <= last[:, None])
    weights = np.where(inside, kernel((source + 0.5 - sample[:, None]) / kernel_scale), 0.0)
    total = weights.sum(axis=1, keepdims=True)
    weights = np.where(np.abs(total) >= 1000 * np.finfo(np.float32).tiny,
                       weights / np.where(total == 0, 1.0, total), weights)
    # samples outside the source image stay zero
    weights[(sample < 0) | (sample > in_size)] = 0.0
    return weights


def _weights(method, antialias, in_size, out_size):
    if method == ResizeMethod.BILINEAR:
        if antialias:
            return _scale_translate_weights(in_size, out_size, "triangle", True)
        return _bilinear_weights(in_size, out_size)
    if method == ResizeMethod.BICUBIC:
        if antialias:
            return _scale_translate_weights(in_size, out_size, "keyscubic", True)
        return _bicubic_weights(in_size, out_size)
    if method == ResizeMethod.AREA:
        return _area_weights(in_size, out_size)
    return _scale_translate_weights(in_size, out_size, method, antialias)


def _size_pair(size):
    if isinstance(size, (list, tuple)):
        size = [v.data if isinstance(v, Tensor) else v for v in size]
    values = np.asarray(size.data if isinstance(size, Tensor) else size).reshape(-1)
    if values.size != 2:
        raise ValueError(
            f"tf.image.resize: 'size' must be a 1-D Tensor of 2 elements: new_height, new_width; "
            f"received {values.tolist()}.")
    return int(values[0]), int(values[1])


def _batched(images, op_name):
    """``images`` as a 4-D Tensor (or array) and whether a batch axis was added."""
    x = images if isinstance(images, Tensor) else as_array(images)
    rank = np.ndim(x.data if isinstance(x, Tensor) else x)
    if rank not in (3, 4):
        raise ValueError(
            f"{op_name}: 'images' must have either 3 or 4 dimensions; received shape "
            f"{list(np.shape(x.data if isinstance(x, Tensor) else x))}.")
    if rank == 3:
        return reshape.expand_dims(x, 0), True
    return x, False


def _unbatched(x, added):
    if added:
        return reshape.squeeze(x, [0])
    return x


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """Resize ``images`` (``[h, w, c]`` or ``[b, h, w, c]``) to ``size`` (TF 2.x kernels).

    The result is float32, except for ``method="nearest"``, which keeps the input's dtype.
    """
    if method not in _METHODS:
        raise ValueError(f"Resize method is not implemented: {method}; expected one of "
                         f"{sorted(_METHODS)}.")
    x, added = _batched(images, "tf.image.resize")
    _, height, width, _ = (x.data if isinstance(x, Tensor) else x).shape
    new_height, new_width = _size_pair(size)
    if preserve_aspect_ratio:
        factor = min(_f32(new_height) / _f32(height), _f32(new_width) / _f32(width))
        new_height = int(np.rint(factor * _f32(height)))
        new_width = int(np.rint(factor * _f32(width)))
    if new_height <= 0 or new_width <= 0:
        raise ValueError(f"tf.image.resize: 'size' must be positive; received "
                         f"[{new_height}, {new_width}].")
    if method == ResizeMethod.NEAREST_NEIGHBOR:
        out = NearestResize(_nearest_indices(height, new_height),
                            _nearest_indices(width, new_width),
                            (x.data if isinstance(x, Tensor) else x).shape)(x)
        return _unbatched(out, added)
    data = x.data if isinstance(x, Tensor) else x
    if data.dtype.kind in "fc" and data.dtype != np.float32:
        # integer images go in as they are (the passes read them into float32)
        x = math.cast(x, "float32")
    op = SeparableResize(_weights(method, antialias, height, new_height),
                         _weights(method, antialias, width, new_width))
    return _unbatched(op(x), added)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                    antialias=False):
    """Resize keeping the aspect ratio, then pad with zeros to the target (TF's arithmetic)."""
    x, added = _batched(image, "tf.image.resize_with_pad")
    _, height, width, _ = (x.data if isinstance(x, Tensor) else x).shape
    if target_height <= 0 or target_width <= 0:
        raise ValueError("tf.image.resize_with_pad: target_height and target_width must be > 0; "
                         f"received {target_height}, {target_width}.")
    ratio = max(_f32(width) / _f32(target_width), _f32(height) / _f32(target_height))
    resized_height = _f32(height) / ratio
    resized_width = _f32(width) / ratio
    pad_top = max(0, int(np.floor((_f32(target_height) - resized_height) / _f32(2))))
    pad_left = max(0, int(np.floor((_f32(target_width) - resized_width) / _f32(2))))
    resized = resize(x, [int(np.floor(resized_height)), int(np.floor(resized_width))],
                     method=method, antialias=antialias)
    padded = transforms.pad_to_bounding_box(resized, pad_top, pad_left, target_height,
                                            target_width)
    return _unbatched(padded, added)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop or zero-pad ``image`` to the target size (TF's offsets: crop rounds down on
    the top/left, padding puts the odd pixel at the bottom/right)."""
    x, added = _batched(image, "tf.image.resize_with_crop_or_pad")
    _, height, width, _ = (x.data if isinstance(x, Tensor) else x).shape
    if target_height <= 0 or target_width <= 0:
        raise ValueError("tf.image.resize_with_crop_or_pad: target_height and target_width must "
                         f"be > 0; received {target_height}, {target_width}.")
    crop_top = max((height - target_height) // 2, 0)
    crop_left = max((width - target_width) // 2, 0)
    pad_top = max((target_height - height) // 2, 0)
    pad_left = max((target_width - width) // 2, 0)
    cropped = transforms.crop_to_bounding_box(x, crop_top, crop_left, min(target_height, height),
                                              min(target_width, width))
    padded = transforms.pad_to_bounding_box(cropped, pad_top, pad_left, target_height,
                                            target_width)
    return _unbatched(padded, added)


__all__ = ["ResizeMethod", "resize", "resize_with_crop_or_pad", "resize_with_pad"]
