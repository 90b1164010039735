"""Ordering values: sort, argsort, top_k and unique."""

from collections import namedtuple

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, norm_axis, operand
from featherflow.ops.indexing import TakeAlong


def _order(v, axis, direction):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(
            f"sort: direction must be 'ASCENDING' or 'DESCENDING', received {direction!r}."
        )
    if direction == "DESCENDING":
        # stable descending order: sort the negated keys (flipping would reverse ties)
        key = -v if v.dtype.kind in "fi" else ~v if v.dtype.kind == "b" else v.max() - v
        return np.argsort(key, axis=axis, kind="stable")
    return np.argsort(v, axis=axis, kind="stable")


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorted values along ``axis``, differentiable (``tf.sort``)."""
    x = operand(values)
    ax = norm_axis(axis, np.ndim(data(x)))
    return TakeAlong(_order(data(x), ax, direction), ax)(x)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Indices that sort ``values`` along ``axis`` (int32, as ``tf.argsort``)."""
    v = data(operand(values))
    return Tensor(_order(v, norm_axis(axis, v.ndim), direction).astype(np.int32))


TopK = namedtuple("TopK", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):
    """The ``k`` largest values of the last axis and their indices; values differentiable."""
    x = operand(input)
    v = data(x)
    n = v.shape[-1] if v.ndim else 0
    if not 0 <= int(k) <= n:
        raise ValueError(f"top_k: k={k} must be in [0, {n}] for a last axis of size {n}.")
    idx = _order(v, -1, "DESCENDING")[..., : int(k)]
    return TopK(TakeAlong(idx, v.ndim - 1)(x), Tensor(idx.astype(np.int32)))


def unique(x, out_idx=np.int32, name=None):
    """Unique values in order of first appearance, and each input's index into them."""
    v = data(operand(x))
    vals, first, inv = np.unique(v, return_index=True, return_inverse=True)
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    values = Tensor(vals[order])
    if state.tracing is not None:
        state.data_dependent(values, 0)  # a traced map function: the count is the data's
    return values, Tensor(remap[inv.reshape(-1)].astype(out_idx))
