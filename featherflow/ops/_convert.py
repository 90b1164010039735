"""Operand conversion shared by the op modules.

The rules (issue 2): Python numbers, lists and float64 arrays given to ops become ``floatx``;
a non-tensor operand next to a tensor takes the tensor's dtype, so ``2 * x`` or
``x + np.float64(1)`` never upcasts a float32 tensor; ops defined only on floats (exp, sqrt,
sigmoid...) turn integer inputs into ``floatx`` instead of silently computing in float64.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.errors import InvalidArgumentError


def operand(x):
    """A Tensor stays; anything else becomes an ndarray by featherflow's rules."""
    if isinstance(x, Tensor):
        return x
    return as_array(x)


def float_operand(x):
    """Like :func:`operand`, but integer and bool values become ``floatx``.

    Integer tensors are never tracked by a tape, so converting their array loses no gradient.
    """
    if isinstance(x, Tensor):
        if x.data.dtype.kind in "fc":
            return x
        return Tensor(x.data.astype(config._FLOATX))
    a = as_array(x)
    if a.dtype.kind not in "fc":
        return a.astype(config._FLOATX)
    return a


def pair(a, b):
    """Convert two operands; a non-tensor operand takes the dtype of the other one.

    An integer or bool operand meeting a float one becomes that float type (NumPy would give
    float64 for ``int32 + float32``; TensorFlow refuses): gradients stay in the float type.
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            # the hot case: two tensors of one dtype (builtin dtypes are singletons)
            if a.data.dtype is b.data.dtype:
                return a, b
            return _mixed(a, b)
        b = _like(b, a.data.dtype)
        if b.dtype.kind == "f" and a.data.dtype.kind in "iub":
            a = Tensor(a.data.astype(b.dtype))
        return a, b
    if isinstance(b, Tensor):
        a = _like(a, b.data.dtype)
        if a.dtype.kind == "f" and b.data.dtype.kind in "iub":
            b = Tensor(b.data.astype(a.dtype))
        return a, b
    a, b = as_array(a), as_array(b)
    if a.dtype != b.dtype:
        if a.dtype.kind == "f" and b.dtype.kind in "iub":
            b = b.astype(a.dtype)
        elif b.dtype.kind == "f" and a.dtype.kind in "iub":
            a = a.astype(b.dtype)
    return a, b


def _mixed(a, b):
    """Two tensors of different dtypes: an int/bool one takes the other's float type."""
    da, db = a.data.dtype, b.data.dtype
    if da.kind == "f" and db.kind in "iub":
        return a, Tensor(b.data.astype(da))
    if db.kind == "f" and da.kind in "iub":
        return Tensor(a.data.astype(db)), b
    return a, b


def _like(x, dtype):
    if isinstance(x, (int, float)) and not isinstance(x, bool) and dtype.kind == "f":
        # the hot case (``2 * x``, ``x - 1.0``): one cheap conversion
        return np.asarray(x, dtype)
    a = as_array(x)
    if a.dtype == dtype:
        return a
    if dtype.kind == "f" and a.dtype.kind in "iubf":
        return a.astype(dtype)
    if dtype.kind in "iu" and a.dtype.kind in "iub":
        return a.astype(dtype)
    if dtype.kind == "c" and a.dtype.kind in "iubfc":
        # a Python number next to a complex64 tensor stays complex64 (z ** 3, 2 * z)
        return a.astype(dtype)
    return a


def data(x):
    return x.data if isinstance(x, Tensor) else x


def is_variable(x):
    """True for Variables: ops returning a view of their input copy it then, so a later
    ``assign`` cannot change a result computed earlier (TensorFlow reads a Variable's value)."""
    return isinstance(x, Variable)


def norm_axis(axis, ndim):
    """``axis`` (int, sequence, array or Tensor; negatives allowed) as non-negative ints.

    Raises an InvalidArgumentError (a ValueError) naming the rank when an axis is out of
    range.
    """
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis.data.tolist()
    if isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(_one_axis(a, ndim) for a in axis)
    return _one_axis(axis, ndim)


def _one_axis(a, ndim):
    a = int(a)
    if ndim == 0:
        return a
    if not -ndim <= a < ndim:
        # TF's class (an InvalidArgumentError is also a ValueError)
        raise InvalidArgumentError(
            f"axis {a} is out of range for a tensor of rank {ndim}: expected an axis in "
            f"[{-ndim}, {ndim})."
        )
    return a % ndim
