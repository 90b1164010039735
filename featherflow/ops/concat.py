"""Joining and splitting along an axis: concat, stack, unstack, split."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, norm_axis, operand
from featherflow.ops.reshape import View, identity_view, int_tuple, squeeze, view_op


class Concat(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, g):
        cuts = np.cumsum(self.sizes)[:-1]
        return tuple(np.split(g, cuts, axis=self.axis))

    def backward_tensors(self, g):
        return tuple(split(g, self.sizes, axis=self.axis))


class Stack(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return np.stack(xs, axis=self.axis)

    def backward(self, g):
        n = g.shape[self.axis]
        return tuple(np.take(g, i, axis=self.axis) for i in range(n))

    def backward_tensors(self, g):
        return tuple(unstack(g, axis=self.axis))


class Split(View):
    def __init__(self, cuts, axis, n):
        self.cuts, self.axis, self.n_out = cuts, axis, n

    def forward(self, x):
        return tuple(self.out(p) for p in np.split(x, self.cuts, axis=self.axis))

    def backward(self, gs):
        return (np.concatenate(gs, axis=self.axis),)

    def backward_tensors(self, gs):
        return (concat(list(gs), axis=self.axis),)


def concat(values, axis, name=None):
    """Join tensors along an existing ``axis`` (``tf.concat``)."""
    xs = [operand(v) for v in values]
    if not xs:
        raise ValueError("concat: expected a non-empty list of tensors, received an empty list.")
    nd = np.ndim(data(xs[0]))
    ax = norm_axis(axis, nd)
    shapes = [np.shape(data(v)) for v in xs]
    for s in shapes:
        if len(s) != nd or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0])) if i != ax):
            raise InvalidArgumentError(
                f"concat: shapes {[tuple(s) for s in shapes]} differ outside axis {axis}; all "
                f"inputs must have the same rank and the same sizes except along that axis."
            )
    dt = _common_dtype(xs)
    xs = [v if data(v).dtype == dt else _cast(v, dt) for v in xs]
    return Concat(ax)(*xs)


def _cast(x, dt):
    from featherflow.ops.math import cast

    return cast(x, dt)


def _common_dtype(xs):
    """One dtype for joined tensors: the widest float among them if any (so ints or Python
    numbers joined to float32 tensors give float32, not NumPy's float64), else NumPy's."""
    dts = [data(v).dtype for v in xs]
    floats = [d for d in dts if d.kind == "f"]
    return np.result_type(*floats) if floats else np.result_type(*dts)


def stack(values, axis=0, name=None):
    """Join same-shaped tensors along a new ``axis`` (``tf.stack``)."""
    xs = [operand(v) for v in values]
    if not xs:
        raise ValueError("stack: expected a non-empty list of tensors, received an empty list.")
    shapes = [tuple(np.shape(data(v))) for v in xs]
    if len(set(shapes)) > 1:
        raise ValueError(f"stack: all inputs must have the same shape, received {shapes}.")
    dt = _common_dtype(xs)
    xs = [v if data(v).dtype == dt else _cast(v, dt) for v in xs]
    nd = len(shapes[0]) + 1
    return Stack(norm_axis(axis, nd))(*xs)


def unstack(value, num=None, axis=0, name=None):
    """Split along ``axis`` into a list of tensors without that axis (``tf.unstack``)."""
    x = operand(value)
    nd = np.ndim(data(x))
    ax = norm_axis(axis, nd)
    n = np.shape(data(x))[ax]
    if num is not None and int(num) != n:
        raise ValueError(f"unstack: num={num} but axis {ax} has size {n}.")
    parts = split(x, n, axis=ax)
    return [squeeze(p, ax) for p in parts]


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """Split into equal parts or parts of the given sizes (one may be -1), as ``tf.split``."""
    x = operand(value)
    nd = np.ndim(data(x))
    ax = norm_axis(axis, nd)
    size = np.shape(data(x))[ax]
    if isinstance(num_or_size_splits, (int, np.integer)):
        n = int(num_or_size_splits)
        if n <= 0 or size % n:
            raise InvalidArgumentError(
                f"split: axis {ax} of size {size} cannot be split into {n} equal parts."
            )
        sizes = [size // n] * n
    else:
        sizes = list(int_tuple(num_or_size_splits))
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise ValueError(f"split: sizes {sizes} may hold one -1 and no other negative.")
        if -1 in sizes:
            sizes[sizes.index(-1)] = size - (sum(sizes) + 1)
        if sum(sizes) != size or min(sizes) < 0:
            raise ValueError(f"split: sizes {sizes} do not add up to axis {ax}'s size {size}.")
    if len(sizes) == 1:
        return [identity_view(x)]
    cuts = list(np.cumsum(sizes)[:-1])
    return list(view_op(Split(cuts, ax, len(sizes)), x))
