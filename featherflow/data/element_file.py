"""featherflow's file format for dataset elements (``cache(filename)`` and ``save``/``load``).

TensorFlow's on-disk formats for these are internal to it, so featherflow has its own,
without pickle. A file is::

    b"FFELEM1\\n"  uint64 header length  header (UTF-8 JSON: {"element_spec": ...})
    per element: b"E", then per component (in tf.nest order) one or more arrays, each
                 uint8 rank, int64 dims, the data (numbers: little-endian C-order bytes of
                 the spec's dtype; strings: int64 lengths, then the bytes one after another)
    b"Z" uint64 element count

A dense component is one array; a SparseTensor three (indices, values, dense_shape); a
RaggedTensor a uint8 count of row-splits arrays, those, then its flat values (a count of 0
and one dense array where the spec's ragged_rank is 0).

The closing count tells a finished file from a cut one. Writers write to a temporary name
and rename when done, so a reader never sees half a file under the real name.
"""

import collections
import gzip
import json
import os
import struct
import uuid

import numpy as np

from featherflow.api.sparse_ops import make as make_sparse
from featherflow.api.sparse_tensor import SparseTensorSpec
from featherflow.autodiff.tensor import Tensor, dtype_name
from featherflow.data import structure
from featherflow.errors import DataLossError

MAGIC = b"FFELEM1\n"
COMPRESSIONS = (None, "", "GZIP")


# -- the spec as JSON ------------------------------------------------------------------------

def spec_to_json(spec):
    """A JSON-able form of a nest of TensorSpecs (and Sparse/RaggedTensorSpecs)."""
    if structure.is_sparse_spec(spec):
        shape = None if spec._shape is None else list(spec._shape)
        return {"sparse": {"shape": shape, "dtype": dtype_name(spec.dtype)}}
    if structure.is_ragged_spec(spec):
        shape = None if spec._shape is None else list(spec._shape)
        return {"ragged": {"shape": shape, "dtype": dtype_name(spec.dtype),
                           "ragged_rank": spec.ragged_rank,
                           "row_splits_dtype": spec.row_splits_dtype.name}}
    if isinstance(spec, structure.TensorSpec):
        shape = None if spec._shape is None else list(spec._shape)
        return {"tensor": {"shape": shape, "dtype": dtype_name(spec.dtype)}}
    if structure.is_namedtuple(spec):
        return {"namedtuple": type(spec).__name__, "fields": list(spec._fields),
                "values": [spec_to_json(v) for v in spec]}
    if isinstance(spec, tuple):
        return {"tuple": [spec_to_json(v) for v in spec]}
    if isinstance(spec, dict):
        if not all(isinstance(k, str) for k in spec):
            raise TypeError(f"Only string dict keys can be stored; received {list(spec)}.")
        return {"dict": [[k, spec_to_json(v)] for k, v in spec.items()]}
    raise TypeError(
        f"Cannot store elements with a component of type {type(spec).__name__} ({spec!r}); "
        "only tensors (in tuples, namedtuples and dicts) can be written. Turn nested datasets "
        "into tensors first (e.g. flat_map(lambda w: w.batch(n))).")


def spec_from_json(data):
    if "sparse" in data:
        t = data["sparse"]
        return SparseTensorSpec(t["shape"], _dtype(t["dtype"]))
    if "ragged" in data:
        t = data["ragged"]
        return structure.ragged_module().RaggedTensorSpec(
            t["shape"], _dtype(t["dtype"]), t["ragged_rank"], t["row_splits_dtype"])
    if "tensor" in data:
        t = data["tensor"]
        return structure.TensorSpec(t["shape"], _dtype(t["dtype"]))
    if "namedtuple" in data:
        kind = collections.namedtuple(data["namedtuple"], data["fields"])
        return kind(*(spec_from_json(v) for v in data["values"]))
    if "tuple" in data:
        return tuple(spec_from_json(v) for v in data["tuple"])
    return {k: spec_from_json(v) for k, v in data["dict"]}


def _dtype(name):
    return np.dtype(object) if name == "string" else np.dtype(name)


# -- writing ---------------------------------------------------------------------------------

def open_file(path, mode, compression):
    if compression not in COMPRESSIONS:
        raise ValueError(
            f"compression must be None or 'GZIP', received {compression!r}.")
    if compression == "GZIP":
        return gzip.open(path, mode)
    return open(path, mode)


def temporary_name(path):
    """A sibling of ``path`` no other writer uses, for writing before the rename."""
    return f"{path}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class ElementWriter:
    """Writes elements of one spec to a file object, then the closing count."""

    def __init__(self, file, spec, extra=None):
        self._file = file
        self._specs = structure.flatten(spec)
        self._count = 0
        header = dict(extra or {}, element_spec=spec_to_json(spec))
        text = json.dumps(header).encode("utf-8")
        file.write(MAGIC + struct.pack("<Q", len(text)) + text)

    def write(self, element):
        parts = [b"E"]
        for spec, a in zip(self._specs, structure.flatten(element)):
            if structure.is_sparse_spec(spec):
                _dense_parts(parts, a.indices.data, np.dtype(np.int64))
                _dense_parts(parts, a.values.data, spec.dtype)
                _dense_parts(parts, a.dense_shape.data, np.dtype(np.int64))
            elif structure.is_ragged_spec(spec):
                splits = [t.data for t in a.nested_row_splits] if structure.is_ragged(a) else []
                parts.append(struct.pack("<B", len(splits)))
                for row_splits in splits:
                    _dense_parts(parts, row_splits, spec.row_splits_dtype)
                flat = a.flat_values.data if structure.is_ragged(a) else a
                _dense_parts(parts, flat, spec.dtype)
            else:
                _dense_parts(parts, a, spec.dtype)
        self._file.write(b"".join(parts))
        self._count += 1

    def finish(self):
        self._file.write(b"Z" + struct.pack("<Q", self._count))
        return self._count


def _dense_parts(parts, a, dtype):
    parts.append(struct.pack("<B", a.ndim) + struct.pack(f"<{a.ndim}q", *a.shape))
    if dtype.kind == "O":
        items = [bytes(v) for v in a.reshape(-1)]
        parts.append(np.array([len(v) for v in items], "<i8").tobytes())
        parts.extend(items)
    else:
        parts.append(np.ascontiguousarray(a, dtype=dtype.newbyteorder("<")).tobytes())


# -- reading ---------------------------------------------------------------------------------

def read_header(file, path):
    """The header dict (with ``element_spec`` as specs) at the start of a file."""
    magic = file.read(len(MAGIC))
    if magic != MAGIC:
        raise DataLossError(
            f"{path} is not a featherflow element file (it starts with {magic[:8]!r}); if it "
            "was written with compression, pass the same compression to read it.")
    (size,) = struct.unpack("<Q", _exact(file, 8, path))
    header = json.loads(_exact(file, size, path).decode("utf-8"))
    header["element_spec"] = spec_from_json(header["element_spec"])
    return header


def read_elements(file, spec, path):
    """The elements after the header, checked to end with the closing count."""
    specs = structure.flatten(spec)
    count = 0
    while True:
        tag = file.read(1)
        if tag == b"Z":
            (expected,) = struct.unpack("<Q", _exact(file, 8, path))
            if expected != count:
                raise DataLossError(f"{path}: {count} elements read, the file says "
                                    f"{expected}.")
            return
        if tag != b"E":
            raise DataLossError(
                f"{path} is cut short or damaged after {count} elements (found {tag!r} where "
                "an element or the end should be). Write it again.")
        leaves = [_read_leaf(file, s, path) for s in specs]
        count += 1
        yield structure.pack_as(spec, leaves)


def _read_leaf(file, spec, path):
    if structure.is_sparse_spec(spec):
        indices = _read_dense(file, np.dtype(np.int64), path)
        values = _read_dense(file, spec.dtype, path)
        dense_shape = _read_dense(file, np.dtype(np.int64), path)
        return make_sparse(indices, values, dense_shape)
    if structure.is_ragged_spec(spec):
        (count,) = struct.unpack("<B", _exact(file, 1, path))
        splits = [_read_dense(file, spec.row_splits_dtype, path) for _ in range(count)]
        flat = _read_dense(file, spec.dtype, path)
        if not splits:
            return flat
        return structure.ragged_module().RaggedTensor.from_nested_row_splits(
            Tensor(flat), [Tensor(s) for s in splits], validate=False)
    return _read_dense(file, spec.dtype, path)


def _read_dense(file, dtype, path):
    (rank,) = struct.unpack("<B", _exact(file, 1, path))
    shape = struct.unpack(f"<{rank}q", _exact(file, 8 * rank, path))
    size = int(np.prod(shape, dtype=np.int64))
    if dtype.kind == "O":
        lengths = np.frombuffer(_exact(file, 8 * size, path), "<i8")
        out = np.empty(size, dtype=object)
        for i, n in enumerate(lengths.tolist()):
            out[i] = _exact(file, n, path)
        return out.reshape(shape)
    little = dtype.newbyteorder("<")
    data = np.frombuffer(_exact(file, size * little.itemsize, path), little)
    return data.astype(dtype, copy=True).reshape(shape)


def _exact(file, n, path):
    data = file.read(n)
    if len(data) != n:
        raise DataLossError(f"{path} is cut short: expected {n} more bytes, found "
                            f"{len(data)}. Write it again.")
    return data
