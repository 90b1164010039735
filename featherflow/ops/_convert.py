"""Operand conversion shared by the op modules."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array


def operand(x):
    """A Tensor stays; anything else becomes an ndarray by featherflow's rules."""
    if isinstance(x, Tensor):
        return x
    return as_array(x)


def pair(a, b):
    """Convert two operands; a non-tensor operand takes the float dtype of the other one."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if ta and tb:
        return a, b
    if ta:
        return a, _like(b, a.data.dtype)
    if tb:
        return _like(a, b.data.dtype), b
    return as_array(a), as_array(b)


def _like(x, dtype):
    a = as_array(x)
    if a.dtype == dtype:
        return a
    if dtype.kind == "f" and a.dtype.kind in "iubf":
        return a.astype(dtype)
    if dtype.kind in "iu" and a.dtype.kind in "iub":
        return a.astype(dtype)
    return a


def data(x):
    return x.data if isinstance(x, Tensor) else x


def norm_axis(axis, ndim):
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis.data.tolist()
    if isinstance(axis, (list, tuple, np.ndarray)):
        return tuple(int(a) % ndim if ndim else int(a) for a in axis)
    return int(axis) % ndim if ndim else int(axis)
