"""Sequential and Functional configs: writing them as Keras 2 or Keras 3 do, reading either.

Keras 2 (``.h5``, ``to_json``): ``inbound_nodes`` as ``[[["dense", 0, 0, {}]]]``, InputLayer
with ``batch_input_shape``, ``input_layers: [["input_1", 0, 0]]``. Keras 3 (``.keras``): nodes
as ``{"args": [...], "kwargs": {...}}`` holding ``__keras_tensor__`` dicts, InputLayer with
``batch_shape``, a single input as a flat ``["input_1", 0, 0]``.
"""

import importlib
import inspect
import json

from featherflow.graph import pack
from featherflow.layers.input_layer import InputLayer
from featherflow.models import operation_config
from featherflow.serialization import layer_config, object_serialization
from featherflow.serialization import object_registration as registration


# -- Sequential ----------------------------------------------------------------------------
def sequential_config(model, keras3=False):
    """The config of a Sequential model (its InputLayer first, when it has one)."""
    entries = []
    input_layer = model._input_layer
    if input_layer is not None:
        entries.append(layer_config.layer_to_dict(input_layer, keras3=keras3))
    for layer in model.layers:
        entries.append(layer_config.layer_to_dict(layer, keras3=keras3,
                                                  in_model=input_layer is not None))
    config = {"name": model.name, "trainable": model.trainable, "layers": entries}
    if keras3:
        config["dtype"] = model.dtype
    if input_layer is None and model.built and model._build_shape is not None:
        config["build_input_shape"] = list(model._build_shape)
    return config


def sequential_from_config(config, custom_objects=None, cls=None):
    """A Sequential model (``cls``, default Sequential) from a Keras 1/2/3 config."""
    # cycle: these model classes import this module for their configs
    from featherflow.models.sequential import Sequential

    cls = cls or Sequential
    if isinstance(config, list):
        config = {"layers": config}
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise ValueError(
            f"A Sequential config needs a 'layers' list, received keys {sorted(config)}."
        )
    model = cls(name=config.get("name"))
    with registration.CustomObjectScope(custom_objects):
        for i, entry in enumerate(entries):
            where = f"layer #{i} of Sequential {model.name!r}"
            model.add(layer_config.layer_from_dict(entry, custom_objects,
                                                   where=_named(entry, where)))
    shape = config.get("build_input_shape")
    if not model.built and shape is not None:
        model.build(tuple(shape))
    if config.get("trainable") is False:
        model.trainable = False
    return model


def _named(entry, fallback):
    cfg = entry.get("config") if isinstance(entry, dict) else None
    name = cfg.get("name") if isinstance(cfg, dict) else None
    return f"layer {name!r}" if name else fallback


# -- Functional ----------------------------------------------------------------------------
def _skips_first_node(layer):
    """Keras 2 counts a construction node for nested models that start with an Input, so it
    numbers their calls from 1 (``["inner", 1, 0]`` is the first call)."""
    # cycle: these model classes import this module for their configs
    from featherflow.models.functional import Functional
    from featherflow.models.sequential import Sequential

    return isinstance(layer, Functional) or (
        isinstance(layer, Sequential) and layer._input_layer is not None)


def _graph_layers(model):
    """Every layer of a Functional graph, its operations (x + 3.0) too: ``model.layers`` lists
    Layers only, as Keras 3's does."""
    return list(getattr(model, "_all_layers", None) or model.layers)


def _node_indices(model, keras2=False):
    """Map each node of the model to its index among its layer's nodes *in this model*."""
    in_model = {id(n) for n in model._nodes}
    for layer in _graph_layers(model):
        if isinstance(layer, InputLayer):
            in_model.update(id(n) for n in layer._inbound_nodes[:1])
    index = {}
    for layer in _graph_layers(model):
        kept = [n for n in layer._inbound_nodes if id(n) in in_model]
        offset = 1 if keras2 and _skips_first_node(layer) else 0
        for i, node in enumerate(kept):
            index[id(node)] = i + offset
    return index, in_model


def _history(tensor, index):
    layer, node_index, tensor_index = tensor._keras_history
    node = layer._inbound_nodes[node_index]
    return [layer.name, index[id(node)], tensor_index]


def functional_config(model, keras3=False):
    """The config of a Functional model: layers with their inbound nodes, inputs, outputs."""
    index, in_model = _node_indices(model, keras2=not keras3)
    entries = []
    for layer in _graph_layers(model):
        if keras3 and operation_config.is_operation(layer):
            calls = [_tensor_dicts(node, index) for node in layer._inbound_nodes
                     if id(node) in in_model]
            entries.append(operation_config.operation_entry(layer, calls))
            continue
        entry = layer_config.layer_to_dict(layer, keras3=keras3, in_model=True)
        entry["name"] = layer.name
        nodes = []
        if not isinstance(layer, InputLayer):
            for node in layer._inbound_nodes:
                if id(node) in in_model:
                    nodes.append(_node_keras3(node, index) if keras3 else _node_keras2(node, index))
        entry["inbound_nodes"] = nodes
        entries.append(entry)
    ins = [_history(t, index) for t in model.inputs]
    outs = [_history(t, index) for t in model.outputs]
    config = {"name": model.name, "trainable": model.trainable, "layers": entries}
    if keras3:
        config["input_layers"] = _keras3_endpoints(model._input_struct, ins)
        config["output_layers"] = _keras3_endpoints(model._output_struct, outs)
    else:
        config["input_layers"] = ins
        config["output_layers"] = outs
    return config


def _keras3_endpoints(struct, triples):
    if isinstance(struct, dict):
        return dict(zip(struct.keys(), triples))
    if isinstance(struct, (list, tuple)) or len(triples) > 1:
        return triples
    return triples[0]


def _plain_kwargs(node):
    return json.loads(json.dumps(dict(node.kwargs), default=object_serialization.json_default))


def _node_keras2(node, index):
    if node._template is not None:
        # as tf.keras 2: tensors past the first argument become kwargs (named after call's
        # parameters) holding [layer name, node index, tensor index]
        args, kwargs = node.arguments([_history(t, index) for t in node.inputs])
        names = list(inspect.signature(node.layer.call).parameters)[1:]
        kwargs = json.loads(json.dumps({**dict(zip(names, args[1:])), **kwargs},
                                       default=object_serialization.json_default))
        first = args[0]
        firsts = [first] if first and isinstance(first[0], str) else first
        return [list(h) + [kwargs] for h in firsts]
    kwargs = _plain_kwargs(node)
    return [_history(t, index) + [kwargs] for t in node.inputs]


def _tensor_dicts(node, index):
    return [{"class_name": "__keras_tensor__",
             "config": {"shape": list(t.shape), "dtype": t.dtype,
                        "keras_history": _history(t, index)}} for t in node.inputs]


def _node_keras3(node, index):
    tensors = _tensor_dicts(node, index)
    if node._template is not None:
        # tensors past the first argument (MultiHeadAttention's value, key, attention_mask)
        args, kwargs = node.arguments(tensors)
        return json.loads(json.dumps({"args": args, "kwargs": kwargs},
                                     default=object_serialization.json_default))
    kwargs = _plain_kwargs(node)
    extra = kwargs.pop("_args", [])
    first = pack(node.args_structure, tensors) if node.args_structure is not None else tensors[0]
    return {"args": [first] + list(extra), "kwargs": kwargs}


def functional_from_config(config, custom_objects=None, cls=None):
    """A Functional model (``cls``, default Functional) from a Keras 2 or Keras 3 config."""
    # cycle: these model classes import this module for their configs
    from featherflow.models.functional import Functional

    cls = cls or Functional
    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(
                f"A Functional model config needs 'layers', 'input_layers' and 'output_layers'; "
                f"'{key}' is missing (keys: {sorted(config)})."
            )
    created = {}
    order = []
    pending = {}
    offsets = _keras2_offsets(config)
    with registration.CustomObjectScope(custom_objects):
        for i, entry in enumerate(config["layers"]):
            name = entry.get("name") or (entry.get("config") or {}).get("name")
            where = f"layer {name!r}" if name else f"layer #{i}"
            if operation_config.is_operation_entry(entry):
                layer = operation_config.operation_from_entry(entry, where)
            else:
                _import_application_layers(entry)
                layer = layer_config.layer_from_dict(entry, custom_objects, where=where)
            name = name or layer.name
            created[name] = layer
            order.append(name)
            pending[name] = list(entry.get("inbound_nodes") or [])
        while any(pending.values()):
            progress = False
            for name in order:
                queue = pending[name]
                while queue:
                    call = _resolve_node(queue[0], created, name, offsets)
                    if call is None:
                        break
                    args, kwargs = call
                    created[name](*args, **kwargs)
                    queue.pop(0)
                    progress = True
            if not progress:
                stuck = {n: q[0] for n, q in pending.items() if q}
                raise ValueError(
                    f"Cannot connect the layers of model {config.get('name')!r}: the inputs "
                    f"of {sorted(stuck)} are never produced. Is the config complete? "
                    f"(first unresolved node: {next(iter(stuck.values()))!r})"
                )
    inputs = _endpoints(config["input_layers"], created, "input_layers", offsets)
    outputs = _endpoints(config["output_layers"], created, "output_layers", offsets)
    model = cls(inputs, outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model


def _import_application_layers(entry):
    """Keras's applications define layers of their own (ConvNeXt's LayerScale, written with
    ``module: keras.src.applications.convnext``); featherflow's module of the same name defines
    them, so it is imported before the layer is looked up."""
    module = entry.get("module")
    prefix = "keras.src.applications."
    if isinstance(module, str) and module.startswith(prefix):
        name = module[len(prefix):]
        if name.isidentifier():
            try:
                importlib.import_module(f"featherflow.keras.applications.{name}")
            except ImportError:
                pass  # no such family: the lookup's own error names the class


def _keras2_offsets(config):
    """``{layer name: 1}`` for nested models whose calls a Keras 2 file numbers from 1."""
    calls = {}
    for entry in config["layers"]:
        inner = entry.get("config")
        is_model = entry.get("class_name") in ("Functional", "Model", "Sequential") or (
            isinstance(inner, dict) and "layers" in inner)
        if is_model:
            calls[entry.get("name") or (inner or {}).get("name")] = len(
                entry.get("inbound_nodes") or [])
    if not calls:
        return {}
    refs = {}
    for entry in config["layers"]:
        for node in entry.get("inbound_nodes") or []:
            if isinstance(node, list):
                for item in node:
                    refs.setdefault(item[0], []).append(item[1])
    out_spec = config["output_layers"]
    if isinstance(out_spec, list):
        for item in ([out_spec] if out_spec and isinstance(out_spec[0], str) else out_spec):
            refs.setdefault(item[0], []).append(item[1])
    return {name: 1 for name, n in calls.items()
            if refs.get(name) and min(refs[name]) >= 1 and max(refs[name]) >= n}


def _tensor(created, name, node_index, tensor_index, where, offsets=None):
    if offsets:
        node_index -= offsets.get(name, 0)
    layer = created.get(name)
    if layer is None:
        raise ValueError(
            f"{where} refers to layer {name!r}, which is not in the model's layer list "
            f"({sorted(created)})."
        )
    if len(layer._inbound_nodes) <= node_index:
        return None
    outputs = layer._inbound_nodes[node_index].outputs
    if tensor_index >= len(outputs):
        raise ValueError(
            f"{where}: layer {name!r} node {node_index} has {len(outputs)} output(s); the "
            f"config asks for output #{tensor_index}."
        )
    return outputs[tensor_index]


def _resolve_node(node, created, layer_name, offsets):
    """``(args, kwargs)`` for one saved call, or None while an input is not made yet."""
    where = f"An inbound node of layer {layer_name!r}"
    if isinstance(node, dict):
        missing = []

        def revive(x):
            if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
                name, ni, ti = x["config"]["keras_history"]
                t = _tensor(created, name, ni, ti, where)
                if t is None:
                    missing.append(name)
                return t
            if isinstance(x, dict) and x.get("class_name") == "__tuple__":
                return tuple(revive(v) for v in x["config"]["value"])
            if isinstance(x, dict) and x.get("class_name") in operation_config.SPECIAL_VALUES:
                # an operation's constant or index key (x * np.array(...), x[:, 1:3])
                return operation_config.special_value(x, revive)
            if isinstance(x, dict):
                return {k: revive(v) for k, v in x.items()}
            if isinstance(x, list):
                return [revive(v) for v in x]
            return x

        args = revive(node.get("args", []))
        kwargs = revive(node.get("kwargs", {}))
        return None if missing else (args, kwargs)
    tensors = []
    kwargs = {}
    for item in node:
        name, ni, ti = item[0], item[1], item[2]
        if len(item) > 3 and item[3]:
            kwargs = dict(item[3])
        t = _tensor(created, name, ni, ti, where, offsets)
        if t is None:
            return None
        tensors.append(t)
    missing = []

    def revive(x):
        # tf.keras 2 writes the other tensor arguments of a call (MultiHeadAttention's
        # value, key) as [layer name, node index, tensor index] inside the kwargs
        if (isinstance(x, list) and len(x) in (3, 4) and isinstance(x[0], str)
                and x[0] in created and isinstance(x[1], int) and isinstance(x[2], int)):
            t = _tensor(created, x[0], x[1], x[2], where, offsets)
            if t is None:
                missing.append(x[0])
            return t
        if isinstance(x, list):
            return [revive(v) for v in x]
        return x

    kwargs = {k: revive(v) for k, v in kwargs.items()}
    if missing:
        return None
    extra = kwargs.pop("_args", [])
    first = tensors[0] if len(tensors) == 1 else tensors
    return [first] + list(extra), kwargs


def _endpoints(spec, created, key, offsets):
    where = f"The model's {key}"
    if isinstance(spec, dict):
        return {k: _tensor(created, *v[:3], where) for k, v in spec.items()}
    if spec and isinstance(spec[0], str):
        spec = [spec]
    tensors = []
    for item in spec:
        t = _tensor(created, item[0], item[1], item[2], where, offsets)
        if t is None:
            raise ValueError(f"{where} name node {item[1]} of layer {item[0]!r}, never built.")
        tensors.append(t)
    return tensors[0] if len(tensors) == 1 else tensors
