"""Squareplus, ``(x + sqrt(x^2 + b)) / 2``, as one primitive that stays exact for large ``|x|``.

The textbook formula overflows ``x^2`` (float32 from ``|x| ~ 2e19``: the result becomes inf,
for negative ``x`` too) and cancels for negative ``x`` (float32 squareplus(-1e4) is 0 instead
of 1e-4). Here ``sqrt(x^2 + b)`` is ``hypot(x, sqrt(b))`` and the negative side is rewritten as
``b / (2 (sqrt(x^2 + b) - x))``, which has no cancellation; the slope is ``y / sqrt(x^2 + b)``.
"""

import math

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import float_operand
from featherflow.ops.math import sqrt, square


def _root(x, b):
    return np.hypot(x, np.asarray(math.sqrt(b), x.dtype))


class Squareplus(Function):
    def __init__(self, b):
        self.b = float(b)

    def forward(self, x):
        if self.b == 0:
            # (x + |x|) / 2: the relu, whose slope at 0 is taken as 0 (TF's relu rule)
            self.slope = (x > 0).astype(x.dtype)
            return np.maximum(x, 0).astype(x.dtype, copy=False)
        root = _root(x, self.b)
        half = np.asarray(0.5, x.dtype)
        # b / (2 (root + |x|)), divided through by root (> 0): 1 + |x| / root is in [1, 2],
        # so nothing overflows even at the largest float
        negative = (half * self.b / root) / (1 + np.abs(x) / root)
        y = np.where(x < 0, negative, half * x + half * root).astype(x.dtype, copy=False)
        self.slope = y / root
        return y

    def backward(self, g):
        return ((g * self.slope).astype(g.dtype, copy=False),)

    def backward_tensors(self, g):
        x = self.inputs[0]
        if self.b == 0:
            return (g * self.slope,)
        # the plain formula: only gradients of gradients take it, at moderate |x|
        root = sqrt(square(x) + self.b)
        return (g * (1 + x / root) * 0.5,)


def squareplus(x, b=4, name=None):
    """``(x + sqrt(x^2 + b)) / 2``, a smooth relu; ``b >= 0``.

    Example::

        >>> squareplus([0.0, 2.0]).numpy()
        array([1.       , 2.4142137], dtype=float32)
    """
    if not b >= 0:
        raise ValueError(
            f"squareplus: b must be a number >= 0 (the square of the curve's value at 0, "
            f"times 4); received b={b!r}."
        )
    return Squareplus(b)(float_operand(x))
