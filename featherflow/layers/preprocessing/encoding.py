"""Ids to one-hot, multi-hot and count vectors, as Keras's ``encode_categorical_inputs``.

Ids outside ``[0, depth)`` are dropped, as TF's ``bincount`` and ``one_hot`` drop them: the
lookup layers use that for their mask token (mapped to the int64 maximum outside ``"int"``
mode). ``multi_hot`` and ``count`` treat the last axis as the sample axis; ``one_hot`` encodes
every id, and squeezes a last axis of size 1 first.
"""

import numpy as np

MODES = ("int", "one_hot", "multi_hot", "count")


def bincount_rows(ids, row_ids, rows, depth, binary, dtype=np.int64):
    """A ``(rows, depth)`` array counting (or, ``binary``, flagging) ``ids`` per row."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    row_ids = np.asarray(row_ids, dtype=np.int64).reshape(-1)
    keep = (ids >= 0) & (ids < depth)
    flat = row_ids[keep] * depth + ids[keep]
    counts = np.bincount(flat, minlength=rows * depth).reshape(rows, depth)
    if binary:
        counts = np.minimum(counts, 1)
    return counts.astype(dtype, copy=False)


def encode(ids, output_mode, depth, dtype=np.int64):
    """``ids`` (an int ndarray) in ``output_mode`` over ``depth`` bins."""
    ids = np.asarray(ids)
    if output_mode == "int":
        return ids.astype(dtype, copy=False)
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids.reshape(ids.shape[:-1])
        flat = ids.reshape(-1)
        out = bincount_rows(flat, np.arange(flat.size), flat.size, depth, True, dtype)
        return out.reshape(ids.shape + (depth,))
    if ids.ndim == 0:
        ids = ids.reshape(1)
    rows = int(np.prod(ids.shape[:-1], dtype=np.int64))
    width = ids.shape[-1]
    row_ids = np.repeat(np.arange(rows), width)
    out = bincount_rows(ids, row_ids, rows, depth, output_mode == "multi_hot", dtype)
    return out.reshape(ids.shape[:-1] + (depth,))
