"""``rt[...]``: rows by int and slice, slices within ragged rows, ints and slices on the
uniform inner dimensions, as TF's ``RaggedTensor.__getitem__`` allows them.

TF refuses an int on an inner ragged dimension (``rt[:, 0]``: rows may be too short), and
so does this. Row data is taken with ``gather``, so gradients reach the flat values.
"""

import numpy as np

from featherflow.api.ragged_dense import gather_rows, ranges
from featherflow.api.ragged_tensor import RaggedTensor
from featherflow.autodiff.tensor import Tensor


def _is_int(key):
    if isinstance(key, Tensor):
        return key.data.ndim == 0 and key.data.dtype.kind in "iu"
    return isinstance(key, (int, np.integer)) and not isinstance(key, bool)


def _expand(rt, key):
    key = key if isinstance(key, tuple) else (key,)
    if any(k is None for k in key):
        raise ValueError("RaggedTensor indexing: tf.newaxis is not supported; use "
                         "tf.expand_dims.")
    if sum(k is Ellipsis for k in key) > 1:
        raise ValueError("RaggedTensor indexing: an index can only have a single ellipsis.")
    if Ellipsis in [k for k in key if not isinstance(k, Tensor)]:
        at = [i for i, k in enumerate(key) if k is Ellipsis][0]
        fill = len(rt.shape) - (len(key) - 1)
        key = key[:at] + (slice(None),) * max(fill, 0) + key[at + 1:]
    if len(key) > len(rt.shape):
        raise ValueError(f"RaggedTensor indexing: too many indices ({len(key)}) for a "
                         f"RaggedTensor of rank {len(rt.shape)}.")
    return list(key)


def getitem(rt, key):
    return _outer(rt, _expand(rt, key))


def _outer(value, keys):
    """``keys`` applied from dimension 0 of ``value`` (a Tensor or RaggedTensor)."""
    if not keys:
        return value
    if not isinstance(value, RaggedTensor):
        return value[tuple(keys)]
    key, rest = keys[0], keys[1:]
    n = value.nrows_int()
    if _is_int(key):
        i = int(key)
        if not -n <= i < n:
            raise IndexError(f"Row key {i} out of bounds: the RaggedTensor has {n} rows.")
        return _outer(value._row(i % n), rest)
    if not isinstance(key, slice):
        raise TypeError(f"RaggedTensor indexing: indices must be ints or slices; received "
                        f"{key!r}.")
    start, stop, step = key.indices(n)
    if step == 1:
        rows = value._rows_slice(start, max(stop, start))
    else:
        rows = gather_rows(value, np.arange(start, stop, step))
    return _inner(rows, rest) if rest else rows


def _inner(rt, keys):
    """``keys`` applied from dimension 1 of ``rt`` (its first ragged dimension)."""
    key, rest = keys[0], keys[1:]
    if _is_int(key):
        raise ValueError("Cannot index into an inner ragged dimension.")
    if not isinstance(key, slice):
        raise TypeError(f"RaggedTensor indexing: indices must be ints or slices; received "
                        f"{key!r}.")
    if key != slice(None):
        rt = _slice_rows(rt, key)
    if not rest:
        return rt
    values = rt._values
    if isinstance(values, RaggedTensor):
        new_values = _inner(values, rest)
    else:
        new_values = values[(slice(None),) + tuple(rest)]
    return RaggedTensor(new_values, rt._row_splits, internal=True)


def _slice_rows(rt, key):
    """Every row of ``rt`` cut by the slice ``key`` (Python's rules, row by row)."""
    splits = rt._row_splits
    lengths = np.diff(splits).astype(np.int64)
    step = 1 if key.step is None else int(key.step)
    if step == 0:
        raise ValueError("RaggedTensor indexing: slice step cannot be zero.")
    if step == 1:
        start = _bound(key.start, lengths, 0)
        stop = _bound(key.stop, lengths, lengths)
        stop = np.maximum(stop, start)
        index = ranges(splits[:-1] + start, stop - start)
        new_lengths = stop - start
    else:
        pieces = [np.arange(*slice(key.start, key.stop, step).indices(int(length)))
                  + base for length, base in zip(lengths, splits[:-1])]
        new_lengths = np.array([len(p) for p in pieces], np.int64)
        index = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
    new_splits = np.concatenate([[0], np.cumsum(new_lengths)]).astype(splits.dtype)
    return RaggedTensor(gather_rows(rt._values, index), new_splits, internal=True)


def _bound(value, lengths, default):
    """A step-1 slice bound per row, clipped to [0, length] as Python does."""
    if value is None:
        return np.broadcast_to(default, lengths.shape).astype(np.int64)
    value = int(value)
    if value < 0:
        return np.maximum(lengths + value, 0)
    return np.minimum(np.full(lengths.shape, value, np.int64), lengths)
