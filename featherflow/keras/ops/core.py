"""``keras.ops`` core and math ops: conversion, control flow (run eagerly, so gradients flow
through every iteration), scatter/slice updates, segment reductions, top_k."""

import builtins

import numpy as np

from featherflow import tree
from featherflow.autodiff.tensor import Tensor
from featherflow.keras.ops._dtypes import standardize
from featherflow.keras.ops.numpy import _arr, _ints, convert
from featherflow.ops import concat as _concat
from featherflow.ops import indexing as _indexing
from featherflow.ops import math as _m
from featherflow.ops import reduce as _reduce
from featherflow.ops import sort as _sort


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if sparse:
        raise ValueError("convert_to_tensor(sparse=True): featherflow has no sparse tensors "
                         "yet.")
    if ragged:
        raise ValueError("convert_to_tensor(ragged=True): featherflow has no ragged tensors "
                         "yet.")
    return convert(x, standardize(dtype))


def convert_to_numpy(x):
    return np.array(_arr(x))


def is_tensor(x):
    return isinstance(x, Tensor)


def shape(x):
    return tuple(np.shape(_arr(x)))


def dtype(x):
    return np.asarray(_arr(x)).dtype.name


def cast(x, dtype):
    return _m.cast(convert(x), standardize(dtype))


def saturate_cast(x, dtype):
    dt = np.dtype(standardize(dtype))
    x = convert(x)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = info.min, info.max
        if x.data.dtype.kind == "f":
            # the largest float of x's type not above the int range
            lo = np.maximum(np.asarray(lo, x.data.dtype), np.finfo(x.data.dtype).min)
            hi = np.nextafter(np.asarray(hi, x.data.dtype), np.asarray(0, x.data.dtype)) \
                if np.asarray(hi, x.data.dtype) > hi else np.asarray(hi, x.data.dtype)
        x = _m.clip_by_value(x, np.asarray(lo, x.data.dtype), np.asarray(hi, x.data.dtype))
    elif dt.kind == "f" and x.data.dtype.kind == "f" and dt.itemsize < x.data.itemsize:
        info = np.finfo(dt)
        x = _m.clip_by_value(x, np.asarray(info.min, x.data.dtype),
                             np.asarray(info.max, x.data.dtype))
    return _m.cast(x, dt)


def stop_gradient(variable):
    return _m.stop_gradient(convert(variable))


def _truth(pred):
    value = np.asarray(_arr(pred))
    if value.size != 1:
        raise ValueError(f"cond: pred must be a scalar boolean; received shape {value.shape}.")
    return bool(value.reshape(()))


def cond(pred, true_fn, false_fn):
    return true_fn() if _truth(pred) else false_fn()


def switch(index, branches, *operands):
    i = int(np.asarray(_arr(index)).reshape(()))
    i = builtins.min(builtins.max(i, 0), len(branches) - 1)  # Keras clamps out-of-range indices
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    count = 0
    while _truth(cond(*state)):
        if maximum_iterations is not None and count >= maximum_iterations:
            break
        out = body(*state)
        state = tuple(out) if isinstance(out, (list, tuple)) else (out,)
        count += 1
    state = tuple(convert(s) if not isinstance(s, Tensor) and np.ndim(s) == 0 and
                  not isinstance(s, (list, tuple, dict)) else s for s in state)
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    value = init_val
    for i in range(int(_arr(lower)), int(_arr(upper))):
        value = body_fun(i, value)
    return convert(value) if not isinstance(value, (Tensor, list, tuple, dict)) else value


def _leading(xs):
    leaves = tree.flatten(xs)
    return int(np.shape(_arr(leaves[0]))[0]) if leaves else 0


def _index(xs, i):
    return tree.map_structure(lambda leaf: _indexing.getitem(convert(leaf), i), xs)


def _stack(results):
    return tree.map_structure(lambda *leaves: _concat.stack([convert(v) for v in leaves]),
                              *results)


def map(f, xs):  # noqa: A001 - keras.ops.map
    n = _leading(xs)
    if n == 0:
        raise ValueError("map: xs has no elements along its first axis.")
    return _stack([f(_index(xs, i)) for i in range(n)])


def vectorized_map(function, elements):
    return map(function, elements)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    n = _leading(xs) if xs is not None else int(length)
    if xs is not None and length is not None and int(length) != n:
        raise ValueError(f"scan: length={length} but xs has {n} elements.")
    carry, ys = init, []
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        carry, y = f(carry, None if xs is None else _index(xs, i))
        ys.append(y)
    if reverse:
        ys.reverse()
    carry = tree.map_structure(convert, carry)
    if not ys or all(y is None for y in tree.flatten(ys)):
        return carry, None
    return carry, _stack(ys)


def associative_scan(f, elems, reverse=False, axis=0):
    leaves = tree.flatten(elems)
    n = int(np.shape(_arr(leaves[0]))[axis])

    def at(i):
        return tree.map_structure(
            lambda leaf: _indexing.getitem(convert(leaf), (builtins.slice(None),) * axis + (i,)),
            elems)
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    results = []
    acc = None
    for i in order:
        acc = at(i) if acc is None else f(acc, at(i))
        results.append(acc)
    if reverse:
        results.reverse()
    return tree.map_structure(lambda *v: _concat.stack([convert(x) for x in v], axis=axis),
                              *results)


def scatter(indices, values, shape):
    idx = np.asarray(_arr(indices)).astype(np.int64)
    return _indexing.scatter_nd(idx, convert(values), _ints(shape))


def scatter_update(inputs, indices, updates):
    idx = np.asarray(_arr(indices)).astype(np.int64)
    x = convert(inputs)
    return _indexing.tensor_scatter_nd_update(x, idx, convert(updates, x.data.dtype))


def slice(inputs, start_indices, shape):  # noqa: A001 - keras.ops.slice
    starts, sizes = _ints(start_indices), _ints(shape)
    key = tuple(builtins.slice(b, b + s) for b, s in zip(starts, sizes))
    return _indexing.getitem(convert(inputs), key)


def slice_update(inputs, start_indices, updates):
    x = convert(inputs)
    u = convert(updates, x.data.dtype)
    starts = _ints(start_indices)
    grids = np.meshgrid(*[np.arange(b, b + s) for b, s in zip(starts, u.data.shape)],
                        indexing="ij")
    idx = np.stack(grids, -1).reshape(-1, len(starts))
    return _indexing.tensor_scatter_nd_update(x, idx, _flat(u, len(starts)))


def _flat(u, depth):
    from featherflow.ops import reshape as _reshape

    return _reshape.reshape(u, (-1,) + u.data.shape[depth:])


def unstack(x, num=None, axis=0):
    return list(_concat.unstack(convert(x), num=num, axis=axis))


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    ids = np.asarray(_arr(segment_ids)).astype(np.int64)
    n = int(ids.max()) + 1 if num_segments is None else int(num_segments)
    return _reduce.unsorted_segment_sum(convert(data), ids, n)


def _segment_reduce(reduce, empty, data, segment_ids, num_segments):
    x = convert(data)
    ids = np.asarray(_arr(segment_ids)).astype(np.int64)
    n = int(ids.max()) + 1 if num_segments is None else int(num_segments)
    rows = []
    fill = np.asarray(empty(x.data.dtype), x.data.dtype)
    for s in range(n):
        members = np.nonzero(ids == s)[0]
        if members.size:
            rows.append(reduce(_indexing.gather(x, members), axis=0))
        else:
            rows.append(Tensor(np.full(x.data.shape[1:], fill)))
    return _concat.stack(rows)


def _lowest(dt):
    return np.finfo(dt).min if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.finfo(dt).max if dt.kind == "f" else np.iinfo(dt).max


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(_reduce.reduce_max, _lowest, data, segment_ids, num_segments)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(_reduce.reduce_min, _highest, data, segment_ids, num_segments)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(_reduce.reduce_prod, lambda dt: 1, data, segment_ids, num_segments)


def top_k(x, k, sorted=True):
    values, indices = _sort.top_k(convert(x), k=int(k), sorted=True)
    return values, _m.cast(indices, "int32")


def in_top_k(targets, predictions, k):
    return _reduce.in_top_k(np.asarray(_arr(targets)), convert(predictions), int(k))


def extract_sequences(x, sequence_length, sequence_stride):
    x = convert(x)
    n = x.data.shape[-1]
    count = 1 + (n - sequence_length) // sequence_stride
    idx = (np.arange(count)[:, None] * sequence_stride + np.arange(sequence_length)[None, :])
    return _indexing.gather(x, idx, axis=x.data.ndim - 1)


def custom_gradient(f):
    """``@keras.ops.custom_gradient``: ``f`` returns ``(output, grad_fn)``; featherflow's
    ``tf.custom_gradient`` runs it."""
    from featherflow.autodiff.custom_gradient import custom_gradient as _custom

    return _custom(f)
