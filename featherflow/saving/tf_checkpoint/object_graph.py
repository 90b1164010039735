"""The object graph of a checkpoint: which objects hang under which names, as TensorFlow
names them, so checkpoint keys and the ``_CHECKPOINTABLE_OBJECT_GRAPH`` proto match TF's.

Children, in TensorFlow 2.21 / Keras 3 order:

- ``tf.train.Checkpoint``: its keyword arguments sorted by name, attributes set later in
  order, then ``save_counter``.
- Keras layers and models: attributes holding variables, layers or the optimizer, in the
  order they were first assigned, under Keras 3's attribute names (``_kernel`` for Dense,
  EinsumDense and convolutions, ``_embeddings`` for Embedding, ``_query_dense`` ... for
  MultiHeadAttention). Lists of layers on a
  subclassed model are not tracked, as in Keras 3 on TensorFlow. A Sequential hangs its
  layers under ``_functional/_operations/<i>`` (``0`` is the input layer), a functional model
  under ``_operations/<i>``; a compiled model adds ``optimizer``.
- Keras optimizers: ``_variables`` (iterations, learning rate, slots), ``_trainable_variables``,
  ``_iterations``, ``_learning_rate``, ``_momentums`` ... as their attributes hold them.
- ``tf.Module`` and plain containers: attributes in order; lists by index, dicts by key.

A variable's checkpoint key is the path of local names along the first breadth-first route
from the root (``/`` and ``.`` escaped as TensorFlow does) plus ``/.ATTRIBUTES/VARIABLE_VALUE``.
"""

from featherflow.autodiff.variable import Variable
from featherflow.saving.tf_checkpoint.python_state import PYTHON_STATE, PythonState

VARIABLE_VALUE = "VARIABLE_VALUE"
ITERATOR = "ITERATOR"
# a mutable lookup table: its keys and values under "<key>-keys" and "<key>-values"
TABLE = "table"
ATTRIBUTES = ".ATTRIBUTES"

# Keras 3 keeps these weights under a private attribute with a property in front
_KERAS_RENAMES = {"Dense": {"kernel": "_kernel"}, "EinsumDense": {"kernel": "_kernel"},
                  "_Conv": {"kernel": "_kernel"}, "Embedding": {"embeddings": "_embeddings"},
                  "MultiHeadAttention": {name: f"_{name}" for name in (
                      "query_dense", "key_dense", "value_dense", "output_dense")}}


def escape(name):
    return name.replace(".", "..").replace("/", ".S")


class Container:
    """A list or dict seen as one node of the graph (TensorFlow's ListWrapper/_DictWrapper);
    ``key`` identifies it across walks of the graph; ``value`` is the list or dict itself
    (None for the nodes a Sequential model adds, which have no Python object here)."""

    def __init__(self, key, items, value=None):
        self.key = key
        self.items = items
        self.value = value

    def __repr__(self):
        names = ", ".join(name for name, _ in self.items)
        return f"<checkpoint node with children [{names}]>"


def _is_layer(obj):
    # cycle: layers import the autodiff and saving helpers this package sits beside
    from featherflow.layers.layer import Layer

    return isinstance(obj, Layer)


def is_optimizer(obj):
    from featherflow.optimizers.optimizer import Optimizer  # cycle, as in _is_layer

    return isinstance(obj, Optimizer)


def _is_module(obj):
    from featherflow.api.core_extra import Module  # cycle, as in _is_layer

    return isinstance(obj, Module)


def _is_iterator(obj):
    from featherflow.data.iterator import DatasetIterator  # cycle, as in _is_layer

    return isinstance(obj, DatasetIterator)


def is_trackable(obj):
    return (isinstance(obj, (Variable, Container, PythonState)) or _is_layer(obj)
            or is_optimizer(obj) or _is_module(obj) or _is_iterator(obj)
            or hasattr(obj, "_checkpoint_children"))


def wrap(value):
    """``value`` as a graph node: itself when trackable, a Container for a list, tuple or
    dict holding trackables, else None."""
    if isinstance(value, dict):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return value if is_trackable(value) else None
    items = [(k, node) for k, node in ((k, wrap(v)) for k, v in items) if node is not None]
    return Container(("container", id(value)), items, value) if items else None


def _renames(obj):
    for klass in type(obj).__mro__:
        if klass.__name__ in _KERAS_RENAMES:
            return _KERAS_RENAMES[klass.__name__]
    return {}


def _layer_children(layer):
    from featherflow.models.functional import Functional  # cycle, as in _is_layer
    from featherflow.models.sequential import Sequential

    out = []
    if isinstance(layer, Sequential):
        if layer.built and layer.layers:
            first = getattr(layer, "_input_layer", None)
            operations = [("0", first if first is not None else Container(
                (id(layer), "_input"), []))]
            operations += [(str(i + 1), sub) for i, sub in enumerate(layer.layers)]
            inner = Container((id(layer), "_operations"), operations)
            out.append(("_functional",
                        Container((id(layer), "_functional"), [("_operations", inner)])))
    elif isinstance(layer, Functional):
        operations = [(str(i), sub) for i, sub in enumerate(layer.layers)]
        out.append(("_operations", Container((id(layer), "_operations"), operations)))
    else:
        renames = _renames(layer)
        for name, value in vars(layer).items():
            if name == "optimizer":
                continue
            if isinstance(value, Variable) or (_is_layer(value) and value is not layer):
                out.append((renames.get(name, name), value))
    optimizer = getattr(layer, "optimizer", None)
    if optimizer is not None and is_optimizer(optimizer):
        out.append(("optimizer", optimizer))
    return out


def aliases(obj):
    """Other names a restore accepts for a Keras layer's children: tf_keras (Keras 2)
    checkpoints name a model's layers ``layer-<i>`` and ``layer_with_weights-<j>`` and keep
    ``kernel``/``embeddings`` without Keras 3's underscore."""
    if not _is_layer(obj):
        return []
    out = []
    layers = getattr(obj, "layers", None)
    if isinstance(layers, list) and hasattr(obj, "optimizer"):
        out += [(f"layer-{i}", layer) for i, layer in enumerate(layers)]
        weighted = [layer for layer in layers if layer.weights]
        out += [(f"layer_with_weights-{j}", layer) for j, layer in enumerate(weighted)]
    renamed = {new: old for old, new in _renames(obj).items()}
    out += [(renamed[name], child) for name, child in _layer_children(obj) if name in renamed]
    return out


def _attribute_children(obj, names=None):
    out = []
    for name, value in vars(obj).items():
        if names is not None and name not in names:
            continue
        node = wrap(value)
        if node is not None and node is not obj:
            out.append((name, node))
    return out


def children(obj):
    """``[(local name, child)]`` of one node, in TensorFlow's order."""
    if isinstance(obj, Container):
        return list(obj.items)
    own = getattr(obj, "_checkpoint_children", None)
    if own is not None:
        return own()
    if isinstance(obj, (Variable, PythonState)) or _is_iterator(obj):
        return []
    if _is_layer(obj):
        return _layer_children(obj)
    if is_optimizer(obj):
        return [(name, node) for name, node in _attribute_children(obj)
                if isinstance(node, (Variable, Container))]
    return _attribute_children(obj)


def node_key(obj):
    return obj.key if isinstance(obj, Container) else id(obj)


def attributes(obj):
    """``[(attribute name, full name)]`` an object saves itself (variables, iterators)."""
    if isinstance(obj, Variable):
        return [(VARIABLE_VALUE, getattr(obj, "path", None) or obj.name)]
    if _is_iterator(obj):
        return [(ITERATOR, "Iterator")]
    if isinstance(obj, PythonState):
        return [(PYTHON_STATE, "")]
    if hasattr(obj, "_table_tensors"):  # TF 2.21 saves it even with checkpoint=False
        return [(TABLE, "")]
    return []


def walk(root):
    """Breadth-first walk from ``root``: ``(nodes, paths)``; ``nodes[i]`` is
    ``(object, [(child index, local name)])`` and ``paths[i]`` the first route's names."""
    index = {node_key(root): 0}
    nodes = [root]
    paths = [()]
    edges = []
    position = 0
    while position < len(nodes):
        obj = nodes[position]
        here = []
        for name, child in children(obj):
            key = node_key(child)
            if key not in index:
                index[key] = len(nodes)
                nodes.append(child)
                paths.append(paths[position] + (name,))
            here.append((index[key], name))
        edges.append(here)
        position += 1
    return list(zip(nodes, edges)), paths


def checkpoint_key(path, attribute):
    return "/".join([escape(name) for name in path] + [ATTRIBUTES, attribute])
