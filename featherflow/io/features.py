"""The feature descriptions of ``tf.io`` parsing: ``FixedLenFeature``, ``VarLenFeature`` and
``FixedLenSequenceFeature``, with TensorFlow's fields and defaults."""

import collections

import numpy as np

from featherflow.autodiff.tensor import strings_array
from featherflow.errors import InvalidArgumentError

# The three types a tf.train.Feature can hold, by the name TensorFlow's errors use
KIND_OF_DTYPE = {"float32": "float_list", "int64": "int64_list", "string": "bytes_list"}
TYPE_NAME_OF_KIND = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}
# Python types as TensorFlow's as_dtype reads them
_PYTHON_TYPES = {float: "float32", int: "int64", bytes: "string", str: "string"}


class FixedLenFeature(collections.namedtuple(
        "FixedLenFeature", ["shape", "dtype", "default_value"])):
    """A feature with a fixed number of values, parsed into a dense tensor of ``shape``.

    Example::

        >>> description = {"label": tf.io.FixedLenFeature([], tf.int64, default_value=0)}
    """

    __slots__ = ()

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature with any number of values, parsed into a ``SparseTensor``.

    Example::

        >>> description = {"tags": tf.io.VarLenFeature(tf.string)}
    """

    __slots__ = ()


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """A feature holding any number of rows of ``shape``, parsed into a dense tensor of
    shape ``(rows,) + shape`` (a batch pads short rows with ``default_value``).

    Example::

        >>> description = {"tokens": tf.io.FixedLenSequenceFeature([], tf.int64,
        ...                                                       allow_missing=True)}
    """

    __slots__ = ()

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


def dtype_name(dtype, key):
    """``"float32"``, ``"int64"`` or ``"string"`` for a feature's dtype, or an error."""
    if isinstance(dtype, str):
        name = dtype
    elif dtype in _PYTHON_TYPES:
        name = _PYTHON_TYPES[dtype]
    else:
        try:
            name = np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).name
        except TypeError:
            name = repr(dtype)
    name = {"object": "string", "bytes": "string", "str": "string", "float": "float32"}.get(
        name, name)
    if name not in KIND_OF_DTYPE:
        raise InvalidArgumentError(
            f"Feature {key!r}: a tf.train.Feature holds float32, int64 or string values; "
            f"received dtype {name}. Parse as one of those and cast the result "
            "(e.g. tf.cast(parsed[key], tf.int32)).")
    return name


def numpy_dtype(name):
    return np.dtype(object) if name == "string" else np.dtype(name)


def fixed_shape(feature, key, sequence=False):
    """A FixedLen(Sequence)Feature's shape as a tuple of ints, checked as TensorFlow does."""
    shape = feature.shape
    if shape is None:
        raise ValueError(f"Missing shape for feature {key}. Received feature={feature}.")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    dims = tuple(shape.as_list() if hasattr(shape, "as_list") else shape)
    if any(d is None for d in dims):
        hint = ("All dimensions of shape for feature" if sequence
                else "First dimension of shape for feature")
        raise ValueError(
            f"{hint} {key} unknown. Consider using FixedLenSequenceFeature (rows of any "
            f"number) or VarLenFeature. Received feature={feature}.")
    return tuple(int(d) for d in dims)


def as_values(value, name):
    """A default value as a flat NumPy array of the feature's dtype."""
    if name == "string":
        if isinstance(value, (bytes, str)):
            value = [value]
        return strings_array(np.asarray(value, dtype=object).reshape(-1))
    array = value.numpy() if hasattr(value, "numpy") else value
    return np.asarray(array, dtype=numpy_dtype(name)).reshape(-1)


def default_array(feature, key, name, shape):
    """A FixedLenFeature's default as an array of ``shape``, or None when it is required."""
    if feature.default_value is None:
        return None
    values = as_values(feature.default_value, name)
    size = int(np.prod(shape, dtype=np.int64))
    if values.size != size:
        raise InvalidArgumentError(
            f"Feature {key!r}: default_value has {values.size} values but shape {list(shape)} "
            f"needs {size}. Give one value per element of the shape (np.full(shape, value)).")
    return values.reshape(shape)
