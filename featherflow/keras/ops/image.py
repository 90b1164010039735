"""``keras.ops.image``: the image ops Keras 3 offers every backend, over featherflow's
``tf.image`` (resize, colour conversions, patches, crops and pads)."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.backend import config
from featherflow.backend import image_data_format as _image_data_format
from featherflow.keras.ops.image_sampling import (
    elastic_transform,
    map_coordinates,
    perspective_transform,
    scale_and_translate,
)
from featherflow.keras.ops.numpy import convert, float_type


def _channels_last(images, data_format):
    data_format = data_format or _image_data_format()
    images = convert(images)
    if data_format == "channels_first":
        from featherflow.ops import reshape as _reshape

        nd = images.data.ndim
        perm = list(range(nd - 3)) + [nd - 2, nd - 1, nd - 3]
        return _reshape.transpose(images, perm), data_format
    return images, data_format


def _back(images, data_format):
    if data_format == "channels_first":
        from featherflow.ops import reshape as _reshape

        nd = images.data.ndim
        perm = list(range(nd - 3)) + [nd - 1, nd - 3, nd - 2]
        return _reshape.transpose(images, perm)
    return images


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    from featherflow import image as tf_image

    x, data_format = _channels_last(images, data_format)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be "
                         "True.")
    if len(size) != 2:
        raise ValueError(f"resize: size must be (height, width); received {size!r}.")
    if x.data.ndim not in (3, 4):
        raise ValueError("resize: images must be rank 3 (one image) or 4 (a batch); received "
                         f"shape {x.data.shape}.")
    if fill_mode != "constant":
        raise ValueError(f"resize: fill_mode must be 'constant'; received {fill_mode!r}.")
    target_h, target_w = (int(s) for s in size)
    h, w = x.data.shape[-3], x.data.shape[-2]
    from featherflow.ops import indexing as _indexing
    from featherflow.ops import padding as _padding

    if crop_to_aspect_ratio:
        # the largest centred window of the target's aspect ratio (Keras's integer rounding)
        crop_h = max(min(h, int(np.float32(w * target_h) / np.float32(target_w))), 1)
        crop_w = max(min(w, int(np.float32(h * target_w) / np.float32(target_h))), 1)
        top, left = int((h - crop_h) / 2), int((w - crop_w) / 2)
        x = _indexing.getitem(x, (Ellipsis, slice(top, top + crop_h),
                                  slice(left, left + crop_w), slice(None)))
    elif pad_to_aspect_ratio:
        pad_h = max(h, int(np.float32(w * target_h) / np.float32(target_w)))
        pad_w = max(w, int(np.float32(h * target_w) / np.float32(target_h)))
        top, left = int((pad_h - h) / 2), int((pad_w - w) / 2)
        widths = [[0, 0]] * (x.data.ndim - 3) + [[top, pad_h - h - top],
                                                  [left, pad_w - w - left], [0, 0]]
        x = _padding.pad(x, widths, constant_values=fill_value)
    out = tf_image.resize(x, (target_h, target_w), method=interpolation, antialias=antialias)
    dt = float_type(x)
    if np.dtype(out.data.dtype) != np.dtype(dt) and x.data.dtype.kind == "f":
        from featherflow.ops import math as _m

        out = _m.cast(out, dt)
    return _back(out, data_format)


def rgb_to_grayscale(images, data_format=None):
    from featherflow import image as tf_image

    x, data_format = _channels_last(images, data_format)
    return _back(tf_image.rgb_to_grayscale(x), data_format)


def rgb_to_hsv(images, data_format=None):
    from featherflow import image as tf_image

    x, data_format = _channels_last(images, data_format)
    return _back(tf_image.rgb_to_hsv(convert(x, float_type(x))), data_format)


def hsv_to_rgb(images, data_format=None):
    from featherflow import image as tf_image

    x, data_format = _channels_last(images, data_format)
    return _back(tf_image.hsv_to_rgb(convert(x, float_type(x))), data_format)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    from featherflow import image as tf_image

    x, data_format = _channels_last(images, data_format)
    size = (int(size), int(size)) if np.ndim(size) == 0 else tuple(int(s) for s in size)
    strides = size if strides is None else (
        (int(strides),) * 2 if np.ndim(strides) == 0 else tuple(int(s) for s in strides))
    rates = (int(dilation_rate),) * 2 if np.ndim(dilation_rate) == 0 else tuple(dilation_rate)
    squeeze = x.data.ndim == 3
    if squeeze:
        from featherflow.ops import reshape as _reshape

        x = _reshape.expand_dims(x, 0)
    out = tf_image.extract_patches(x, sizes=[1, *size, 1], strides=[1, *strides, 1],
                                   rates=[1, *rates, 1], padding=padding.upper())
    if squeeze:
        from featherflow.ops import reshape as _reshape

        out = _reshape.squeeze(out, [0])
    return _back(out, data_format)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    x, data_format = _channels_last(images, data_format)
    h, w = x.data.shape[-3], x.data.shape[-2]
    top = top_cropping or 0
    left = left_cropping or 0
    if target_height is None:
        target_height = h - top - (bottom_cropping or 0)
    if target_width is None:
        target_width = w - left - (right_cropping or 0)
    if target_height <= 0 or target_width <= 0 or top + target_height > h or \
            left + target_width > w:
        raise ValueError(f"crop_images: the crop ({top}, {left}) + ({target_height}, "
                         f"{target_width}) does not fit images of size ({h}, {w}).")
    from featherflow.ops import indexing as _indexing

    key = (Ellipsis, slice(top, top + target_height), slice(left, left + target_width),
           slice(None))
    return _back(_indexing.getitem(x, key), data_format)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    x, data_format = _channels_last(images, data_format)
    h, w = x.data.shape[-3], x.data.shape[-2]
    top = top_padding or 0
    left = left_padding or 0
    bottom = bottom_padding if bottom_padding is not None else (
        target_height - h - top if target_height is not None else 0)
    right = right_padding if right_padding is not None else (
        target_width - w - left if target_width is not None else 0)
    if min(top, left, bottom, right) < 0:
        raise ValueError("pad_images: the padding must not be negative (is the target size "
                         "smaller than the images?).")
    from featherflow.ops import padding as _padding

    widths = [[0, 0]] * (x.data.ndim - 3) + [[top, bottom], [left, right], [0, 0]]
    return _back(_padding.pad(x, widths), data_format)


__all__ = ["crop_images", "extract_patches", "hsv_to_rgb", "pad_images", "resize",
           "rgb_to_grayscale", "rgb_to_hsv"]



def _batched(x):
    from featherflow.ops import reshape as _reshape

    if x.data.ndim == 3:
        return _reshape.expand_dims(x, 0), True
    if x.data.ndim != 4:
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
                         f"of images). Received input with shape: images.shape={x.data.shape}")
    return x, False


def _unbatched(x, squeeze):
    from featherflow.ops import reshape as _reshape

    return _reshape.squeeze(x, [0]) if squeeze else x


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """TensorFlow's ImageProjectiveTransformV3 (one 8-number transform per image), as
    Keras's TensorFlow backend; differentiable with respect to the images."""
    from featherflow.layers.preprocessing.affine_transform import projective_transform

    if interpolation not in ("nearest", "bilinear"):
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"('nearest', 'bilinear'). Received: interpolation={interpolation}")
    if fill_mode not in ("constant", "nearest", "wrap", "reflect"):
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one ('constant', "
                         f"'nearest', 'wrap', 'reflect'). Received: fill_mode={fill_mode}")
    x, data_format = _channels_last(images, data_format)
    x, squeeze = _batched(x)
    t = np.asarray(transform.data if hasattr(transform, "data") else transform, np.float32)
    if t.ndim not in (1, 2):
        raise ValueError("Invalid transform rank: expected rank 1 (single transform) or rank 2 "
                         f"(batch of transforms). Received input with shape: "
                         f"transform.shape={t.shape}")
    out = projective_transform(x, t.reshape(-1, 8), interpolation, fill_mode, fill_value)
    return _back(_unbatched(out, squeeze), data_format)


def sobel_edges(images, data_format=None):
    """``tf.image.sobel_edges``: (..., 2) with the vertical and horizontal gradients."""
    from featherflow import image as tf_image
    from featherflow.ops import reshape as _reshape

    x = convert(images)
    data_format = data_format or _image_data_format()
    if data_format == "channels_first":
        x = _reshape.transpose(x, (0, 2, 3, 1))
    edges = tf_image.sobel_edges(x)
    if data_format == "channels_first":
        edges = _reshape.transpose(edges, (0, 3, 1, 2, 4))
    return edges


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """A depthwise 'SAME' convolution with a normalised Gaussian kernel, as Keras."""
    from featherflow.ops import depthwise_conv as _dw

    x, data_format = _channels_last(images, data_format)
    x = convert(x, float_type(x))
    x, squeeze = _batched(x)
    dt = x.data.dtype
    size = [int(s) for s in kernel_size]
    sig = [float(s) for s in sigma]

    def kernel1d(n, s):
        t = np.arange(n, dtype=dt) - np.asarray((n - 1) / 2, dt)
        k = np.exp(np.asarray(-0.5, dt) * (t / np.asarray(s, dt)) ** 2)
        return k / k.sum()
    kernel = np.tensordot(kernel1d(size[1], sig[1]), kernel1d(size[0], sig[0]), axes=0)
    kernel = kernel.reshape(size[0], size[1], 1, 1)
    kernel = np.tile(kernel, (1, 1, x.data.shape[-1], 1)).astype(dt)
    out = _dw.depthwise_conv2d(x, kernel, (1, 1, 1, 1), "SAME")
    return _back(_unbatched(out, squeeze), data_format)


__all__ += ["affine_transform", "gaussian_blur", "sobel_edges"]


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Patches of volumes as Keras: a 3-D convolution with an identity kernel, the patch
    values flattened (depth, height, width, channels) into the last axis."""
    from featherflow.ops import conv3d as _conv3d
    from featherflow.ops import reshape as _reshape

    if isinstance(size, int):
        size = (size, size, size)
    if len(size) != 3:
        raise TypeError("Invalid `size` argument. Expected an int or a tuple of length 3. "
                        f"Received: size={size}")
    strides = size if strides is None else strides
    if isinstance(strides, int):
        strides = (strides, strides, strides)
    if len(strides) != 3:
        raise ValueError(f"Invalid `strides` argument. Got: {strides}")
    data_format = data_format or _image_data_format()
    x = convert(volumes)
    if x.data.ndim not in (4, 5):
        raise ValueError("extract_patches_3d: volumes must be 4D (one volume) or 5D (a batch); "
                         f"received shape {x.data.shape}.")
    unbatched = x.data.ndim == 4
    if unbatched:
        x = _reshape.expand_dims(x, 0)
    channels = x.data.shape[-1 if data_format == "channels_last" else 1]
    depth = int(np.prod(size)) * channels
    kernel = np.eye(depth, dtype=x.data.dtype).reshape(tuple(size) + (channels, depth))
    out = _conv3d.convolution3d(x, kernel, strides=tuple(strides), padding=padding,
                                dilation_rate=dilation_rate, data_format=data_format,
                                where="extract_patches_3d")
    return _reshape.squeeze(out, [0]) if unbatched else out


class _ValidFilter(Function):
    """'VALID' correlation of one axis with a 1-D kernel; backward: the full convolution."""

    def __init__(self, kernel, axis):
        self.kernel, self.axis = kernel, axis

    def _taps(self, x, kernel):
        n = x.shape[self.axis] - len(kernel) + 1
        moved = np.moveaxis(x, self.axis, 0)
        out = moved[:n] * kernel[0]
        for k in range(1, len(kernel)):
            out += moved[k:k + n] * kernel[k]
        return np.moveaxis(out, 0, self.axis)

    def forward(self, x):
        return self._taps(x, self.kernel.astype(x.dtype))

    def backward(self, g):
        n = len(self.kernel) - 1
        widths = [(0, 0)] * g.ndim
        widths[self.axis] = (n, n)
        return (self._taps(np.pad(g, widths), self.kernel[::-1].astype(g.dtype)),)


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """Keras's structural similarity: a valid Gaussian window, per-channel SSIM maps
    averaged over space and channels; one value per image pair (differentiable)."""
    from featherflow.keras.ops import numpy as knp
    from featherflow.ops import math as _m

    data_format = data_format or _image_data_format()
    a, b = convert(image1), convert(image2)
    original = a.data.dtype
    compute = np.result_type(original, np.float32) if original.kind == "f" else \
        np.dtype(config.floatx())
    a, b = _m.cast(a, compute), _m.cast(b, compute)
    for name, img in (("image1", a), ("image2", b)):
        if img.data.ndim not in (3, 4):
            raise ValueError(f"Invalid {name} rank: expected rank 3 (single image) or rank 4 "
                             f"(batch of images). Received input with shape: "
                             f"{name}.shape={img.data.shape}")
    if a.data.shape != b.data.shape:
        raise ValueError(f"ssim: image1 and image2 must have one shape; received "
                         f"{a.data.shape} and {b.data.shape}.")
    unbatched = a.data.ndim == 3
    if unbatched:
        a, b = knp.expand_dims(a, 0), knp.expand_dims(b, 0)
    if data_format == "channels_first":
        a, b = knp.moveaxis(a, 1, -1), knp.moveaxis(b, 1, -1)
    batch, height, width, channels = a.data.shape
    if filter_size > height or filter_size > width:
        raise ValueError(f"ssim: filter_size {filter_size} is larger than the images "
                         f"({height}x{width}); use a smaller filter_size.")
    t = np.arange(filter_size, dtype=compute) - np.asarray((filter_size - 1) / 2.0, compute)
    gauss = np.exp(-(t ** 2) / np.asarray(2.0 * filter_sigma ** 2, compute))
    gauss = gauss / gauss.sum(dtype=compute)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2

    def planes(img):
        return knp.reshape(knp.transpose(img, (0, 3, 1, 2)), (-1, height, width, 1))


    def blur(img):
        # the window is an outer product: two 1-D passes instead of Keras's one 2-D
        # convolution, equal up to float32 summation order, filter_size times fewer products
        return _ValidFilter(gauss, 2)(_ValidFilter(gauss, 1)(img))

    p1, p2 = planes(a), planes(b)
    mu1, mu2 = blur(p1), blur(p2)
    mu1_sq, mu2_sq, mu12 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    sigma1_sq = blur(p1 * p1) - mu1_sq
    sigma2_sq = blur(p2 * p2) - mu2_sq
    sigma12 = blur(p1 * p2) - mu12
    numerator = (2.0 * mu12 + c1) * (2.0 * sigma12 + c2)
    denominator = (mu1_sq + mu2_sq + c1) * (sigma1_sq + sigma2_sq + c2)
    per_plane = knp.mean(numerator / denominator, axis=[1, 2, 3])
    result = knp.mean(knp.reshape(per_plane, (batch, channels)), axis=-1)
    if unbatched:
        result = knp.squeeze(result, 0)
    return _m.cast(result, original)


__all__ += ["elastic_transform", "extract_patches_3d", "map_coordinates",
            "perspective_transform", "scale_and_translate", "ssim"]
