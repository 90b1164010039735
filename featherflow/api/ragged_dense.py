"""Between ragged and dense: ``to_tensor``, row gathers, and dense operands broadcast onto
a RaggedTensor's flat values.

Every result is built with ``gather`` and ``concat`` on the flat values (a padding row
appended, then one gather by an index grid), so gradients reach the flat values.
"""

import numpy as np

from featherflow.api.ragged_tensor import RaggedTensor
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import concat as concat_ops
from featherflow.ops import indexing
from featherflow.ops import reshape as reshape_ops


def zero_of(dtype):
    if np.dtype(dtype).kind == "O":
        return b""
    return np.zeros((), dtype)[()]


def _fill_block(default, dtype, shape):
    """A (1, *shape) Tensor of ``default`` (a scalar or something broadcasting to shape)."""
    if default is None:
        value = np.full((1,) + tuple(shape), zero_of(dtype), dtype)
        return Tensor(value)
    if isinstance(default, Tensor):
        if default.data.ndim == 0:
            return Tensor(np.full((1,) + tuple(shape), default.data[()], dtype))
        from featherflow.ops import reshape as reshape_module

        return reshape_module.broadcast_to(reshape_module.reshape(
            default, (1,) + default.data.shape), (1,) + tuple(shape))
    value = as_array(default, None if np.dtype(dtype).kind == "O" else dtype)
    return Tensor(np.broadcast_to(value, (1,) + tuple(shape)).astype(dtype, copy=True))


def pad_rows(values, splits, width, default=None, nrows=None):
    """Dense ``(nrows, width, *inner)`` from rows ``values[splits[i]:splits[i + 1]]``,
    cut to ``width`` and padded with ``default``."""
    data = values.data
    count = len(splits) - 1
    rows = count if nrows is None else nrows
    lengths = np.diff(splits)
    pad_index = data.shape[0]
    cols = np.arange(width)
    keep = np.minimum(lengths, width)
    grid = np.full((rows, width), pad_index, np.int64)
    used = min(rows, count)
    mask = cols[None, :] < keep[:used, None]
    grid[:used][mask] = (splits[:used, None] + cols[None, :])[mask]
    block = _fill_block(default, data.dtype, data.shape[1:])
    padded = concat_ops.concat([values, block], axis=0) if data.dtype != object else \
        Tensor(np.concatenate([data, block.data]))
    return indexing.gather(padded, grid) if data.dtype != object else Tensor(
        padded.data[grid])


def _crop_inner(values, dims, default):
    """Flat values cut or padded (with ``default``) along their inner dimensions."""
    data = values.data
    for axis, target in enumerate(dims, start=1):
        if target is None or target == data.shape[axis]:
            continue
        if target < data.shape[axis]:
            key = (slice(None),) * axis + (slice(0, target),)
            values = values[key]
        else:
            shape = list(data.shape)
            shape[axis] = target - data.shape[axis]
            block = _fill_block(default, data.dtype, shape[1:])
            block = reshape_ops.reshape(block, shape) if data.dtype != object else Tensor(
                block.data.reshape(shape))
            values = concat_ops.concat([values, block], axis=axis) if data.dtype != object \
                else Tensor(np.concatenate([data, block.data], axis=axis))
        data = values.data
    return values


def to_tensor(rt, default_value=None, shape=None):
    """``RaggedTensor.to_tensor``."""
    rank = len(rt.shape)
    if shape is not None:
        dims = getattr(shape, "as_list", lambda: list(shape))()
        dims = [None if d is None or (not isinstance(d, Tensor) and d == -1) else int(d)
                for d in dims]
        if len(dims) != rank:
            raise ValueError(f"RaggedTensor.to_tensor: shape must have rank {rank} (the "
                             f"RaggedTensor's); received {dims}.")
    else:
        dims = [None] * rank
    if isinstance(default_value, (list, tuple)) or (
            isinstance(default_value, Tensor) and default_value.data.ndim):
        inner = rt.flat_values.data.shape[1:]
        default_arr = default_value.data if isinstance(default_value, Tensor) else \
            np.asarray(default_value)
        if default_arr.ndim > len(inner) or not _broadcasts(default_arr.shape, inner):
            raise ValueError(f"RaggedTensor.to_tensor: default_value of shape "
                             f"{list(default_arr.shape)} must broadcast to the inner shape "
                             f"{list(inner)}.")
    ragged_rank = rt.ragged_rank
    bounding = rt.bounding_shape().data.tolist()
    target = [bounding[i] if d is None else d for i, d in enumerate(dims)]
    values = _crop_inner(rt.flat_values, dims[ragged_rank + 1:], default_value)
    levels = rt._nested_splits()
    for depth in range(ragged_rank, 0, -1):
        splits = levels[depth - 1]
        nrows = target[0] if depth == 1 else None
        values = pad_rows(values, splits, target[depth], default_value, nrows)
    return values


def _broadcasts(shape, target):
    shape = (1,) * (len(target) - len(shape)) + tuple(shape)
    return all(a in (1, b) for a, b in zip(shape, target))


def gather_rows(value, index):
    """Rows ``index`` of a Tensor or RaggedTensor (gather along axis 0)."""
    index = np.asarray(index, np.int64).reshape(-1)
    if not isinstance(value, RaggedTensor):
        if value.data.dtype == object:
            return Tensor(value.data[index])
        return indexing.gather(value, index)
    splits = value._row_splits
    n = value.nrows_int()
    if index.size and (index.min() < -n or index.max() >= n):
        raise InvalidArgumentError(f"gather: indices must be in [0, {n}); received "
                                   f"{index.min()} to {index.max()}.")
    index = np.where(index < 0, index + n, index)
    starts, limits = splits[index], splits[index + 1]
    lengths = limits - starts
    inner = ranges(starts, lengths)
    new_splits = np.concatenate([[0], np.cumsum(lengths)]).astype(splits.dtype)
    return RaggedTensor(gather_rows(value._values, inner), new_splits, internal=True)


def ranges(starts, lengths):
    """The concatenation of ``range(starts[i], starts[i] + lengths[i])``."""
    lengths = np.asarray(lengths, np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(np.asarray(starts, np.int64), lengths) + np.arange(total) - offsets


def dense_onto(rt, dense, where):
    """``dense`` broadcast onto ``rt``'s flat values: a Tensor whose rows align with
    ``rt.flat_values`` (or which broadcasts against them by NumPy's rules)."""
    data = dense.data if isinstance(dense, Tensor) else dense
    rank = len(rt.shape)
    uniform = rank - 1 - rt.ragged_rank
    if data.ndim <= uniform:
        return dense
    if data.ndim > rank:
        raise ValueError(f"{where}: a dense operand of rank {data.ndim} does not broadcast "
                         f"against a RaggedTensor of rank {rank}.")
    shape = (1,) * (rank - data.ndim) + data.shape
    levels = rt.ragged_rank + 1
    lead, rest = shape[:levels], shape[levels:]
    n = rt.nrows_int()
    if lead[0] not in (1, n):
        raise InvalidArgumentError(f"{where}: dense operand's dimension 0 ({lead[0]}) does "
                                   f"not broadcast against the RaggedTensor's {n} rows.")
    linear = np.arange(n) if lead[0] == n else np.zeros(n, np.int64)
    for depth, splits in enumerate(rt._nested_splits(), start=1):
        lengths = np.diff(splits)
        parents = np.repeat(np.arange(len(lengths)), lengths)
        positions = np.arange(splits[-1]) - splits[:-1][parents]
        size = lead[depth]
        if size != 1 and np.any(lengths != size):
            raise InvalidArgumentError(
                f"{where}: dense operand's dimension {depth} ({size}) does not broadcast "
                f"against the ragged dimension {depth} (row lengths "
                f"{sorted(set(lengths.tolist()))}).")
        linear = linear[parents] * size + (positions if size != 1 else 0)
    tensor = dense if isinstance(dense, Tensor) else Tensor(data)
    flat = reshape_ops.reshape(tensor, (-1,) + rest) if tensor.data.dtype != object else \
        Tensor(tensor.data.reshape((-1,) + rest))
    return gather_rows(flat, linear)


def to_sparse(rt):
    from featherflow.api import sparse_tensor  # the sparse module loads on first use

    splits = rt._nested_splits()
    flat = rt.flat_values
    # walk outwards: each level gives a row id and a position within the row
    cols = []
    rows = np.arange(flat.data.shape[0])
    for level in reversed(splits):
        lengths = np.diff(level)
        parents = np.repeat(np.arange(len(lengths)), lengths)
        cols.insert(0, rows - level[:-1][parents[rows]])
        rows = parents[rows]
    inner = flat.data.shape[1:]
    lead = np.stack([rows] + cols, axis=1).astype(np.int64)
    if inner:
        grid = np.stack(np.meshgrid(*[np.arange(d) for d in inner], indexing="ij"),
                        axis=-1).reshape(-1, len(inner))
        lead = np.concatenate([np.repeat(lead, len(grid), axis=0),
                               np.tile(grid, (lead.shape[0], 1))], axis=1)
        flat = reshape_ops.reshape(flat, (-1,))
    dense_shape = np.array(rt.bounding_shape().data, np.int64)
    return sparse_tensor.SparseTensor(lead, flat, dense_shape)


def from_sparse(st, row_splits_dtype="int64"):
    indices = np.asarray(st.indices.data)
    shape = np.asarray(st.dense_shape.data)
    if indices.shape[1] != 2:
        raise ValueError(f"RaggedTensor.from_sparse: st_input must have rank 2; received "
                         f"rank {indices.shape[1]}.")
    rows, cols = indices[:, 0], indices[:, 1]
    order = np.lexsort((cols, rows))
    if not np.array_equal(order, np.arange(len(order))):
        raise InvalidArgumentError("RaggedTensor.from_sparse: st_input's indices must be in "
                                   "row-major order (apply tf.sparse.reorder first).")
    lengths = np.bincount(rows, minlength=int(shape[0]))
    expected = ranges(np.zeros(len(lengths), np.int64), lengths)
    if not np.array_equal(cols, expected):
        raise InvalidArgumentError("RaggedTensor.from_sparse: SparseTensor is not "
                                   "right-ragged (each row's values must fill columns 0, 1, "
                                   "... without gaps).")
    dtype = np.dtype(getattr(row_splits_dtype, "as_numpy_dtype", row_splits_dtype))
    return RaggedTensor.from_row_lengths(st.values, lengths.astype(dtype))
