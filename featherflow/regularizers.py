"""Weight regularizers (L1, L2, L1L2, OrthogonalRegularizer) with Keras 3 defaults.

Calling a regularizer on a weight returns a scalar Tensor penalty that the tape
differentiates; layers add it to their losses and ``fit`` adds those to the training loss.

Example::

    >>> from featherflow import regularizers
    >>> import featherflow as tf
    >>> float(regularizers.L2(0.5)(tf.constant([1.0, 2.0])))
    2.5
"""

import math

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops._convert import data, operand
from featherflow.serialization import resolver


def _validate(value, name):
    if (not isinstance(value, (float, int, np.floating, np.integer)) or isinstance(value, bool)
            or math.isinf(value) or math.isnan(value) or value < 0):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float, received "
            f"{name}={value!r}."
        )
    return float(value)


class _Penalty(Function):
    """``l1 * sum(|w|) + l2 * sum(w^2)`` as one primitive: one node per weight per step."""

    def __init__(self, l1, l2):
        self.l1, self.l2 = l1, l2

    def forward(self, w):
        self.w = w
        total = 0.0
        if self.l1:
            total += self.l1 * float(np.add.reduce(np.abs(w), axis=None))
        if self.l2:
            flat = w.reshape(-1)
            total += self.l2 * float(np.dot(flat, flat))
        return np.asarray(total, dtype=w.dtype)

    def backward(self, g):
        w = self.w
        grad = np.zeros_like(w)
        if self.l1:
            grad += self.l1 * np.sign(w)
        if self.l2:
            grad += (2.0 * self.l2) * w
        return (grad * g,)


class Regularizer:
    """Base class: ``__call__(weight)`` returns a scalar penalty; ``get_config`` its settings.

    Example::

        >>> class Sum(Regularizer):
        ...     def __call__(self, x):
        ...         return tf.reduce_sum(x)
        ...     def get_config(self):
        ...         return {}
    """

    def __call__(self, x):
        return 0.0

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)``; both default to 0.

    Example::

        >>> float(L1L2(l1=1.0, l2=1.0)(tf.constant([1.0, -2.0])))
        8.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _validate(0.0 if l1 is None else l1, "l1")
        self.l2 = _validate(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        return _Penalty(self.l1, self.l2)(operand(x))

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(|x|)`` (default ``l1=0.01``).

    Example::

        >>> float(L1(0.5)(tf.constant([1.0, -2.0])))
        1.5
    """

    def __init__(self, l1=0.01):
        self.l1 = _validate(0.01 if l1 is None else l1, "l1")

    def __call__(self, x):
        return _Penalty(self.l1, 0.0)(operand(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x^2)`` (default ``l2=0.01``).

    Example::

        >>> float(L2(0.5)(tf.constant([1.0, -2.0])))
        2.5
    """

    def __init__(self, l2=0.01):
        self.l2 = _validate(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        return _Penalty(0.0, self.l2)(operand(x))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalizes non-orthogonal rows (or columns) of a 2-D weight.

    The value is ``factor * 0.5 * sum(|P - diag(P)|) / (n (n - 1) / 2)`` where ``P`` holds the
    dot products of the L2-normalized rows (``mode="rows"``) or columns.

    Example::

        >>> float(OrthogonalRegularizer(1.0)(tf.constant([[1.0, 0.0], [0.0, 1.0]])))
        0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _validate(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns', received {mode!r}."
            )
        self.mode = mode

    def __call__(self, inputs):
        x = operand(inputs)
        shape = np.shape(data(x))
        if len(shape) != 2:
            raise ValueError(
                f"OrthogonalRegularizer: expected a 2-D weight, received shape {shape}."
            )
        if self.mode == "columns":
            x = reshape_ops.transpose(x)
        size = np.shape(data(x))[0]
        # Same normalization as keras.ops.normalize: x * min(rsqrt(sum x^2), 1 / epsilon).
        sq = math_ops.reduce_sum(math_ops.square(x), axis=1, keepdims=True)
        x = math_ops.multiply(x, math_ops.minimum(math_ops.rsqrt(sq), np.asarray(1e7,
                                                                                 data(x).dtype)))
        product = math_ops.matmul(x, x, transpose_b=True)
        off_diagonal = math_ops.multiply(product, 1.0 - np.eye(size, dtype=data(x).dtype))
        pairs = size * (size - 1.0) / 2.0
        total = math_ops.reduce_sum(math_ops.abs(off_diagonal))
        return math_ops.multiply(total, np.asarray(self.factor * 0.5 / pairs, data(x).dtype))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras 3 spellings: `keras.regularizers.l2` is the class L2.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS_DICT = {
    "Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer, "regularizer": Regularizer, "l1": L1,
    "l2": L2, "l1l2": L1L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer,
}


def serialize(regularizer):
    """Keras 3 config dict of a regularizer."""
    return resolver.serialize_object(regularizer, "keras.regularizers")


def deserialize(config, custom_objects=None):
    """The regularizer a name or config dict describes."""
    obj = resolver.deserialize(config, ALL_OBJECTS_DICT, "regularizer", custom_objects)
    return obj() if isinstance(obj, type) else obj


def get(identifier):
    """Resolve a regularizer: None, a name (``"l2"``), a config dict, an instance or callable.

    Example::

        >>> get("l2").l2
        0.01
    """
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if isinstance(obj, type):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret regularizer identifier {identifier!r}: expected a name (one of "
        f"{sorted(ALL_OBJECTS_DICT)}), a config dict or a callable."
    )
