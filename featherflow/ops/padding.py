"""``tf.pad``: constant, reflect and symmetric padding."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.higher_order import linear_backward
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, operand


class Pad(Function):
    def __init__(self, pads, mode, value):
        self.pads, self.mode, self.value = pads, mode, value

    def forward(self, x):
        self.shape = x.shape
        if self.mode == "constant":
            return np.pad(x, self.pads, mode="constant", constant_values=self.value)
        return np.pad(x, self.pads, mode=self.mode)

    def backward(self, g):
        if self.mode == "constant":
            idx = tuple(slice(lo, g.shape[i] - hi) for i, (lo, hi) in enumerate(self.pads))
            return (g[idx],)
        # reflect / symmetric: pad the element indices the same way, then add every padded
        # position's gradient back to the element it copies
        n = int(np.prod(self.shape))
        src = np.pad(np.arange(n).reshape(self.shape), self.pads, mode=self.mode)
        back = np.bincount(src.reshape(-1), weights=g.reshape(-1), minlength=n)
        return (back.reshape(self.shape).astype(g.dtype, copy=False),)

    def backward_tensors(self, g):
        # linear unless a nonzero constant is padded in (then affine: no recorded path)
        if self.mode == "constant" and np.any(self.value != 0):
            return None
        return linear_backward(self, g)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad each axis by ``paddings[i] = (before, after)``; modes CONSTANT, REFLECT,
    SYMMETRIC (``tf.pad``)."""
    x = operand(tensor)
    pads = [tuple(int(v) for v in p) for p in np.asarray(data(paddings)).tolist()]
    nd = np.ndim(data(x))
    if len(pads) != nd or any(len(p) != 2 or min(p) < 0 for p in pads):
        raise InvalidArgumentError(
            f"pad: paddings must be {nd} non-negative (before, after) pairs for a tensor of "
            f"rank {nd}, received {pads}."
        )
    m = str(mode).lower()
    if m not in ("constant", "reflect", "symmetric"):
        raise ValueError(
            f"pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', received {mode!r}."
        )
    shape = np.shape(data(x))
    for axis, (before, after) in enumerate(pads):
        # REFLECT mirrors without the edge, SYMMETRIC with it: NumPy would wrap silently
        limit = shape[axis] - 1 if m == "reflect" else shape[axis]
        if m != "constant" and max(before, after) > limit:
            raise InvalidArgumentError(
                f"pad: {mode} paddings of axis {axis} must be "
                f"{'less than' if m == 'reflect' else 'no greater than'} its size "
                f"{shape[axis]}; received ({before}, {after})."
            )
    value = np.asarray(data(constant_values)).item()
    return Pad(pads, m, value)(x)
