"""The protocol-buffer messages of a TensorFlow checkpoint, encoded and decoded by hand.

Field numbers follow TensorFlow's ``tensor_bundle.proto`` (BundleHeaderProto,
BundleEntryProto), ``tensor_shape.proto``, ``versions.proto`` and
``trackable_object_graph.proto``. Messages are small, so plain Python keeps checkpoints free
of the protobuf runtime. Decoding returns ``{field_number: [values]}``: varints as ints,
length-delimited fields as bytes, fixed32/fixed64 as ints.
"""

import struct

from featherflow.errors import DataLossError

# TensorFlow's DataType enum (types.proto) for the dtypes a checkpoint of variables holds
DTYPE_OF_ENUM = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
                 7: "string", 8: "complex64", 9: "int64", 10: "bool", 14: "bfloat16",
                 17: "uint16", 18: "complex128", 19: "float16", 22: "uint32", 23: "uint64"}
ENUM_OF_DTYPE = {name: number for number, name in DTYPE_OF_ENUM.items()}
DT_VARIANT = 21
TYPE_NAMES = {21: "variant", 20: "resource"}

_FIXED32 = struct.Struct("<I")
_FIXED64 = struct.Struct("<Q")


def varint(n):
    """Base-128 varint; a negative int takes the 10-byte two's-complement form (int64)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def read_varint(data, pos):
    """``(value, next position)`` of the varint at ``data[pos]``."""
    result = shift = 0
    while True:
        if pos >= len(data):
            raise DataLossError("Truncated varint in a checkpoint file.")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise DataLossError("Varint longer than 10 bytes in a checkpoint file.")


def field_varint(number, value):
    return varint(number << 3) + varint(value) if value else b""


def field_bytes(number, data, always=False):
    if not data and not always:
        return b""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return varint((number << 3) | 2) + varint(len(data)) + data


def field_fixed32(number, value):
    return varint((number << 3) | 5) + _FIXED32.pack(value)


def decode(data):
    """``{field number: [values]}`` of one message (unknown fields kept, order per field)."""
    fields = {}
    pos, end = 0, len(data)
    while pos < end:
        tag, pos = read_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            size, pos = read_varint(data, pos)
            value = bytes(data[pos:pos + size])
            if len(value) != size:
                raise DataLossError("Truncated field in a checkpoint's protocol buffer.")
            pos += size
        elif wire == 5:
            value = _FIXED32.unpack_from(data, pos)[0]
            pos += 4
        elif wire == 1:
            value = _FIXED64.unpack_from(data, pos)[0]
            pos += 8
        else:
            raise DataLossError(f"Unsupported protocol-buffer wire type {wire} in a checkpoint.")
        fields.setdefault(number, []).append(value)
    return fields


def first(fields, number, default=0):
    values = fields.get(number)
    return values[-1] if values else default


def signed(value):
    """An int64 read as a varint (two's complement)."""
    return value - (1 << 64) if value >= 1 << 63 else value


# -- BundleHeaderProto / BundleEntryProto / TensorShapeProto ------------------------------
def header(num_shards=1):
    """The header stored under the empty key: the shard count, little-endian, producer 1."""
    return field_varint(1, num_shards) + field_bytes(3, field_varint(1, 1), always=True)


def shape_proto(shape):
    return b"".join(field_bytes(2, field_varint(1, int(dim)), always=True) for dim in shape)


def entry(dtype_enum, shape, offset, size, crc, shard_id=0):
    return (field_varint(1, dtype_enum) + field_bytes(2, shape_proto(shape), always=True)
            + field_varint(3, shard_id) + field_varint(4, offset) + field_varint(5, size)
            + field_fixed32(6, crc))


def decode_shape(data):
    fields = decode(data)
    if first(fields, 3):
        return None  # unknown_rank
    return tuple(signed(first(decode(dim), 1)) for dim in fields.get(2, []))


def decode_entry(data):
    """``dict(dtype, shape, shard_id, offset, size, crc32c, sliced)`` of a BundleEntryProto."""
    fields = decode(data)
    return {"dtype": first(fields, 1), "shape": decode_shape(first(fields, 2, b"")),
            "shard_id": first(fields, 3), "offset": first(fields, 4),
            "size": first(fields, 5), "crc32c": first(fields, 6), "sliced": 7 in fields}


def decode_header(data):
    fields = decode(data)
    return {"num_shards": first(fields, 1), "endianness": first(fields, 2)}


# -- TrackableObjectGraph -----------------------------------------------------------------
def object_graph(nodes):
    """Serialize nodes given as ``dict(children=[(id, name)], attributes=[(name, full_name,
    key)], has_values=bool)``."""
    out = []
    for node in nodes:
        body = b"".join(
            field_bytes(1, field_varint(1, child) + field_bytes(2, name), always=True)
            for child, name in node["children"])
        body += b"".join(
            field_bytes(2, field_bytes(1, name) + field_bytes(2, full) + field_bytes(3, key),
                        always=True)
            for name, full, key in node["attributes"])
        if node["has_values"]:
            body += field_bytes(5, field_varint(1, 1), always=True)  # BoolValue(true)
        out.append(field_bytes(1, body, always=True))
    return b"".join(out)


def decode_object_graph(data):
    """A list of nodes: ``dict(children, attributes, slots)`` as in :func:`object_graph`;
    ``slots`` are ``(original variable node, slot name, slot variable node)``."""
    nodes = []
    for raw in decode(data).get(1, []):
        fields = decode(raw)
        children = []
        for ref in fields.get(1, []):
            ref_fields = decode(ref)
            children.append((first(ref_fields, 1), _text(first(ref_fields, 2, b""))))
        attributes = []
        for tensor in fields.get(2, []):
            tensor_fields = decode(tensor)
            attributes.append(tuple(_text(first(tensor_fields, n, b"")) for n in (1, 2, 3)))
        slots = []
        for slot in fields.get(3, []):
            slot_fields = decode(slot)
            slots.append((first(slot_fields, 1), _text(first(slot_fields, 2, b"")),
                          first(slot_fields, 3)))
        nodes.append({"children": children, "attributes": attributes, "slots": slots,
                      "registered_saver": bool(fields.get(4))})
    return nodes


def _text(data):
    return data.decode("utf-8")
