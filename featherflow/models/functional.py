"""Functional: a model defined by calling layers on ``Input`` tensors.

A Functional model keeps its layer graph as a :class:`LayerGraph` (the nodes in Keras's
order, the layers, and the compiled :class:`~featherflow.graph.Plan` that runs them);
``Sequential`` keeps one too, so both run through the same plan.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.graph import KerasTensor, Node, Plan, map_graph, pack, structure_of
from featherflow.graph.keras_tensor import numpy_dtype
from featherflow.layers.fold_bn import fold_batch_norm
from featherflow.layers.fused import fuse_pairs
from featherflow.layers.input_layer import InputLayer
from featherflow.models import model_config
from featherflow.models.model import Model


class LayerGraph:
    """The layers between some ``Input`` tensors and some outputs, and their plan.

    ``nodes`` are in Keras's run order (deepest first, InputLayers left out), ``layers`` in
    ``model.layers`` order. The plan is compiled at the first run, when every layer is built,
    and fused pairs are rewritten into it then (``layers.fused.fuse_pairs``, and
    ``layers.fold_bn.fold_batch_norm`` for inference).
    """

    def __init__(self, owner_name, inputs, outputs):
        nodes, layers = map_graph(outputs)
        known = {id(t) for t in inputs}
        for node in nodes:
            if isinstance(node.layer, InputLayer):
                if id(node.outputs[0]) not in known:
                    raise ValueError(
                        f"Model '{owner_name}': the outputs depend on the Input "
                        f"'{node.layer.name}', which is not among the model's inputs, so they "
                        "cannot be computed from the given inputs. Add it to `inputs`."
                    )
                continue
            for t in node.inputs:
                if id(t) not in known:
                    raise ValueError(
                        f"Model '{owner_name}': the graph needs the tensor {t.name!r} "
                        f"(made by layer '{t._keras_history[0].name}'), which cannot be "
                        "computed from the given inputs. Add its Input to `inputs`."
                    )
            for t in node.outputs:
                known.add(id(t))
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.nodes = [n for n in nodes if not isinstance(n.layer, InputLayer)]
        self.layers = layers
        self._plan = None

    @property
    def plan(self):
        """The compiled plan (compiled at the first use)."""
        plan = self._plan
        if plan is None:
            plan = Plan(self.inputs, self.outputs, self.nodes)
            plan.rewrite(fuse_pairs)
            plan.rewrite(fold_batch_norm)
            self._plan = plan
        return plan


class Functional(Model):
    """A model made of layers connected by calls on ``Input`` tensors (``Model(inputs, outputs)``).

    Example::

        >>> x = tf.keras.Input(shape=(1,))
        >>> y = tf.keras.layers.Dense(1)(x)
        >>> model = tf.keras.Model(x, y)
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        flat_in = list(inputs.values()) if isinstance(inputs, dict) else _flat(inputs)
        flat_out = list(outputs.values()) if isinstance(outputs, dict) else _flat(outputs)
        for t in flat_in + flat_out:
            if not isinstance(t, KerasTensor):
                raise TypeError(
                    f"Model(inputs, outputs): expected symbolic tensors (from tf.keras.Input and "
                    f"layers called on them), received {type(t).__name__}. Build the outputs by "
                    "calling layers on the Input tensors."
                )
        if not all(_is_input_tensor(t) for t in flat_in):
            # inputs taken from the middle of a graph: the part between them and the outputs
            # is recorded again from new InputLayers, as Keras 3 does (clone_graph_nodes)
            inputs, outputs = _clone_graph_nodes(name or "functional", inputs, outputs)
            flat_in = list(inputs.values()) if isinstance(inputs, dict) else _flat(inputs)
            flat_out = list(outputs.values()) if isinstance(outputs, dict) else _flat(outputs)
        self._input_struct = inputs
        self._output_struct = outputs
        self.inputs = flat_in
        self.outputs = flat_out
        self._input_names = (list(inputs.keys()) if isinstance(inputs, dict)
                             else [t._keras_history[0].name for t in flat_in])
        self._output_names = (list(outputs.keys()) if isinstance(outputs, dict)
                              else [t._keras_history[0].name for t in flat_out])
        self._graph = LayerGraph(self.name, flat_in, flat_out)
        self._nodes = self._graph.nodes
        self._all_layers = self._graph.layers
        object.__setattr__(self, "_layers", list(self._graph.layers))
        self.built = True
        self._build_shape = [t.shape for t in flat_in] if len(flat_in) > 1 else flat_in[0].shape

    @property
    def layers(self):
        # Keras 3 lists Layers only: arithmetic on symbolic tensors (x + 3.0) is an operation
        from featherflow.layers.core import _SymbolicOp

        return [la for la in self._all_layers if not isinstance(la, _SymbolicOp)]

    @property
    def input_names(self):
        return list(self._input_names)

    @property
    def output_names(self):
        return list(self._output_names)

    @property
    def input(self):
        """The model's Input tensor(s), in the structure given to ``Model(inputs, ...)``."""
        return self._input_struct

    @property
    def output(self):
        """The model's output tensor(s), in the structure given to ``Model(..., outputs)``."""
        return self._output_struct

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _standardize_inputs(self, inputs):
        if isinstance(inputs, dict):
            missing = [n for n in self._input_names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}': the input dict lacks {missing}; expected keys "
                    f"{self._input_names}, received {sorted(inputs)}."
                )
            return [inputs[n] for n in self._input_names]
        if isinstance(inputs, (list, tuple)) and not _is_input_list(inputs):
            inputs = [inputs]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                f"{[t.shape for t in self.inputs]}, received {len(flat)}."
            )
        return flat

    def _convert_inputs(self, inputs):
        # each input takes the dtype of its Input (int data for a float Input becomes float)
        inputs_meta = self.inputs
        if type(inputs) is Tensor and len(inputs_meta) == 1 and \
                inputs.data.dtype.name == inputs_meta[0].dtype:
            return [inputs]
        flat = self._standardize_inputs(inputs)
        out = []
        for t, v in zip(inputs_meta, flat):
            a = v.data if isinstance(v, Tensor) else as_array(v)
            # numpy_dtype: a string Input's dtype is "string", which NumPy does not know
            want = numpy_dtype(t.dtype)
            if a.dtype.name != t.dtype and (want.kind == "f" or a.dtype.kind == "f"):
                mask = getattr(v, "_keras_mask", None)
                v = Tensor(a.astype(t.dtype))
                v._keras_mask = mask
            elif not isinstance(v, Tensor):
                v = Tensor(a)
            out.append(v)
        return out

    def call(self, inputs, training=None, mask=None):
        flat = inputs if isinstance(inputs, list) and len(inputs) == len(self.inputs) and all(
            isinstance(v, Tensor) for v in inputs) else self._convert_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat, _flat(mask)):
                if m is not None:
                    x._keras_mask = m
        result = (self._graph._plan or self._graph.plan).run(flat, training)
        if isinstance(self._output_struct, dict):
            return dict(zip(self._output_struct.keys(), result))
        if isinstance(self._output_struct, (list, tuple)):
            return pack(structure_of(self._output_struct), result)
        return result[0]

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def get_config(self):
        return model_config.functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return model_config.functional_from_config(config, custom_objects=custom_objects)


def _is_input_tensor(t):
    history = t._keras_history
    return history is not None and isinstance(history[0], InputLayer)


def _map_structure(fn, x):
    if isinstance(x, dict):
        return {k: _map_structure(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [_map_structure(fn, v) for v in x]
        return tuple(items) if isinstance(x, tuple) else items
    return fn(x)


def _clone_graph_nodes(model_name, inputs, outputs):
    """``(inputs, outputs)`` of a new record of the calls between ``inputs`` and ``outputs``:
    each input that is not an ``Input`` becomes an InputLayer named ``<tensor name>CLONE``,
    and every layer call between them is recorded again (the same layers, new nodes and
    tensors), so the original graph is left as it was."""
    new_for = {}

    def clone_input(t):
        if id(t) not in new_for:
            if _is_input_tensor(t):
                new_for[id(t)] = t
            else:
                layer = InputLayer(batch_shape=t.shape, dtype=t.dtype, name=f"{t.name}CLONE")
                clone = layer._output_tensor
                clone._has_mask = t._has_mask
                new_for[id(t)] = clone
        return new_for[id(t)]

    new_inputs = _map_structure(clone_input, inputs)
    order = []
    seen = set()

    def visit(t):
        if id(t) in new_for:
            return
        history = t._keras_history
        node = t.node if history is not None else None
        if node is None or isinstance(node.layer, InputLayer):
            where = f"the Input '{node.layer.name}'" if node is not None else f"{t.name!r}"
            raise ValueError(
                f"Model '{model_name}': the outputs depend on {where}, which is not among "
                "the model's inputs and cannot be computed from them. Add it to `inputs`.")
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.inputs:
            visit(parent)
        order.append(node)

    for t in _flat(outputs) if not isinstance(outputs, dict) else list(outputs.values()):
        visit(t)
    for node in order:
        layer = node.layer
        index = len(layer._inbound_nodes)
        outs = []
        for i, t in enumerate(node.outputs):
            clone = KerasTensor(t.shape, t.dtype, name=t.name, history=(layer, index, i))
            clone._has_mask = t._has_mask
            outs.append(clone)
        Node(layer, [new_for[id(t)] for t in node.inputs], outs, dict(node.kwargs),
             node.args_structure, node._template)
        for t, clone in zip(node.outputs, outs):
            new_for[id(t)] = clone
    return new_inputs, _map_structure(lambda t: new_for[id(t)], outputs)


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flat(item)]
    if isinstance(x, dict):
        return [v for k in x for v in _flat(x[k])]
    return [x]


def _is_input_list(x):
    """A list of arrays/tensors (several inputs), not a nested list of numbers (one input)."""
    return bool(x) and all(isinstance(v, (Tensor, np.ndarray, dict)) or hasattr(v, "to_numpy")
                           for v in x)
