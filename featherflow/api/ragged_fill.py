"""``tf.ragged_fill_empty_rows`` and its gradient op: TF's ``RaggedFillEmptyRows`` kernels.

Every row of ``nrows`` with no value gets one ``default_value``; the values of a row keep
their input order, rows follow each other. Returns TF's named tuple (output_value_rowids,
output_values, empty_row_indicator, reverse_index_map: where each input value went);
``output_values`` is differentiable in ``values`` and ``default_value``, with the gradient
op's sums, as TF registers them.

    >>> tf.ragged_fill_empty_rows([0, 0, 2], [1., 2., 3.], 4, -1.).output_values
    # [1., 2., -1., 3., -1.]
"""

import collections

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops.concat import concat
from featherflow.ops.indexing import gather
from featherflow.ops.reshape import reshape

RaggedFillEmptyRows = collections.namedtuple(
    "RaggedFillEmptyRows",
    ["output_value_rowids", "output_values", "empty_row_indicator", "reverse_index_map"])
RaggedFillEmptyRowsGrad = collections.namedtuple("RaggedFillEmptyRowsGrad",
                                                 ["d_values", "d_default_value"])


def ragged_fill_empty_rows(value_rowids, values, nrows, default_value, name=None):
    """Fill each empty row with ``default_value`` (TF's kernel; see the module docstring)."""
    rowids = np.asarray(as_array(value_rowids, np.int64))
    vals = np.asarray(as_array(values))
    count = int(np.asarray(as_array(nrows, np.int64)))
    default = np.asarray(as_array(default_value), vals.dtype)
    if vals.ndim != 1:
        raise InvalidArgumentError(f"values must be a vector, saw: {list(vals.shape)}")
    if rowids.ndim != 1 or rowids.shape[0] != vals.shape[0]:
        raise InvalidArgumentError(
            f"value_rowids must be a vector of values' length {vals.shape[0]}, saw: "
            f"{list(rowids.shape)}")
    if default.ndim != 0:
        raise InvalidArgumentError(f"default_value must be a scalar, saw: {list(default.shape)}")
    outside = np.flatnonzero((rowids < 0) | (rowids >= count))
    if outside.size:
        i = int(outside[0])
        relation = "< 0" if rowids[i] < 0 else f">= {count}"
        raise InvalidArgumentError(f"indices({i}, 0) is invalid: {int(rowids[i])} {relation} "
                                   f"(value_rowids must be in [0, nrows={count}))")
    per_row = np.bincount(rowids, minlength=count) if count else np.zeros(0, np.int64)
    empty = per_row == 0
    slots = np.where(empty, 1, per_row)
    starts = np.concatenate([[0], np.cumsum(slots)[:-1]]).astype(np.int64)
    # the k-th value of a row (in input order) goes to that row's start + k
    order = np.argsort(rowids, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - np.repeat(
        np.concatenate([[0], np.cumsum(per_row)[:-1]]).astype(np.int64), per_row)
    reverse = starts[rowids] + rank if rowids.size else np.zeros(0, np.int64)
    total = int(slots.sum())
    out_rowids = np.repeat(np.arange(count, dtype=np.int64), slots)
    # each output slot reads an input value or (the last entry) the default: one gather of
    # [values..., default], so gradients reach both as TF's registered gradient sends them
    source = np.full(total, vals.shape[0], np.int64)
    source[reverse] = np.arange(vals.shape[0])
    pool = concat([reshape(_tensor(values, vals.dtype), [-1]),
                   reshape(_tensor(default_value, vals.dtype), [1])], axis=0)
    return RaggedFillEmptyRows(Tensor(out_rowids), gather(pool, source), Tensor(empty),
                               Tensor(reverse.astype(np.int64)))


def _tensor(value, dtype):
    if isinstance(value, Tensor) and value.data.dtype == dtype:
        return value
    return Tensor(np.asarray(as_array(value), dtype))


def ragged_fill_empty_rows_grad(reverse_index_map, grad_values, name=None):
    """The gradient of ``ragged_fill_empty_rows``: each input value's gradient, and the sum
    over the filled slots for ``default_value``."""
    reverse = np.asarray(as_array(reverse_index_map, np.int64))
    grads = np.asarray(as_array(grad_values))
    if reverse.ndim != 1 or grads.ndim != 1:
        raise InvalidArgumentError("reverse_index_map and grad_values must be vectors; saw "
                                   f"{list(reverse.shape)} and {list(grads.shape)}")
    d_values = grads[reverse]
    filled = np.ones(grads.shape[0], bool)
    filled[reverse] = False
    return RaggedFillEmptyRowsGrad(Tensor(d_values),
                                   Tensor(np.asarray(grads[filled].sum(), grads.dtype)))
