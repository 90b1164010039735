"""The two primitives tf.sparse's arithmetic runs on: a segment sum (rows of values added
into buckets) and the sparse-dense matrix product, each with its backward beside it, plus
the NumPy helpers that find groups of index rows fast (rows as one int64 key each).

``np.add.at`` and ``np.add.reduceat`` are slow on rows (about 15 copies' time for 100k rows
of 64); sums here sort once (or not at all when the ids are already sorted, the usual case
for sorted indices) and reduce all segments of one length in one gather.
"""

import numpy as np

from featherflow.autodiff.function import Function

_INT64_LIMIT = 1 << 62


def linear_keys(rows, shape):
    """One int64 key per index row, ordered as the rows are (row-major), or None when the
    dense shape is too large for one int64."""
    total = 1
    for d in shape:
        total *= max(int(d), 1)
    if total >= _INT64_LIMIT:
        return None
    strides = np.ones(len(shape), np.int64)
    for i in range(len(shape) - 2, -1, -1):
        strides[i] = strides[i + 1] * max(int(shape[i + 1]), 1)
    return rows @ strides if rows.shape[0] else np.zeros(0, np.int64)


def group_rows(rows, shape=None):
    """The distinct index rows in row-major order and, per input row, its group's number."""
    if rows.shape[0] == 0:
        return rows.reshape(0, rows.shape[1]), np.zeros(0, np.int64)
    if rows.shape[1] == 0:
        return rows[:1], np.zeros(rows.shape[0], np.int64)
    if shape is None:
        shape = rows.max(axis=0) + 1
    keys = linear_keys(rows, shape)
    if keys is None:
        unique, inverse = np.unique(rows, axis=0, return_inverse=True)
        return unique, inverse.reshape(-1)
    if keys.shape[0] < 2 or np.all(keys[1:] > keys[:-1]):
        return rows, np.arange(rows.shape[0])
    if np.all(keys[1:] >= keys[:-1]):
        new = np.r_[True, keys[1:] != keys[:-1]]
        return rows[new], np.cumsum(new) - 1
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1)


def sort_order(keys):
    """The stable permutation that sorts ``keys`` (None when already sorted)."""
    if keys.shape[0] < 2 or np.all(keys[1:] >= keys[:-1]):
        return None
    return np.argsort(keys, kind="stable")


def runs_by_length(ids):
    """For sorted ``ids``: per run length ``c``, the segment ids of the runs that long and
    the ``[runs, c]`` positions of their entries. Few lengths occur (at most about
    ``sqrt(2 * len(ids))``), so a segment reduction is a few vectorised gathers."""
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    counts = np.diff(np.r_[starts, ids.shape[0]])
    segments = ids[starts]
    order = np.argsort(counts, kind="stable")
    by_length = counts[order]
    bounds = np.flatnonzero(np.r_[True, by_length[1:] != by_length[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        chosen = order[lo:hi]
        yield segments[chosen], starts[chosen][:, None] + np.arange(int(by_length[lo]))


def segment_sum_array(x, ids, num, order=None):
    """``out[k] = sum(x[ids == k])`` over the first axis; ``order`` sorts ``ids`` if given.

    Vectors go through one ``bincount``; rows are summed run length by run length (see
    :func:`runs_by_length`).
    """
    out = np.zeros((num,) + x.shape[1:], x.dtype)
    if ids.shape[0] == 0:
        return out
    if x.ndim == 1 and x.dtype.kind == "f":
        return np.bincount(ids, weights=x, minlength=num).astype(x.dtype, copy=False)
    if order is not None:
        ids, x = ids[order], x[order]
    for segments, positions in runs_by_length(ids):
        out[segments] = x[positions].sum(axis=1)
    return out


def segment_max_array(x, ids, num, fill):
    """``out[k] = max(x[ids == k])`` for a vector ``x``; ``fill`` where a segment is empty."""
    out = np.full(num, fill, x.dtype)
    if ids.shape[0] == 0:
        return out
    order = sort_order(ids)
    if order is not None:
        ids, x = ids[order], x[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    out[ids[starts]] = np.maximum.reduceat(x, starts)
    return out


class SegmentSum(Function):
    """Rows of ``x`` summed into ``num`` buckets by ``ids``; the gradient reads ``g[ids]``."""

    def __init__(self, ids, num):
        self.ids, self.num = ids, num
        self.order = sort_order(ids)

    def forward(self, x):
        return segment_sum_array(x, self.ids, self.num, self.order)

    def backward(self, g):
        return (g[self.ids],)


def spmm(rows, cols, values, dense, m):
    """``A @ dense`` for the ``m``-row sparse matrix A given by (rows, cols, values)."""
    out = np.zeros((m, dense.shape[1]), np.result_type(values, dense))
    if rows.shape[0] == 0:
        return out
    order = sort_order(rows)
    if order is not None:
        rows, cols, values = rows[order], cols[order], values[order]
    # per run length, one contraction: no [nnz, n] product is materialised
    for segments, positions in runs_by_length(rows):
        out[segments] = np.einsum("rc,rcn->rn", values[positions], dense[cols[positions]])
    return out


class SparseDenseMatMul(Function):
    """``A @ b`` for A given by (rows, cols, values) of an ``m x k`` matrix: forward and the
    gradients of ``values`` (``g[rows] . b[cols]``) and of ``b`` (``A^T g``)."""

    def __init__(self, rows, cols, m, k):
        self.rows, self.cols, self.m, self.k = rows, cols, m, k

    def forward(self, values, b):
        self.values, self.b = values, b
        return spmm(self.rows, self.cols, values, b, self.m)

    def backward(self, g):
        gv = None
        if self.needs[0]:
            gv = np.einsum("ij,ij->i", g[self.rows], self.b[self.cols])
        gb = spmm(self.cols, self.rows, self.values, g, self.k) if self.needs[1] else None
        return gv, gb


def segment_sum(values, ids, num):
    """The differentiable segment sum of a Tensor (or array) ``values``."""
    return SegmentSum(np.asarray(ids, np.int64), int(num))(values)
