"""Keras 3's random image augmentation layers: RandomFlip, RandomRotation, RandomZoom,
RandomTranslation, RandomContrast, RandomBrightness and RandomCrop.

They act when ``training`` is True (the default of a direct call, and what ``fit`` passes);
with ``training=False`` (``predict``, ``evaluate``) they return the images unchanged, except
RandomCrop, which then crops the centre to the target's aspect ratio and resizes as tf.keras 2
does (Keras 3.15 returns the input uncropped there, against its own output shape). Each layer
draws through ``keras.random`` with its own SeedGenerator, in the order Keras 3 draws, and
builds its transform in float32 as Keras does; so with the same ``seed`` the augmented images
are Keras's (docs/preprocessing_layers.md gives the tolerances).

Example::

    augment = tf.keras.Sequential([tf.keras.layers.RandomFlip("horizontal", seed=1),
                                   tf.keras.layers.RandomRotation(0.1, seed=2)])
    dataset = dataset.map(lambda x, y: (augment(x, training=True), y))
"""

import numpy as np

from featherflow.keras import random as keras_random
from featherflow.layers.preprocessing.affine_transform import (
    FILL_MODES,
    INTERPOLATIONS,
    projective_transform,
)
from featherflow.layers.preprocessing.image_layer import SeededLayer
from featherflow.layers.preprocessing.image_preprocessing import (
    aspect_crop_box,
    crop,
    resize_images,
)
from featherflow.ops import math, reduce, reshape
from featherflow.ops import reverse as reverse_ops

_F32 = np.float32
HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL = "horizontal", "vertical", "horizontal_and_vertical"


class _Augmentation(SeededLayer):
    """An augmentation: ``call(images, training=True)`` on one image or a batch."""

    def call(self, inputs, training=True):
        x, batched = self._images(inputs)
        if not training:
            return self._inference(x)
        x = self._to_channels_last(x if batched else reshape.expand_dims(x, 0))
        out = self._augment(x, batched)
        if not batched:
            out = reshape.squeeze(out, 0)
        return self._from_channels_last(out)

    def _inference(self, x):
        return x

    def compute_output_shape(self, input_shape):
        return input_shape


class _Affine(_Augmentation):
    """The layers that resample through TF's projective transform."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if fill_mode not in FILL_MODES:
            raise ValueError(f"{self._where()}: unknown `fill_mode` {fill_mode!r}. Expected one "
                             f"of {FILL_MODES}.")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"{self._where()}: unknown `interpolation` {interpolation!r}. "
                             f"Expected one of {INTERPOLATIONS}.")
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _augment(self, x, batched):
        batch, height, width = x.data.shape[:3]
        transforms = self._transforms(batch, height, width)
        return projective_transform(math.cast(x, self.dtype), transforms, self.interpolation,
                                    self.fill_mode, self.fill_value)


def _affine_matrix(angle, height, width):
    """Keras's ``_compute_affine_matrix`` for a rotation about the centre, in float32."""
    angle = angle * _F32(np.pi / 180.0)
    cx = _F32(0.5) * (_F32(width) - _F32(1))
    cy = _F32(0.5) * (_F32(height) - _F32(1))
    cos, sin = np.cos(angle), np.sin(angle)
    zero = np.zeros_like(angle)
    a0 = cos + zero * sin
    a1 = -sin + zero * cos
    a2 = zero + cx - cx * a0 - cy * a1
    b0 = zero * cos + sin
    b1 = zero * -sin + cos
    b2 = zero + cy - cx * b0 - cy * b1
    return np.stack([a0, a1, a2, b0, b1, b2, zero, zero], axis=1).astype(_F32)


class RandomFlip(_Augmentation):
    """Flip images left-right and/or up-down, each image with probability 1/2.

    Example::

        tf.keras.layers.RandomFlip("horizontal", seed=42)
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(f"{self._where()}: unknown `mode` argument {mode!r}; expected one "
                             f"of {HORIZONTAL!r}, {VERTICAL!r} or {HORIZONTAL_AND_VERTICAL!r}.")
        self.mode = mode

    def _augment(self, x, batched):
        shape = (x.data.shape[0], 1, 1, 1) if batched else (1, 1, 1)
        flips = (self._uniform(shape) <= _F32(0.5)).reshape(-1, 1, 1, 1)
        x = math.cast(x, self.dtype)
        # one draw per image: horizontal_and_vertical flips both ways or neither
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            x = math.where(flips, reverse_ops.reverse(x, [2]), x)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            x = math.where(flips, reverse_ops.reverse(x, [1]), x)
        return x

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode})
        return config


class RandomRotation(_Affine):
    """Rotate images by a random angle in ``factor * 360`` degrees (a fraction of a turn, or a
    ``(lower, upper)`` pair), filling the corners by ``fill_mode``.

    Example::

        tf.keras.layers.RandomRotation(0.1, fill_mode="constant", seed=1)
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)

    def _transforms(self, batch, height, width):
        lower, upper = self.factor[0] * 360.0, self.factor[1] * 360.0
        return _affine_matrix(self._uniform((batch,), lower, upper), height, width)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "interpolation": self.interpolation,
                       "seed": self.seed})
        return config


class _ShiftOrScale(_Affine):
    """RandomTranslation and RandomZoom: a factor pair per axis, range-checked as Keras."""

    _LOWER_OPEN = False

    def _axis_factor(self, factor, argument):
        open_note = "(-1.0, 1.0]" if self._LOWER_OPEN else "[-1.0, 1.0]"
        message = (f"{self._where()}: the `{argument}` argument should be a number (or a list of "
                   f"two numbers) in the range {open_note}. Received: {argument}={factor!r}")

        def check(value):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value > 1.0 \
                    or value < -1.0 or (self._LOWER_OPEN and value == -1.0):
                raise ValueError(message)

        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(message)
            check(factor[0])
            check(factor[1])
            return tuple(sorted(factor))
        check(factor)
        return -abs(factor), abs(factor)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "seed": self.seed, "fill_value": self.fill_value})
        return config


class RandomTranslation(_ShiftOrScale):
    """Shift images by random fractions of their height and width.

    Example::

        tf.keras.layers.RandomTranslation(0.1, 0.2, fill_mode="nearest", seed=3)
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._axis_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        self.width_lower, self.width_upper = self._axis_factor(width_factor, "width_factor")

    def _transforms(self, batch, height, width):
        dy = self._uniform((batch, 1), self.height_lower, self.height_upper) * _F32(height)
        dx = self._uniform((batch, 1), self.width_lower, self.width_upper) * _F32(width)
        ones, zeros = np.ones((batch, 1), _F32), np.zeros((batch, 1), _F32)
        return np.concatenate([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


class RandomZoom(_ShiftOrScale):
    """Zoom images in or out by random factors (``-0.3`` zooms in by up to 30%, ``0.3`` out);
    ``width_factor=None`` keeps the aspect ratio.

    Example::

        tf.keras.layers.RandomZoom((-0.2, 0.2), seed=4)
    """

    _LOWER_OPEN = True

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._axis_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = self._axis_factor(width_factor, "width_factor")

    def _transforms(self, batch, height, width):
        zoom_y = self._uniform((batch, 1), 1.0 + self.height_lower, 1.0 + self.height_upper)
        if self.width_factor is not None:
            zoom_x = self._uniform((batch, 1), 1.0 + self.width_lower, 1.0 + self.width_upper)
        else:
            zoom_x = zoom_y
        x_offset = ((_F32(width) - _F32(1)) / _F32(2)) * (_F32(1) - zoom_x)
        y_offset = ((_F32(height) - _F32(1)) / _F32(2)) * (_F32(1) - zoom_y)
        zeros = np.zeros((batch, 1), _F32)
        return np.concatenate([zoom_x, zeros, x_offset, zeros, zoom_y, y_offset, zeros, zeros],
                              axis=1)


class _ValueRangeLayer(_Augmentation):
    """RandomContrast and RandomBrightness: pixel values kept inside ``value_range``."""

    def _value_range(self, value_range):
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"{self._where()}: the `value_range` argument should be a list of "
                             f"two numbers. Received: value_range={value_range!r}")
        return value_range

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "value_range": list(self.value_range),
                       "seed": self.seed})
        return config


class RandomContrast(_ValueRangeLayer):
    """Scale each image's deviation from its per-channel mean by a random factor in
    ``[1 - lower, 1 + upper]`` (Keras 3's ``factor`` rule), clipped to ``value_range``.

    Example::

        tf.keras.layers.RandomContrast(0.2, seed=5)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = self._value_range(value_range)

    def _augment(self, x, batched):
        x = math.cast(x, self.dtype)
        shape = (x.data.shape[0], 1, 1, 1) if batched else (1, 1, 1)
        factor = self._uniform(shape, 1.0 - self.factor[0], 1.0 + self.factor[1],
                               dtype=self.dtype).reshape(-1, 1, 1, 1)
        mean = reduce.reduce_mean(reduce.reduce_mean(x, axis=1, keepdims=True), axis=2,
                                  keepdims=True)
        out = math.add(math.multiply(math.subtract(x, mean), factor), mean)
        return math.clip_by_value(out, self.value_range[0], self.value_range[1])


class RandomBrightness(_ValueRangeLayer):
    """Add a random ``factor * (max - min)`` of ``value_range`` to each image, clipped.

    Example::

        tf.keras.layers.RandomBrightness(0.2, value_range=(0, 1), seed=6)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = sorted(self._value_range(value_range))

    def _augment(self, x, batched):
        x = math.cast(x, self.dtype)
        shape = (x.data.shape[0], 1, 1, 1) if batched else (1, 1, 1)
        delta = self._uniform(shape, self.factor[0], self.factor[1]).reshape(-1, 1, 1, 1)
        delta = delta * _F32(self.value_range[1] - self.value_range[0])
        out = math.add(x, delta.astype(x.data.dtype))
        return math.clip_by_value(out, self.value_range[0], self.value_range[1])


class RandomCrop(_Augmentation):
    """Crop a random ``(height, width)`` window (the same for the whole batch, as Keras 3);
    at inference, crop the centre to the target's aspect ratio and resize.

    Example::

        tf.keras.layers.RandomCrop(24, 24, seed=7)
    """

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        if seed is None:
            # Keras records a drawn seed in the config, so a reloaded layer crops the same
            seed = keras_random.make_default_seed()
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height = height
        self.width = width

    def _augment(self, x, batched):
        x = math.cast(x, self.dtype)
        in_height, in_width = x.data.shape[1:3]
        if in_height > self.height and in_width > self.width:
            top = int(self._uniform((), 0.0, float(in_height - self.height + 1)))
            left = int(self._uniform((), 0.0, float(in_width - self.width + 1)))
        else:
            top, left, _, _ = aspect_crop_box(in_height, in_width, self.height, self.width,
                                              in_float32=False)
        out = crop(x, top, left, self.height, self.width)
        if out.data.shape[1:3] != (self.height, self.width):
            out = resize_images(out, self.height, self.width)
        return out

    def _inference(self, x):
        x = math.cast(self._to_channels_last(x), self.dtype)
        h_axis = x.data.ndim - 3
        top, left, crop_height, crop_width = aspect_crop_box(
            x.data.shape[h_axis], x.data.shape[h_axis + 1], self.height, self.width,
            in_float32=False)
        out = resize_images(crop(x, top, left, crop_height, crop_width), self.height,
                            self.width)
        return self._from_channels_last(out)

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config


__all__ = ["RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
           "RandomTranslation", "RandomZoom"]
