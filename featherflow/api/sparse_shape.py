"""tf.sparse's order and shape ops: reorder, transpose, reshape, expand_dims, eye,
reset_shape, slice, split and concat. Index arithmetic is NumPy; values move through
featherflow ops where TF differentiates them (concat: not at all, as TF)."""

import numpy as np

from featherflow.api.sparse_ops import as_axis, int_scalar, lexsort_rows, make, take
from featherflow.api.sparse_tensor import as_sparse
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.ops import math as math_ops


def reorder(sp_input, name=None):
    """The same SparseTensor with its indices in row-major order (``tf.sparse.reorder``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.reorder")
    perm = lexsort_rows(sp.indices.data)
    if np.array_equal(perm, np.arange(len(perm))):
        return make(sp.indices.data, sp.values, sp.dense_shape.data)
    return make(sp.indices.data[perm], take(sp.values, perm), sp.dense_shape.data)


def transpose(sp_input, perm=None, name=None):
    """Dimensions permuted by ``perm`` (reversed by default), then reordered
    (``tf.sparse.transpose``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.transpose")
    rank = sp.indices.data.shape[1]
    perm = list(range(rank))[::-1] if perm is None else [int(p) for p in np.asarray(
        perm.data if isinstance(perm, Tensor) else perm).reshape(-1)]
    if sorted(perm) != list(range(rank)):
        raise InvalidArgumentError(
            f"tf.sparse.transpose: `perm` must be a permutation of 0..{rank - 1}, received "
            f"{perm}.")
    moved = make(sp.indices.data[:, perm], sp.values, sp.dense_shape.data[perm])
    return reorder(moved)


def reshape(sp_input, shape, name=None):
    """The same entries in a new dense shape (one dimension may be -1) (``tf.sparse.reshape``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.reshape")
    new = [int(d) for d in np.asarray(shape.data if isinstance(shape, Tensor) else shape)
           .reshape(-1)]
    old = [int(d) for d in sp.dense_shape.data]
    total = int(np.prod(old, dtype=np.int64))
    unknown = [i for i, d in enumerate(new) if d == -1]
    if len(unknown) > 1:
        raise InvalidArgumentError(
            f"tf.sparse.reshape: only one output dimension may be -1, not both {unknown[0]} and "
            f"{unknown[1]} (received shape {new}).")
    known = int(np.prod([d for d in new if d != -1], dtype=np.int64))
    if unknown:
        if known == 0 or total % known:
            raise InvalidArgumentError(
                f"tf.sparse.reshape: Input to reshape is a SparseTensor with {total} dense "
                f"values, but the requested shape requires a multiple of {known}. "
                f"input_shape={old} output_shape={new}")
        new[unknown[0]] = total // known
    elif known != total:
        raise InvalidArgumentError(
            f"tf.sparse.reshape: Input to reshape is a tensor with {total} dense values, but "
            f"the requested shape has {known}. input_shape={old} output_shape={new}")
    idx = sp.indices.data
    if idx.shape[0]:
        flat = np.ravel_multi_index(tuple(idx.T), old) if old else np.zeros(len(idx), np.int64)
        new_idx = np.stack(np.unravel_index(flat, new), axis=1) if new else np.zeros(
            (len(idx), 0), np.int64)
    else:
        new_idx = np.zeros((0, len(new)), np.int64)
    return make(new_idx, math_ops.identity(sp.values), new)


def expand_dims(sp_input, axis=None, name=None):
    """A dimension of size 1 inserted at ``axis`` (``tf.sparse.expand_dims``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.expand_dims")
    rank = sp.indices.data.shape[1]
    axis = as_axis(-1 if axis is None else axis, rank, "tf.sparse.expand_dims", extra=1)
    idx = np.insert(sp.indices.data, axis, 0, axis=1)
    shape = np.insert(sp.dense_shape.data, axis, 1)
    return make(idx, sp.values, shape)


def eye(num_rows, num_columns=None, dtype="float32", name=None):
    """A sparse identity matrix of ``num_rows x num_columns`` (``tf.sparse.eye``)."""
    rows = int_scalar(num_rows, "num_rows", "tf.sparse.eye")
    cols = rows if num_columns is None else int_scalar(num_columns, "num_columns",
                                                        "tf.sparse.eye")
    n = min(rows, cols)
    dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
    diag = np.arange(n, dtype=np.int64)
    return make(np.stack([diag, diag], axis=1), np.ones(n, dtype), (rows, cols))


def reset_shape(sp_input, new_shape=None):
    """The same entries with a new dense shape: the tightest box holding the indices, or
    ``new_shape`` (no dimension smaller than before) (``tf.sparse.reset_shape``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.reset_shape")
    idx = sp.indices.data
    old = sp.dense_shape.data
    if new_shape is None:
        shape = (idx.max(axis=0) + 1) if idx.shape[0] else np.zeros(len(old), np.int64)
        shape = np.maximum(shape, 0)
    else:
        shape = np.asarray(new_shape.data if isinstance(new_shape, Tensor) else new_shape,
                           dtype=np.int64)
        if shape.ndim != 1:
            raise ValueError(f"tf.sparse.reset_shape: `new_shape` must be 1-D, received shape "
                             f"{shape.shape}. Shape must be rank 1 but is rank {shape.ndim}.")
        if shape.shape[0] != len(old):
            raise ValueError(
                f"tf.sparse.reset_shape: `new_shape` has {shape.shape[0]} dimensions but "
                f"sp_input has rank {len(old)} (Dimensions {shape.shape[0]} and {len(old)} are "
                "not compatible).")
        if not np.all(old <= shape):
            raise ValueError(
                "Requested new_shape should have dimension sizes >= sp_input.shape.  Found "
                f"new_shape ({old}), sp_input.shape ({shape}).")
    return make(idx, math_ops.identity(sp.values), shape)


def slice(sp_input, start, size, name=None):  # noqa: A001 - TF's name
    """The entries in the box ``[start, start + size)``, re-based at 0 (``tf.sparse.slice``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.slice")
    rank = sp.indices.data.shape[1]
    start = np.asarray(start.data if isinstance(start, Tensor) else start, np.int64).reshape(-1)
    size = np.asarray(size.data if isinstance(size, Tensor) else size, np.int64).reshape(-1)
    if start.shape[0] != rank or size.shape[0] != rank:
        raise InvalidArgumentError(
            f"tf.sparse.slice: Expected start and size to have {rank} elements (the input's "
            f"rank), received start={start.tolist()} and size={size.tolist()}.")
    if np.any(start < 0) or np.any(size < 0):
        raise InvalidArgumentError(
            f"tf.sparse.slice: `start` and `size` must be non-negative, received "
            f"start={start.tolist()}, size={size.tolist()}.")
    return _slice(sp, start, size)


def _slice(sp, start, size):
    shape = sp.dense_shape.data
    end = np.minimum(start + size, shape)
    out_shape = np.maximum(end - start, 0)
    idx = sp.indices.data
    inside = np.all((idx >= start) & (idx < end), axis=1) if idx.shape[0] else np.zeros(
        0, bool)
    positions = np.nonzero(inside)[0]
    return make(idx[positions] - start, take(sp.values, positions), out_shape)


def split(sp_input=None, num_split=None, axis=None, name=None):
    """``num_split`` SparseTensors along ``axis``; the first ``size % num_split`` pieces are one
    larger (``tf.sparse.split``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.split")
    if num_split is None:
        raise ValueError("tf.sparse.split: `num_split` is required (an integer >= 1).")
    if axis is None:
        raise ValueError("tf.sparse.split: `axis` is required.")
    num_split = int_scalar(num_split, "num_split", "tf.sparse.split")
    rank = sp.indices.data.shape[1]
    axis = as_axis(axis, rank, "tf.sparse.split")
    shape = sp.dense_shape.data
    dim = int(shape[axis])
    if num_split < 1 or num_split > dim:
        raise InvalidArgumentError(
            f"tf.sparse.split: `num_split` must be in [1, {dim}] (the size of dimension {axis}), "
            f"received {num_split}.")
    base, extra = divmod(dim, num_split)
    pieces, offset = [], 0
    for i in range(num_split):
        width = base + (1 if i < extra else 0)
        start = np.zeros(rank, np.int64)
        start[axis] = offset
        size = shape.copy()
        size[axis] = width
        pieces.append(_slice(sp, start, size))
        offset += width
    return pieces


def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None):
    """SparseTensors joined along ``axis`` (``tf.sparse.concat``). With
    ``expand_nonconcat_dims`` the other dimensions grow to the largest input's. Values are not
    differentiated through (TF registers no gradient for SparseConcat)."""
    where = "tf.sparse.concat"
    if not isinstance(sp_inputs, (list, tuple)) or not sp_inputs:
        raise TypeError(f"{where}: `sp_inputs` must be a non-empty list of SparseTensors, "
                        f"received {sp_inputs!r}.")
    sps = [as_sparse(s, f"sp_inputs[{i}]", where) for i, s in enumerate(sp_inputs)]
    rank = sps[0].indices.data.shape[1]
    for i, s in enumerate(sps):
        if s.indices.data.shape[1] != rank:
            raise InvalidArgumentError(
                f"{where}: Ranks of all input tensors must match: sp_inputs[0] has rank {rank}, "
                f"sp_inputs[{i}] has rank {s.indices.data.shape[1]}.")
    axis = as_axis(axis, rank, where)
    shapes = np.stack([s.dense_shape.data for s in sps])
    if expand_nonconcat_dims:
        out_shape = shapes.max(axis=0)
    else:
        out_shape = shapes[0].copy()
        for i in range(1, len(sps)):
            differ = [d for d in range(rank) if d != axis and shapes[i, d] != shapes[0, d]]
            if differ:
                d = differ[0]
                raise InvalidArgumentError(
                    f"{where}: Input shapes must match: expected {shapes[0, d]} for dimension "
                    f"{d} but got {shapes[i, d]} at position {i}. Pass "
                    "expand_nonconcat_dims=True to grow the other dimensions.")
    offsets = np.concatenate([[0], np.cumsum(shapes[:, axis])[:-1]])
    out_shape[axis] = shapes[:, axis].sum()
    parts = []
    for s, off in zip(sps, offsets):
        idx = s.indices.data.copy()
        idx[:, axis] += off
        parts.append(idx)
    idx = np.concatenate(parts) if parts else np.zeros((0, rank), np.int64)
    values = np.concatenate([s.values.data for s in sps])
    perm = lexsort_rows(idx)
    return make(idx[perm], values[perm], out_shape)
