"""Pooling layers: max/average pooling in 1D and 2D, and their global forms."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.conv import _data_format, conv_output_length
from featherflow.layers.input_spec import InputSpec
from featherflow.layers.layer import Layer
from featherflow.ops import conv_geometry as conv_geometry_ops
from featherflow.ops import math as math_ops
from featherflow.ops import pooling as pooling_ops


class _Pooling(Layer):
    _rank = 2
    _mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = f"{type(self).__name__} '{self.name}'"
        self._where = where
        self.pool_size = conv_geometry_ops.normalize_tuple(pool_size, self._rank, "pool_size",
                                                           where)
        self.strides = self.pool_size if strides is None else conv_geometry_ops.normalize_tuple(
            strides, self._rank, "strides", where)
        mode = str(padding).lower()
        if mode not in ("valid", "same"):
            raise ValueError(f"{where}: padding must be 'valid' or 'same', received {padding!r}.")
        self.padding = mode
        self.data_format = _data_format(data_format, where)

    def call(self, inputs):
        fn = pooling_ops.max_pool if self._mode == "max" else pooling_ops.average_pool
        return fn(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{self._where}: expected inputs of rank {self._rank + 2}, received input "
                f"shape {shape}."
            )
        cf = self.data_format == "channels_first"
        spatial = shape[2:] if cf else shape[1:-1]
        lengths = tuple(conv_output_length(n, k, self.padding, s)
                        for n, k, s in zip(spatial, self.pool_size, self.strides))
        return shape[:2] + lengths if cf else shape[:1] + lengths + shape[-1:]

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"pool_size": self.pool_size, "padding": self.padding,
                    "strides": self.strides, "data_format": self.data_format})
        return cfg


class MaxPooling1D(_Pooling):
    """Max over windows of ``pool_size`` steps (strides default to ``pool_size``).

    Example::

        >>> tf.keras.layers.MaxPooling1D(2)(np.zeros((1, 7, 3))).shape
        TensorShape([1, 3, 3])
    """

    _rank = 1

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pooling):
    """Max over ``pool_size`` windows of an image (2x2, stride 2 by default).

    Example::

        >>> tf.keras.layers.MaxPooling2D()(np.zeros((1, 26, 26, 32))).shape
        TensorShape([1, 13, 13, 32])
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    """Mean over windows of steps; with ``padding="same"`` padded steps are not counted.

    Example::

        >>> tf.keras.layers.AveragePooling1D(2)(np.ones((1, 6, 2))).numpy()[0, :, 0]
        array([1., 1., 1.], dtype=float32)
    """

    _rank = 1
    _mode = "avg"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Mean over ``pool_size`` windows; with ``padding="same"`` padding is not counted.

    Example::

        >>> tf.keras.layers.AveragePooling2D()(np.zeros((1, 8, 8, 3))).shape
        TensorShape([1, 4, 4, 3])
    """

    _mode = "avg"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling(Layer):
    _rank = 2
    _mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self._where = f"{type(self).__name__} '{self.name}'"
        self.data_format = _data_format(data_format, self._where)
        self.keepdims = bool(keepdims)
        # as Keras: a 1D global pooling refuses 4-D input instead of pooling the wrong axes
        # (the 3D ones check the rank themselves, naming the expected layout)
        if self._rank < 3:
            self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs):
        fn = pooling_ops.global_max_pool if self._mode == "max" else pooling_ops.global_average_pool
        return fn(inputs, self.data_format, self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{self._where}: expected inputs of rank {self._rank + 2}, received input "
                f"shape {shape}."
            )
        cf = self.data_format == "channels_first"
        channels = shape[1] if cf else shape[-1]
        if not self.keepdims:
            return (shape[0], channels)
        ones = (1,) * self._rank
        return (shape[0], channels) + ones if cf else (shape[0],) + ones + (channels,)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return cfg


class GlobalMaxPooling1D(_GlobalPooling):
    """Maximum over the steps axis: ``(batch, steps, channels)`` to ``(batch, channels)``.

    Example::

        >>> tf.keras.layers.GlobalMaxPooling1D()(np.zeros((2, 5, 3))).shape
        TensorShape([2, 3])
    """

    _rank = 1


class GlobalMaxPooling2D(_GlobalPooling):
    """Maximum over height and width: ``(batch, h, w, channels)`` to ``(batch, channels)``.

    Example::

        >>> tf.keras.layers.GlobalMaxPooling2D(keepdims=True)(np.zeros((2, 4, 4, 3))).shape
        TensorShape([2, 1, 1, 3])
    """


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps axis; masked steps (``mask`` False) are left out of the mean.

    Example::

        >>> tf.keras.layers.GlobalAveragePooling1D()(np.ones((2, 5, 3))).numpy()[0]
        array([1., 1., 1.], dtype=float32)
    """

    _rank = 1
    _mode = "avg"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        x = inputs.data
        steps = 2 if self.data_format == "channels_first" else 1
        m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
        weights = m.astype(bool).astype(x.dtype)
        weights = weights[:, None, :] if steps == 2 else weights[:, :, None]
        total = math_ops.reduce_sum(math_ops.multiply(inputs, weights), axis=steps,
                                    keepdims=self.keepdims)
        count = weights.sum(axis=steps, keepdims=self.keepdims)
        return math_ops.divide(total, count)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over height and width: ``(batch, h, w, channels)`` to ``(batch, channels)``.

    Example::

        >>> tf.keras.layers.GlobalAveragePooling2D()(np.ones((2, 4, 4, 3))).shape
        TensorShape([2, 3])
    """

    _mode = "avg"


MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
