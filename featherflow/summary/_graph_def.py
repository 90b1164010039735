"""A model's layer graph as a TensorFlow ``GraphDef`` for TensorBoard's Graphs dashboard.

Keras's TensorBoard callback (``write_graph=True``) writes the op graph of the model's
``tf.function`` train step as ``Event.graph_def``; featherflow has no graphs of ops, so it
writes the graph it has: one name scope per layer call (``<model>/<layer>``) holding the
layer's weights as ``VarHandleOp`` nodes and one node whose op is the layer's class
(``Dense``, ``Conv2D``), fed by the layers before it. Inputs are ``Placeholder`` nodes and
nested models are expanded under their own scope, so the dashboard shows the model as a
graph of boxes with the tensor shapes on the edges (``_output_shapes``) and each layer's
plain config values (units, activation, ...) in its info card.

Field numbers follow TensorFlow's ``graph.proto``, ``node_def.proto``, ``attr_value.proto``,
``tensor_shape.proto`` and ``versions.proto``; ``_proto`` encodes them.
"""

import functools
import struct

import numpy as np

from featherflow.summary import _proto
from featherflow.version import GRAPH_DEF_VERSION

# types.proto: the DataType of each NumPy dtype name ("resource" for variable handles).
_DTYPES = {
    "float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7,
    "complex64": 8, "int64": 9, "bool": 10, "bfloat16": 14, "uint16": 17, "complex128": 18,
    "float16": 19, "resource": 20, "uint32": 22, "uint64": 23,
}


def _dtype_enum(dtype):
    name = getattr(dtype, "name", None) or str(dtype)
    if name in ("str", "object") or name.startswith(("<U", "|S", "<S")):
        name = "string"
    try:
        name = np.dtype(name).name if name not in _DTYPES else name
    except TypeError:
        return _DTYPES["float32"]
    return _DTYPES.get(name, _DTYPES["float32"])


@functools.lru_cache(maxsize=512)
def _shape(dims):
    """A TensorShapeProto; None (unknown) dimensions are -1, an unknown rank is flagged."""
    if dims is None:
        return _proto.f_varint(3, 1)
    return b"".join(_proto.f_bytes(2, _proto.f_varint(1, -1 if d is None else int(d)))
                    for d in dims)


def _attr_value(value):
    """An AttrValue for a str, bool, int, float or a list of ints/floats/strs; None if the
    value has no AttrValue form (nested configs are left to the conceptual graph)."""
    if isinstance(value, str):
        return _proto.f_bytes(2, value)
    if isinstance(value, bool):
        return _proto.f_varint(5, int(value))
    if isinstance(value, (int, np.integer)):
        return _proto.f_varint(3, int(value))
    if isinstance(value, (float, np.floating)):
        return _proto.f_float(4, float(value))
    if isinstance(value, (list, tuple)) and value:
        if all(isinstance(v, str) for v in value):
            return _proto.f_bytes(1, b"".join(_proto.f_bytes(2, v) for v in value))
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
            return _proto.f_bytes(1, _proto.f_bytes(3, b"".join(_proto.varint(int(v))
                                                               for v in value)))
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return _proto.f_bytes(1, _proto.f_bytes(4, struct.pack(f"<{len(value)}f", *value)))
    return None


def _node_def(name, op, inputs=(), attrs=None):
    out = _proto.f_bytes(1, name) + _proto.f_bytes(2, op)
    for source in inputs:
        out += _proto.f_bytes(3, source)
    for key in sorted(attrs or ()):
        value = attrs[key]
        if value is not None:
            out += _proto.f_bytes(5, _proto.f_bytes(1, key) + _proto.f_bytes(2, value))
    return _proto.f_bytes(1, out)


def _shapes_attr(shapes):
    return _shapes_list(tuple(shapes))


@functools.lru_cache(maxsize=512)
def _shapes_list(shapes):
    return _proto.f_bytes(1, b"".join(_proto.f_bytes(7, _shape(s)) for s in shapes))


def _tensor_shape(tensor):
    shape = getattr(tensor, "shape", None)
    return None if shape is None else tuple(shape)


def _config_attrs(layer):
    """The layer's plain config entries (name, dtype and nested configs left out)."""
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a layer without a config still gets its node
        return {}
    attrs = {}
    for key, value in config.items():
        if key in ("name", "dtype", "trainable", "batch_input_shape", "build_config"):
            continue
        encoded = _attr_value(value)
        if encoded is not None:
            attrs[key] = encoded
    return attrs


class _Builder:
    def __init__(self):
        self.nodes = []
        self.names = set()
        self.producers = {}  # id(KerasTensor) -> name of the node that makes it

    def unique(self, name):
        base, i = name, 1
        while name in self.names:
            name = f"{base}_{i}"
            i += 1
        self.names.add(name)
        return name

    def add(self, name, op, inputs=(), attrs=None):
        self.nodes.append(_node_def(name, op, inputs, attrs))

    def model(self, model, scope, input_names=None):
        """Add the nodes of ``model``'s layer graph under ``scope``; ``input_names`` names
        the nodes feeding its inputs (a nested model), else Placeholders are made."""
        graph = getattr(model, "_graph", None)
        if graph is None:
            return []
        for i, tensor in enumerate(graph.inputs):
            if input_names is not None:
                self.producers[id(tensor)] = input_names[i] if i < len(input_names) else None
                continue
            layer = tensor._keras_history[0]
            name = self.unique(f"{scope}/{layer.name}")
            self.add(name, "Placeholder", attrs={
                "dtype": _proto.f_varint(6, _dtype_enum(tensor.dtype)),
                "shape": _proto.f_bytes(7, _shape(_tensor_shape(tensor))),
                "_output_shapes": _shapes_attr([_tensor_shape(tensor)]),
            })
            self.producers[id(tensor)] = name
        for node in graph.nodes:
            self.layer_call(node, scope)
        return [self.producers.get(id(t)) for t in graph.outputs]

    def layer_call(self, node, scope):
        layer = node.layer
        layer_scope = self.unique(f"{scope}/{layer.name}")
        sources = [self.producers.get(id(t)) for t in node.inputs]
        if getattr(layer, "_graph", None) is not None:
            outputs = self.model(layer, layer_scope, sources)
            for tensor, name in zip(node.outputs, outputs):
                self.producers[id(tensor)] = name
            return
        handles = []
        for weight in getattr(layer, "weights", ()):
            short = (getattr(weight, "path", None) or weight.name).split(":")[0]
            short = short.rsplit("/", 1)[-1]
            name = self.unique(f"{layer_scope}/{short}")
            shape = tuple(weight.shape)
            self.add(name, "VarHandleOp", attrs={
                "dtype": _proto.f_varint(6, _dtype_enum(weight.dtype)),
                "shape": _proto.f_bytes(7, _shape(shape)),
                "trainable": _proto.f_varint(5, int(bool(getattr(weight, "trainable", True)))),
                "_output_shapes": _shapes_attr([()]),
            })
            handles.append(name)
        op = type(layer).__name__
        if op == "_SymbolicOp":
            op = layer.name.rstrip("0123456789_") or "Op"
        attrs = _config_attrs(layer)
        attrs["_output_shapes"] = _shapes_attr([_tensor_shape(t) for t in node.outputs])
        if node.outputs:
            attrs["T"] = _proto.f_varint(6, _dtype_enum(node.outputs[0].dtype))
        name = f"{layer_scope}/{op}"
        self.names.add(name)
        self.add(name, op, [s for s in sources if s] + handles, attrs)
        for tensor in node.outputs:
            self.producers[id(tensor)] = name


def model_graph_def(model):
    """The serialized GraphDef of ``model``'s layer graph, or None for a model without one
    (a subclassed model, or a Sequential not built yet)."""
    if getattr(model, "_graph", None) is None:
        return None
    builder = _Builder()
    builder.model(model, model.name)
    versions = _proto.f_bytes(4, _proto.f_varint(1, GRAPH_DEF_VERSION))
    return b"".join(builder.nodes) + versions


def graph_event(wall_time, graph_def):
    """An Event holding ``graph_def`` (field 4), at step 0 as TensorFlow writes it."""
    return _proto.f_double(1, wall_time) + _proto.f_bytes(4, graph_def)
