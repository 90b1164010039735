"""Repeating a tensor: ``tf.tile`` and ``tf.repeat``."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.higher_order import linear_backward
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, norm_axis, operand
from featherflow.ops.reshape import int_tuple, reshape


class Tile(Function):
    def __init__(self, reps):
        self.reps = reps

    def forward(self, x):
        self.shape = x.shape
        return np.tile(x, self.reps)

    def backward(self, g):
        shp = []
        for r, n in zip(self.reps, self.shape):
            shp += [r, n]
        return (g.reshape(shp).sum(axis=tuple(range(0, len(shp), 2))),)

    backward_tensors = linear_backward


class Repeat(Function):
    def __init__(self, repeats, axis):
        self.repeats, self.axis = repeats, axis

    def forward(self, x):
        self.counts = np.broadcast_to(self.repeats, (x.shape[self.axis],))
        return np.repeat(x, self.repeats, axis=self.axis)

    def backward(self, g):
        counts = self.counts
        total = g.shape[self.axis]
        shape = list(g.shape)
        shape[self.axis] = counts.size
        if total == 0:
            return (np.zeros(shape, g.dtype),)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        out = np.add.reduceat(g, np.minimum(starts, total - 1), axis=self.axis)
        if (counts == 0).any():
            # reduceat gives the element at the start for empty segments: they get nothing
            idx = [slice(None)] * g.ndim
            idx[self.axis] = counts == 0
            out[tuple(idx)] = 0
        return (out,)

    backward_tensors = linear_backward


def tile(input, multiples, name=None):
    """Repeat the whole tensor ``multiples[i]`` times along axis i (``tf.tile``)."""
    x = operand(input)
    reps = int_tuple(multiples)
    nd = np.ndim(data(x))
    if len(reps) != nd:
        raise InvalidArgumentError(
            f"tile: multiples must have one entry per axis ({nd}), received {list(reps)}."
        )
    if any(r < 0 for r in reps):
        raise InvalidArgumentError(f"tile: expected multiples >= 0, received {list(reps)}.")
    return Tile(reps)(x)


def repeat(input, repeats, axis=None, name=None):
    """Repeat each element ``repeats`` times along ``axis`` (flattened when None)."""
    x = operand(input)
    if axis is None:
        x = reshape(x, (-1,))
        axis = 0
    ax = norm_axis(axis, np.ndim(data(x)))
    reps = np.asarray(data(repeats)).astype(np.int64)
    if reps.ndim > 1 or (reps.ndim == 1 and reps.size not in (1, np.shape(data(x))[ax])):
        raise ValueError(
            f"repeat: repeats must be a scalar or have one entry per element of axis {ax} "
            f"({np.shape(data(x))[ax]}), received shape {reps.shape}."
        )
    return Repeat(reps, ax)(x)
