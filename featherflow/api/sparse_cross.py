"""tf.sparse.cross and tf.sparse.cross_hashed: per batch row, every combination of one value
from each input (the first input varying slowest), joined as strings with ``separator`` or
hashed with FarmHash's FingerprintCat64 (as TF's SparseCrossV2 / SparseCrossHashed kernels).

Inputs are rank-2 SparseTensors or dense matrices with one row per batch element.
"""

import numpy as np

from featherflow.api.sparse_ops import make
from featherflow.api.sparse_tensor import SparseTensor
from featherflow.autodiff.tensor import Tensor, as_array, strings_array
from featherflow.errors import InvalidArgumentError
from featherflow.layers.preprocessing.hashed_crossing import fingerprint_cat64
from featherflow.ops import fingerprint

_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_INT64_MAX = (1 << 63) - 1
_MASK = (1 << 64) - 1


def _columns(inputs, where):
    """Per input: its dtype and, per batch row, the list of its values in that row."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"{where}: `inputs` must be a non-empty list of SparseTensors or "
                        f"dense tensors, received {inputs!r}.")
    columns, batch = [], None
    for i, x in enumerate(inputs):
        if isinstance(x, SparseTensor):
            if x.indices.data.shape[1] != 2:
                raise InvalidArgumentError(
                    f"{where}: inputs[{i}] must be a rank-2 SparseTensor, received dense shape "
                    f"{x.dense_shape.data.tolist()}.")
            rows = int(x.dense_shape.data[0])
            vals = x.values.data
            per_row = _runs(x.indices.data[:, 0], vals, rows)
        else:
            a = x.data if isinstance(x, Tensor) else as_array(x)
            if a.ndim != 2:
                raise InvalidArgumentError(f"{where}: inputs[{i}] must be a matrix (rank 2), "
                                           f"received shape {a.shape}.")
            rows = a.shape[0]
            vals = a
            per_row = list(a)
        if vals.dtype.kind not in "iuO":
            raise TypeError(f"{where}: inputs[{i}] must hold int64 or string values, received "
                            f"dtype {vals.dtype}.")
        if batch is None:
            batch = rows
        elif rows != batch:
            raise InvalidArgumentError(
                f"{where}: Expected batch size {batch} got {rows} for inputs[{i}]; every input "
                "needs one row per batch element.")
        columns.append((isinstance(x, SparseTensor), vals.dtype.kind == "O", per_row))
    # TF's kernel takes the sparse inputs first, then the dense ones, each in given order
    columns.sort(key=lambda column: not column[0])
    return [column[1:] for column in columns], batch


def _runs(row_of, vals, rows):
    """Each batch row's values as TF's kernel reads them: one pointer walks the entries in
    their order and row ``b`` takes the run of entries at the pointer whose row is ``b``
    (entries out of row order are skipped, as in TF)."""
    bounds = np.searchsorted(row_of, np.arange(rows + 1)) if np.all(
        np.diff(row_of) >= 0) else None
    if bounds is not None:
        return [vals[bounds[b]:bounds[b + 1]] for b in range(rows)]
    out, ptr, n = [], 0, len(row_of)
    for b in range(rows):
        start = ptr
        while ptr < n and row_of[ptr] == b:
            ptr += 1
        out.append(vals[start:ptr])
    return out


def _cross(inputs, where, combine, out_dtype):
    columns, batch = _columns(inputs, where)
    indices, values, width = [], [], 0
    for r in range(batch):
        rows = [per_row[r] for _, per_row in columns]
        n = int(np.prod([len(v) for v in rows], dtype=np.int64))
        if n == 0:
            continue
        # row-major product: the first input varies slowest
        grids = np.meshgrid(*[np.arange(len(v)) for v in rows], indexing="ij")
        picks = [g.reshape(-1) for g in grids]
        for k in range(n):
            values.append(combine([(columns[c][0], rows[c][picks[c][k]])
                                   for c in range(len(rows))]))
            indices.append((r, k))
        width = max(width, n)
    idx = np.asarray(indices, np.int64).reshape(-1, 2)
    vals = strings_array(np.array(values, dtype=object)) if out_dtype == "string" else np.asarray(
        values, np.int64)
    return make(idx, Tensor(vals.reshape(-1)), [batch, width])


def _text(is_string, value):
    return bytes(value) if is_string else str(int(value)).encode()


def cross(inputs, name=None, separator=None):
    """String crosses of the inputs' values per row, joined by ``separator`` (``"_X_"``)
    (``tf.sparse.cross``)."""
    sep = b"_X_" if separator is None else (separator.encode() if isinstance(separator, str)
                                             else bytes(separator))
    return _cross(inputs, "tf.sparse.cross",
                  lambda parts: sep.join(_text(s, v) for s, v in parts), "string")


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """Hashed crosses: FingerprintCat64 folded over each value's hash (Fingerprint64 of a
    string, an integer's own bits) from ``hash_key``, modulo ``num_buckets`` when > 0
    (``tf.sparse.cross_hashed``)."""
    key = _DEFAULT_HASH_KEY if hash_key is None else int(hash_key) & _MASK
    buckets = int(num_buckets)

    def combine(parts):
        hashed = key
        for is_string, value in parts:
            h = fingerprint.fingerprint64(bytes(value)) if is_string else int(value) & _MASK
            hashed = fingerprint_cat64(hashed, h)
        return hashed % buckets if buckets > 0 else hashed % _INT64_MAX

    return _cross(inputs, "tf.sparse.cross_hashed", combine, "int64")
