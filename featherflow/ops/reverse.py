"""Reordering along axes: ``tf.reverse`` and ``tf.roll``."""

import numpy as np

from featherflow.autodiff.higher_order import linear_backward
from featherflow.ops._convert import data, norm_axis, operand
from featherflow.ops.reshape import View, int_tuple, view_op


class Reverse(View):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return self.out(np.flip(x, self.axis))

    def backward(self, g):
        return (np.flip(g, self.axis),)

    backward_tensors = linear_backward


class Roll(View):
    def __init__(self, shift, axis):
        self.shift, self.axis = shift, axis

    def forward(self, x):
        return np.roll(x, self.shift, self.axis)

    def backward(self, g):
        return (np.roll(g, tuple(-s for s in self.shift), self.axis),)

    backward_tensors = linear_backward


def roll(input, shift, axis, name=None):
    """Shift elements cyclically by ``shift`` along ``axis`` (``tf.roll``)."""
    x = operand(input)
    shifts = int_tuple(shift)
    axes = norm_axis(int_tuple(axis), np.ndim(data(x)))
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes.")
    return Roll(shifts, axes)(x)


def reverse(tensor, axis, name=None):
    """Reverse the order along each of ``axis`` (``tf.reverse``)."""
    x = operand(tensor)
    return view_op(Reverse(norm_axis(int_tuple(axis), np.ndim(data(x)))), x)
