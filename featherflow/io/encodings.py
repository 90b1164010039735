"""``tf.io.encode_base64`` / ``decode_base64`` (web-safe alphabet, ``-`` and ``_``, padding
optional on decode as TensorFlow's), ``tf.io.decode_compressed`` (ZLIB / GZIP / none) and the
SparseTensor serializers ``serialize_sparse``, ``serialize_many_sparse`` and
``deserialize_many_sparse`` (each component as ``tf.io.serialize_tensor``'s TensorProto bytes,
as TensorFlow writes them)."""

import base64
import binascii
import gzip
import zlib

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import DataLossError, InvalidArgumentError

__all__ = ["decode_base64", "decode_compressed", "deserialize_many_sparse", "encode_base64",
           "serialize_many_sparse", "serialize_sparse"]


def _strings(value):
    from featherflow.ops.strings import string_array

    return string_array(value)


def _map(value, fn):
    a = _strings(value)
    out = np.empty(a.shape, object)
    flat = out.reshape(-1)
    for i, s in enumerate(a.reshape(-1).tolist()):
        flat[i] = fn(s)
    return Tensor(out)


def encode_base64(input, pad=False, name=None):  # noqa: A002
    """Web-safe base64 of each string (``=`` padding only with ``pad=True``)."""
    def one(s):
        text = base64.urlsafe_b64encode(s)
        return text if pad else text.rstrip(b"=")

    return _map(input, one)


def decode_base64(input, name=None):  # noqa: A002
    """The bytes each web-safe base64 string encodes (padded or not)."""
    def one(s):
        if len(s) % 4 == 1:
            raise InvalidArgumentError(f"Invalid base64: {s[:40]!r} has a length of 1 modulo 4")
        try:
            return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))
        except (binascii.Error, ValueError) as err:
            raise InvalidArgumentError(f"Invalid character found in base64: {s[:40]!r} "
                                       f"({err})") from None

    return _map(input, one)


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002
    """Each string decompressed: ``"ZLIB"``, ``"GZIP"`` or ``""`` (as is)."""
    kind = (compression_type or "").upper()
    if kind not in ("", "ZLIB", "GZIP"):
        raise InvalidArgumentError(f"decode_compressed: compression_type must be '', 'ZLIB' or "
                                   f"'GZIP'; received {compression_type!r}")

    def one(s):
        if kind == "":
            return s
        try:
            return zlib.decompress(s) if kind == "ZLIB" else gzip.decompress(s)
        except (zlib.error, OSError, EOFError) as err:
            raise DataLossError(f"decode_compressed: the input is not valid {kind} data "
                                f"({err})") from None

    return _map(bytes, one)


def _varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _proto_bytes(array):
    """TensorProto bytes as TensorFlow's sparse serializers write them
    (``AsProtoTensorContent``): numbers as raw little-endian ``tensor_content``, strings as
    ``tensor_content`` too (every length as a varint, then the bytes)."""
    from featherflow.io.tensor_proto import serialize_tensor, tensor_proto_class

    a = np.asarray(array)
    if a.dtype.kind not in "OSU":
        return serialize_tensor(Tensor(a)).data[()]
    proto = tensor_proto_class()(dtype=7)
    proto.tensor_shape.SetInParent()
    for size in a.shape:
        proto.tensor_shape.dim.add(size=size)
    items = [v if isinstance(v, bytes) else str(v).encode() for v in a.reshape(-1).tolist()]
    proto.tensor_content = b"".join(_varint(len(v)) for v in items) + b"".join(items)
    return proto.SerializeToString()


def _parse_component(data, dtype):
    """The array of one serialized component (tensor_content strings included)."""
    from featherflow.io.tensor_proto import parse_tensor, tensor_proto_class

    name = str(getattr(dtype, "name", dtype))
    if name not in ("string", "object"):
        return np.asarray(parse_tensor(data, dtype).data)
    proto = tensor_proto_class().FromString(data)
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    count = int(np.prod(shape, dtype=np.int64))
    if not proto.tensor_content:
        return np.asarray(parse_tensor(data, dtype).data)
    raw, pos, lengths = proto.tensor_content, 0, []
    for _ in range(count):
        n, shift = 0, 0
        while True:
            byte = raw[pos]
            pos += 1
            n |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        lengths.append(n)
    out = np.empty(count, object)
    for k, n in enumerate(lengths):
        out[k] = raw[pos:pos + n]
        pos += n
    return out.reshape(shape)


def _sparse_parts(sp, what):
    if not hasattr(sp, "dense_shape"):
        raise TypeError(f"{what}: expected a SparseTensor; received {type(sp).__name__}")
    return (np.asarray(sp.indices.data, np.int64), np.asarray(sp.values.data),
            np.asarray(sp.dense_shape.data, np.int64))


def serialize_sparse(sp_input, out_type="string", name=None):
    """``[serialized indices, values, dense_shape]`` of one SparseTensor (a [3] string
    tensor)."""
    _check_string(out_type, "serialize_sparse")
    indices, values, shape = _sparse_parts(sp_input, "serialize_sparse")
    out = np.empty(3, object)
    out[:] = [_proto_bytes(indices), _proto_bytes(values), _proto_bytes(shape)]
    return Tensor(out)


def _check_string(out_type, op):
    name = getattr(out_type, "name", out_type)
    if str(name) not in ("string", "object"):
        raise TypeError(f"{op}: featherflow serializes to tf.string only (out_type=tf.variant "
                        f"holds TensorFlow-internal handles); received {out_type!r}")


def serialize_many_sparse(sp_input, out_type="string", name=None):
    """One ``[indices, values, dense_shape]`` row per minibatch entry (the first dimension) of
    a SparseTensor of rank >= 2: a [N, 3] string tensor."""
    _check_string(out_type, "serialize_many_sparse")
    indices, values, shape = _sparse_parts(sp_input, "serialize_many_sparse")
    if shape.size < 2:
        raise InvalidArgumentError(f"serialize_many_sparse: the SparseTensor must have rank >= 2 "
                                   f"(a minibatch); received rank {shape.size}")
    n = int(shape[0])
    out = np.empty((n, 3), object)
    rows = indices[:, 0] if len(indices) else np.zeros(0, np.int64)
    for b in range(n):
        keep = rows == b
        out[b] = [_proto_bytes(indices[keep, 1:].reshape(-1, shape.size - 1)),
                  _proto_bytes(values[keep]), _proto_bytes(shape[1:])]
    return Tensor(out)


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """The SparseTensor a [N, 3] ``serialize_many_sparse`` tensor holds: its rows stacked along
    a new first dimension, with ``dense_shape`` the largest of theirs."""
    from featherflow.api.sparse_tensor import SparseTensor
    from featherflow.io.tensor_proto import parse_tensor

    a = _strings(serialized_sparse)
    if a.ndim != 2 or a.shape[1] != 3:
        raise InvalidArgumentError(f"deserialize_many_sparse: serialized_sparse must be a [N, 3] "
                                   f"string tensor; received shape {list(a.shape)}")
    parts_i, parts_v, shapes = [], [], []
    for b, (i_bytes, v_bytes, s_bytes) in enumerate(a.tolist()):
        idx = np.asarray(parse_tensor(i_bytes, "int64").data)
        vals = _parse_component(v_bytes, dtype)
        shp = np.asarray(parse_tensor(s_bytes, "int64").data)
        if idx.ndim != 2 or idx.shape[1] != shp.size:
            raise InvalidArgumentError(f"deserialize_many_sparse: row {b} has indices of shape "
                                       f"{list(idx.shape)} for a rank-{shp.size} shape")
        parts_i.append(np.concatenate([np.full((len(idx), 1), b, np.int64), idx], 1))
        parts_v.append(vals)
        shapes.append(shp)
    if not shapes:
        raise InvalidArgumentError("deserialize_many_sparse: serialized_sparse has no rows")
    ranks = {s.size for s in shapes}
    if len(ranks) != 1:
        raise InvalidArgumentError(f"deserialize_many_sparse: rows have different ranks "
                                   f"{sorted(ranks)}")
    if rank is not None and int(rank) != shapes[0].size + 1:
        raise InvalidArgumentError(f"deserialize_many_sparse: rank={rank} but the rows give "
                                   f"rank {shapes[0].size + 1}")
    dense = np.concatenate([[len(shapes)], np.max(np.stack(shapes), 0)]).astype(np.int64)
    return SparseTensor(np.concatenate(parts_i).astype(np.int64), np.concatenate(parts_v), dense)
