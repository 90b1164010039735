"""Tensor: an immutable NumPy array that the tape can differentiate through."""

import numpy as np

from featherflow.api.dtypes import BY_NUMPY_NUM as _DTYPE_BY_NUM
from featherflow.api.dtypes import of_numpy as _of_numpy
from featherflow.autodiff import state
from featherflow.backend import config

# Composite tensor classes Tensor's binary operators hand over to (their reflected methods run):
# a set lookup of the other operand's class, cheap on the hot path where it is a number or array.
DEFERRING = set()


class TensorShape(tuple):
    """A tuple of dimensions (``None`` for unknown) with TensorFlow's helper methods."""

    __slots__ = ()

    def as_list(self):
        return list(self)

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return len(self)

    def num_elements(self):
        if any(d is None for d in self):
            return None
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        # print(t.shape) shows a tuple in TF: (None, 10)
        return str(tuple(self))


_INT32_MAX = 2 ** 31 - 1


def as_array(x, dtype=None):
    """Turn a Tensor, array, list or scalar into an ndarray, following TensorFlow's rules.

    Tensors and NumPy arrays and scalars keep their dtype (a float64 array stays float64, as
    ``tf.constant`` keeps it); Python floats and lists of them become ``floatx()``; Python ints
    become int32; an explicit ``dtype`` wins. Strings and objects are refused.
    """
    if isinstance(x, Tensor):
        a = x.data
    elif isinstance(x, np.ndarray):
        a = x
    elif isinstance(x, (bytes, str)) or (isinstance(x, (list, tuple)) and _has_text(x)):
        # straight to bytes objects: a NumPy 'S' array would drop trailing NUL bytes
        a = strings_array(_text_leaves(x))
    elif CONVERSIONS and type(x) not in _PLAIN_TYPES:
        a = _registered_conversion(x, dtype)
    else:
        a = np.asarray(x)
    if dtype is not None:
        dtype = np.dtype(dtype)
        return a if a.dtype == dtype else a.astype(dtype)
    kind = a.dtype.kind
    if kind == "f":
        if (a.dtype.itemsize == 8 and config._FLOATX.itemsize != 8
                and not isinstance(x, (Tensor, np.ndarray, np.generic))
                and not _first_leaf_is_float64(x)):
            # Python floats become floatx; a list of NumPy float64 values stays float64, as
            # tf.constant decides
            return a.astype(config._FLOATX)
        return a
    if kind in "iu":
        if a.dtype.itemsize == 8 and not isinstance(x, (Tensor, np.ndarray, np.generic)):
            # Python ints are int32 unless one does not fit, as tf.constant decides
            if a.size and (a.max() > _INT32_MAX or a.min() < -_INT32_MAX - 1):
                return a
            return a.astype(np.int32)
        return a
    if kind == "b" or kind == "c":
        return a
    if kind in "US" or (kind == "O" and _all_text(a)):
        # tf.string: UTF-8 bytes in an object array, as TensorFlow's numpy() gives them
        return strings_array(a)
    raise TypeError(
        f"Expected numbers (a number, list of numbers or numeric array), received an array of "
        f"dtype {a.dtype} ({_describe(x)}). Convert strings or objects to numbers first, e.g. "
        f"np.asarray(x, dtype='float32')."
    )


# tf.register_tensor_conversion_function's (priority, order, base_type, function) entries,
# sorted; empty unless a program registers one (featherflow/api/tensor_conversion.py).
CONVERSIONS = []
_PLAIN_TYPES = frozenset((int, float, bool, complex, list, tuple, type(None)))


def _registered_conversion(x, dtype):
    """The array of ``x`` from the first registered conversion function for its type."""
    for _, _, base_type, func in CONVERSIONS:
        if not isinstance(x, base_type):
            continue
        wanted = None if dtype is None else _of_numpy(np.dtype(dtype))
        result = func(x, dtype=wanted, name=None, as_ref=False)
        if result is NotImplemented:
            continue
        if not isinstance(result, Tensor):
            raise RuntimeError(
                f"{func!r} returned non-Tensor: {result!r} (the conversion function registered "
                f"for {base_type} must return a Tensor)")
        if dtype is not None and result.data.dtype != np.dtype(dtype):
            raise RuntimeError(
                f"{func!r}: Conversion function returned incompatible dtype: requested = "
                f"{np.dtype(dtype).name}, actual = {result.data.dtype.name}")
        return result.data
    return np.asarray(x)


def dtype_name(dtype):
    """TensorFlow's name for a dtype: an object array is ``string``."""
    return "string" if dtype.kind == "O" else dtype.name


def _first_leaf_is_float64(x):
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, np.float64)


def _has_text(x):
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return isinstance(x, (bytes, str))


def _text_leaves(x):
    """A (nested) list of str/bytes as an object array of the same shape, no NUL lost."""
    if not isinstance(x, (list, tuple)):
        out = np.empty((), dtype=object)
        out[()] = x
        return out
    shape = []
    probe = x
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        probe = probe[0] if probe else None
    out = np.empty(tuple(shape), dtype=object)
    try:
        out[...] = x if len(shape) > 1 else list(x)
    except ValueError:
        raise ValueError(
            f"Strings in a nested list must form a rectangle; received rows of different "
            f"lengths ({_describe(x)}).") from None
    return out


def _all_text(a):
    return all(isinstance(v, (bytes, str, np.bytes_, np.str_)) for v in a.reshape(-1))


def strings_array(a):
    """An array of str/bytes as tf.string holds it: an object array of UTF-8 ``bytes``."""
    if isinstance(a, (bytes, str)) or (type(a) in (list, tuple) and all(
            isinstance(v, (bytes, str)) for v in a)):
        # straight into objects: NumPy's fixed-width bytes would drop trailing NUL bytes
        # (a file's contents, a WAV of silence)
        items = [a] if isinstance(a, (bytes, str)) else list(a)
        out = np.empty(len(items), dtype=object)
        out[:] = [v.encode("utf-8") if isinstance(v, str) else v for v in items]
        return out.reshape(()) if isinstance(a, (bytes, str)) else out
    a = np.asarray(a)
    out = np.empty(a.shape, dtype=object)
    flat = out.reshape(-1)
    for i, v in enumerate(a.reshape(-1)):
        flat[i] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
    return out


def _describe(x):
    text = repr(x)
    return text if len(text) < 60 else text[:57] + "..."


class Tensor:
    """A value in a computation, wrapping a NumPy array.

    Behaves like ``tf.Tensor``: ``shape``, ``dtype``, ``numpy()``, Python operators with
    broadcasting, indexing, and ``np.asarray(t)``.

    Example::

        >>> import featherflow as tf
        >>> t = tf.constant([[1.0, 2.0]])
        >>> (t * 2 + 1).numpy()
        array([[3., 5.]], dtype=float32)
    """

    __slots__ = ("data", "_node", "_idx", "_track", "_keras_mask", "__weakref__")
    # NumPy defers binary operators to ours (ndarray + Tensor gives a Tensor), while
    # np.exp(tensor) and friends still see an array through __array__.
    __array_priority__ = 100

    def __init__(self, data):
        self.data = data
        self._node = None
        self._idx = 0
        self._track = False
        self._keras_mask = None

    # -- properties -------------------------------------------------------------------------
    @property
    def shape(self):
        if state.probe is not None:
            state.probe.touch(self)
        return TensorShape(self.data.shape)

    @property
    def dtype(self):
        # TensorFlow's DType (tf.float32, tf.string...); NumPy reads it as its own dtype
        d = self.data.dtype
        return _DTYPE_BY_NUM.get(d.num) or _of_numpy(d)

    @property
    def ndim(self):
        if state.probe is not None:
            state.probe.touch(self)
        return self.data.ndim

    @property
    def size(self):
        if state.probe is not None:
            state.probe.touch(self)
        return self.data.size

    def set_shape(self, shape):
        """Check that the tensor fits ``shape`` (``None`` dims fit anything), as TF's
        ``set_shape``; an eager tensor's shape is already known, so nothing changes."""
        dims = getattr(shape, "dims", None)
        dims = list(shape) if dims is None else [getattr(d, "value", d) for d in dims]
        actual = self.data.shape
        if len(dims) != len(actual) or any(d is not None and d != a
                                           for d, a in zip(dims, actual)):
            raise ValueError(
                f"Tensor's shape {actual} is not compatible with supplied shape "
                f"{tuple(dims)}.")
        if state.tracing is not None:
            state.refine_shape(self, dims)  # a traced map function learns the static shape

    def get_shape(self):
        return self.shape

    def numpy(self):
        """Return the value as a NumPy array (a copy for Variables, a view otherwise); a
        scalar string gives its ``bytes``, as in TensorFlow."""
        if state.probe is not None:
            state.probe.touch(self)
        data = self.data
        if data.ndim == 0:
            return data[()]  # a NumPy scalar (np.float32, bytes...), as TF's numpy() gives
        return data

    def __array__(self, dtype=None, copy=None):
        if state.probe is not None:
            state.probe.touch(self)
        a = self.data if type(self.data) is np.ndarray else np.asarray(self.data)
        if dtype is not None and dtype != a.dtype:
            return a.astype(dtype)
        if copy:
            return a.copy()
        return a

    def __len__(self):
        if state.probe is not None:
            state.probe.touch(self)
        if self.data.ndim == 0:
            raise TypeError("len() of a scalar Tensor (shape ()) is not defined.")
        return self.data.shape[0]

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("Cannot iterate over a scalar Tensor (shape ()).")
        for i in range(self.data.shape[0]):
            yield self[i]

    def __bool__(self):
        if state.probe is not None:
            state.probe.touch(self)
        if self.data.size != 1:
            raise ValueError(
                f"The truth value of a Tensor with shape {self.data.shape} is ambiguous; "
                "use tf.reduce_any(t) or tf.reduce_all(t)."
            )
        return bool(self.data)

    def __float__(self):
        if state.probe is not None:
            state.probe.touch(self)
        return float(self.data)

    def __int__(self):
        if state.probe is not None:
            state.probe.touch(self)
        return int(self.data)

    def __index__(self):
        if state.probe is not None:
            state.probe.touch(self)
        return self.data.__index__()

    def __repr__(self):
        return (
            f"<featherflow.Tensor: shape={self.data.shape}, dtype={dtype_name(self.data.dtype)}, "
            f"numpy={self.data!r}>"
        )

    def __str__(self):
        dtype = dtype_name(self.data.dtype)
        # str(), not f"{...}": a 0-d array formats through its Python scalar (float32 5.0814333
        # would print as 5.081433296203613)
        return f"tf.Tensor({str(self.data)}, shape={self.data.shape}, dtype={dtype})"

    def __format__(self, spec):
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        # f"{t}" shows the values, as TF's tensors format through their NumPy value
        return format(str(self.data), spec)

    __hash__ = object.__hash__

    # -- operators (defined in ops.math / ops.shape, bound here lazily) ----------------------
    # A composite tensor class registered in DEFERRING (RaggedTensor) gets the operator
    # through its reflected method: ``dense * ragged`` is ragged, as TF dispatches it.
    def __add__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().add(self, other)

    def __radd__(self, other):
        return _m().add(other, self)

    def __sub__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().subtract(self, other)

    def __rsub__(self, other):
        return _m().subtract(other, self)

    def __mul__(self, other):
        if other.__class__ is not Tensor:
            if type(other).__name__ == "SparseTensor":
                # dense * sparse is sparse, as TF's Tensor.__mul__ dispatches it
                return other.__rmul__(self)
            if other.__class__ in DEFERRING:
                return NotImplemented
        return _m().multiply(self, other)

    def __rmul__(self, other):
        return _m().multiply(other, self)

    def __truediv__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().divide(self, other)

    def __rtruediv__(self, other):
        return _m().divide(other, self)

    def __floordiv__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().floordiv(self, other)

    def __rfloordiv__(self, other):
        return _m().floordiv(other, self)

    def __mod__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().mod(self, other)

    def __rmod__(self, other):
        return _m().mod(other, self)

    def __pow__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().pow(self, other)

    def __rpow__(self, other):
        return _m().pow(other, self)

    def __matmul__(self, other):
        return _m().matmul(self, other)

    def __rmatmul__(self, other):
        return _m().matmul(other, self)

    def __neg__(self):
        return _m().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _m().abs(self)

    def __lt__(self, other):
        return _m().less(self, other)

    def __le__(self, other):
        return _m().less_equal(self, other)

    def __gt__(self, other):
        return _m().greater(self, other)

    def __ge__(self, other):
        return _m().greater_equal(self, other)

    def __eq__(self, other):
        return _m().equal(self, other)

    def __ne__(self, other):
        return _m().not_equal(self, other)

    def __and__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().logical_and(self, other)

    def __or__(self, other):
        if other.__class__ in DEFERRING:
            return NotImplemented
        return _m().logical_or(self, other)

    def __invert__(self):
        return _m().logical_not(self)

    def __getitem__(self, key):
        from featherflow.ops import indexing as indexing_ops

        return indexing_ops.getitem(self, key)


_math = None


def _m():
    global _math
    if _math is None:
        from featherflow.ops import math

        _math = math
    return _math


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Return ``value`` as a Tensor (a Tensor of the right dtype is returned as is)."""
    if isinstance(value, Tensor):
        if dtype is None or value.data.dtype == np.dtype(dtype):
            return value
        from featherflow.ops import math

        return math.cast(value, dtype)
    if dtype is None and dtype_hint is not None:
        a = as_array(value)
        if a.dtype.kind == "f" or np.dtype(dtype_hint).kind == "f":
            a = a.astype(dtype_hint)
        return Tensor(a)
    return Tensor(as_array(value, dtype))


def constant(value, dtype=None, shape=None, name=None):
    """Make a constant Tensor, as ``tf.constant``."""
    a = as_array(value, dtype)
    # never share memory with the caller's array or with a Variable (assign would change it)
    if a is value or (type(value) is not Tensor and isinstance(value, Tensor)
                      and a is value.data):
        a = a.copy()
    if shape is not None:
        shape = tuple(shape)
        if a.size == 1:
            a = np.full(shape, a.reshape(()), dtype=a.dtype)
        elif a.size == int(np.prod(shape)):
            a = a.reshape(shape)
        else:
            raise ValueError(
                f"constant: cannot give a value of {a.size} elements the shape {shape}."
            )
    return Tensor(a)
