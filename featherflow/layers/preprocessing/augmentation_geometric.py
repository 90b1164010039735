"""Keras 3's newer spatial augmentation layers: RandomShear, RandomErasing and
RandomGaussianBlur.

They take images (one or a batch) or a dict of images with labels, bounding boxes and
segmentation masks. RandomShear resamples through TF's projective transform (masks with
``nearest``) and moves the boxes as Keras 3.15 does; RandomErasing and RandomGaussianBlur
change only the images. Each draws through its own SeedGenerator in Keras's order, so the
same ``seed`` gives Keras's images (docs/augmentation_layers.md gives the tolerances).

Example::

    augment = tf.keras.Sequential([tf.keras.layers.RandomShear(0.2, 0.1, seed=1),
                                   tf.keras.layers.RandomErasing(0.5, seed=2)])
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.keras import random as keras_random
from featherflow.layers.preprocessing.affine_transform import (
    FILL_MODES,
    INTERPOLATIONS,
    projective_transform,
)
from featherflow.layers.preprocessing.image_layer import DataAugmentation, parse_value_range
from featherflow.ops import depthwise_conv, math

_F32 = np.float32
BOX_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx",
               "rel_xywh", "rel_center_xywh")


def _split(boxes):
    return [boxes[..., i] for i in range(4)]


def _to_xyxy(boxes, source, height, width):
    a, b, c, d = _split(boxes)
    if source.startswith("rel_"):
        source = source[4:]
        scale = {"xyxy": (width, height, width, height), "yxyx": (height, width, height, width),
                 "xywh": (width, height, width, height),
                 "center_xywh": (width, height, width, height)}[source]
        a, b, c, d = (v * _F32(s) for v, s in zip((a, b, c, d), scale))
    if source == "xyxy":
        out = (a, b, c, d)
    elif source == "yxyx":
        out = (b, a, d, c)
    elif source == "xywh":
        out = (a, b, a + c, b + d)
    elif source == "center_xywh":
        out = (a - c / _F32(2), b - d / _F32(2), a + c / _F32(2), b + d / _F32(2))
    else:  # center_yxhw
        out = (b - d / _F32(2), a - c / _F32(2), b + d / _F32(2), a + c / _F32(2))
    return np.stack(out, axis=-1)


def _from_xyxy(boxes, target, height, width):
    x1, y1, x2, y2 = _split(boxes)
    relative = target.startswith("rel_")
    target = target[4:] if relative else target
    if relative:
        x1, x2 = x1 / _F32(width), x2 / _F32(width)
        y1, y2 = y1 / _F32(height), y2 / _F32(height)
    if target == "xyxy":
        out = (x1, y1, x2, y2)
    elif target == "yxyx":
        out = (y1, x1, y2, x2)
    elif target == "xywh":
        out = (x1, y1, x2 - x1, y2 - y1)
    elif target == "center_xywh":
        out = ((x1 + x2) / _F32(2), (y1 + y2) / _F32(2), x2 - x1, y2 - y1)
    else:  # center_yxhw
        out = ((y1 + y2) / _F32(2), (x1 + x2) / _F32(2), y2 - y1, x2 - x1)
    return np.stack(out, axis=-1)


def check_box_format(box_format, where):
    if box_format is not None and str(box_format).lower() not in BOX_FORMATS:
        raise ValueError(f"{where}: unknown `bounding_box_format` {box_format!r}; expected one "
                         f"of {BOX_FORMATS}.")


class _Geometric(DataAugmentation):
    def __init__(self, seed=None, data_format=None, bounding_box_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format,
                         bounding_box_format=bounding_box_format, **kwargs)
        check_box_format(bounding_box_format, self._where())


class RandomShear(_Geometric):
    """Shear images along x and/or y by random factors in ``x_factor`` / ``y_factor``
    (fractions in [0, 1]; each image's direction drawn at random), filling by ``fill_mode``.

    Example::

        tf.keras.layers.RandomShear(x_factor=0.3, y_factor=0.2, seed=1)
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = self._shear_factor(x_factor, "x_factor")
        self.y_factor = self._shear_factor(y_factor, "y_factor")
        if fill_mode not in FILL_MODES:
            raise ValueError(f"{self._where()}: unknown `fill_mode` {fill_mode!r}. Expected one "
                             f"of {FILL_MODES}.")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"{self._where()}: unknown `interpolation` {interpolation!r}. "
                             f"Expected one of {INTERPOLATIONS}.")
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation

    def _shear_factor(self, factor, name):
        message = (f"{self._where()}: the `{name}` argument should be a number (or a list of "
                   f"two numbers) in the range [0, 1.0]. Received: {name}={factor!r}")

        def check(value, low):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not \
                    low <= value <= 1:
                raise ValueError(message)

        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(message)
            # a pair may reach down to -1: the config of a number factor stores (-f, f),
            # which Keras 3.15 itself cannot load back
            check(factor[0], -1)
            check(factor[1], -1)
            return tuple(sorted(factor))
        check(factor, 0)
        return (-abs(factor), abs(factor))

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        batch = shape[0]
        invert = np.where(self._uniform((batch, 1), dtype="float32") > _F32(0.5), _F32(-1),
                          _F32(1))
        shear_y = self._uniform((batch, 1), self.y_factor[0], self.y_factor[1], "float32")
        shear_x = self._uniform((batch, 1), self.x_factor[0], self.x_factor[1], "float32")
        shear = np.concatenate([shear_x, shear_y], axis=1) * invert
        ones, zeros = np.ones(batch, _F32), np.zeros(batch, _F32)
        matrix = np.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros],
                          axis=1)
        return {"shear_factor": shear.astype(_F32), "matrix": matrix,
                "height": shape[1], "width": shape[2]}

    def _warp(self, x, t, interpolation):
        return projective_transform(math.cast(x, self.dtype), t["matrix"], interpolation,
                                    self.fill_mode, self.fill_value)

    def _transform_images(self, x, t):
        return self._warp(x, t, self.interpolation)

    def _transform_segmentation_masks(self, masks, t):
        return self._warp(masks, t, "nearest")

    def _transform_bounding_boxes(self, boxes, t):
        height, width = t["height"], t["width"]
        box_format = self.bounding_box_format.lower()
        data = boxes["boxes"].data.astype(_F32)
        rel = _from_xyxy(_to_xyxy(data, box_format, height, width), "rel_xyxy", height, width)
        x1, y1, x2, y2 = _split(rel)
        sx, sy = t["shear_factor"][:, 0:1], t["shear_factor"][:, 1:2]
        x1 = np.where(sx < 0, x1 - sx * y1, x1 - sx * y2)
        x2 = np.where(sx < 0, x2 - sx * y2, x2 - sx * y1)
        y1 = np.where(sy > 0, y1 - sy * x2, y1 - sy * x1)
        y2 = np.where(sy > 0, y2 - sy * x1, y2 - sy * x2)
        rel = np.clip(np.stack([x1, y1, x2, y2], axis=-1), _F32(0), _F32(1)).astype(_F32)
        out = dict(boxes)
        if "labels" in boxes:
            area = (rel[..., 2] - rel[..., 0]) * (rel[..., 3] - rel[..., 1])
            labels = boxes["labels"].data
            out["labels"] = Tensor(np.where(area > 0, labels, -1).astype(labels.dtype))
        out["boxes"] = Tensor(_from_xyxy(_to_xyxy(rel, "rel_xyxy", height, width), box_format,
                                         height, width).astype(_F32))
        return out

    def get_config(self):
        config = super().get_config()
        config.update({"x_factor": list(self.x_factor), "y_factor": list(self.y_factor),
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "seed": self.seed, "fill_value": self.fill_value})
        return config


def _pair_in_bounds(layer, factor, name, bounds=(0, 1)):
    low, high = bounds
    message = (f"{layer._where()}: the `{name}` argument should be a number (or a list of two "
               f"numbers) in the range [{low}, {high}]. Received: {name}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(isinstance(f, (int, float)) for f in factor) or \
                factor[0] > high or factor[1] < low:
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not \
            low <= factor <= high:
        raise ValueError(message)
    return (max(-abs(factor), low), abs(factor))


class RandomErasing(_Geometric):
    """Erase a random box (``scale``: its area fraction range) of each image, with a
    probability drawn in ``factor``, filling with ``fill_value`` (a number, three channel
    values, or ``None`` for Gaussian noise scaled to ``value_range``).

    Example::

        tf.keras.layers.RandomErasing(factor=0.5, scale=(0.02, 0.2), seed=2)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = self._parse_factor(factor)
        self.scale = _pair_in_bounds(self, scale, "scale")
        if fill_value is not None and not (
                isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool)) and \
                not (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3):
            raise ValueError(f"{self._where()}: the `fill_value` argument should be a number "
                             f"(or a list of three numbers). Received: fill_value="
                             f"{fill_value!r}")
        self.fill_value = fill_value
        self.value_range = parse_value_range(value_range, self._where(), sort=False)

    def _bounds(self, batch, length, ratio):
        length = _F32(length)
        crop = (ratio * length).astype(_F32)
        start = self._uniform((batch,), 0.0, 1.0, dtype="float32") * (length - crop)
        return start, start + crop

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        batch, height, width, channels = shape
        weight = np.sqrt(self._uniform((batch, 2), self.scale[0], self.scale[1], "float32"))
        x0, x1 = self._bounds(batch, width, weight[:, 0])
        y0, y1 = self._bounds(batch, height, weight[:, 1])
        grid_y, grid_x = np.meshgrid(np.arange(height, dtype=_F32),
                                     np.arange(width, dtype=_F32), indexing="ij")
        masks = ((grid_x >= x0[:, None, None]) & (grid_x < x1[:, None, None])
                 & (grid_y >= y0[:, None, None]) & (grid_y < y1[:, None, None]))
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        threshold = self._uniform((batch,))
        apply = threshold < probability
        # the noise is drawn in the layer's own layout (and unbatched for one image)
        native = shape if self.data_format == "channels_last" else (batch, channels, height,
                                                                    width)
        if not batched:
            native = native[1:]
        if self.fill_value is None:
            fill = keras_random.normal(native, dtype="float32", seed=self.generator).numpy()
            fill = fill * _F32(self.value_range[1])
            fill = fill.reshape((1,) + fill.shape) if not batched else fill
            if self.data_format == "channels_first":
                fill = np.transpose(fill, (0, 2, 3, 1))
        else:
            fill = np.broadcast_to(np.asarray(self.fill_value, _F32), shape)
        fill = np.clip(fill, _F32(self.value_range[0]), _F32(self.value_range[1]))
        erase = masks[..., None] & apply[:, None, None, None]
        return {"erase": np.broadcast_to(erase, shape), "fill": np.broadcast_to(fill, shape)}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        return math.where(t["erase"], t["fill"].astype(x.data.dtype), x)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "scale": list(self.scale),
                       "fill_value": self.fill_value, "value_range": list(self.value_range),
                       "seed": self.seed})
        return config


def _gaussian_kernel(kernel_size, sigma, channels):
    """Keras's TF-backend kernel: the outer product of two normalized 1-D Gaussians."""

    def one_d(size, s):
        x = np.arange(size, dtype=_F32) - _F32((size - 1) / 2)
        k = np.exp(_F32(-0.5) * (x / _F32(s)) ** 2).astype(_F32)
        return k / k.sum(dtype=_F32)

    kx = one_d(int(kernel_size[0]), sigma[0])
    ky = one_d(int(kernel_size[1]), sigma[1])
    kernel = np.multiply.outer(ky, kx).astype(_F32)
    kernel = kernel.reshape(int(kernel_size[0]), int(kernel_size[1]), 1, 1)
    return np.tile(kernel, (1, 1, channels, 1))


class RandomGaussianBlur(_Geometric):
    """Blur each image, with a probability drawn in ``factor``, by a Gaussian of
    ``kernel_size`` and a standard deviation drawn in ``sigma`` (one per axis, shared by the
    batch).

    Example::

        tf.keras.layers.RandomGaussianBlur(factor=0.5, kernel_size=5, sigma=(0.5, 1.0), seed=3)
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _pair_in_bounds(self, factor, "factor")
        self.kernel_size = self._kernel_size(kernel_size)
        self.sigma = _pair_in_bounds(self, sigma, "sigma")
        self.value_range = parse_value_range(value_range, self._where(), sort=False)

    def _kernel_size(self, size):
        message = (f"{self._where()}: `kernel_size` must be an odd number (or a list of two "
                   f"odd numbers). Received: kernel_size={size!r}")
        if isinstance(size, (tuple, list)):
            if len(size) != 2 or any(int(s) != s or s % 2 == 0 for s in size):
                raise ValueError(message)
            return tuple(int(s) for s in size)
        if isinstance(size, bool) or not isinstance(size, (int, float)) or int(size) != size \
                or size % 2 == 0 or size < 1:
            raise ValueError(message)
        return (int(size), int(size))

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        batch = shape[0]
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        threshold = self._uniform((batch,))
        sigma = self._uniform((2,), self.sigma[0], self.sigma[1], "float32") + _F32(1e-6)
        return {"apply": (threshold < probability).reshape(-1, 1, 1, 1), "sigma": sigma}

    def _transform_images(self, x, t):
        x = math.cast(x, self.dtype)
        kernel = _gaussian_kernel(self.kernel_size, t["sigma"], x.data.shape[-1])
        blurred = depthwise_conv.depthwise_conv(x, kernel.astype(x.data.dtype), padding="same",
                                                data_format="channels_last")
        out = math.where(np.broadcast_to(t["apply"], x.data.shape), blurred, x)
        return math.clip_by_value(out, _F32(self.value_range[0]), _F32(self.value_range[1]))

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "kernel_size": list(self.kernel_size),
                       "sigma": list(self.sigma), "value_range": list(self.value_range),
                       "seed": self.seed})
        return config


def _homography(start, end):
    """Keras's ``compute_homography_matrix``: the 8 projective coefficients mapping ``end``
    points to ``start`` points, solved in float32 (``tf.linalg.solve``)."""
    rows = []
    zero, one = np.zeros(start.shape[0], _F32), np.ones(start.shape[0], _F32)
    for k in range(4):
        sx, sy, ex, ey = start[:, k, 0], start[:, k, 1], end[:, k, 0], end[:, k, 1]
        rows.append(np.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1))
        rows.append(np.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1))
    matrix = np.stack(rows, axis=1).astype(_F32)
    target = start.reshape(start.shape[0], 8, 1).astype(_F32)
    return np.linalg.solve(matrix, target).reshape(-1, 8).astype(_F32)


class RandomPerspective(_Geometric):
    """Warp each image, with a probability drawn in ``factor``, by moving its four corners
    by up to ``scale / 2`` of their coordinates (a projective transform, constant fill).

    Example::

        tf.keras.layers.RandomPerspective(factor=0.5, scale=0.3, seed=4)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _pair_in_bounds(self, factor, "factor")
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not \
                0 <= scale <= 1:
            raise ValueError(f"{self._where()}: the `scale` argument should be a number in the "
                             f"range [0, 1]. Received: scale={scale!r}")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"{self._where()}: unknown `interpolation` {interpolation!r}. "
                             f"Expected one of {INTERPOLATIONS}.")
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation

    def _transformation(self, shape, batched, training):
        if not training:
            return None
        batch, height, width = shape[:3]
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        threshold = self._uniform((batch,))
        moves = self._uniform((batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale, "float32")
        start = np.array([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1],
                          [width - 1, height - 1]], _F32)
        start = np.repeat(start[None], batch, axis=0)
        end = start + start * moves
        return {"apply": threshold < probability, "matrix": _homography(start, end),
                "height": height, "width": width}

    def _warp(self, x, t, interpolation):
        x = math.cast(x, self.dtype)
        out = projective_transform(x, t["matrix"], interpolation, "constant", self.fill_value)
        return math.where(np.broadcast_to(t["apply"][:, None, None, None], x.data.shape), out,
                          x)

    def _transform_images(self, x, t):
        return self._warp(x, t, self.interpolation)

    def _transform_segmentation_masks(self, masks, t):
        return self._warp(masks, t, "nearest")

    def _transform_bounding_boxes(self, boxes, t):
        height, width = t["height"], t["width"]
        box_format = self.bounding_box_format.lower()
        xyxy = _to_xyxy(boxes["boxes"].data.astype(_F32), box_format, height, width)
        full = np.concatenate([t["matrix"], np.ones((len(t["matrix"]), 1), _F32)], axis=1)
        inverse = np.linalg.inv(full.reshape(-1, 3, 3)).astype(_F32)[:, None]
        x0, y0, x1, y1 = (xyxy[..., i:i + 1] for i in range(4))
        xs, ys = [], []
        for cx, cy in ((x0, y0), (x1, y1), (x0, y1), (x1, y0)):
            points = np.concatenate([cx, cy, np.ones_like(cx)], axis=-1)[..., None]
            moved = (inverse @ points)[..., 0]
            xs.append(moved[..., 0] / moved[..., 2])
            ys.append(moved[..., 1] / moved[..., 2])
        xs, ys = np.stack(xs, axis=-1), np.stack(ys, axis=-1)
        moved = np.stack([xs.min(-1), ys.min(-1), xs.max(-1), ys.max(-1)], axis=-1)
        xyxy = np.where(t["apply"][:, None, None], moved, xyxy).astype(_F32)
        xyxy = np.clip(xyxy, 0, np.array([width, height, width, height], _F32))
        out = dict(boxes)
        # Keras clips in xyxy and, like its other box layers, returns that format
        out["boxes"] = Tensor(xyxy.astype(_F32))
        if "labels" in boxes:
            area = (xyxy[..., 2] - xyxy[..., 0]) * (xyxy[..., 3] - xyxy[..., 1])
            labels = boxes["labels"].data
            out["labels"] = Tensor(np.where(area > 0, labels, -1).astype(labels.dtype))
        return out

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "scale": self.scale,
                       "interpolation": self.interpolation, "fill_value": self.fill_value,
                       "seed": self.seed})
        return config


class MaxNumBoundingBoxes(_Geometric):
    """Truncate or pad (with ``fill_value``) the boxes and box labels of a dict input to
    ``max_number`` per image, so batches of boxes get one static shape. Images, labels and
    masks pass through.

    Example::

        tf.keras.layers.MaxNumBoundingBoxes(max_number=10, bounding_box_format="xyxy")
    """

    _AT_INFERENCE = True

    def __init__(self, max_number, fill_value=-1, **kwargs):
        # no randomness: a fixed seed, so no default seed is drawn from Python's `random`
        super().__init__(seed=0, **kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        if self.max_number < 0:
            raise ValueError(f"{self._where()}: `max_number` must be non-negative; received "
                             f"max_number={max_number!r}.")

    def _transformation(self, shape, batched, training):
        return {}

    def _transform_images(self, x, t):
        return x

    def _transform_bounding_boxes(self, boxes, t):
        extra = set(boxes) - {"boxes", "labels"}
        if extra:
            raise KeyError(f"{self._where()}: there are unsupported keys in `bounding_boxes`: "
                           f"{sorted(extra)}. Only `boxes` and `labels` are supported.")
        out = dict(boxes)
        for key, tail in (("boxes", ((0, 0),)), ("labels", ())):
            value = boxes[key].data[:, :self.max_number]
            pad = max(self.max_number - value.shape[1], 0)
            out[key] = Tensor(np.pad(value, ((0, 0), (0, pad)) + tail,
                                     constant_values=self.fill_value))
        return out

    def get_config(self):
        config = super().get_config()
        config.update({"max_number": self.max_number, "fill_value": self.fill_value})
        return config


_ELASTIC_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(_Geometric):
    """Displace the pixels of each image, with a probability drawn in ``factor``, by a
    blurred random field (strength and smoothness from a ``scale`` drawn per call), as Keras
    3.15's ``keras.ops.image.elastic_transform`` does; the result is clipped to
    ``value_range``.

    Example::

        tf.keras.layers.RandomElasticTransform(factor=0.5, scale=0.5, seed=5)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _pair_in_bounds(self, factor, "factor")
        self.scale = _pair_in_bounds(self, scale, "scale")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"{self._where()}: unknown `interpolation` {interpolation!r}. "
                             f"Expected one of {INTERPOLATIONS}.")
        if fill_mode not in _ELASTIC_FILL_MODES:
            raise ValueError(f"{self._where()}: unknown `fill_mode` {fill_mode!r}. Expected one "
                             f"of {_ELASTIC_FILL_MODES}.")
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = parse_value_range(value_range, self._where(), sort=False)

    def _transformation(self, shape, batched, training):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        batch = shape[0]
        probability = self._uniform((batch,), self.factor[0], self.factor[1])
        threshold = self._uniform((batch,))
        distortion = self._uniform((), self.scale[0], self.scale[1], "float32")
        return {"apply": threshold < probability, "distortion": _F32(distortion)}

    def _warp(self, x, t, interpolation):
        from featherflow.keras.ops.image_sampling import elastic_transform

        x = math.cast(x, self.dtype)
        height, width = x.data.shape[1:3]
        alpha = _F32(max(height, width)) * (_F32(0.1) * t["distortion"])
        sigma = _F32(min(height, width)) * (_F32(0.05) * t["distortion"])
        # the field is drawn now, from the layer's generator (a new one for the masks, as in
        # Keras)
        out = elastic_transform(x, alpha=alpha, sigma=sigma, interpolation=interpolation,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                seed=self.generator, data_format="channels_last")
        out = math.where(np.broadcast_to(t["apply"][:, None, None, None], x.data.shape), out,
                         x)
        return math.clip_by_value(out, _F32(self.value_range[0]), _F32(self.value_range[1]))

    def _transform_images(self, x, t):
        return self._warp(x, t, self.interpolation)

    def _transform_segmentation_masks(self, masks, t):
        return self._warp(masks, t, "nearest")

    def _transform_bounding_boxes(self, boxes, t):
        raise ValueError(f"{self._where()}: RandomElasticTransform cannot move bounding boxes "
                         "(Keras 3.15 has no rule for them either); drop the 'bounding_boxes' "
                         "entry.")

    def get_config(self):
        config = super().get_config()
        config.update({"factor": list(self.factor), "scale": list(self.scale),
                       "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "value_range": list(self.value_range),
                       "seed": self.seed})
        return config


__all__ = ["MaxNumBoundingBoxes", "RandomElasticTransform", "RandomErasing",
           "RandomGaussianBlur", "RandomPerspective", "RandomShear"]
