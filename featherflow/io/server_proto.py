"""``tensorflow.ClusterDef``, ``JobDef`` and ``ServerDef`` as protobuf messages, from a
descriptor built here (TensorFlow's ``cluster.proto``, ``device_filters.proto`` and
``tensorflow_server.proto``: same package, names, field numbers and types), so their bytes
are TensorFlow's both ways.

``ServerDef.default_session_config`` (field 4, a ``ConfigProto``) is not declared:
``ConfigProto`` is a tree of dozens of messages featherflow has no use for. Its bytes, in a
ServerDef TensorFlow wrote, are kept as an unknown field and written back unchanged, but the
field cannot be read or set by name here.

Like the Example protos, the classes live in a private descriptor pool and are built (importing
``protobuf``, the ``tfrecord`` extra) on first use.
"""

import functools

from featherflow.io.example_proto import PACKAGE, add_field, import_protobuf

CLUSTER_FILE = "tensorflow/core/protobuf/cluster.proto"
DEVICE_FILTERS_FILE = "tensorflow/core/protobuf/device_filters.proto"
SERVER_FILE = "tensorflow/core/protobuf/tensorflow_server.proto"
MESSAGE_NAMES = ("ClusterDef", "JobDef", "ServerDef")
_ALL_NAMES = MESSAGE_NAMES + ("ClusterDeviceFilters", "JobDeviceFilters", "TaskDeviceFilters")


def message_class(name):
    """The message class ``tensorflow.<name>``, e.g. ``message_class("ClusterDef")``."""
    classes = message_classes()
    if name not in classes:
        raise AttributeError(
            f"no message {name!r} here; the server protos are {', '.join(_ALL_NAMES)}.")
    return classes[name]


@functools.cache
def message_classes():
    descriptor_pb2, descriptor_pool, message_factory = import_protobuf()
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_cluster_file(descriptor_pb2))
    pool.Add(_device_filters_file(descriptor_pb2))
    pool.Add(_server_file(descriptor_pb2))
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
        for name in _ALL_NAMES
    }


def _add_int_map(message, descriptor_pb2, field_name, number, value_type, value_message=None):
    """A ``map<int32, value>`` field: protobuf spells it as a nested ``TasksEntry`` message."""
    field_proto = descriptor_pb2.FieldDescriptorProto
    entry_name = "".join(part.capitalize() for part in field_name.split("_")) + "Entry"
    entry = message.nested_type.add(name=entry_name)
    entry.options.map_entry = True
    add_field(entry, descriptor_pb2, "key", 1, field_proto.TYPE_INT32)
    add_field(entry, descriptor_pb2, "value", 2, value_type, type_name=value_message)
    add_field(message, descriptor_pb2, field_name, number, field_proto.TYPE_MESSAGE,
              repeated=True, type_name=f"{message.name}.{entry_name}")


def _cluster_file(descriptor_pb2):
    field_proto = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name=CLUSTER_FILE, package=PACKAGE,
                                              syntax="proto3")
    job = file.message_type.add(name="JobDef")
    add_field(job, descriptor_pb2, "name", 1, field_proto.TYPE_STRING)
    _add_int_map(job, descriptor_pb2, "tasks", 2, field_proto.TYPE_STRING)
    add_field(file.message_type.add(name="ClusterDef"), descriptor_pb2, "job", 1,
              field_proto.TYPE_MESSAGE, repeated=True, type_name="JobDef")
    return file


def _device_filters_file(descriptor_pb2):
    field_proto = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name=DEVICE_FILTERS_FILE, package=PACKAGE,
                                              syntax="proto3")
    add_field(file.message_type.add(name="TaskDeviceFilters"), descriptor_pb2,
              "device_filters", 1, field_proto.TYPE_STRING, repeated=True)
    job = file.message_type.add(name="JobDeviceFilters")
    add_field(job, descriptor_pb2, "name", 1, field_proto.TYPE_STRING)
    _add_int_map(job, descriptor_pb2, "tasks", 2, field_proto.TYPE_MESSAGE,
                 "TaskDeviceFilters")
    add_field(file.message_type.add(name="ClusterDeviceFilters"), descriptor_pb2, "jobs", 1,
              field_proto.TYPE_MESSAGE, repeated=True, type_name="JobDeviceFilters")
    return file


def _server_file(descriptor_pb2):
    field_proto = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(
        name=SERVER_FILE, package=PACKAGE, syntax="proto3",
        dependency=[CLUSTER_FILE, DEVICE_FILTERS_FILE])
    server = file.message_type.add(name="ServerDef")
    # declared in TensorFlow's order (replica, number 8, sits after job_name)
    for name, number, kind, type_name in (
            ("cluster", 1, field_proto.TYPE_MESSAGE, "ClusterDef"),
            ("job_name", 2, field_proto.TYPE_STRING, None),
            ("replica", 8, field_proto.TYPE_INT32, None),
            ("task_index", 3, field_proto.TYPE_INT32, None),
            ("protocol", 5, field_proto.TYPE_STRING, None),
            ("port", 6, field_proto.TYPE_INT32, None),
            ("cluster_device_filters", 7, field_proto.TYPE_MESSAGE, "ClusterDeviceFilters")):
        add_field(server, descriptor_pb2, name, number, kind, type_name=type_name)
    return file
