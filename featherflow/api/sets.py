"""``tf.sets``: set operations along the last dimension, as TensorFlow's set kernels.

Each group (all but the last index) of ``a`` and ``b`` is a set: every element of a dense
row, or the values present in a ``SparseTensor`` row. ``intersection``, ``union`` and
``difference`` return a ``SparseTensor`` whose rows hold the result's elements in ascending
order (bytes order for strings), with ``dense_shape`` = the group shape + the largest result
size. ``size`` counts the distinct values of each row of a ``SparseTensor`` (int32).

As in TensorFlow: a sparse ``a`` with a dense ``b`` is flipped (``difference`` then swaps
``aminusb``); the dtypes must match and be int8/16/32/64, uint8/16 or string; the group
shapes of ``a`` and ``b`` must match.
"""

import numpy as np

from featherflow.api.sparse_tensor import SparseTensor
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

__all__ = ["difference", "intersection", "size", "union"]

_VALID = ("int8", "int16", "int32", "int64", "uint8", "uint16", "object")


def _name(dtype):
    return "string" if dtype.kind == "O" else dtype.name


def _convert(value):
    if isinstance(value, SparseTensor):
        return value
    if isinstance(value, Tensor):
        return value.data
    return as_array(value)


def _dtype(x):
    return np.asarray(x.values.data if isinstance(x, SparseTensor) else x).dtype


def _validate(indices, shape):
    if len(indices) and (np.any(indices < 0) or np.any(indices >= np.asarray(shape))):
        raise InvalidArgumentError(
            f"tf.sets: a SparseTensor index is outside its dense_shape {list(shape)}")
    if len(indices) > 1:
        flat = np.ravel_multi_index(tuple(indices.T), shape)
        bad = np.flatnonzero(np.diff(flat) <= 0)
        if len(bad):
            k = int(bad[0]) + 1
            raise InvalidArgumentError(
                f"tf.sets: SparseTensor indices must be sorted in row-major order without "
                f"repeats; index {k} {indices[k].tolist()} follows {indices[k - 1].tolist()}. "
                "Use tf.sparse.reorder first, or pass validate_indices=False.")


def _groups(x, validate=True):
    """(group shape, {group index tuple: set of values}) of a dense array or SparseTensor."""
    if isinstance(x, SparseTensor):
        shape = tuple(int(d) for d in np.asarray(x.dense_shape.data))
        if len(shape) < 2:
            raise InvalidArgumentError(
                f"tf.sets: inputs must have rank >= 2 (a row of sets); received a "
                f"SparseTensor of rank {len(shape)}")
        indices = np.asarray(x.indices.data)
        values = np.asarray(x.values.data)
        if validate:
            _validate(indices, shape)
        out = {}
        for idx, v in zip(map(tuple, indices[:, :-1].tolist()), values.tolist()):
            out.setdefault(idx, set()).add(v)
        return shape[:-1], out
    a = np.asarray(x)
    if a.ndim < 2:
        raise InvalidArgumentError(
            f"tf.sets: inputs must have rank >= 2 (a row of sets); received shape "
            f"{list(a.shape)}")
    rows = a.reshape(-1, a.shape[-1])
    out = {}
    for flat, idx in enumerate(np.ndindex(*a.shape[:-1])):
        if a.shape[-1]:
            out[idx] = set(rows[flat].tolist())
    return a.shape[:-1], out


def _prepare(a, b):
    a, b = _convert(a), _convert(b)
    da = _dtype(a)
    if da.name not in _VALID:
        raise TypeError(f"'a' invalid dtype {_name(da)}; tf.sets takes int8, int16, int32, "
                        "int64, uint8, uint16 or string")
    db = _dtype(b)
    if db != da:
        raise TypeError(f"Types don't match, {_name(da)} vs {_name(db)}.")
    flipped = isinstance(a, SparseTensor) and not isinstance(b, SparseTensor)
    return (b, a, True) if flipped else (a, b, False)


def _operate(a, b, combine, validate):
    shape_a, sets_a = _groups(a, validate)
    shape_b, sets_b = _groups(b, validate)
    if tuple(shape_a) != tuple(shape_b):
        raise InvalidArgumentError(
            f"tf.sets: the shapes of a and b must match in all but the last dimension; "
            f"received {list(shape_a)} and {list(shape_b)}")
    dtype = _dtype(a)
    indices, values, widest = [], [], 0
    for idx in sorted(set(sets_a) | set(sets_b)):
        result = sorted(combine(sets_a.get(idx, set()), sets_b.get(idx, set())))
        widest = max(widest, len(result))
        for k, v in enumerate(result):
            indices.append(idx + (k,))
            values.append(v)
    rank = len(shape_a) + 1
    index_array = np.asarray(indices, np.int64).reshape(len(indices), rank)
    value_array = np.empty(len(values), object) if dtype.kind == "O" else np.asarray(values, dtype)
    if dtype.kind == "O":
        value_array[:] = values
    dense_shape = np.asarray(list(shape_a) + [widest], np.int64)
    return SparseTensor(index_array, value_array, dense_shape)


def intersection(a, b, validate_indices=True):
    a, b, _ = _prepare(a, b)
    return _operate(a, b, lambda x, y: x & y, validate_indices)


def union(a, b, validate_indices=True):
    a, b, _ = _prepare(a, b)
    return _operate(a, b, lambda x, y: x | y, validate_indices)


def difference(a, b, aminusb=True, validate_indices=True):
    a, b, flipped = _prepare(a, b)
    if flipped:
        aminusb = not aminusb
    combine = (lambda x, y: x - y) if aminusb else (lambda x, y: y - x)
    return _operate(a, b, combine, validate_indices)


def size(a, validate_indices=True):
    if not isinstance(a, SparseTensor):
        raise TypeError(f"Expected `SparseTensor`, got {a}.")
    dtype = _dtype(a)
    if dtype.name not in _VALID:
        raise TypeError(f"Invalid dtype {_name(dtype)}.")
    shape, groups = _groups(a, validate_indices)
    out = np.zeros(shape, np.int32)
    for idx, members in groups.items():
        out[idx] = len(members)
    return Tensor(out)


set_difference = difference
set_intersection = intersection
set_size = size
set_union = union
