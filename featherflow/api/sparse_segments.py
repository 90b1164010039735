"""tf.sparse.segment_sum / segment_mean / segment_sqrt_n (rows of a dense tensor picked by
``indices`` and reduced per segment id, differentiable in the data) and tf.sparse.bincount."""

import numpy as np

from featherflow.api import sparse_kernels
from featherflow.api.sparse_ops import lexsort_rows, make
from featherflow.api.sparse_tensor import SparseTensor, dense_operand
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import indexing
from featherflow.ops import math as math_ops


def _segment(data, indices, segment_ids, num_segments, where, scale):
    data = dense_operand(data)
    idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices).astype(np.int64)
    ids = np.asarray(segment_ids.data if isinstance(segment_ids, Tensor) else segment_ids
                     ).astype(np.int64)
    if idx.ndim != 1 or ids.shape != idx.shape:
        raise InvalidArgumentError(
            f"{where}: `indices` and `segment_ids` must be vectors of one length, received "
            f"shapes {idx.shape} and {ids.shape}.")
    rows = data.data.shape[0]
    bad = np.nonzero((idx < 0) | (idx >= rows))[0]
    if bad.size:
        raise InvalidArgumentError(
            f"{where}: indices[{int(bad[0])}] = {int(idx[bad[0]])} is not in [0, {rows}) "
            "(`indices` selects rows of `data`).")
    if num_segments is None:
        if ids.size and np.any(np.diff(ids) < 0):
            raise InvalidArgumentError(
                f"{where}: segment ids are not increasing: `segment_ids` must be sorted when "
                "`num_segments` is not given.")
        num = int(ids[-1]) + 1 if ids.size else 0
    else:
        num = int(np.asarray(num_segments.data if isinstance(num_segments, Tensor)
                             else num_segments))
    if ids.size and (ids.min() < 0 or ids.max() >= num):
        raise InvalidArgumentError(
            f"{where}: segment id {int(ids.max() if ids.max() >= num else ids.min())} is out of "
            f"range [0, {num}) (num_segments).")
    picked = indexing.gather(data, Tensor(idx))
    sums = sparse_kernels.segment_sum(picked, ids, num)
    if scale is None:
        return sums
    counts = np.maximum(np.bincount(ids, minlength=num), 1).astype(data.data.dtype)
    divisor = scale(counts).reshape((num,) + (1,) * (data.data.ndim - 1))
    return math_ops.divide(sums, Tensor(divisor))


def segment_sum(data, indices, segment_ids, num_segments=None, name=None,
                sparse_gradient=False):
    """Sum of the rows ``data[indices]`` per segment id (``tf.sparse.segment_sum``)."""
    return _segment(data, indices, segment_ids, num_segments, "tf.sparse.segment_sum", None)


def segment_mean(data, indices, segment_ids, num_segments=None, name=None,
                 sparse_gradient=False):
    """Mean of the rows ``data[indices]`` per segment id, 0 for an empty segment
    (``tf.sparse.segment_mean``)."""
    return _segment(data, indices, segment_ids, num_segments, "tf.sparse.segment_mean",
                    lambda c: c)


def segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None,
                   sparse_gradient=False):
    """Sum of the rows ``data[indices]`` per segment divided by the square root of its size
    (``tf.sparse.segment_sqrt_n``)."""
    return _segment(data, indices, segment_ids, num_segments, "tf.sparse.segment_sqrt_n",
                    np.sqrt)


def bincount(values, weights=None, axis=0, minlength=None, maxlength=None,
             binary_output=False, name=None):
    """Counts of each integer value as a SparseTensor: over everything (``axis=0``) or per row
    of a matrix (``axis=-1``) (``tf.sparse.bincount``)."""
    where = "tf.sparse.bincount"
    if weights is not None and binary_output:
        raise ValueError("Arguments `binary_output` and `weights` are mutually exclusive. "
                         "Please specify only one.")
    if axis is None:
        axis = 0
    if axis not in (0, -1):
        raise ValueError(f"Unsupported value for argument axis={axis}. Only 0 and -1 are "
                         "currently supported.")
    if isinstance(values, SparseTensor):
        vals = values.values.data
        rows = values.indices.data[:, 0] if values.indices.data.shape[1] else np.zeros(
            len(vals), np.int64)
        batch = int(values.dense_shape.data[0]) if values.indices.data.shape[1] else 1
        w = weights.values.data if isinstance(weights, SparseTensor) else (
            None if weights is None else np.asarray(as_array(weights)).reshape(-1))
    else:
        arr = as_array(values.data if isinstance(values, Tensor) else values)
        if axis == -1 and arr.ndim != 2:
            raise InvalidArgumentError(f"{where}: with axis=-1 `values` must be a matrix "
                                       f"(rank 2), received shape {arr.shape}.")
        batch = arr.shape[0] if axis == -1 else 1
        rows = np.repeat(np.arange(batch), arr.shape[1]) if axis == -1 else np.zeros(
            arr.size, np.int64)
        vals = arr.reshape(-1)
        w = None if weights is None else np.asarray(
            weights.data if isinstance(weights, Tensor) else as_array(weights)).reshape(-1)
    if vals.dtype.kind not in "iu":
        raise TypeError(f"{where}: `values` must hold integers, received dtype {vals.dtype}.")
    if vals.size and vals.min() < 0:
        raise InvalidArgumentError(f"{where}: Input arr must be non-negative! Received "
                                   f"{int(vals.min())}.")
    if w is not None and w.shape[0] != vals.shape[0]:
        raise InvalidArgumentError(f"{where}: `weights` must have the shape of `values` "
                                   f"({vals.shape[0]} values), received {w.shape[0]}.")
    size = max(int(vals.max()) + 1 if vals.size else 0, minlength or 0)
    if maxlength is not None and maxlength >= 0:
        size = min(size, int(maxlength))
        keep = vals < maxlength
        vals, rows = vals[keep], rows[keep]
        w = None if w is None else w[keep]
    if axis == 0:
        rows = np.zeros(len(vals), np.int64)
    keys = np.stack([rows.astype(np.int64), vals.astype(np.int64)], axis=1)
    unique, inverse = sparse_kernels.group_rows(keys)
    if w is not None:
        counts = np.zeros(len(unique), w.dtype)
        np.add.at(counts, inverse, w)
    elif binary_output:
        counts = np.ones(len(unique), vals.dtype)
    else:
        counts = np.bincount(inverse, minlength=len(unique)).astype(vals.dtype)
    if axis == 0:
        return make(unique[:, 1:], counts, [size])
    order = lexsort_rows(unique)
    return make(unique[order], counts[order], [batch, size])
