"""The few protocol-buffer messages an event file holds, encoded by hand.

Field numbers follow TensorBoard's ``event.proto``, ``summary.proto``, ``tensor.proto``,
``tensor_shape.proto`` and the hparams plugin's ``api.proto`` / ``plugin_data.proto``.
Encoding these few messages directly keeps writing free of the protobuf runtime and lets
scalar events be built from a constant prefix plus a short tail (see ``_events.py``).

Protocol buffers accept fields in any order; scalar events put the summary first and
the step and wall time last, so every event of one tag starts with the same bytes.
"""

import functools
import struct

# TensorFlow DataType enum values (types.proto).
DT_FLOAT = 1
DT_DOUBLE = 2
DT_INT32 = 3
DT_STRING = 7
DT_INT64 = 9
DT_BOOL = 10

_pack_d = struct.Struct("<d").pack
_pack_f = struct.Struct("<f").pack


def varint(n):
    """Base-128 varint; negative ints take the 10-byte two's-complement form, as int64."""
    if n < 0:
        n += 1 << 64
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


@functools.lru_cache(maxsize=128)
def key(field, wire):
    return varint((field << 3) | wire)


def f_varint(field, n):
    return key(field, 0) + varint(n)


def f_double(field, x):
    return key(field, 1) + _pack_d(x)


def f_float(field, x):
    return key(field, 5) + _pack_f(x)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return key(field, 2) + varint(len(data)) + data


def tensor_shape(dims):
    return b"".join(f_bytes(2, f_varint(1, d)) for d in dims)


@functools.lru_cache(maxsize=256)
def _tensor_head(dtype, shape):
    # Cached: the same dtype and shape come back every step (histograms, images).
    return f_varint(1, dtype) + f_bytes(2, tensor_shape(shape))


def tensor(dtype, shape, *, content=None, strings=None, float_vals=None):
    """A TensorProto: raw little-endian ``content``, a list of ``strings`` or ``float_vals``."""
    out = _tensor_head(dtype, tuple(int(d) for d in shape))
    if content is not None:
        out += f_bytes(4, content)
    if strings is not None:
        out += b"".join(f_bytes(8, s) for s in strings)
    if float_vals is not None:
        out += f_bytes(5, b"".join(_pack_f(v) for v in float_vals))
    return out


def summary_metadata(plugin_name, content=b"", display_name=None, description=None):
    plugin = f_bytes(1, plugin_name)
    if content:
        plugin += f_bytes(2, content)
    out = f_bytes(1, plugin)
    if display_name:
        out += f_bytes(2, display_name)
    if description:
        out += f_bytes(3, description)
    return out


def summary_value(tag, tensor_bytes, metadata=None):
    """One ``Summary.Value``: tag, then metadata (if any), then the tensor."""
    out = f_bytes(1, tag)
    if metadata is not None:
        out += f_bytes(9, metadata)
    return out + f_bytes(8, tensor_bytes)


def summary_event(wall_time, step, value):
    """An Event holding one Summary with one Value (the bytes of ``summary_value``)."""
    inner = b"\x0a" + varint(len(value))
    return (
        b"\x2a" + varint(len(inner) + len(value)) + inner + value
        + b"\x10" + varint(step) + b"\x09" + _pack_d(wall_time)
    )


def file_version_event(wall_time):
    """The first event of every file: version 2, and this library as the writer."""
    return (
        f_double(1, wall_time) + f_bytes(3, "brain.Event:2")
        + f_bytes(10, f_bytes(1, "featherflow"))
    )


def struct_value(value):
    """A ``google.protobuf.Value`` for a bool, number or string."""
    if isinstance(value, bool):
        return f_varint(4, int(value))
    if isinstance(value, (int, float)):
        return f_double(2, float(value))
    if isinstance(value, str):
        return f_bytes(3, value)
    raise TypeError(f"expected a bool, int, float or str value; received {value!r}")
