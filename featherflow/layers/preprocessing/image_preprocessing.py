"""``Rescaling``, ``Resizing`` and ``CenterCrop``: Keras 3's deterministic image layers.

``Resizing`` runs featherflow's ``tf.image.resize`` (TF's kernels), after Keras's
crop-to-aspect-ratio or pad-to-aspect-ratio arithmetic; integer images come back rounded and
saturated to their dtype, as in Keras. All three are differentiable in the pixels.

Example::

    >>> layer = tf.keras.layers.Resizing(64, 64, crop_to_aspect_ratio=True)
    >>> layer(np.zeros((2, 100, 80, 3))).shape
    TensorShape([2, 64, 64, 3])
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.image.resize import resize as image_resize
from featherflow.layers.preprocessing.image_layer import ImagePreprocessingLayer
from featherflow.ops import concat, indexing, math

# the methods Keras 3's TF backend lets Resizing use
_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")


def _float32_floor_div(numerator, denominator):
    """``int(float32(numerator) / denominator)``: the TF backend's shape arithmetic."""
    return int(np.float32(numerator) / np.float32(denominator))


def aspect_crop_box(height, width, target_height, target_width, in_float32=True):
    """``(top, left, crop_height, crop_width)`` of the centred crop with the target's aspect
    ratio (float32 arithmetic as Keras's resize, float64 as ``smart_resize``)."""
    if in_float32:
        crop_height = _float32_floor_div(width * target_height, target_width)
        crop_width = _float32_floor_div(height * target_width, target_height)
    else:
        crop_height = int(float(width * target_height) / target_width)
        crop_width = int(float(height * target_width) / target_height)
    crop_height = max(min(height, crop_height), 1)
    crop_width = max(min(width, crop_width), 1)
    if in_float32:
        top = _float32_floor_div(height - crop_height, 2)
        left = _float32_floor_div(width - crop_width, 2)
    else:
        top = int(float(height - crop_height) / 2)
        left = int(float(width - crop_width) / 2)
    return top, left, crop_height, crop_width


def crop(x, top, left, height, width):
    """Rows ``top:top+height`` and columns ``left:left+width`` of channels-last images."""
    if x.data.ndim == 4:
        return indexing.getitem(x, (slice(None), slice(top, top + height),
                                    slice(left, left + width)))
    return indexing.getitem(x, (slice(top, top + height), slice(left, left + width)))


def _pad_to_aspect(x, target_height, target_width, fill_value):
    """Keras's pad-to-aspect-ratio: equal bands of ``fill_value`` above and below (or left
    and right), each as wide as the centred offset (so an odd difference pads one less)."""
    h_axis = x.data.ndim - 3
    height, width = x.data.shape[h_axis], x.data.shape[h_axis + 1]
    pad_height = max(height, _float32_floor_div(width * target_height, target_width))
    pad_width = max(width, _float32_floor_div(height * target_width, target_height))
    top = _float32_floor_div(pad_height - height, 2)
    left = _float32_floor_div(pad_width - width, 2)
    for axis, band in ((h_axis, top), (h_axis + 1, left)):
        if band > 0:
            shape = list(x.data.shape)
            shape[axis] = band
            fill = Tensor(np.full(shape, fill_value, dtype=x.data.dtype))
            x = concat.concat([fill, x, fill], axis=axis)
    return x


def resize_images(x, height, width, interpolation="bilinear", antialias=False,
                  crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_value=0.0):
    """Keras 3's ``ops.image.resize`` on channels-last images (TF backend arithmetic)."""
    if crop_to_aspect_ratio:
        h_axis = x.data.ndim - 3
        top, left, crop_height, crop_width = aspect_crop_box(
            x.data.shape[h_axis], x.data.shape[h_axis + 1], height, width)
        x = crop(x, top, left, crop_height, crop_width)
    elif pad_to_aspect_ratio:
        x = _pad_to_aspect(x, height, width, fill_value)
    return image_resize(x, [height, width], method=interpolation, antialias=antialias)


def _saturate_cast(x, dtype):
    """Round float pixels and clip them to an integer ``dtype``'s range before casting."""
    info = np.iinfo(dtype)
    values = np.clip(np.round(x.data), info.min, info.max)
    return Tensor(values.astype(dtype))


class Rescaling(ImagePreprocessingLayer):
    """``inputs * scale + offset`` in the layer's dtype.

    Example::

        tf.keras.layers.Rescaling(1. / 127.5, offset=-1)   # [0, 255] -> [-1, 1]
    """

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def call(self, inputs):
        dtype = inputs.data.dtype
        scale = np.asarray(self.scale, dtype=dtype)
        offset = np.asarray(self.offset, dtype=dtype)
        if scale.ndim and self.data_format == "channels_first":
            scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
        return math.add(math.multiply(inputs, scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        config.update({"scale": _plain(self.scale), "offset": _plain(self.offset)})
        return config


def _plain(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


class Resizing(ImagePreprocessingLayer):
    """Resize images to ``(height, width)`` with TF's kernels.

    Example::

        tf.keras.layers.Resizing(224, 224, interpolation="bicubic")
    """

    # integer images keep their dtype (rounded and saturated), as in Keras
    _cast_int_inputs = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)
        where = self._where()
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"{where}: invalid value for argument `interpolation`. Expected one "
                             f"of {_INTERPOLATIONS}. Received: interpolation={interpolation!r}")
        if fill_mode != "constant":
            raise ValueError(f"{where}: invalid value for argument `fill_mode`. Only "
                             f"'constant' is supported. Received: fill_mode={fill_mode!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"{where}: only one of `pad_to_aspect_ratio` and "
                             "`crop_to_aspect_ratio` can be True.")
        for argument, value in (("height", height), ("width", width)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{where}: `{argument}` must be a positive integer; received "
                                 f"{value!r}.")

    def call(self, inputs):
        x, _ = self._images(inputs)
        dtype = x.data.dtype
        out = resize_images(self._to_channels_last(x), self.height, self.width,
                            self.interpolation, self.antialias, self.crop_to_aspect_ratio,
                            self.pad_to_aspect_ratio, self.fill_value)
        out = self._from_channels_last(out)
        if out.data.dtype != dtype:
            if dtype.kind in "iu":
                return _saturate_cast(out, dtype)
            out = math.cast(out, dtype)
        return out

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({
            "height": self.height, "width": self.width, "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
            "fill_value": self.fill_value, "antialias": self.antialias,
            "data_format": self.data_format,
        })
        return config


class CenterCrop(ImagePreprocessingLayer):
    """Crop the centre ``(height, width)`` of images; smaller images are cropped to the
    target's aspect ratio and resized up (Keras's ``smart_resize``).

    Example::

        tf.keras.layers.CenterCrop(224, 224)
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def call(self, inputs):
        x, _ = self._images(inputs)
        x = self._to_channels_last(x)
        h_axis = x.data.ndim - 3
        height, width = x.data.shape[h_axis], x.data.shape[h_axis + 1]
        if height >= self.height and width >= self.width:
            out = crop(x, (height - self.height) // 2, (width - self.width) // 2, self.height,
                       self.width)
        else:
            top, left, crop_height, crop_width = aspect_crop_box(
                height, width, self.height, self.width, in_float32=False)
            out = image_resize(crop(x, top, left, crop_height, crop_width),
                                      [self.height, self.width])
        return self._from_channels_last(out)

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(f"{self._where()}: `input_shape` must have rank 3 (unbatched) or "
                             f"4 (batched); received {tuple(input_shape)}.")
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config


__all__ = ["CenterCrop", "Rescaling", "Resizing"]
