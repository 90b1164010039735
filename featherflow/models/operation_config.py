"""Tensor arithmetic (``x + y``, ``x * 2.0``, ``1.0 - x``, ``x[:, 1:3]``) in Keras 3 Functional
configs, written and read as Keras 3.15 does.

Keras 3 records arithmetic on symbolic tensors as an operation (``keras.src.ops.numpy.Add``...),
not a layer: ``model.layers`` leaves it out, but the Functional config lists it among the
layers, as

    {"module": "keras.src.ops.numpy", "class_name": "Add", "config": {"name": "add"},
     "registered_name": "Add", "name": "add",
     "inbound_nodes": [{"args": [<x>, 2.0], "kwargs": {}}]}

with the call's arguments in the expression's order (``2.0 - x`` writes ``[2.0, <x>]``), an
indexing key as a list of ``__slice__``/``__ellipsis__``/int/None entries, NumPy constants as
``__numpy__``. featherflow records the same operation as a ``_SymbolicOp`` (layers/core.py).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.graph import keras_tensor
from featherflow.layers.core import _SymbolicOp

KERAS_MODULE = "keras.src.ops.numpy"
# featherflow's operation name -> Keras's class (all in keras.src.ops.numpy)
KERAS_CLASSES = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply",
                 "true_divide": "TrueDivide", "negative": "Negative", "power": "Power",
                 "matmul": "Matmul", "get_item": "GetItem"}
_BY_CLASS = {v: k for k, v in KERAS_CLASSES.items()}


def is_operation(layer):
    return isinstance(layer, _SymbolicOp)


def holds_operations(model):
    """Whether a model's graph (or a nested model's) records tensor operations."""
    for layer in getattr(model, "_all_layers", None) or getattr(model, "layers", ()):
        if is_operation(layer) or (layer is not model and holds_operations(layer)):
            return True
    return False


def is_operation_entry(entry):
    """Whether a config entry is a Keras 3 operation (``module`` under ``keras.src.ops``)."""
    module = entry.get("module") if isinstance(entry, dict) else None
    return isinstance(module, str) and (module == "keras.ops" or module.startswith("keras.src.ops"))


def operation_entry(op, tensor_dicts):
    """The Keras 3 config entry of ``op`` (one call; ``tensor_dicts`` its input tensors as
    ``__keras_tensor__`` dicts)."""
    if op.op_name not in KERAS_CLASSES:
        raise ValueError(
            f"Operation {op.name!r} ({op.op_name}) has no Keras 3 counterpart featherflow can "
            f"write; known: {sorted(KERAS_CLASSES)}.")
    class_name = KERAS_CLASSES[op.op_name]
    nodes = []
    for tensors in tensor_dicts:
        if len(tensors) == 2:
            args = list(tensors)
        elif op.op_name == "negative":
            args = [tensors[0]]
        elif op.reverse:
            args = [_serialize_value(op._const), tensors[0]]
        else:
            args = [tensors[0], _serialize_value(op._const)]
        nodes.append({"args": args, "kwargs": {}})
    return {"module": KERAS_MODULE, "class_name": class_name, "config": {"name": op.name},
            "registered_name": class_name, "name": op.name, "inbound_nodes": nodes}


def operation_from_entry(entry, where):
    """The featherflow operation for a Keras 3 operation entry (its calls are made later)."""
    class_name = entry.get("class_name")
    op_name = _BY_CLASS.get(class_name)
    if op_name is None or entry.get("module") not in (KERAS_MODULE, "keras.ops"):
        raise ValueError(
            f"{where}: the Keras operation {entry.get('module')}.{class_name} is not one "
            f"featherflow can rebuild; it rebuilds the tensor arithmetic of "
            f"{KERAS_MODULE} ({', '.join(sorted(_BY_CLASS))}). Replace it by a layer in the "
            "Keras model, or rebuild the model in code and load its weights.")
    config = entry.get("config") or {}
    name = config.get("name") or entry.get("name")
    return _SymbolicOp(keras_tensor.OPERATION_FUNCTIONS[op_name], op_name, name=name)


def _serialize_value(value):
    """A call's constant as Keras's serialize_keras_object writes it."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Tensor):
        value = value.numpy()
        return {"class_name": "__tensor__",
                "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value.item()
        return {"class_name": "__numpy__",
                "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, slice):
        return {"class_name": "__slice__",
                "config": {"start": _serialize_value(value.start),
                           "stop": _serialize_value(value.stop),
                           "step": _serialize_value(value.step)}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, (list, tuple)):
        return [_serialize_value(v) for v in value]
    raise ValueError(
        f"Cannot write the constant {value!r} ({type(value).__name__}) of a tensor operation "
        "into a model config: Keras files hold numbers, NumPy arrays, tensors and index keys.")


SPECIAL_VALUES = ("__slice__", "__ellipsis__", "__numpy__", "__tensor__")


def special_value(data, revive):
    """The value of a ``__slice__``/``__ellipsis__``/``__numpy__``/``__tensor__`` argument."""
    # cycle: serialization imports the model classes
    from featherflow.serialization.object_serialization import deserialize_keras_object

    name = data["class_name"]
    inner = data.get("config") or {}
    if name == "__slice__":
        return slice(revive(inner.get("start")), revive(inner.get("stop")),
                     revive(inner.get("step")))
    if name == "__ellipsis__":
        return Ellipsis
    if name == "__tensor__":
        data = {"class_name": "__numpy__", "config": inner}
        return Tensor(deserialize_keras_object(data))
    return deserialize_keras_object(data)
