"""``tf.bitwise``: elementwise bit operations on integer tensors, as TensorFlow's kernels.

- ``bitwise_and/or/xor`` broadcast as any binary op; both operands must have the same integer
  dtype (a Python list or number takes the other operand's dtype), else
  ``InvalidArgumentError``.
- ``left_shift`` / ``right_shift`` clamp the shift to ``[0, bits - 1]`` as TensorFlow's CPU
  kernel does (``int8 1 << 9`` is ``-128``, ``x >> -1`` is ``x``); ``right_shift`` is
  arithmetic for signed types. ``left_shift`` shifts the unsigned bit pattern, so bits shifted
  past the sign wrap around instead of being undefined.
- ``invert`` flips every bit (``uint8 0`` is ``255``).

None of them has a gradient (as in TensorFlow, they are integer ops).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]

_INTEGER = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_OP_NAMES = {"bitwise_and": "BitwiseAnd", "bitwise_or": "BitwiseOr", "bitwise_xor": "BitwiseXor",
             "left_shift": "LeftShift", "right_shift": "RightShift", "invert": "Invert"}


def _array(value, dtype=None):
    if isinstance(value, Tensor):
        return value.data
    a = as_array(value)
    if dtype is not None and not isinstance(value, np.ndarray):
        return np.asarray(value, dtype=dtype)
    return a


def _check(a, op):
    if a.dtype.name not in _INTEGER:
        raise InvalidArgumentError(
            f"{op}: the inputs must be integer tensors ({', '.join(_INTEGER)}); received "
            f"dtype {a.dtype.name}. Cast first, e.g. tf.cast(x, tf.int32).")


def _operands(x, y, name):
    op = _OP_NAMES[name]
    x_fixed = isinstance(x, (Tensor, np.ndarray))
    y_fixed = isinstance(y, (Tensor, np.ndarray))
    if x_fixed and not y_fixed:
        a = _array(x)
        b = _array(y, a.dtype)
    elif y_fixed and not x_fixed:
        b = _array(y)
        a = _array(x, b.dtype)
    else:
        a, b = _array(x), _array(y)
    _check(a, op)
    if b.dtype != a.dtype:
        raise InvalidArgumentError(
            f"cannot compute {op} as input #1(zero-based) was expected to be a "
            f"{a.dtype.name} tensor but is a {b.dtype.name} tensor")
    return a, b


def bitwise_and(x, y, name=None):
    a, b = _operands(x, y, "bitwise_and")
    return Tensor(np.bitwise_and(a, b))


def bitwise_or(x, y, name=None):
    a, b = _operands(x, y, "bitwise_or")
    return Tensor(np.bitwise_or(a, b))


def bitwise_xor(x, y, name=None):
    a, b = _operands(x, y, "bitwise_xor")
    return Tensor(np.bitwise_xor(a, b))


def invert(x, name=None):
    a = _array(x)
    _check(a, "Invert")
    return Tensor(np.invert(a))


def _clamped(a, b):
    bits = a.dtype.itemsize * 8
    return np.clip(b, 0, bits - 1).astype(a.dtype)


def left_shift(x, y, name=None):
    a, b = _operands(x, y, "left_shift")
    a, b = np.broadcast_arrays(a, _clamped(a, b))
    unsigned = np.dtype(f"uint{a.dtype.itemsize * 8}")
    shifted = np.left_shift(a.view(unsigned) if a.dtype.kind == "i" else a,
                            b.astype(unsigned))
    return Tensor(np.ascontiguousarray(shifted).view(a.dtype).reshape(a.shape))


def right_shift(x, y, name=None):
    a, b = _operands(x, y, "right_shift")
    return Tensor(np.right_shift(a, _clamped(a, b)))
