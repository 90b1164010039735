"""``tensorflow.Example`` and its parts as protobuf messages, from a descriptor built here.

The descriptor states TensorFlow's ``feature.proto`` and ``example.proto`` field for field
(same package, message names, field numbers, types, packing and map entries), so the
``protobuf`` runtime serializes our messages to the bytes TensorFlow writes and parses
TensorFlow's bytes into ours. It lives in a private descriptor pool: a process that also
imports TensorFlow registers its own copy of these files in the default pool, and two copies
of one file name there would clash.

Building the classes imports ``protobuf`` (the ``tfrecord`` extra); it happens on first use.
"""

import functools

PACKAGE = "tensorflow"
FEATURE_FILE = "tensorflow/core/example/feature.proto"
EXAMPLE_FILE = "tensorflow/core/example/example.proto"
MESSAGE_NAMES = (
    "BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
    "FeatureLists", "Example", "SequenceExample",
)
EXTRA_HINT = "pip install featherflow[tfrecord]"


def import_protobuf():
    """The protobuf modules this package needs, or an ImportError naming the extra."""
    try:
        # lazy optional dependency: `import featherflow` must not load protobuf
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError as err:
        raise ImportError(
            f"tf.train.Example and tf.io parsing need the protobuf package ({err}). Install it "
            f"with: {EXTRA_HINT}") from None
    return descriptor_pb2, descriptor_pool, message_factory


def message_class(name):
    """The message class ``tensorflow.<name>``, e.g. ``message_class("Example")``."""
    classes = message_classes()
    if name not in classes:
        raise AttributeError(
            f"tf.train has no message {name!r}; the Example protos are {', '.join(MESSAGE_NAMES)}.")
    return classes[name]


@functools.cache
def message_classes():
    """Every message of feature.proto and example.proto by its short name."""
    descriptor_pb2, descriptor_pool, message_factory = import_protobuf()
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_feature_file(descriptor_pb2))
    pool.Add(_example_file(descriptor_pb2))
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
        for name in MESSAGE_NAMES
    }


def add_field(message, descriptor_pb2, name, number, field_type, *, repeated=False,
               type_name=None, oneof_index=None, packed=False):
    field_proto = descriptor_pb2.FieldDescriptorProto
    field = message.field.add(name=name, number=number, type=field_type)
    field.label = field_proto.LABEL_REPEATED if repeated else field_proto.LABEL_OPTIONAL
    if type_name is not None:
        field.type_name = f".{PACKAGE}.{type_name}"
    if oneof_index is not None:
        field.oneof_index = oneof_index
    if packed:
        field.options.packed = True
    return field


def _add_map(message, descriptor_pb2, field_name, entry_name, value_type):
    """A ``map<string, value_type>`` field: protobuf spells it as a nested entry message."""
    field_proto = descriptor_pb2.FieldDescriptorProto
    entry = message.nested_type.add(name=entry_name)
    entry.options.map_entry = True
    add_field(entry, descriptor_pb2, "key", 1, field_proto.TYPE_STRING)
    add_field(entry, descriptor_pb2, "value", 2, field_proto.TYPE_MESSAGE, type_name=value_type)
    add_field(message, descriptor_pb2, field_name, 1, field_proto.TYPE_MESSAGE, repeated=True,
               type_name=f"{message.name}.{entry_name}")


def _feature_file(descriptor_pb2):
    field_proto = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name=FEATURE_FILE, package=PACKAGE,
                                              syntax="proto3")
    add_field(file.message_type.add(name="BytesList"), descriptor_pb2, "value", 1,
               field_proto.TYPE_BYTES, repeated=True)
    add_field(file.message_type.add(name="FloatList"), descriptor_pb2, "value", 1,
               field_proto.TYPE_FLOAT, repeated=True, packed=True)
    add_field(file.message_type.add(name="Int64List"), descriptor_pb2, "value", 1,
               field_proto.TYPE_INT64, repeated=True, packed=True)
    feature = file.message_type.add(name="Feature")
    feature.oneof_decl.add(name="kind")
    for number, (name, type_name) in enumerate(
            (("bytes_list", "BytesList"), ("float_list", "FloatList"),
             ("int64_list", "Int64List")), start=1):
        add_field(feature, descriptor_pb2, name, number, field_proto.TYPE_MESSAGE,
                   type_name=type_name, oneof_index=0)
    _add_map(file.message_type.add(name="Features"), descriptor_pb2, "feature", "FeatureEntry",
             "Feature")
    add_field(file.message_type.add(name="FeatureList"), descriptor_pb2, "feature", 1,
               field_proto.TYPE_MESSAGE, repeated=True, type_name="Feature")
    _add_map(file.message_type.add(name="FeatureLists"), descriptor_pb2, "feature_list",
             "FeatureListEntry", "FeatureList")
    return file


def _example_file(descriptor_pb2):
    field_proto = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name=EXAMPLE_FILE, package=PACKAGE,
                                              syntax="proto3", dependency=[FEATURE_FILE])
    add_field(file.message_type.add(name="Example"), descriptor_pb2, "features", 1,
               field_proto.TYPE_MESSAGE, type_name="Features")
    sequence = file.message_type.add(name="SequenceExample")
    add_field(sequence, descriptor_pb2, "context", 1, field_proto.TYPE_MESSAGE,
               type_name="Features")
    add_field(sequence, descriptor_pb2, "feature_lists", 2, field_proto.TYPE_MESSAGE,
               type_name="FeatureLists")
    return file
