"""Keras 3's colour augmentation layers: RandomHue, RandomSaturation, RandomGrayscale,
RandomColorJitter, Solarization, RandomInvert and RandomPosterization.

They take images (one or a batch, ``value_range`` giving the pixel scale) or a dict of
images with labels, bounding boxes and segmentation masks, which pass through unchanged. They
draw through their own SeedGenerator in Keras 3.15's order (some draw at inference too, as
Keras does, so the generator moves on) and compute in float32 as the TF backend does, so the
same ``seed`` gives Keras's images (docs/augmentation_layers.md gives the tolerances).

Example::

    augment = tf.keras.Sequential([tf.keras.layers.RandomHue(0.2, seed=1),
                                   tf.keras.layers.RandomSaturation(0.3, seed=2)])
    dataset = dataset.map(lambda x, y: (augment(x, training=True), y))
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.image import color
from featherflow.keras import random as keras_random
from featherflow.layers.preprocessing.augmentation import RandomBrightness, RandomContrast
from featherflow.layers.preprocessing.image_layer import (
    DataAugmentation,
    parse_value_range,
    to_value_range,
)
from featherflow.ops import depthwise_conv, math, reduce

_F32 = np.float32
_GRAY = np.array([0.2989, 0.5870, 0.1140], _F32)


def _hsv(x):
    """Float32 HSV of channels-last RGB (TF's kernel; no gradient, as TF's HSV-to-RGB)."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return color.rgb_to_hsv(Tensor(data.astype(_F32, copy=False))).data


def _rgb(hsv):
    return color.hsv_to_rgb(Tensor(hsv)).data


class _ColorLayer(DataAugmentation):
    """A colour layer: ``value_range`` in the config, boxes/labels/masks unchanged."""

    def _check_rgb(self, shape):
        if shape[-1] != 3:
            raise ValueError(f"{self._where()}: expected RGB images (3 channels); received a "
                             f"batch of shape {tuple(shape)} (channels-last view).")

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "value_range": list(self.value_range),
                       "seed": self.seed})
        return config


class RandomHue(_ColorLayer):
    """Shift the hue of each image by a random ``±factor / 2`` of a turn.

    Example::

        tf.keras.layers.RandomHue(0.2, value_range=(0, 255), seed=1)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = parse_value_range(value_range, self._where(), sort=False)

    def _transformation(self, shape, batched, training):
        batch = shape[0]
        sign = np.where(self._uniform((batch,)) > _F32(0.5), _F32(-1), _F32(1))
        factor = self._uniform((batch,), self.factor[0], self.factor[1])
        return {"factor": (sign * factor * _F32(0.5)).astype(_F32)}

    def _transform_images(self, x, t):
        self._check_rgb(x.data.shape)
        x = to_value_range(math.cast(x, "float32"), self.value_range, (0, 1))
        hsv = _hsv(x)
        hue = hsv[..., 0] + t["factor"].reshape(-1, 1, 1)
        hue = np.where(hue > _F32(1), hue - _F32(1), hue)
        hue = np.where(hue < _F32(0), hue + _F32(1), hue)
        rgb = np.clip(_rgb(np.stack([hue, hsv[..., 1], hsv[..., 2]], axis=-1)), 0, 1)
        return math.cast(to_value_range(Tensor(rgb.astype(_F32)), (0, 1), self.value_range),
                         self.dtype)


class RandomSaturation(_ColorLayer):
    """Scale the saturation of each image by ``f / (1 - f)`` for a random ``f`` in ``factor``
    (Keras clips the scaled saturation to ``value_range``, as here).

    Example::

        tf.keras.layers.RandomSaturation(0.5, seed=2)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        factor = self._uniform((shape[0],), self.factor[0], self.factor[1])
        return {"factor": (factor / (_F32(1) - factor + _F32(1e-7))).astype(_F32)}

    def _transform_images(self, x, t):
        self._check_rgb(x.data.shape)
        hsv = _hsv(math.cast(x, "float32"))
        saturation = np.clip(hsv[..., 1] * t["factor"].reshape(-1, 1, 1),
                             _F32(self.value_range[0]), _F32(self.value_range[1]))
        rgb = _rgb(np.stack([hsv[..., 0], saturation, hsv[..., 2]], axis=-1))
        return math.cast(Tensor(rgb), self.dtype)


class RandomGrayscale(DataAugmentation):
    """Turn each image to grayscale (kept on three channels) with probability ``factor``.

    Example::

        tf.keras.layers.RandomGrayscale(factor=0.5, seed=3)
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not \
                0 <= factor <= 1:
            raise ValueError(f"{self._where()}: `factor` should be a number between 0 and 1. "
                             f"Received: factor={factor!r}")
        self.factor = factor

    def _transformation(self, shape, batched, training):
        draws = self._uniform((shape[0],))
        return {"apply": (draws < _F32(self.factor)).reshape(-1, 1, 1, 1)}

    def _transform_images(self, x, t):
        channels = x.data.shape[-1]
        if channels not in (1, 3):
            raise ValueError(f"{self._where()}: expected 3 (RGB) or 1 (grayscale) channels; "
                             f"received a batch of shape {tuple(x.data.shape)} "
                             "(channels-last view).")
        x = math.cast(x, self.dtype)
        if channels == 1:
            return x
        gray = math.reduce_sum(math.multiply(x, _GRAY.astype(x.data.dtype)), axis=-1,
                               keepdims=True)
        gray = math.multiply(gray, np.ones(3, x.data.dtype))
        return math.where(np.broadcast_to(t["apply"], x.data.shape), gray, x)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config


class RandomColorJitter(DataAugmentation):
    """RandomBrightness, RandomContrast, RandomSaturation and RandomHue in that order (each
    only if its factor is given), all drawing from this layer's seed.

    Example::

        tf.keras.layers.RandomColorJitter(value_range=(0, 255), brightness_factor=0.2,
                                          hue_factor=0.1, seed=4)
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        parts = []
        if brightness_factor is not None:
            parts.append(RandomBrightness(brightness_factor, value_range=value_range, seed=seed))
        if contrast_factor is not None:
            parts.append(RandomContrast(contrast_factor, value_range=value_range, seed=seed))
        if saturation_factor is not None:
            parts.append(RandomSaturation(saturation_factor, value_range=value_range,
                                          seed=seed))
        if hue_factor is not None:
            parts.append(RandomHue(hue_factor, value_range=value_range, seed=seed))
        for part in parts:
            # every part draws from the jitter's generator, in order, as in Keras
            part._generator = self._generator
        self._parts = parts

    def _transformation(self, shape, batched, training):
        return {} if training else None

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        for part in self._parts:
            if isinstance(part, DataAugmentation):
                x = part._transform_images(x, part._transformation(x.data.shape, True, True))
            else:
                x = part._augment(x, True)
        return math.cast(x, self.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": list(self.value_range),
                       "brightness_factor": self.brightness_factor,
                       "contrast_factor": self.contrast_factor,
                       "saturation_factor": self.saturation_factor,
                       "hue_factor": self.hue_factor, "seed": self.seed})
        return config


def _solarization_factor(factor, name, where):
    message = (f"{where}: the `addition_factor` and `threshold_factor` arguments should be a "
               f"number (or a list of two numbers) in the range [0, 1]. Received: "
               f"{name}={factor!r}")

    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not \
                0 <= value <= 1:
            raise ValueError(message)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(message)
        check(factor[0])
        check(factor[1])
        return sorted(factor)
    check(factor)
    return [0, factor]


class Solarization(DataAugmentation):
    """Add a random ``addition`` to the pixels (in a 0-255 scale), then invert those above a
    random ``threshold``.

    Example::

        tf.keras.layers.Solarization(addition_factor=0.1, threshold_factor=0.5, seed=5)
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _solarization_factor(addition_factor, "addition_factor",
                                                    self._where())
        self.threshold_factor = _solarization_factor(threshold_factor, "threshold_factor",
                                                     self._where())
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        factor_shape = (shape[0], 1, 1, 1) if batched else (1, 1, 1)
        additions = self._uniform(factor_shape, self.addition_factor[0],
                                  self.addition_factor[1] * 255, dtype="float32")
        thresholds = self._uniform(factor_shape, self.threshold_factor[0],
                                   self.threshold_factor[1] * 255, dtype="float32")
        return {"additions": additions.reshape(-1, 1, 1, 1),
                "thresholds": thresholds.reshape(-1, 1, 1, 1)}

    def _transform_images(self, x, t):
        x = to_value_range(math.cast(x, self.dtype), self.value_range, (0, 255))
        x = math.clip_by_value(math.add(x, t["additions"]), _F32(0), _F32(255))
        below = x.data < t["thresholds"]
        x = math.where(below, x, math.subtract(_F32(255), x))
        return to_value_range(x, (0, 255), self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": list(self.value_range),
                       "addition_factor": list(self.addition_factor),
                       "threshold_factor": list(self.threshold_factor), "seed": self.seed})
        return config


class RandomInvert(_ColorLayer):
    """Replace each image by ``value_range[1] - image`` with a probability drawn in
    ``factor``.

    Example::

        tf.keras.layers.RandomInvert(factor=0.5, seed=6)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = parse_value_range(value_range, self._where(), sort=False)

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        probability = self._uniform((shape[0],), self.factor[0], self.factor[1])
        threshold = self._uniform((shape[0],))
        return {"apply": (threshold < probability).reshape(-1, 1, 1, 1)}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        inverted = math.subtract(np.asarray(self.value_range[1], x.data.dtype), x)
        return math.where(np.broadcast_to(t["apply"], x.data.shape), inverted, x)


class RandomPosterization(_ColorLayer):
    """Keep only a random number of the high bits (``factor``: 1 to 8) of each 0-255 pixel.

    Example::

        tf.keras.layers.RandomPosterization(factor=(2, 6), seed=7)
    """

    _FACTOR_BOUNDS = (1, 8)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        batch = shape[0]
        low, high = self.factor
        if low != high:
            bits = keras_random.randint((batch,), int(low), int(high), dtype="uint8",
                                        seed=self.generator).numpy()
        else:
            bits = np.full((batch,), int(low), np.uint8)
        return {"shift": (np.uint8(8) - bits.astype(np.uint8)).reshape(-1, 1, 1, 1)}

    def _transform_images(self, x, t):
        x = to_value_range(math.cast(x, self.dtype), self.value_range, (0, 255))
        data = x.data if isinstance(x, Tensor) else np.asarray(x)
        # TF casts a float to uint8 by truncation (values are in 0-255 here)
        pixels = data.astype(np.uint8)
        shift = t["shift"]
        pixels = np.left_shift(np.right_shift(pixels, shift), shift).astype(np.uint8)
        out = Tensor(pixels.astype(_F32))
        return math.cast(to_value_range(out, (0, 255), self.value_range), self.dtype)


class AutoContrast(DataAugmentation):
    """Stretch each channel of each image to the full ``value_range`` (no randomness; applied
    at inference too, as in Keras).

    Example::

        tf.keras.layers.AutoContrast(value_range=(0, 255))
    """

    _AT_INFERENCE = True

    def __init__(self, value_range=(0, 255), **kwargs):
        # no randomness: a fixed seed, so no default seed is drawn from Python's `random`
        # (Keras's layer has no generator, and AugMix's operation picks depend on that state)
        super().__init__(seed=0, **kwargs)
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        return {}

    def _transform_images(self, x, t):
        original = math.cast(x, self.dtype)
        x = math.cast(to_value_range(original, self.value_range, (0, 255)), "float32")
        # Keras reduces axes (1, 2) of the layer's own layout: height and width, or for
        # channels_first the channels and the height
        axes = [1, 2] if self.data_format == "channels_last" else [3, 1]
        low = reduce.reduce_min(x, axis=axes, keepdims=True)
        high = reduce.reduce_max(x, axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = math.divide(_F32(255), math.subtract(high, low))
            offset = math.multiply(math.negative(low), scale)
            out = math.clip_by_value(math.add(math.multiply(x, scale), offset), _F32(0),
                                     _F32(255))
            out = math.cast(to_value_range(out, (0, 255), self.value_range), self.dtype)
        return math.where(np.isnan(out.data), original, out)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": list(self.value_range)})
        return config


class Equalization(DataAugmentation):
    """Histogram-equalize each channel (one histogram of ``bins`` over the whole batch per
    channel, as Keras computes it).

    Example::

        tf.keras.layers.Equalization(value_range=(0, 255), bins=256)
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        # no randomness: a fixed seed (see AutoContrast)
        super().__init__(seed=0, data_format=data_format, **kwargs)
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
            raise ValueError(f"{self._where()}: `bins` must be an integer of at least 2; "
                             f"received bins={bins!r}.")
        self.bins = int(bins)
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        return {}

    def _equalize(self, channel):
        low, high = self.value_range
        scale = 255.0 / (high - low)
        channel = channel * _F32(scale) + _F32(0 - low * scale)
        bins = self.bins
        scaled = (channel - _F32(0)) * _F32(bins - 1) / _F32(255)
        index = np.clip(scaled.astype(np.int32), 0, bins - 1)
        hist = np.bincount(index.ravel(), minlength=bins)
        if np.count_nonzero(hist) <= 1:
            out = channel.astype(np.float64)
        else:
            cdf = np.cumsum(hist)
            cdf_min = cdf[np.nonzero(cdf)[0][0]]
            denominator = cdf[-1] - cdf_min
            denominator = 1 if denominator == 0 else denominator
            table = np.clip(np.round((cdf - cdf_min) * 255 / denominator), 0, 255)
            lookup = np.clip((channel / _F32(255.0)) * _F32(bins - 1), 0, bins - 1)
            out = table[lookup.astype(np.int32)]
        # back to the value range in float64, where Keras's lookup table puts the values
        back = (high - low) / 255.0
        return out * back + (low - 0 * back)

    def _transform_images(self, x, t):
        data = math.cast(x, self.dtype).data.astype(_F32)
        out = np.stack([self._equalize(data[..., c]) for c in range(data.shape[-1])], axis=-1)
        return math.cast(Tensor(out.astype(_F32)), self.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"bins": self.bins, "value_range": list(self.value_range)})
        return config


class RandomColorDegeneration(_ColorLayer):
    """Blend each image towards its grayscale version by a random amount in ``factor``.

    Example::

        tf.keras.layers.RandomColorDegeneration(0.5, seed=8)
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        factor = self._uniform((shape[0], 1, 1, 1), self.factor[0], self.factor[1])
        return {"factor": factor.astype(_F32)}

    def _transform_images(self, x, t):
        self._check_rgb(x.data.shape)
        x = math.cast(x, self.dtype)
        gray = math.reduce_sum(math.multiply(x, _GRAY.astype(x.data.dtype)), axis=-1,
                               keepdims=True)
        factor = t["factor"].astype(x.data.dtype)
        out = math.add(x, math.multiply(factor, math.subtract(gray, x)))
        return math.clip_by_value(out, _F32(self.value_range[0]), _F32(self.value_range[1]))


_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], np.float64) / 13.0


class RandomSharpness(_ColorLayer):
    """Sharpen (or blur) each image by ``1 - 2 f`` times its difference from a 3x3 smoothing,
    ``f`` drawn in ``factor``.

    Example::

        tf.keras.layers.RandomSharpness(0.4, seed=9)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.value_range = parse_value_range(value_range, self._where())

    def _transformation(self, shape, batched, training):
        return {"factor": self._uniform((shape[0],), self.factor[0], self.factor[1])}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        dtype = x.data.dtype
        factor = (t["factor"] * 2).astype(dtype).reshape(-1, 1, 1, 1)
        kernel = np.tile(_SMOOTH.astype(dtype).reshape(3, 3, 1, 1),
                         (1, 1, x.data.shape[-1], 1))
        smoothed = depthwise_conv.depthwise_conv(x, kernel, padding="same",
                                                 data_format="channels_last")
        out = math.add(x, math.multiply(_F32(1) - factor, math.subtract(smoothed, x)))
        return math.clip_by_value(out, _F32(self.value_range[0]), _F32(self.value_range[1]))


class ContrastLimitedAdaptiveHistogramEqualization(DataAugmentation):
    """CLAHE: equalize each tile of a ``tile_grid_size`` grid by its own histogram, clipped at
    ``clip_limit`` times the mean bin, blending the tiles' mappings bilinearly (no
    randomness; applied at inference too, as in Keras).

    Example::

        tf.keras.layers.ContrastLimitedAdaptiveHistogramEqualization(clip_limit=2.0,
                                                                     tile_grid_size=(4, 4))
    """

    _AT_INFERENCE = True

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):
        # no randomness: a fixed seed (see AutoContrast)
        super().__init__(seed=0, data_format=data_format, **kwargs)
        self.value_range = parse_value_range(value_range, self._where(), sort=False)
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{self._where()}: `clip_limit` must be a number; received "
                             f"clip_limit={clip_limit!r}.")
        if not isinstance(tile_grid_size, (tuple, list)) or len(tile_grid_size) != 2 or any(
                isinstance(g, bool) or not isinstance(g, (int, np.integer)) or g < 1
                for g in tile_grid_size):
            raise ValueError(f"{self._where()}: `tile_grid_size` must be two positive integers "
                             f"(rows, columns); received tile_grid_size={tile_grid_size!r}.")
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(int(g) for g in tile_grid_size)

    def _transformation(self, shape, batched, training):
        return {}

    def _clahe(self, images):
        batch, height, width, channels = images.shape
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
        padded = images if pad_h == 0 and pad_w == 0 else np.pad(
            images, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="symmetric")
        tiles = padded.reshape(batch, grid_h, tile_h, grid_w, tile_w, channels)
        tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(batch, grid_h, grid_w, channels, -1)
        bins = np.clip(tiles.astype(np.int32), 0, 255)
        # one histogram per tile and channel (counts are exact in float32)
        flat = bins.reshape(-1, bins.shape[-1])
        offsets = (np.arange(flat.shape[0]) * 256)[:, None]
        hists = np.bincount((flat + offsets).ravel(), minlength=flat.shape[0] * 256)
        hists = hists.reshape(bins.shape[:-1] + (256,)).astype(_F32)
        if self.clip_limit > 0:
            limit = _F32(self.clip_limit * (tile_h * tile_w) / 256.0)
            clipped = np.clip(hists, _F32(0), limit)
            excess = (hists - clipped).sum(axis=-1, keepdims=True, dtype=_F32)
            hists = clipped + excess / _F32(256.0)
        cdf = np.cumsum(hists, axis=-1, dtype=_F32)
        cdf_min = cdf.min(axis=-1, keepdims=True)
        numerator = (cdf - cdf_min) * _F32(255.0)
        denominator = _F32(tile_h * tile_w) - cdf_min
        denominator = np.where(denominator == 0, _F32(1), denominator)
        table = np.clip(numerator / denominator, _F32(0), _F32(255))
        # the tiles' tables with one tile of edge padding all round
        table = np.pad(table, ((0, 0), (1, 1), (1, 1), (0, 0), (0, 0)), mode="edge")

        def grid(size, tile, count):
            g = (np.arange(size, dtype=_F32) - _F32(tile / 2.0)) / _F32(tile) + _F32(1.0)
            low = np.floor(g)
            weight = g - low
            return (np.clip(low, 0, count + 1).astype(np.int32),
                    np.clip(low + 1, 0, count + 1).astype(np.int32), weight)

        y0, y1, wy = grid(tile_h * grid_h, tile_h, grid_h)
        x0, x1, wx = grid(tile_w * grid_w, tile_w, grid_w)
        pixels = np.clip(padded, 0, 255).astype(np.int32)
        b = np.arange(batch)[:, None, None, None]
        c = np.arange(channels)[None, None, None, :]
        ys0, ys1 = y0[None, :, None, None], y1[None, :, None, None]
        xs0, xs1 = x0[None, None, :, None], x1[None, None, :, None]
        wy, wx = wy[None, :, None, None], wx[None, None, :, None]
        one = _F32(1.0)
        top = table[b, ys0, xs0, c, pixels] * (one - wx) + table[b, ys0, xs1, c, pixels] * wx
        bottom = table[b, ys1, xs0, c, pixels] * (one - wx) + table[b, ys1, xs1, c, pixels] * wx
        out = top * (one - wy) + bottom * wy
        return out[:, :height, :width, :]

    def _transform_images(self, x, t):
        dtype = x.data.dtype
        images = to_value_range(x, self.value_range, (0, 255))
        images = math.cast(images, "float32").data
        out = Tensor(self._clahe(images).astype(_F32))
        return math.cast(to_value_range(out, (0, 255), self.value_range), dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": list(self.value_range), "clip_limit": self.clip_limit,
                       "tile_grid_size": list(self.tile_grid_size)})
        return config


__all__ = ["AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization",
           "RandomColorDegeneration", "RandomColorJitter", "RandomGrayscale", "RandomHue",
           "RandomInvert", "RandomPosterization", "RandomSaturation", "RandomSharpness",
           "Solarization"]
