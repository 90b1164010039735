"""Views that keep every element: reshape, transpose, expand_dims/squeeze, broadcast_to."""

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.higher_order import linear_backward
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, is_variable, norm_axis, operand


class View(Function):
    """A primitive whose forward may return a view of its input.

    ``copy`` is set when the input is a Variable, so the result does not follow later
    ``assign`` calls (TensorFlow reads a Variable's value at the op).
    """

    copy = False

    def out(self, view):
        return view.copy() if self.copy else view


def view_op(op, x):
    if is_variable(x):
        op.copy = True
    return op(x)


def int_tuple(value):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        return tuple(int(v) for v in value.reshape(-1))
    if isinstance(value, (list, tuple)):
        return tuple(-1 if v is None else int(v) for v in value)
    return (int(value),)


class Reshape(View):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.src = x.shape
        return self.out(x.reshape(self.shape))

    def backward(self, g):
        return (g.reshape(self.src),)

    backward_tensors = linear_backward


class Transpose(View):
    def __init__(self, perm):
        self.perm = perm

    def forward(self, x):
        return self.out(x.transpose(self.perm))

    def backward(self, g):
        return (np.transpose(g, np.argsort(self.perm)),)

    backward_tensors = linear_backward


class BroadcastTo(View):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.src = x.shape
        return self.out(np.broadcast_to(x, self.shape))

    def backward(self, g):
        return (unbroadcast(g, self.src),)

    backward_tensors = linear_backward


# -- public functions -----------------------------------------------------------------------
def reshape(tensor, shape, name=None):
    """``tensor`` with a new ``shape`` (one entry may be -1), as ``tf.reshape``."""
    x = operand(tensor)
    shape = int_tuple(shape)
    src = np.shape(data(x))
    total = int(np.prod(src))
    known = int(np.prod([n for n in shape if n != -1]))
    bad = shape.count(-1) > 1 or any(n < -1 for n in shape) or (
        total != known if -1 not in shape else (known == 0 or total % known != 0))
    if bad:
        raise InvalidArgumentError(
            f"reshape: cannot reshape a tensor of shape {tuple(src)} ({total} values) to "
            f"{shape}. The number of values must stay the same (at most one -1)."
        )
    return view_op(Reshape(shape), x)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permute the axes of ``a`` (reversed when ``perm`` is None), as ``tf.transpose``."""
    x = operand(a)
    nd = np.ndim(data(x))
    if perm is None:
        perm = tuple(reversed(range(nd)))
    else:
        perm = tuple(norm_axis(int_tuple(perm), nd))
        if sorted(perm) != list(range(nd)):
            raise InvalidArgumentError(
                f"transpose: perm {perm} is not a permutation of the {nd} axes of a tensor of "
                f"shape {tuple(np.shape(data(x)))}."
            )
    if conjugate and data(x).dtype.kind == "c":
        from featherflow.ops import complex_parts  # a cycle: complex_parts builds on reshape

        x = complex_parts.conj(x)
    return view_op(Transpose(perm), x)


def matrix_transpose(a, name=None, conjugate=False):
    """Swap the last two axes (``tf.linalg.matrix_transpose``)."""
    nd = np.ndim(data(operand(a)))
    if nd < 2:
        raise ValueError(f"matrix_transpose: expected a tensor of rank >= 2, received rank {nd}.")
    perm = list(range(nd))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return transpose(a, perm, conjugate=conjugate)


def expand_dims(input, axis, name=None):
    """Insert a size-1 axis at ``axis`` (negative counts from the end), as ``tf.expand_dims``."""
    x = operand(input)
    shape = list(np.shape(data(x)))
    nd = len(shape)
    axis = int(axis)
    if not -nd - 1 <= axis <= nd:
        raise ValueError(
            f"expand_dims: axis {axis} is out of range for a tensor of rank {nd}: expected "
            f"[{-nd - 1}, {nd}]."
        )
    if axis < 0:
        axis += nd + 1
    shape.insert(axis, 1)
    return view_op(Reshape(tuple(shape)), x)


def squeeze(input, axis=None, name=None):
    """Remove size-1 axes (all of them, or those in ``axis``), as ``tf.squeeze``."""
    x = operand(input)
    shape = np.shape(data(x))
    if axis is None:
        new = tuple(n for n in shape if n != 1)
    else:
        for a in int_tuple(axis):
            if not -len(shape) <= a < len(shape):
                raise InvalidArgumentError(
                    f"squeeze: tried to squeeze axis {a} of a tensor with {len(shape)} "
                    f"dimensions (shape {tuple(shape)})."
                )
        axes = set(norm_axis(int_tuple(axis), len(shape)))
        for a in axes:
            if shape[a] != 1:
                raise InvalidArgumentError(
                    f"squeeze: can not squeeze axis {a}, expected a dimension of 1, got "
                    f"{shape[a]} (shape {tuple(shape)})."
                )
        new = tuple(n for i, n in enumerate(shape) if i not in axes)
    return view_op(Reshape(new), x)


def identity_view(x):
    from featherflow.ops.math import identity

    return identity(x)


def broadcast_to(input, shape, name=None):
    """``input`` broadcast to ``shape`` (``tf.broadcast_to``)."""
    x = operand(input)
    target = int_tuple(shape)
    try:
        np.broadcast_shapes(np.shape(data(x)), target)
    except ValueError:
        raise ValueError(
            f"broadcast_to: cannot broadcast shape {tuple(np.shape(data(x)))} to {target}."
        ) from None
    return view_op(BroadcastTo(target), x)
