"""Weight constraints (MaxNorm, NonNeg, UnitNorm, MinMaxNorm) with Keras 3 defaults.

A constraint maps a weight to its projected value. Optimizers apply it after each update to
every Variable whose ``constraint`` is set (layers set it from ``kernel_constraint=`` etc.).
Constraints are not differentiated, so they compute in NumPy and return a Tensor.

Example::

    >>> from featherflow import constraints
    >>> constraints.NonNeg()(np.array([-1.0, 2.0])).numpy()
    array([0., 2.])
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.serialization import resolver


def _array(w):
    return w.data if isinstance(w, Tensor) else np.asarray(w)


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class: ``__call__(w)`` returns the constrained weight; identity by default.

    Example::

        >>> class Clip(Constraint):
        ...     def __call__(self, w):
        ...         return tf.clip_by_value(w, -1.0, 1.0)
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescale weights so the norm along ``axis`` is at most ``max_value``.

    ``axis=0`` constrains each output unit's incoming weights of a Dense kernel.

    Example::

        >>> MaxNorm(1.0)(np.array([[3.0], [4.0]])).numpy().ravel().round(3).tolist()
        [0.6, 0.8]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return Tensor((w * (desired / (config.epsilon() + norms))).astype(w.dtype, copy=False))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Set negative weights to zero.

    Example::

        >>> NonNeg()(np.array([-1.0, 2.0])).numpy().tolist()
        [0.0, 2.0]
    """

    def __call__(self, w):
        w = _array(w)
        return Tensor(np.maximum(w, 0).astype(w.dtype, copy=False))


class UnitNorm(Constraint):
    """Rescale weights to unit norm along ``axis``.

    Example::

        >>> UnitNorm()(np.array([[3.0], [4.0]])).numpy().ravel().round(3).tolist()
        [0.6, 0.8]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _array(w)
        return Tensor((w / (config.epsilon() + _norms(w, self.axis))).astype(w.dtype, copy=False))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keep the norm along ``axis`` within ``[min_value, max_value]``.

    ``rate`` blends the clipped norm with the current one (1.0 clips exactly).

    Example::

        >>> MinMaxNorm(1.0, 2.0)(np.array([[0.3], [0.4]])).numpy().ravel().round(3).tolist()
        [0.6, 0.8]
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = (self.rate * np.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return Tensor((w * (desired / (config.epsilon() + norms))).astype(w.dtype, copy=False))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Keras 3 spellings: `keras.constraints.max_norm` is the class MaxNorm.
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

ALL_OBJECTS_DICT = {
    "Constraint": Constraint, "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm, "constraint": Constraint, "max_norm": MaxNorm,
    "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
}


def serialize(constraint):
    """Keras 3 config dict of a constraint."""
    return resolver.serialize_object(constraint, "keras.constraints")


def deserialize(config, custom_objects=None):
    """The constraint a name or config dict describes."""
    obj = resolver.deserialize(config, ALL_OBJECTS_DICT, "constraint", custom_objects)
    return obj() if isinstance(obj, type) else obj


def get(identifier):
    """Resolve a constraint: None, a name, a config dict, an instance or a callable.

    Example::

        >>> type(get("non_neg")).__name__
        'NonNeg'
    """
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if isinstance(obj, type):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret constraint identifier {identifier!r}: expected a name (one of "
        f"{sorted(ALL_OBJECTS_DICT)}), a config dict or a callable."
    )
