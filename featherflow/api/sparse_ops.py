"""tf.sparse's conversions and value ops: from_dense, to_dense, to_indicator, retain, mask,
fill_empty_rows, map_values and the sparse (op) dense products, plus the helpers the other
tf.sparse modules share (make, take, lexsort_rows, int_scalar, as_axis); the shape ops are in
sparse_shape.py.

Index arithmetic is NumPy on the int64 ``indices``; ``values`` move through featherflow ops
(``getitem`` with an index array, whose gradient scatter-adds back), so a tape sees them. The
one primitive here is :class:`ToDense` (its default value has a gradient, as in TF).
"""

import numpy as np

from featherflow.api.sparse_kernels import linear_keys
from featherflow.api.sparse_tensor import (
    SparseTensor,
    as_sparse,
    check_indices_in_range,
    dense_operand,
)
from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array, convert_to_tensor
from featherflow.errors import InvalidArgumentError
from featherflow.ops import concat as concat_ops
from featherflow.ops import indexing
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.tree import nest


def take(values, positions):
    """``values[positions]`` (a 1-D int array), differentiable in ``values``."""
    positions = np.asarray(positions, dtype=np.int64)
    if not (isinstance(values, Tensor) and values._track):
        return Tensor(values.data[positions] if isinstance(values, Tensor) else
                      np.asarray(values)[positions])
    return indexing.getitem(values, positions)


def make(indices, values, dense_shape):
    """A SparseTensor from arrays known to be consistent (no re-checking)."""
    sp = SparseTensor.__new__(SparseTensor)
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    sp._indices = Tensor(indices.reshape(indices.shape[0] if indices.ndim == 2 else -1,
                                         len(dense_shape)))
    sp._values = values if isinstance(values, Tensor) else Tensor(np.asarray(values))
    sp._dense_shape = Tensor(np.asarray(dense_shape, dtype=np.int64).reshape(-1))
    return sp


def lexsort_rows(indices):
    """The permutation that puts index rows in row-major (lexicographic) order, stable."""
    if indices.shape[1] == 0 or indices.shape[0] < 2:
        return np.arange(indices.shape[0])
    keys = linear_keys(indices, indices.max(axis=0) + 1) if indices.min() >= 0 else None
    if keys is None:
        return np.lexsort(indices.T[::-1])
    if np.all(keys[1:] >= keys[:-1]):
        return np.arange(indices.shape[0])
    return np.argsort(keys, kind="stable")


def int_scalar(value, argument, where):
    a = np.asarray(value.data if isinstance(value, Tensor) else value)
    if a.ndim != 0 or a.dtype.kind not in "iu":
        raise TypeError(f"{where}: `{argument}` must be a Python or scalar integer, received "
                        f"{value!r}.")
    return int(a)


def as_axis(axis, rank, where, argument="axis", extra=0):
    axis = int_scalar(axis, argument, where)
    if not -(rank + extra) <= axis < rank + extra:
        raise InvalidArgumentError(
            f"{where}: `{argument}`={axis} is out of range for a SparseTensor of rank {rank}; "
            f"expected {argument} in [{-(rank + extra)}, {rank + extra}).")
    return axis + rank + extra if axis < 0 else axis


# -- dense <-> sparse --------------------------------------------------------------------------

def from_dense(tensor, name=None):
    """The non-zero entries of a dense tensor, in row-major order (``tf.sparse.from_dense``)."""
    tensor = dense_operand(tensor)
    a = tensor.data
    if a.dtype.kind == "O":
        nonzero = np.array([v != b"" for v in a.reshape(-1)], dtype=bool).reshape(a.shape)
    else:
        nonzero = a != 0
    indices = np.argwhere(nonzero)
    if a.ndim == 0:
        values = math_ops.identity(tensor)[None] if nonzero else Tensor(a.reshape(1)[:0])
        return make(indices.reshape(int(nonzero), 0), values, ())
    values = indexing.getitem(tensor, tuple(indices.T)) if tensor._track else Tensor(a[nonzero])
    return make(indices, values, a.shape)


class ToDense(Function):
    """Sparse values written into a dense tensor filled with ``default``; the default's
    gradient is the sum of the gradient where no value was written (TF's rule)."""

    def __init__(self, key, shape):
        self.key, self.shape = key, shape

    def forward(self, values, default):
        if default == 0:
            out = np.zeros(self.shape, dtype=values.dtype)  # fresh zero pages, not a fill
        else:
            out = np.full(self.shape, default, dtype=values.dtype)
        out[self.key] = values
        return out

    def backward(self, g):
        gv = g[self.key]
        gd = np.asarray(g.sum() - gv.sum(), dtype=g.dtype) if self.needs[1] else None
        return gv, gd


def check_order(sp, where):
    """TF's kernels' check that indices are sorted and unique (validate_indices)."""
    idx = sp.indices.data
    if idx.shape[0] < 2 or idx.shape[1] == 0:
        if idx.shape[0] >= 2:
            raise InvalidArgumentError(f"{where}: indices[1] = [] is repeated.")
        return
    prev, cur = idx[:-1], idx[1:]
    diff = cur != prev
    first = np.where(diff.any(axis=1), diff.argmax(axis=1), 0)
    rows = np.arange(len(first))
    less = cur[rows, first] < prev[rows, first]
    same = ~diff.any(axis=1)
    bad = np.nonzero(less | same)[0]
    if bad.size:
        i = int(bad[0]) + 1
        if same[i - 1]:
            raise InvalidArgumentError(f"{where}: indices[{i}] = {idx[i].tolist()} is repeated.")
        raise InvalidArgumentError(
            f"{where}: indices[{i}] = {idx[i].tolist()} is out of order. Many sparse ops "
            "require sorted indices. Use `tf.sparse.reorder` to create a correctly ordered "
            "copy.")


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor, ``default_value`` (0) where no value is given (``tf.sparse.to_dense``).

    With ``validate_indices`` the indices must be sorted and unique, as TF checks.
    """
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.to_dense")
    where = "tf.sparse.to_dense"
    check_indices_in_range(sp, where)
    if validate_indices:
        check_order(sp, where)
    values = sp.values
    dtype = values.data.dtype
    if default_value is None:
        default = np.zeros((), dtype) if dtype.kind != "O" else np.array(b"", dtype=object)
    else:
        default = default_value if isinstance(default_value, Tensor) else Tensor(
            as_array(default_value, dtype))
        if np.ndim(default.data) != 0:
            raise ValueError(f"{where}: `default_value` must be a scalar, received shape "
                             f"{tuple(np.shape(default.data))}.")
        if default.data.dtype != dtype:
            raise TypeError(f"{where}: `default_value` has dtype {default.data.dtype}, the "
                            f"SparseTensor's values {dtype}; they must match.")
    shape = tuple(int(d) for d in sp.dense_shape.data)
    key = tuple(sp.indices.data.T)
    return ToDense(key, shape)(values, default)


def to_indicator(sp_input, vocab_size, name=None):
    """A bool dense tensor: ``[..., v]`` is True when ``v`` is among the values of row
    ``[...]`` (``tf.sparse.to_indicator``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.to_indicator")
    vocab_size = int_scalar(vocab_size, "vocab_size", "tf.sparse.to_indicator")
    ids = sp.values.data
    if ids.dtype.kind not in "iu":
        raise TypeError(f"tf.sparse.to_indicator: `sp_input` must hold int32 or int64 ids, "
                        f"received dtype {ids.dtype}.")
    shape = [int(d) for d in sp.dense_shape.data]
    idx = sp.indices.data
    out = np.zeros(shape[:-1] + [vocab_size], dtype=bool)
    bad = np.nonzero((ids < 0) | (ids >= vocab_size))[0]
    if bad.size:
        raise InvalidArgumentError(
            f"tf.sparse.to_indicator: value {int(ids[bad[0]])} at indices[{int(bad[0])}] is "
            f"outside [0, vocab_size={vocab_size}).")
    out[tuple(idx[:, :-1].T) + (ids.astype(np.int64),)] = True
    return Tensor(out)


def retain(sp_input, to_retain):
    """The entries where the bool vector ``to_retain`` is True (``tf.sparse.retain``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.retain")
    keep = np.asarray(to_retain.data if isinstance(to_retain, Tensor) else to_retain)
    n = sp.indices.data.shape[0]
    if keep.ndim != 1 or keep.shape[0] != n:
        raise ValueError(f"tf.sparse.retain: `to_retain` must be a bool vector of length {n} "
                         f"(one per value), received shape {keep.shape}.")
    positions = np.nonzero(keep.astype(bool))[0]
    return make(sp.indices.data[positions], take(sp.values, positions), sp.dense_shape.data)


def mask(a, mask_indices, name=None):
    """The IndexedSlices ``a`` without the rows whose index is in ``mask_indices``
    (``tf.sparse.mask``)."""
    indices = a.indices.data if isinstance(a.indices, Tensor) else np.asarray(a.indices)
    drop = np.asarray(mask_indices.data if isinstance(mask_indices, Tensor) else mask_indices)
    positions = np.nonzero(~np.isin(indices, drop.reshape(-1)))[0]
    kept = Tensor(indices[positions])
    values = indexing.gather(a.values, Tensor(positions.astype(np.int64)))
    return type(a)(values, kept, a.dense_shape)


def fill_empty_rows(sp_input, default_value, name=None):
    """Rows (first dimension) without entries get one entry ``default_value`` at
    ``[row, 0, ...]``; returns the SparseTensor and the bool vector of rows that were empty
    (``tf.sparse.fill_empty_rows``)."""
    sp = as_sparse(sp_input, "sp_input", "tf.sparse.fill_empty_rows")
    idx = sp.indices.data
    rank = idx.shape[1]
    rows = int(sp.dense_shape.data[0]) if rank else 0
    values = sp.values
    default = default_value if isinstance(default_value, Tensor) else Tensor(
        as_array(default_value, values.data.dtype))
    if np.ndim(default.data) != 0:
        raise InvalidArgumentError("tf.sparse.fill_empty_rows: `default_value` must be a "
                                   f"scalar, received shape {np.shape(default.data)}.")
    counts = np.bincount(idx[:, 0], minlength=rows) if idx.shape[0] else np.zeros(rows, int)
    empty = counts == 0
    empty_rows = np.nonzero(empty)[0]
    filled = np.zeros((len(empty_rows), rank), np.int64)
    filled[:, 0] = empty_rows
    all_idx = np.concatenate([idx, filled])
    # stable by row: the input's order within a row is kept, as TF's kernel does
    perm = np.argsort(all_idx[:, 0], kind="stable") if all_idx.shape[0] else np.zeros(0, int)
    if default.data.dtype != values.data.dtype:
        default = math_ops.cast(default, values.data.dtype)
    fill = reshape_ops.broadcast_to(reshape_ops.reshape(default, [1]), [len(empty_rows)])
    joined = concat_ops.concat([values, fill], 0)
    out = make(all_idx[perm], take(joined, perm), sp.dense_shape.data)
    return out, Tensor(empty)


def map_values(op, *args, **kwargs):
    """``op`` applied to the values of the SparseTensors in ``args``/``kwargs`` (all with the
    same indices); the result keeps those indices (``tf.sparse.map_values``)."""
    found = []

    def replace(x):
        if isinstance(x, SparseTensor):
            found.append(x)
            return x.values
        return x

    inner_args = nest.map_structure(replace, args)
    inner_kwargs = nest.map_structure(replace, kwargs)
    if not found:
        raise ValueError("No SparseTensor in argument list of map_values")
    first = found[0]
    for other in found[1:]:
        if (other.indices.data.shape != first.indices.data.shape
                or not np.array_equal(other.indices.data, first.indices.data)
                or not np.array_equal(other.dense_shape.data, first.dense_shape.data)):
            raise InvalidArgumentError(
                "tf.sparse.map_values: all SparseTensors must have the same indices and "
                "dense_shape (Inconsistent indices/dense_shape between SparseTensor inputs).")
    result = convert_to_tensor(op(*inner_args, **inner_kwargs))
    return make(first.indices.data, result, first.dense_shape.data)


# -- sparse (op) dense -------------------------------------------------------------------------

def sparse_dense_cwise(sp, other, op):
    """``sp * dense`` / ``sp / dense``: the dense operand broadcast to the dense shape and read at
    the indices; the result keeps the SparseTensor's indices (TF's sparse_dense_cwise ops)."""
    if isinstance(other, SparseTensor):
        raise TypeError(f"SparseTensor.__{op}__: the other operand must be dense, received a "
                        "SparseTensor. Use tf.sparse.map_values or tf.sparse.to_dense first.")
    dense = other if isinstance(other, Tensor) else Tensor(as_array(other, sp.dtype))
    if dense.data.dtype != sp.dtype:
        raise TypeError(f"SparseTensor.__{op}__: the dense operand has dtype "
                        f"{dense.data.dtype}, the SparseTensor {sp.dtype}; cast one of them.")
    shape = tuple(int(d) for d in sp.dense_shape.data)
    ds = dense.data.shape
    if len(ds) > len(shape) or any(d not in (1, s) for d, s in zip(ds[::-1], shape[::-1])):
        raise InvalidArgumentError(
            f"SparseTensor.__{op}__: the dense operand of shape {ds} does not broadcast to the "
            f"SparseTensor's dense shape {shape} (SparseDenseBinaryOpShared broadcasts dense "
            "to sparse only).")
    idx = sp.indices.data
    lead = len(shape) - len(ds)
    key = tuple(np.zeros(len(idx), np.int64) if d == 1 else idx[:, lead + i]
                for i, d in enumerate(ds))
    picked = indexing.getitem(dense, key) if key else math_ops.multiply(
        dense, Tensor(np.ones(len(idx), dense.data.dtype)))
    values = sp.values
    if op == "mul":
        values = math_ops.multiply(values, picked)
    else:
        if values.data.dtype.kind in "iu":
            # Python's / on integers is a true division, in float32 or float64 (TF's table)
            wide = np.float32 if values.data.dtype.itemsize <= 2 else np.float64
            values, picked = math_ops.cast(values, wide), math_ops.cast(picked, wide)
        values = math_ops.divide(values, picked)
    return make(idx, values, shape)
