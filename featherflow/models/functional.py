"""Functional: a model defined by calling layers on ``Input`` tensors."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.layers.input_layer import InputLayer
from featherflow.models.keras_tensor import KerasTensor, flatten, pack
from featherflow.models.model import Model


def map_graph(outputs):
    """Nodes and layers of the graph ending at ``outputs``, ordered the way Keras orders them.

    Returns ``(nodes_by_depth, layers)``: nodes deepest (closest to the inputs) first, and the
    layers in ``model.layers`` order (by decreasing depth, ties in discovery order).
    """
    finished = set()
    in_progress = set()
    nodes_in_order = []
    layer_indices = {}

    def visit(tensor):
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if node in in_progress:
            raise ValueError(f"The layer graph has a cycle at layer '{layer.name}'.")
        if node in finished:
            return
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(node)
        for t in node.inputs:
            visit(t)
        in_progress.discard(node)
        finished.add(node)
        nodes_in_order.append(node)

    for t in outputs:
        visit(t)

    node_depth = {}
    layer_depth = {}
    for node in reversed(nodes_in_order):
        depth = node_depth.setdefault(node, 0)
        depth = max(depth, layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = depth
        node_depth[node] = depth
        for parent in node.parent_nodes:
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))

    by_depth = {}
    for node, d in node_depth.items():
        by_depth.setdefault(d, []).append(node)
    nodes = []
    for d in sorted(by_depth, reverse=True):
        nodes.extend(sorted(by_depth[d], key=lambda n: nodes_in_order.index(n)))
    layers_by_depth = {}
    for layer, d in layer_depth.items():
        layers_by_depth.setdefault(d, []).append(layer)
    layers = []
    for d in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[d], key=lambda la: layer_indices[la]))
    return nodes, layers


class Functional(Model):
    """A model made of layers connected by calls on ``Input`` tensors (``Model(inputs, outputs)``).

    Example::

        >>> x = tf.keras.Input(shape=(1,))
        >>> y = tf.keras.layers.Dense(1)(x)
        >>> model = tf.keras.Model(x, y)
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._input_struct = inputs
        self._output_struct = outputs
        flat_in = flatten(inputs) if not isinstance(inputs, dict) else list(inputs.values())
        flat_out = flatten(outputs) if not isinstance(outputs, dict) else list(outputs.values())
        for t in flat_in + flat_out:
            if not isinstance(t, KerasTensor):
                raise TypeError(
                    f"Model(inputs, outputs): expected symbolic tensors (from tf.keras.Input and "
                    f"layers called on them), received {type(t).__name__}. Build the outputs by "
                    "calling layers on the Input tensors."
                )
        self.inputs = flat_in
        self.outputs = flat_out
        self._input_names = (list(inputs.keys()) if isinstance(inputs, dict)
                             else [t._keras_history[0].name for t in flat_in])
        self._output_names = (list(outputs.keys()) if isinstance(outputs, dict)
                              else [t._keras_history[0].name for t in flat_out])
        nodes, layers = map_graph(flat_out)
        known = {id(t) for t in flat_in}
        for node in nodes:
            if isinstance(node.layer, InputLayer):
                if id(node.outputs[0]) not in known:
                    raise ValueError(
                        f"Model '{self.name}': the outputs depend on the Input "
                        f"'{node.layer.name}', which is not among the model's inputs, so they "
                        "cannot be computed from the given inputs. Add it to `inputs`."
                    )
                continue
            for t in node.inputs:
                if id(t) not in known:
                    raise ValueError(
                        f"Model '{self.name}': the graph needs the tensor {t.name!r} "
                        f"(made by layer '{t._keras_history[0].name}'), which cannot be computed "
                        "from the given inputs. Add its Input to `inputs`."
                    )
            for t in node.outputs:
                known.add(id(t))
        self._nodes = [n for n in nodes if not isinstance(n.layer, InputLayer)]
        self._all_layers = layers
        object.__setattr__(self, "_layers", list(layers))
        self.built = True
        self._build_shape = [t.shape for t in flat_in] if len(flat_in) > 1 else flat_in[0].shape
        self._single_chain = self._is_single_chain()
        self._pairs = None  # fused layer pairs (layers.fused), found at the first call

    @property
    def layers(self):
        return list(self._all_layers)

    @property
    def input_names(self):
        return list(self._input_names)

    @property
    def output_names(self):
        return list(self._output_names)

    def _is_single_chain(self):
        if len(self.inputs) != 1 or len(self.outputs) != 1:
            return False
        prev = self.inputs[0]
        for node in self._nodes:
            if len(node.inputs) != 1 or node.inputs[0] is not prev or len(node.outputs) != 1 \
                    or node.kwargs or node.args_structure is not None:
                return False
            prev = node.outputs[0]
        return prev is self.outputs[0]

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
        flat = self._standardize_inputs(inputs)
        out = []
        for t, v in zip(self.inputs, flat):
            a = v.data if isinstance(v, Tensor) else as_array(v)
            if a.dtype.name != t.dtype and (np.dtype(t.dtype).kind == "f" or a.dtype.kind == "f"):
                a = a.astype(t.dtype)
                v = Tensor(a)
            elif not isinstance(v, Tensor):
                v = Tensor(a)
            out.append(v)
        return out

    def call(self, inputs, training=None, mask=None):
        flat = self._standardize_inputs(inputs)
        pairs = self._pairs
        if pairs is None:
            from featherflow.layers.fused import functional_pairs

            pairs = self._pairs = functional_pairs(self._nodes, self.outputs)
        if self._single_chain and not pairs:
            x = flat[0]
            for node in self._nodes:
                x = node.layer(x, training=training)
            return x
        values = {}
        for t, v in zip(self.inputs, flat):
            values[id(t)] = v
        skip = set()
        for node in self._nodes:
            if id(node) in skip:
                continue
            pair = pairs.get(id(node))
            if pair is not None:
                # the pair as one primitive: the second node's output, from the first's input
                fused, second = pair
                arg = node.layer._convert_inputs(values[id(node.inputs[0])])
                values[id(second.outputs[0])] = fused.call(arg)
                skip.add(id(second))
                continue
            args = [values[id(t)] for t in node.inputs]
            if node.args_structure is not None:
                arg = pack(node.args_structure, args)
            else:
                arg = args[0]
            kwargs = dict(node.kwargs)
            extra = kwargs.pop("_args", ())
            out = node.layer(arg, *extra, training=training, **kwargs)
            outs = out if isinstance(out, (list, tuple)) else [out]
            for t, o in zip(node.outputs, outs):
                values[id(t)] = o
        result = [values[id(t)] for t in self.outputs]
        if isinstance(self._output_struct, dict):
            return dict(zip(self._output_struct.keys(), result))
        if isinstance(self._output_struct, (list, tuple)):
            return pack(_structure(self._output_struct), result)
        return result[0]

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def get_config(self):
        from featherflow.saving.serialization import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from featherflow.saving.serialization import functional_from_config

        return functional_from_config(config, custom_objects=custom_objects)


def _structure(x):
    from featherflow.models.keras_tensor import structure_of

    return structure_of(x)


def _is_input_list(x):
    """A list of arrays/tensors (several inputs), not a nested list of numbers (one input)."""
    return bool(x) and all(isinstance(v, (Tensor, np.ndarray, dict)) or hasattr(v, "to_numpy")
                           for v in x)
