"""tf.sparse's arithmetic: add, maximum, minimum, reduce_sum, reduce_max, softmax,
sparse_dense_matmul and sampled_addmm.

Groups of index rows are found with NumPy; values are combined with featherflow ops
(sparse_kernels' segment sum and product, ``getitem``, ``matmul``), so gradients reach
``values`` and dense operands where TF defines them. maximum, minimum and reduce_max have
none (TF registers none that works), so they are computed on arrays.
"""

import numpy as np

from featherflow.api.sparse_kernels import (
    SparseDenseMatMul,
    group_rows,
    segment_max_array,
    segment_sum,
)
from featherflow.api.sparse_ops import lexsort_rows, make, take
from featherflow.api.sparse_tensor import (
    SparseTensor,
    as_sparse,
    check_indices_in_range,
    dense_operand,
)
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import concat as concat_ops
from featherflow.ops import indexing, linalg, reduce
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops


def _is_sorted(idx):
    """True when index rows are in strictly increasing row-major order."""
    if idx.shape[0] < 2:
        return True
    diff = idx[1:] != idx[:-1]
    first = diff.argmax(axis=1)
    rows = np.arange(len(first))
    return bool(np.all(diff.any(axis=1)) and np.all(idx[1:][rows, first] > idx[:-1][rows,
                                                                                   first]))


def _merge_walk(ia, ib):
    """TF's SparseAdd merge of two index lists it assumes sorted: a two-pointer walk that
    emits the smaller row (both, summed, when equal). For unsorted inputs this is what TF
    returns, duplicates and order included. Returns the output rows and, per input entry
    (a's then b's), its output position."""
    na, nb = len(ia), len(ib)
    out, where = [], np.zeros(na + nb, np.int64)
    i = j = 0
    while i < na and j < nb:
        x, y = tuple(ia[i]), tuple(ib[j])
        where_row = len(out)
        if x < y:
            out.append(ia[i])
            where[i] = where_row
            i += 1
        elif y < x:
            out.append(ib[j])
            where[na + j] = where_row
            j += 1
        else:
            out.append(ia[i])
            where[i] = where[na + j] = where_row
            i += 1
            j += 1
    for k in range(i, na):
        where[k] = len(out)
        out.append(ia[k])
    for k in range(j, nb):
        where[na + k] = len(out)
        out.append(ib[k])
    return np.asarray(out, np.int64).reshape(-1, ia.shape[1]), where


def _same_shape(a, b, where):
    if a.indices.data.shape[1] != b.indices.data.shape[1]:
        raise InvalidArgumentError(
            f"{where}: the operands have different ranks ({a.indices.data.shape[1]} and "
            f"{b.indices.data.shape[1]}); Operands do not have the same ranks.")
    if not np.array_equal(a.dense_shape.data, b.dense_shape.data):
        raise InvalidArgumentError(
            f"{where}: Operands' shapes do not match: got {a.dense_shape.data.tolist()} and "
            f"{b.dense_shape.data.tolist()}; both SparseTensors need one dense shape.")


def add(a, b, threshold=0):
    """``a + b``: two SparseTensors give a SparseTensor (sums with ``|sum| < threshold``
    dropped), a SparseTensor and a dense tensor give a dense tensor (``tf.sparse.add``)."""
    where = "tf.sparse.add"
    a_sparse, b_sparse = isinstance(a, SparseTensor), isinstance(b, SparseTensor)
    if not a_sparse and not b_sparse:
        raise TypeError(f"{where}: at least one of `a` and `b` must be a SparseTensor, received "
                        f"{type(a).__name__} and {type(b).__name__}; for dense tensors use "
                        "tf.add.")
    if a_sparse and b_sparse:
        _same_shape(a, b, where)
        if a.dtype != b.dtype:
            raise TypeError(f"{where}: `a` has dtype {a.dtype} and `b` {b.dtype}; they must "
                            "match.")
        idx = np.concatenate([a.indices.data, b.indices.data])
        if _is_sorted(a.indices.data) and _is_sorted(b.indices.data):
            unique, inverse = group_rows(idx)
        else:
            unique, inverse = _merge_walk(a.indices.data, b.indices.data)
        values = concat_ops.concat([a.values, b.values], 0)
        summed = segment_sum(values, inverse, len(unique))
        threshold = float(np.asarray(threshold.data if isinstance(threshold, Tensor)
                                     else threshold))
        if threshold > 0:
            keep = np.nonzero(np.abs(summed.data) >= threshold)[0]
            return make(unique[keep], take(summed, keep), a.dense_shape.data)
        return make(unique, summed, a.dense_shape.data)
    sp, dense = (a, b) if a_sparse else (b, a)
    dense = dense_operand(dense, sp.dtype)
    shape = tuple(int(d) for d in sp.dense_shape.data)
    if tuple(dense.data.shape) != shape:
        raise InvalidArgumentError(
            f"{where}: the dense operand has shape {tuple(dense.data.shape)} but the "
            f"SparseTensor's dense shape is {shape}; they must be equal (no broadcasting).")
    check_indices_in_range(sp, where)
    scattered = indexing.scatter_nd(sp.indices.data, sp.values, shape)
    return math_ops.add(dense, scattered) if a_sparse is False else math_ops.add(
        scattered, dense)


def _extreme(sp_a, sp_b, pick, where):
    a = as_sparse(sp_a, "sp_a", where)
    b = as_sparse(sp_b, "sp_b", where)
    _same_shape(a, b, where)
    idx = np.concatenate([a.indices.data, b.indices.data])
    unique, inverse = group_rows(idx)
    dtype = np.result_type(a.dtype, b.dtype)
    # an index missing from one operand stands for its implicit zero
    va = np.zeros(len(unique), dtype)
    vb = np.zeros(len(unique), dtype)
    n = a.indices.data.shape[0]
    va[inverse[:n]] = a.values.data
    vb[inverse[n:]] = b.values.data
    return make(unique, pick(va, vb), a.dense_shape.data)


def maximum(sp_a, sp_b, name=None):
    """Element-wise maximum over the union of indices, a missing entry counting as 0
    (``tf.sparse.maximum``)."""
    return _extreme(sp_a, sp_b, np.maximum, "tf.sparse.maximum")


def minimum(sp_a, sp_b, name=None):
    """Element-wise minimum over the union of indices (``tf.sparse.minimum``)."""
    return _extreme(sp_a, sp_b, np.minimum, "tf.sparse.minimum")


def _reduction_axes(axis, rank, where):
    if axis is None:
        return list(range(rank))
    axes = np.asarray(axis.data if isinstance(axis, Tensor) else axis).reshape(-1)
    out = []
    for ax in axes.tolist():
        if not -rank <= ax < rank:
            raise InvalidArgumentError(
                f"{where}: Invalid reduction dimension {ax}, for input with {rank} dimensions "
                f"(`axis` must be in [{-rank}, {rank})).")
        out.append(ax % rank if rank else ax)
    return sorted(set(out))


def _reduce_groups(sp, axis, keepdims, where):
    rank = sp.indices.data.shape[1]
    axes = _reduction_axes(axis, rank, where)
    kept = [d for d in range(rank) if d not in axes]
    shape = sp.dense_shape.data
    rows = sp.indices.data[:, kept]
    unique, inverse = group_rows(rows)
    if keepdims:
        out_shape = np.where(np.isin(np.arange(rank), axes), 1, shape)
        full = np.zeros((len(unique), rank), np.int64)
        full[:, kept] = unique
        unique = full
    else:
        out_shape = shape[kept]
    return unique, inverse, out_shape


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The sum over ``axis`` (all axes by default): a dense tensor, or a SparseTensor of the
    groups that have entries with ``output_is_sparse`` (``tf.sparse.reduce_sum``)."""
    where = "tf.sparse.reduce_sum"
    sp = as_sparse(sp_input, "sp_input", where)
    unique, inverse, out_shape = _reduce_groups(sp, axis, keepdims, where)
    sums = segment_sum(sp.values, inverse, len(unique))
    if output_is_sparse:
        return make(unique, sums, out_shape)
    return _densify(unique, sums, out_shape)


def _densify(unique, values, out_shape):
    shape = tuple(int(d) for d in out_shape)
    if not shape:
        if len(unique):
            return reshape_ops.reshape(values, [])
        return Tensor(np.zeros((), values.data.dtype))
    return indexing.scatter_nd(unique, values, shape)


def reduce_max(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    """The maximum over ``axis`` of the entries present (missing entries do not count; a group
    without entries is 0 in the dense result) (``tf.sparse.reduce_max``)."""
    where = "tf.sparse.reduce_max"
    sp = as_sparse(sp_input, "sp_input", where)
    unique, inverse, out_shape = _reduce_groups(sp, axis, keepdims, where)
    values = sp.values.data
    kind = values.dtype.kind
    low = -np.inf if kind == "f" else np.iinfo(values.dtype).min if kind in "iu" else False
    maxes = segment_max_array(values, inverse, len(unique), low)
    if output_is_sparse:
        return make(unique, maxes, out_shape)
    dense = np.zeros(tuple(int(d) for d in out_shape), values.dtype)
    if dense.ndim == 0:
        return Tensor(maxes.reshape(()) if len(maxes) else dense)
    dense[tuple(unique.T)] = maxes
    return Tensor(dense)


def softmax(sp_input, name=None):
    """Softmax over the last dimension of the entries present in each row
    (``tf.sparse.softmax``); missing entries stay missing, not 0-weighted."""
    where = "tf.sparse.softmax"
    sp = as_sparse(sp_input, "sp_input", where)
    idx = sp.indices.data
    if idx.shape[1] < 2:
        raise InvalidArgumentError(f"{where}: Input should have rank >= 2, but received shape "
                                   f"{sp.dense_shape.data.tolist()}.")
    values = sp.values
    if values.data.dtype.kind != "f":
        raise TypeError(f"{where}: `sp_input` must hold floats, received {values.data.dtype}.")
    # TF's kernel computes on the reordered entries and writes the results in that order
    # next to the input's indices: the same thing for sorted input
    order = lexsort_rows(idx)
    if not np.array_equal(order, np.arange(len(order))):
        values = take(values, order)
        unique, inverse = group_rows(idx[order, :-1])
    else:
        unique, inverse = group_rows(idx[:, :-1])
    peak = segment_max_array(values.data, inverse, len(unique), -np.inf)
    shifted = math_ops.subtract(values, Tensor(peak[inverse]))
    e = math_ops.exp(shifted)
    total = segment_sum(e, inverse, len(unique))
    return make(idx, math_ops.divide(e, take(total, inverse)), sp.dense_shape.data)


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """``sp_a @ b`` for a rank-2 SparseTensor and a dense matrix, or a dense matrix and a
    SparseTensor; the result is dense (``tf.sparse.sparse_dense_matmul``)."""
    if isinstance(b, SparseTensor) and not isinstance(sp_a, SparseTensor):
        # a @ B = (B^T a^T)^T, as TF rewrites it
        out = sparse_dense_matmul(b, sp_a, adjoint_a=not adjoint_b, adjoint_b=not adjoint_a)
        return reshape_ops.transpose(out)
    where = "tf.sparse.sparse_dense_matmul"
    sp = as_sparse(sp_a, "sp_a", where)
    b = dense_operand(b, sp.dtype)
    idx = sp.indices.data
    if idx.shape[1] != 2 or b.data.ndim != 2:
        raise ValueError(f"{where}: `sp_a` and `b` must be matrices (rank 2), received ranks "
                         f"{idx.shape[1]} and {b.data.ndim}.")
    if b.data.dtype != sp.dtype:
        raise TypeError(f"{where}: `b` has dtype {b.data.dtype}, `sp_a`'s values {sp.dtype}; "
                        "they must match.")
    rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
    shape = sp.dense_shape.data
    m, k = (int(shape[1]), int(shape[0])) if adjoint_a else (int(shape[0]), int(shape[1]))
    if adjoint_b:
        b = reshape_ops.transpose(b)
    if b.data.shape[0] != k:
        raise InvalidArgumentError(
            f"{where}: Cannot multiply A and B because inner dimension does not match: {k} vs. "
            f"{b.data.shape[0]}.  Did you forget a transpose?  Dimensions of A: "
            f"[{shape[0]}, {shape[1]}).  Dimensions of B: {list(b.data.shape)}")
    bad = np.nonzero((rows < 0) | (rows >= m) | (cols < 0) | (cols >= k))[0]
    if bad.size:
        i = int(bad[0])
        raise InvalidArgumentError(f"{where}: index {idx[i].tolist()} of sp_a (row {i}) is out "
                                   f"of bounds of its dense shape {shape.tolist()}.")
    return SparseDenseMatMul(rows, cols, m, k)(sp.values, b)


def sampled_addmm(indices, values, dense_shape, mat1, mat2, beta=1.0, alpha=1.0,
                  output_type="float32"):
    """``beta * values + alpha * (mat1 @ mat2)`` read at ``indices``; returns the components
    ``(indices, values, dense_shape)`` (``tf.sparse.sampled_addmm``)."""
    dtype = np.dtype(getattr(output_type, "as_numpy_dtype", output_type))
    indices_t = indices if isinstance(indices, Tensor) else Tensor(as_array(indices))
    values = dense_operand(values, dtype)
    mat1 = dense_operand(mat1, dtype)
    mat2 = dense_operand(mat2, dtype)
    shape_t = Tensor(np.asarray(dense_shape.data if isinstance(dense_shape, Tensor)
                                else dense_shape).astype(np.int32))
    m, n = mat1.data.shape[-2], mat2.data.shape[-1]
    if shape_t.data.tolist() != [m, n]:
        raise ValueError(f"Dense shape: {shape_t} does not match output shape: "
                         f"{Tensor(np.array([m, n], np.int32))}")
    product = linalg.matmul(mat1, mat2)
    idx = indices_t.data.astype(np.int64)
    batch = product.data.shape[:-2]
    nb = int(np.prod(batch, dtype=np.int64))
    flat = reshape_ops.reshape(product, [nb, m, n])
    rows = idx.reshape(nb, -1, 2)
    which = np.repeat(np.arange(nb), rows.shape[1])
    picked = indexing.getitem(flat, (which, rows[..., 0].reshape(-1), rows[..., 1].reshape(-1)))
    picked = reshape_ops.reshape(picked, list(values.data.shape))
    out = math_ops.add(math_ops.multiply(Tensor(np.asarray(beta, dtype)), values),
                       math_ops.multiply(Tensor(np.asarray(alpha, dtype)), picked))
    return indices_t, out, shape_t
