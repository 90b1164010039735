"""``tf.io.serialize_tensor`` and ``tf.io.parse_tensor``: a tensor as TensorFlow's
``TensorProto`` bytes.

The message is declared here field for field as TensorFlow's ``tensor.proto`` and
``tensor_shape.proto`` number them (the fields a parse can meet; ``dtype`` is declared as
int32, which has the enum's wire format), in a private descriptor pool. Numbers are written
as ``tensor_content`` (raw little-endian values) and strings as ``string_val``, as
TensorFlow writes them; a parse also reads the typed ``*_val`` fields, where TensorFlow
repeats the last value to fill the shape.
"""

import functools

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor, convert_to_tensor
from featherflow.errors import InvalidArgumentError
from featherflow.io import example_proto

# TensorFlow's DataType enum numbers, and the *_val field a value list of that type uses
_DATA_TYPES = {
    "float32": (1, "float_val"), "float64": (2, "double_val"), "int32": (3, "int_val"),
    "uint8": (4, "int_val"), "int16": (5, "int_val"), "int8": (6, "int_val"),
    "string": (7, "string_val"), "complex64": (8, "scomplex_val"), "int64": (9, "int64_val"),
    "bool": (10, "bool_val"), "uint16": (17, "int_val"), "complex128": (18, "dcomplex_val"),
    "float16": (19, "half_val"), "uint32": (22, "uint32_val"), "uint64": (23, "uint64_val"),
}
_NAME_OF_ENUM = {number: name for name, (number, _) in _DATA_TYPES.items()}
_VALUE_FIELDS = (  # (name, number, type, packed)
    ("float_val", 5, "TYPE_FLOAT", True), ("double_val", 6, "TYPE_DOUBLE", True),
    ("int_val", 7, "TYPE_INT32", True), ("string_val", 8, "TYPE_BYTES", False),
    ("scomplex_val", 9, "TYPE_FLOAT", True), ("int64_val", 10, "TYPE_INT64", True),
    ("bool_val", 11, "TYPE_BOOL", True), ("dcomplex_val", 12, "TYPE_DOUBLE", True),
    ("half_val", 13, "TYPE_INT32", True), ("uint32_val", 16, "TYPE_UINT32", True),
    ("uint64_val", 17, "TYPE_UINT64", True),
)


@functools.cache
def tensor_proto_class():
    """The ``tensorflow.TensorProto`` message class."""
    descriptor_pb2, descriptor_pool, message_factory = example_proto.import_protobuf()
    field_proto = descriptor_pb2.FieldDescriptorProto
    shape_file = descriptor_pb2.FileDescriptorProto(
        name="tensorflow/core/framework/tensor_shape.proto", package="tensorflow",
        syntax="proto3")
    shape = shape_file.message_type.add(name="TensorShapeProto")
    dim = shape.nested_type.add(name="Dim")
    example_proto.add_field(dim, descriptor_pb2, "size", 1, field_proto.TYPE_INT64)
    example_proto.add_field(dim, descriptor_pb2, "name", 2, field_proto.TYPE_STRING)
    example_proto.add_field(shape, descriptor_pb2, "dim", 2, field_proto.TYPE_MESSAGE,
                            repeated=True, type_name="TensorShapeProto.Dim")
    example_proto.add_field(shape, descriptor_pb2, "unknown_rank", 3, field_proto.TYPE_BOOL)
    tensor_file = descriptor_pb2.FileDescriptorProto(
        name="tensorflow/core/framework/tensor.proto", package="tensorflow", syntax="proto3",
        dependency=[shape_file.name])
    tensor = tensor_file.message_type.add(name="TensorProto")
    example_proto.add_field(tensor, descriptor_pb2, "dtype", 1, field_proto.TYPE_INT32)
    example_proto.add_field(tensor, descriptor_pb2, "tensor_shape", 2, field_proto.TYPE_MESSAGE,
                            type_name="TensorShapeProto")
    example_proto.add_field(tensor, descriptor_pb2, "version_number", 3, field_proto.TYPE_INT32)
    example_proto.add_field(tensor, descriptor_pb2, "tensor_content", 4, field_proto.TYPE_BYTES)
    for name, number, field_type, packed in _VALUE_FIELDS:
        example_proto.add_field(tensor, descriptor_pb2, name, number,
                                getattr(field_proto, field_type), repeated=True, packed=packed)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(shape_file)
    pool.Add(tensor_file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tensorflow.TensorProto"))


def _dtype_name(dtype):
    if isinstance(dtype, str) and dtype == "string":
        return "string"
    dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
    return "string" if dtype.kind in "OSU" else dtype.name


def serialize_tensor(tensor, name=None):
    """The ``TensorProto`` bytes of ``tensor`` as a scalar string tensor (TensorFlow's bytes).

    Example::

        >>> record = tf.io.serialize_tensor(tf.constant([[1.0, 2.0]]))
        >>> tf.io.parse_tensor(record, tf.float32).shape
        TensorShape([1, 2])
    """
    array = convert_to_tensor(tensor).data
    dtype = _dtype_name(array.dtype)
    if dtype not in _DATA_TYPES:
        raise TypeError(
            f"serialize_tensor: dtype {dtype} has no TensorProto type; supported: "
            f"{', '.join(_DATA_TYPES)}.")
    proto = tensor_proto_class()(dtype=_DATA_TYPES[dtype][0])
    proto.tensor_shape.SetInParent()
    for size in array.shape:
        proto.tensor_shape.dim.add(size=size)
    if dtype == "string":
        proto.string_val.extend(array.reshape(-1).tolist())
    else:
        proto.tensor_content = np.ascontiguousarray(
            array, dtype=array.dtype.newbyteorder("<")).tobytes()
    out = np.empty((), dtype=object)
    out[()] = proto.SerializeToString()
    return Tensor(out)


def parse_tensor(serialized, out_type, name=None):
    """The tensor whose ``TensorProto`` bytes are ``serialized``; ``out_type`` must be its
    dtype."""
    value = serialized.data if isinstance(serialized, Tensor) else serialized
    value = value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value
    if not isinstance(value, bytes):
        raise TypeError(
            f"parse_tensor: serialized must be one record (bytes or a scalar string tensor); "
            f"received {type(serialized).__name__}.")
    proto_type = tensor_proto_class()
    # protobuf was imported by tensor_proto_class: its error class is here to catch
    from google.protobuf.message import DecodeError

    try:
        proto = proto_type.FromString(value)
    except DecodeError:
        raise InvalidArgumentError(
            f"Could not parse `serialized` as TensorProto: {len(value)} bytes starting "
            f"{value[:16]!r}. Were they written by tf.io.serialize_tensor?") from None
    parsed = _NAME_OF_ENUM.get(proto.dtype)
    expected = _dtype_name(out_type)
    if parsed != expected:
        raise InvalidArgumentError(
            f"Type mismatch between parsed tensor ({parsed or f'enum {proto.dtype}'}) and "
            f"dtype ({expected}). Pass out_type={parsed}, then cast if another type is needed.")
    shape = tuple(dim.size for dim in proto.tensor_shape.dim)
    out = Tensor(_values(proto, parsed, shape))
    # a traced map function: TF knows neither the shape nor the rank of a parsed tensor
    return out if state.tracing is None else state.unknown_shape(out)


def _values(proto, dtype, shape):
    size = int(np.prod(shape, dtype=np.int64))
    if dtype == "string":
        values = np.empty(len(proto.string_val), dtype=object)
        values[:] = list(proto.string_val)
    elif proto.tensor_content:
        numpy_dtype = np.dtype(dtype).newbyteorder("<")
        values = np.frombuffer(proto.tensor_content, dtype=numpy_dtype).astype(dtype)
    else:
        values = _typed_values(proto, dtype)
    if values.size == size:
        return values.reshape(shape)
    if values.size == 0 or values.size > size:
        raise InvalidArgumentError(
            f"parse_tensor: the TensorProto holds {values.size} values for shape "
            f"{list(shape)} ({size} values).")
    # TensorFlow's rule for short value lists: the last value fills the rest
    filled = np.empty(size, dtype=values.dtype)
    filled[:values.size] = values
    filled[values.size:] = values[-1]
    return filled.reshape(shape)


def _typed_values(proto, dtype):
    field = _DATA_TYPES[dtype][1]
    raw = list(getattr(proto, field))
    if dtype == "float16":
        return np.array(raw, dtype=np.uint16).view(np.float16)
    if dtype in ("complex64", "complex128"):
        pairs = np.array(raw, dtype=np.float32 if dtype == "complex64" else np.float64)
        return pairs[0::2] + 1j * pairs[1::2]
    return np.array(raw, dtype=dtype)
