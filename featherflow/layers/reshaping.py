"""Spatial reshaping layers: ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D."""

import numpy as np

from featherflow.layers.conv import _data_format
from featherflow.layers.layer import Layer
from featherflow.ops import indexing as indexing_ops
from featherflow.ops import padding as padding_ops
from featherflow.ops import pooling as pooling_ops


def _pairs(value, n, name, where):
    """Keras's padding/cropping argument as ``n`` ``(before, after)`` pairs of ints >= 0.

    Accepts an int (same everywhere), ``n`` ints (symmetric per axis) or ``n`` pairs; for
    ``n == 1`` also one pair ``(before, after)``.
    """
    def ints(v):
        out = tuple(int(a) for a in v)
        if any(a < 0 for a in out):
            raise ValueError
        return out

    try:
        if isinstance(value, (int, np.integer)):
            pairs = ((int(value), int(value)),) * n
        elif n == 1 and len(value) == 2 and all(isinstance(v, (int, np.integer))
                                                for v in value):
            pairs = (ints(value),)
        elif len(value) == n:
            pairs = tuple((int(v), int(v)) if isinstance(v, (int, np.integer)) else ints(v)
                          for v in value)
        else:
            raise ValueError
        if any(len(p) != 2 or min(p) < 0 for p in pairs):
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(
            f"{where}: `{name}` must be an int >= 0, a tuple of {n} ints or a tuple of {n} "
            f"(before, after) pairs, received {value!r}."
        ) from None
    return pairs


def _spatial_axes(rank, data_format):
    return tuple(range(2, 2 + rank)) if data_format == "channels_first" else \
        tuple(range(1, 1 + rank))


class _ZeroPadding(Layer):
    _rank = 2

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._where = f"{type(self).__name__} '{self.name}'"
        self.data_format = _data_format(data_format, self._where)
        self.padding = _pairs(padding, self._rank, "padding", self._where)

    def _pads(self, ndim):
        pads = [(0, 0)] * ndim
        for ax, p in zip(_spatial_axes(self._rank, self.data_format), self.padding):
            pads[ax] = p
        return pads

    def call(self, inputs):
        return padding_ops.Pad(self._pads(inputs.data.ndim), "constant", 0)(inputs)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for ax, (a, b) in zip(_spatial_axes(self._rank, self.data_format), self.padding):
            if shape[ax] is not None:
                shape[ax] += a + b
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        padding = self.padding[0] if self._rank == 1 else self.padding
        cfg.update({"padding": padding, "data_format": self.data_format})
        return cfg


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps axis with zeros: ``padding`` an int or ``(before, after)``.

    Example::

        >>> tf.keras.layers.ZeroPadding1D((2, 1))(np.ones((1, 3, 2))).shape
        TensorShape([1, 6, 2])
    """

    _rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads height and width with zeros: an int, ``(h, w)`` or ``((top, bottom), (left,
    right))``.

    Example::

        >>> tf.keras.layers.ZeroPadding2D(1)(np.ones((1, 4, 4, 3))).shape
        TensorShape([1, 6, 6, 3])
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(Layer):
    _rank = 2

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._where = f"{type(self).__name__} '{self.name}'"
        self.data_format = _data_format(data_format, self._where)
        self.cropping = _pairs(cropping, self._rank, "cropping", self._where)

    def _check(self, shape):
        for ax, (a, b) in zip(_spatial_axes(self._rank, self.data_format), self.cropping):
            if shape[ax] is not None and a + b >= shape[ax]:
                raise ValueError(
                    f"{self._where}: cropping {(a, b)} removes all {shape[ax]} entries of axis "
                    f"{ax} of inputs of shape {tuple(shape)}; crop less or use larger inputs."
                )

    def call(self, inputs):
        shape = inputs.data.shape
        self._check(shape)
        key = [slice(None)] * len(shape)
        for ax, (a, b) in zip(_spatial_axes(self._rank, self.data_format), self.cropping):
            key[ax] = slice(a, shape[ax] - b)
        return indexing_ops.GetItem(tuple(key))(inputs)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check(shape)
        for ax, (a, b) in zip(_spatial_axes(self._rank, self.data_format), self.cropping):
            if shape[ax] is not None:
                shape[ax] -= a + b
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        if self._rank == 1:
            cfg["cropping"] = self.cropping[0]
        else:
            cfg.update({"cropping": self.cropping, "data_format": self.data_format})
        return cfg


class Cropping1D(_Cropping):
    """Removes ``(before, after)`` steps from the steps axis.

    Example::

        >>> tf.keras.layers.Cropping1D((1, 2))(np.ones((1, 6, 2))).shape
        TensorShape([1, 3, 2])
    """

    _rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, None, **kwargs)


class Cropping2D(_Cropping):
    """Removes rows and columns at the borders: ``((top, bottom), (left, right))``.

    Example::

        >>> tf.keras.layers.Cropping2D(((1, 0), (1, 2)))(np.ones((1, 4, 5, 3))).shape
        TensorShape([1, 3, 2, 3])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class UpSampling1D(Layer):
    """Repeats each step ``size`` times.

    Example::

        >>> tf.keras.layers.UpSampling1D(3)(np.ones((1, 2, 4))).shape
        TensorShape([1, 6, 4])
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        if self.size < 1:
            raise ValueError(
                f"UpSampling1D '{self.name}': size must be a positive integer, received {size!r}."
            )

    def call(self, inputs):
        return pooling_ops.UpSample((1,), (self.size,))(inputs)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        steps = None if shape[1] is None else shape[1] * self.size
        return (shape[0], steps) + shape[2:]

    def get_config(self):
        cfg = super().get_config()
        cfg["size"] = self.size
        return cfg


class UpSampling2D(Layer):
    """Up-samples height and width by ``size`` ("nearest" repeats, "bilinear" interpolates).

    Example::

        >>> tf.keras.layers.UpSampling2D(2)(np.ones((1, 3, 3, 1))).shape
        TensorShape([1, 6, 6, 1])
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        from featherflow.ops.conv_geometry import normalize_tuple

        super().__init__(**kwargs)
        where = f"UpSampling2D '{self.name}'"
        self.size = normalize_tuple(size, 2, "size", where)
        self.data_format = _data_format(data_format, where)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(
                f"{where}: interpolation must be 'nearest' or 'bilinear', received "
                f"{interpolation!r}."
            )
        self.interpolation = interpolation

    def call(self, inputs):
        return pooling_ops.upsample(inputs, self.size, self.data_format, self.interpolation)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for ax, f in zip(_spatial_axes(2, self.data_format), self.size):
            if shape[ax] is not None:
                shape[ax] *= f
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"size": self.size, "data_format": self.data_format,
                    "interpolation": self.interpolation})
        return cfg
