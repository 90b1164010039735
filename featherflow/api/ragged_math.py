"""Ops on RaggedTensors: elementwise ops on the flat values, reductions, concat, stack,
expand_dims and gather, as TF's ragged dispatchers define them.

Elementwise ops need operands with the same row partitions, or a dense operand that
broadcasts onto them (``ragged_dense.dense_onto``). A reduction over a ragged axis pads the
rows with the reduction's identity and reduces the dense block, so gradients come from the
dense op's own backward.
"""

import numpy as np

from featherflow.api.ragged_dense import dense_onto, gather_rows, pad_rows, ranges
from featherflow.api.ragged_tensor import RaggedTensor, _as_values
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops


def _same_partitions(a, b, where):
    sa, sb = a._nested_splits(), b._nested_splits()
    if len(sa) != len(sb) or any(x.shape != y.shape or np.any(x != y)
                                 for x, y in zip(sa, sb)):
        raise InvalidArgumentError(
            f"{where}: the RaggedTensors' row partitions differ (row_splits "
            f"{[s.tolist() for s in sa]} vs. {[s.tolist() for s in sb]}); elementwise ops "
            "need rows of the same lengths.")


def elementwise(fn, where, *operands):
    """``fn`` on the flat values of ``operands`` (RaggedTensors with one partition, or
    dense values that broadcast onto it); the result keeps that partition."""
    template = next(x for x in operands if isinstance(x, RaggedTensor))
    flats = []
    for x in operands:
        if isinstance(x, RaggedTensor):
            _same_partitions(template, x, where)
            flats.append(x.flat_values)
        elif x is None or np.isscalar(x):
            # Python and NumPy scalars go to the op as they are (its dtype rules apply)
            flats.append(x)
        else:
            dense = x if isinstance(x, Tensor) else Tensor(as_array(x))
            flats.append(dense_onto(template, dense, where))
    return template.with_flat_values(fn(*flats))


def unary(fn, rt, *args, **kwargs):
    return rt.with_flat_values(fn(rt.flat_values, *args, **kwargs))


# -- reductions ----------------------------------------------------------------------------

def identity_of(kind, dtype):
    """The value a reduction starts from: what TF's segment reductions give an empty row."""
    dtype = np.dtype(dtype)
    if kind == "sum":
        return np.zeros((), dtype)
    if kind == "prod":
        return np.ones((), dtype)
    if kind == "any":
        return np.array(False)
    if kind == "all":
        return np.array(True)
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return np.array(info.min if kind == "max" else info.max, dtype)


def _axes(axis, rank, where):
    if axis is None:
        return list(range(rank))
    if isinstance(axis, Tensor):
        axis = axis.data.tolist()
    items = axis if isinstance(axis, (list, tuple)) else [axis]
    out = []
    for a in items:
        a = int(a)
        if not -rank <= a < rank:
            raise ValueError(f"{where}: axis {a} is out of range for a RaggedTensor of rank "
                             f"{rank}.")
        out.append(a % rank)
    return sorted(set(out))


def reduce(kind, dense_reduce, rt, axis=None, keepdims=False, where="reduce"):
    """``dense_reduce`` (tf.reduce_sum, ...) over ``axis`` of a RaggedTensor."""
    rank = len(rt.shape)
    axes = _axes(axis, rank, where)
    if len(axes) == rank:
        out = dense_reduce(rt.flat_values)
        return reshape_ops.reshape(out, (1,) * rank) if keepdims else out
    value = rt
    for a in reversed(axes):
        value = _reduce_axis(kind, dense_reduce, value, a, keepdims, where)
    return value


def _reduce_axis(kind, dense_reduce, value, axis, keepdims, where):
    if not isinstance(value, RaggedTensor):
        return dense_reduce(value, axis=axis, keepdims=keepdims)
    ragged_rank = value.ragged_rank
    if axis > ragged_rank:
        return value.with_flat_values(dense_reduce(value.flat_values, axis=axis - ragged_rank,
                                                   keepdims=keepdims))
    start = identity_of(kind, value.dtype)
    if axis == 0:
        if ragged_rank != 1:
            raise ValueError(f"{where}: reducing axis 0 of a RaggedTensor with ragged_rank "
                             f"{ragged_rank} is not supported; reduce the inner axes first.")
        width = int(np.diff(value._row_splits).max()) if value.nrows_int() else 0
        dense = pad_rows(value._values, value._row_splits, width, Tensor(start))
        return dense_reduce(dense, axis=0, keepdims=keepdims)
    if axis == 1 and ragged_rank == 1:
        width = int(np.diff(value._row_splits).max()) if value.nrows_int() else 0
        dense = pad_rows(value._values, value._row_splits, width, Tensor(start))
        return dense_reduce(dense, axis=1, keepdims=keepdims)
    if axis == 1:
        raise ValueError(f"{where}: reducing axis 1 of a RaggedTensor with ragged_rank "
                         f"{ragged_rank} is not supported; reduce the innermost ragged axis "
                         f"({ragged_rank}) first.")
    return RaggedTensor(_reduce_axis(kind, dense_reduce, value._values, axis - 1, keepdims,
                                     where), value._row_splits, internal=True)


def reduce_mean(rt, axis=None, keepdims=False, where="tf.reduce_mean"):
    """The sum over ``axis`` divided by how many values each result gathers (NaN for an
    empty row, as TF's 0 / 0)."""
    total = reduce("sum", math_ops.reduce_sum, rt, axis, keepdims, where)
    ones = rt.with_flat_values(Tensor(np.ones(rt.flat_values.data.shape, rt.dtype)))
    count = reduce("sum", math_ops.reduce_sum, ones, axis, keepdims, where)
    flat_total = total.flat_values if isinstance(total, RaggedTensor) else total
    flat_count = (count.flat_values if isinstance(count, RaggedTensor) else count).data
    if rt.dtype.kind in "fc":
        # the counts are constants: one reciprocal, NaN/inf for empty rows without NumPy's
        # warning (TF's 0 / 0 is silent too)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = (1 / flat_count).astype(rt.dtype)
        with np.errstate(invalid="ignore"):
            out = math_ops.multiply(flat_total, Tensor(scale))
    else:
        # integers: TF's truncating division
        out = math_ops.floordiv(flat_total, Tensor(np.maximum(flat_count, 1).astype(
            rt.dtype)))
    return total.with_flat_values(out) if isinstance(total, RaggedTensor) else out


# -- concat, stack, expand_dims, gather ------------------------------------------------------

def as_ragged(value, ragged_rank, where):
    """A RaggedTensor of ``ragged_rank`` from a RaggedTensor or a dense value."""
    if isinstance(value, RaggedTensor):
        return value
    dense = _as_values(value)
    if dense.data.ndim <= ragged_rank:
        raise ValueError(f"{where}: a dense input of rank {dense.data.ndim} cannot join "
                         f"RaggedTensors of ragged_rank {ragged_rank}.")
    return RaggedTensor.from_tensor(dense, ragged_rank=ragged_rank)


def _join_values(values):
    if isinstance(values[0], RaggedTensor):
        return concat_axis0(values)
    if values[0].data.dtype == object:
        return Tensor(np.concatenate([v.data for v in values]))
    return concat_ops.concat(values, axis=0)


def concat_axis0(rts):
    splits, offset = [np.zeros(1, np.int64)], 0
    for rt in rts:
        splits.append(rt._row_splits[1:].astype(np.int64) + offset)
        offset += int(rt._row_splits[-1])
    dtype = rts[0]._row_splits.dtype
    for rt in rts:
        if rt.ragged_rank != rts[0].ragged_rank:
            raise ValueError("concat: the RaggedTensors must have the same ragged_rank; "
                             f"received {[r.ragged_rank for r in rts]}.")
    return RaggedTensor(_join_values([rt._values for rt in rts]),
                        np.concatenate(splits).astype(dtype), internal=True)


def concat(values, axis, where="concat"):
    """``tf.concat`` with RaggedTensor inputs."""
    ragged_rank = max(v.ragged_rank for v in values if isinstance(v, RaggedTensor))
    rts = [as_ragged(v, ragged_rank, where) for v in values]
    rank = len(rts[0].shape)
    if any(len(r.shape) != rank for r in rts):
        raise ValueError(f"{where}: all inputs must have the same rank; received ranks "
                         f"{[len(r.shape) for r in rts]}.")
    axis = int(axis)
    if not -rank <= axis < rank:
        raise ValueError(f"{where}: axis {axis} is out of range for rank {rank}.")
    axis %= rank
    return _concat(rts, axis, where)


def _concat(rts, axis, where):
    if not isinstance(rts[0], RaggedTensor):
        if rts[0].data.dtype == object:
            return Tensor(np.concatenate([v.data for v in rts], axis=axis))
        return concat_ops.concat(rts, axis=axis)
    if axis == 0:
        return concat_axis0(rts)
    nrows = rts[0].nrows_int()
    if any(r.nrows_int() != nrows for r in rts):
        raise InvalidArgumentError(f"{where}: inputs must have the same number of rows to "
                                   f"join along axis {axis}; received "
                                   f"{[r.nrows_int() for r in rts]}.")
    if axis == 1:
        # row i of the result: row i of each input, one after another
        joined = concat_axis0(rts)
        starts = np.stack([r._row_splits[:-1].astype(np.int64) for r in rts], axis=1)
        lengths = np.stack([np.diff(r._row_splits).astype(np.int64) for r in rts], axis=1)
        offsets = np.cumsum([0] + [int(r._row_splits[-1]) for r in rts[:-1]])
        index = ranges((starts + offsets[None, :]).reshape(-1), lengths.reshape(-1))
        new_splits = np.concatenate([[0], np.cumsum(lengths.sum(axis=1))]).astype(
            rts[0]._row_splits.dtype)
        return RaggedTensor(gather_rows(joined._values, index), new_splits, internal=True)
    for r in rts[1:]:
        if r._row_splits.shape != rts[0]._row_splits.shape or np.any(
                r._row_splits != rts[0]._row_splits):
            raise InvalidArgumentError(f"{where}: inputs must have the same row lengths to "
                                       f"join along axis {axis}.")
    return RaggedTensor(_concat([r._values for r in rts], axis - 1, where),
                        rts[0]._row_splits, internal=True)


def expand_dims(rt, axis):
    """``tf.expand_dims`` of a RaggedTensor: a new dimension of size 1 at ``axis``."""
    rank = len(rt.shape)
    if not -rank - 1 <= axis <= rank:
        raise ValueError(f"expand_dims: axis {axis} is out of range for rank {rank}.")
    axis = axis % (rank + 1)
    dtype = rt._row_splits.dtype
    if axis == 0:
        return RaggedTensor(rt, np.array([0, rt.nrows_int()], dtype), internal=True)
    if axis == 1:
        return RaggedTensor(rt, np.arange(rt.nrows_int() + 1, dtype=dtype), internal=True)
    values = rt._values
    inner = expand_dims(values, axis - 1) if isinstance(values, RaggedTensor) else \
        reshape_ops.expand_dims(values, axis - 1)
    return RaggedTensor(inner, rt._row_splits, internal=True)


def stack(values, axis=0, where="stack"):
    """``tf.stack`` with RaggedTensor inputs (``tf.ragged.stack`` takes dense ones too)."""
    if not values:
        raise ValueError(f"{where}: expected a non-empty list of tensors.")
    ragged_rank = max((v.ragged_rank for v in values if isinstance(v, RaggedTensor)),
                      default=None)
    if ragged_rank is None:
        dense = [_as_values(v) for v in values]
        if len({d.data.ndim for d in dense}) == 1 and dense[0].data.ndim == 0:
            return Tensor(np.stack([d.data for d in dense]))
        rts = [RaggedTensor.from_tensor(d) if d.data.ndim > 1 else d for d in dense]
        if any(not isinstance(r, RaggedTensor) for r in rts):
            return _stack_vectors(rts, axis)
    else:
        rts = [as_ragged(v, ragged_rank, where) for v in values]
    rank = len(rts[0].shape)
    if not -rank - 1 <= axis <= rank:
        raise ValueError(f"{where}: axis {axis} is out of range for rank {rank}.")
    axis %= rank + 1
    return _concat([expand_dims(r, axis) for r in rts], axis, where)


def _stack_vectors(vectors, axis):
    """1-D tensors of different lengths stacked into a ragged [n, None]."""
    if axis not in (0, -2):
        raise ValueError("stack: 1-D inputs of different lengths stack along axis 0 only.")
    lengths = [v.data.shape[0] for v in vectors]
    return RaggedTensor.from_row_lengths(_join_values(vectors), np.array(lengths, np.int64))


def gather(params, indices, axis=0, where="gather"):
    """``tf.gather`` on the rows of a RaggedTensor."""
    if axis not in (0, None):
        raise ValueError(f"{where}: RaggedTensor params are gathered along axis 0 only; "
                         f"received axis={axis}.")
    index = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if isinstance(indices, RaggedTensor):
        flat = gather(params, indices.flat_values, 0, where)
        return indices.with_flat_values(flat)
    if index.ndim == 0:
        return params[int(index)]
    result = gather_rows(params, index.reshape(-1))
    if index.ndim > 1:
        for size in reversed(index.shape[1:]):
            count = result.nrows_int() // size
            result = RaggedTensor(result, np.arange(count + 1, dtype=np.int64) * size,
                                  internal=True)
    return result
