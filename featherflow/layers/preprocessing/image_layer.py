"""What the image preprocessing and augmentation layers share: ``data_format``, the rank check
(one image or a batch), Keras's ``factor`` rule and a ``seed`` with its SeedGenerator.

Images are worked on channels-last; a ``channels_first`` layer moves the channels axis in and
out around the work (``to_channels_last`` / ``from_channels_last``).
"""

import numpy as np

from featherflow import backend
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.keras import random as keras_random
from featherflow.layers.layer import Layer
from featherflow.ops import math, reshape


def standardize_data_format(data_format, where):
    if data_format is None:
        return backend.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(f"{where}: `data_format` must be 'channels_first' or 'channels_last'; "
                         f"received {data_format!r}.")
    return value


class ImagePreprocessingLayer(Layer):
    """Base of the image layers: ``data_format`` in the config, rank-3/4 inputs."""

    # the bounds Keras allows for ``factor`` (a number or a pair)
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format, type(self).__name__)

    def _where(self):
        return f"{type(self).__name__} layer {self.name!r}"

    def _parse_factor(self, factor, argument="factor"):
        """``(lower, upper)`` from a number ``f`` (``(-|f|, |f|)``, clipped to the bounds) or a
        pair (sorted), as Keras's ``_set_factor``."""
        low, high = self._FACTOR_BOUNDS
        message = (f"{self._where()}: the `{argument}` argument should be a number (or a list of "
                   f"two numbers) in the range [{low}, {high}]. Received: {argument}={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or not all(isinstance(f, (int, float)) for f in factor):
                raise ValueError(message)
            if factor[0] > high or factor[1] < low:
                raise ValueError(message)
            lower, upper = sorted(factor)
            return lower, upper
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise ValueError(message)
        if factor < low or factor > high:
            raise ValueError(message)
        factor = abs(factor)
        return max(-factor, low), factor

    def _images(self, inputs):
        """``(Tensor, batched)`` for a rank-3 image or rank-4 batch."""
        x = inputs if isinstance(inputs, Tensor) else Tensor(as_array(inputs))
        if x.data.ndim not in (3, 4):
            raise ValueError(f"{self._where()}: expected an image tensor of rank 3 (one image) or "
                             f"4 (a batch of images); received shape {tuple(x.data.shape)}.")
        return x, x.data.ndim == 4

    def _to_channels_last(self, x):
        if self.data_format == "channels_last":
            return x
        perm = (0, 2, 3, 1) if x.data.ndim == 4 else (1, 2, 0)
        return reshape.transpose(x, perm)

    def _from_channels_last(self, x):
        if self.data_format == "channels_last":
            return x
        perm = (0, 3, 1, 2) if x.data.ndim == 4 else (2, 0, 1)
        return reshape.transpose(x, perm)

    def _spatial_axes(self, rank):
        """(height axis, width axis) for inputs of ``rank``."""
        if self.data_format == "channels_last":
            return rank - 3, rank - 2
        return rank - 2, rank - 1

    def _with_size(self, input_shape, height, width):
        shape = list(input_shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        shape[h_axis], shape[w_axis] = height, width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class SeededLayer(ImagePreprocessingLayer):
    """An image layer that draws through ``keras.random`` with its own SeedGenerator, as
    Keras 3 does: the same ``seed`` gives the same sequence of draws as Keras with the TF
    backend. The generator's state is not a weight (Keras does not save it either)."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self._generator = keras_random.SeedGenerator(seed)

    @property
    def generator(self):
        return self._generator

    def _uniform(self, shape, minval=0.0, maxval=1.0, dtype=None):
        return keras_random.uniform(shape, minval, maxval, dtype=dtype,
                                    seed=self._generator).numpy()


class DataAugmentation(SeededLayer):
    """Keras 3's call protocol of the newer augmentation layers: images (one, or a batch), or
    a dict with ``"images"`` and optionally ``"labels"``, ``"bounding_boxes"`` (a dict of
    ``"boxes"`` and ``"labels"``, which needs ``bounding_box_format``) and
    ``"segmentation_masks"``; every entry gets the same random transformation.

    A subclass draws in ``_transformation(shape, batched, training)`` (``shape`` is the
    channels-last batch shape; return ``None`` to leave everything as it is) and transforms a
    channels-last batch in ``_transform_images(x, transformation)``. Labels, boxes and masks
    pass through unless a subclass transforms them. A layer Keras applies whatever
    ``training`` says (AutoContrast) sets ``_AT_INFERENCE``.
    """

    _AT_INFERENCE = False

    def __init__(self, seed=None, data_format=None, bounding_box_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.bounding_box_format = bounding_box_format

    def _transformation(self, shape, batched, training):
        return None

    def _transform_labels(self, labels, transformation):
        return labels

    def _transform_bounding_boxes(self, boxes, transformation):
        return boxes

    def _transform_segmentation_masks(self, masks, transformation):
        return masks

    def _batch(self, x, batched):
        x = x if batched else reshape.expand_dims(x, 0)
        return self._to_channels_last(x)

    def _unbatch(self, x, batched):
        x = self._from_channels_last(x)
        return x if batched else reshape.squeeze(x, 0)

    def call(self, data, training=True):
        is_dict = isinstance(data, dict)
        if is_dict and "images" not in data:
            raise ValueError(f"{self._where()}: a dict input needs an 'images' entry; received "
                             f"keys {sorted(data)}.")
        x, batched = self._images(data["images"] if is_dict else data)
        shape = self._batch(x, batched).data.shape
        transformation = self._transformation(shape, batched, training)
        images = x
        active = (training or self._AT_INFERENCE) and transformation is not None
        if active:
            images = self._unbatch(self._transform_images(self._batch(x, batched),
                                                          transformation), batched)
        if not is_dict:
            return images
        out = dict(data)
        out["images"] = images
        if "bounding_boxes" in data:
            if not self.bounding_box_format:
                raise ValueError(f"{self._where()}: the input has a 'bounding_boxes' entry but "
                                 "the layer has no `bounding_box_format`; pass one, e.g. "
                                 "bounding_box_format='xyxy'.")
            boxes = {key: value if isinstance(value, Tensor) else Tensor(as_array(value))
                     for key, value in data["bounding_boxes"].items()}
            if active:
                if not batched:
                    boxes = {k: reshape.expand_dims(v, 0) if k in ("boxes", "labels") else v
                             for k, v in boxes.items()}
                boxes = self._transform_bounding_boxes(boxes, transformation)
                if not batched:
                    boxes = {k: reshape.squeeze(v, 0) if k in ("boxes", "labels") else v
                             for k, v in boxes.items()}
            out["bounding_boxes"] = boxes
        if "labels" in data and active:
            labels = data["labels"]
            labels = labels if isinstance(labels, Tensor) else Tensor(as_array(labels))
            labels = labels if batched else reshape.expand_dims(labels, 0)
            labels = self._transform_labels(labels, transformation)
            out["labels"] = labels if batched else reshape.squeeze(labels, 0)
        if "segmentation_masks" in data and active:
            masks = data["segmentation_masks"]
            masks = masks if isinstance(masks, Tensor) else Tensor(as_array(masks))
            masks = self._unbatch(self._transform_segmentation_masks(
                self._batch(masks, batched), transformation), batched)
            out["segmentation_masks"] = masks
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


def parse_value_range(value_range, where, sort=True):
    """A ``value_range`` pair (sorted, as most Keras layers store it) or a clear error."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range):
        raise ValueError(f"{where}: the `value_range` argument should be a list of two numbers. "
                         f"Received: value_range={value_range!r}")
    return sorted(value_range) if sort else list(value_range)


def to_value_range(images, source, target):
    """Keras's ``_transform_value_range`` in float32 (differentiable):
    ``(x - lo) / (hi - lo) * (HI - LO) + LO``, the identity when the ranges are equal."""
    if source[0] == target[0] and source[1] == target[1]:
        return images
    f32 = np.float32
    x = math.cast(images, "float32")
    x = math.divide(math.subtract(x, f32(source[0])), f32(source[1]) - f32(source[0]))
    return math.add(math.multiply(x, f32(target[1]) - f32(target[0])), f32(target[0]))
