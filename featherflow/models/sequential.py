"""Sequential: a plain stack of layers, each feeding the next.

Once its input shape is known (an ``Input``, ``input_shape`` on the first layer, ``build``,
or the first data it sees) a Sequential model calls its layers on a symbolic input and keeps
the resulting layer graph (``functional.LayerGraph``), so it runs through the same plan as a
Functional model and its layers have ``input`` and ``output`` tensors.
"""

from featherflow.autodiff.tensor import Tensor
from featherflow.graph import KerasTensor
from featherflow.layers.input_layer import InputLayer
from featherflow.layers.layer import Layer
from featherflow.models import model_config
from featherflow.models.functional import LayerGraph
from featherflow.models.model import Model


class Sequential(Model):
    """A linear stack of layers, as ``keras.Sequential``.

    The input shape comes from an ``Input``, from ``input_shape``/``input_dim`` on the first
    layer, or from the first data the model sees.

    Example::

        >>> model = tf.keras.Sequential()
        >>> model.add(tf.keras.layers.Dense(units=1, input_dim=1))
        >>> model.compile(optimizer="sgd", loss="mse")
    """

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._input_layer = None
        self._graph = None
        self.built = False
        for layer in layers or []:
            self.add(layer, rebuild=False)
        if self._input_layer is not None and self.layers:
            self.build()

    @property
    def layers(self):
        return [la for la in self._layers if not isinstance(la, InputLayer)]

    def _graph_or_error(self, what):
        if self._graph is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no {what} yet: its input shape is not "
                "known. Start it with tf.keras.Input(shape=...), give the first layer "
                "input_shape=(...), call model.build(input_shape) or call it on data first."
            )
        return self._graph

    @property
    def inputs(self):
        return list(self._graph_or_error("inputs").inputs)

    @property
    def outputs(self):
        return list(self._graph_or_error("outputs").outputs)

    @property
    def input(self):
        return self._graph_or_error("input").inputs[0]

    @property
    def output(self):
        return self._graph_or_error("output").outputs[0]

    @property
    def input_shape(self):
        return self._graph_or_error("input shape").inputs[0].shape

    @property
    def output_shape(self):
        return self._graph_or_error("output shape").outputs[0].shape

    @property
    def output_names(self):
        layers = self.layers
        return [layers[-1].name] if layers else []

    @property
    def _nodes(self):
        return self._graph.nodes if self._graph is not None else []

    def add(self, layer, rebuild=True):
        """Append a layer (or an ``Input`` tensor / ``InputLayer`` to fix the input shape)."""
        if isinstance(layer, KerasTensor):
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self.layers:
                raise ValueError(
                    f"Sequential '{self.name}': an Input can only be the first thing added."
                )
            self._input_layer = layer
            self._layers.append(layer)
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add: expected a layer (e.g. tf.keras.layers.Dense(1)), received "
                f"{type(layer).__name__}: {layer!r}."
            )
        if any(la is layer for la in self._layers):
            raise ValueError(f"Sequential '{self.name}': layer '{layer.name}' was added twice.")
        if not self.layers and self._input_layer is None and layer._batch_input_shape is not None:
            self._input_layer = InputLayer(batch_shape=layer._batch_input_shape,
                                           name=f"{layer.name}_input")
            self._layers.append(self._input_layer)
        self._layers.append(layer)
        if rebuild and (self._graph is not None or self._input_layer is not None):
            self.build(None if self._input_layer is not None else self._build_shape)

    def pop(self):
        """Remove the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError(f"Sequential '{self.name}' has no layers to pop.")
        last = layers[-1]
        self._layers.remove(last)
        if self._graph is not None:
            shape = self._build_shape
            self._drop_graph()
            if self.layers:
                self.build(None if self._input_layer is not None else shape)
        return last

    def build(self, input_shape=None):
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f"Sequential '{self.name}' cannot be built without an input shape. Give the "
                    "first layer input_shape=(...) or input_dim=..., start with "
                    "tf.keras.Input(shape=...), or call the model on data first."
                )
            input_layer = self._input_layer
        else:
            input_shape = tuple(input_shape)
            if self._input_layer is not None:
                if len(input_shape) != len(self._input_layer.batch_shape) or any(
                        a is not None and b is not None and a != b
                        for a, b in zip(input_shape[1:], self._input_layer.batch_shape[1:])):
                    raise ValueError(
                        f"Sequential '{self.name}' takes inputs of shape "
                        f"{self._input_layer.batch_shape}; it cannot be built for "
                        f"{input_shape}."
                    )
                input_layer = self._input_layer
            else:
                first = self.layers[0] if self.layers else None
                input_layer = InputLayer(batch_shape=input_shape,
                                         dtype=first._dtype if first is not None else None,
                                         name=f"{first.name}_input" if first else None)
        self._drop_graph()
        self._build_shape = tuple(input_layer.batch_shape)
        x = inputs = input_layer._output_tensor
        try:
            for layer in self.layers:
                try:
                    x = layer(x)
                except NotImplementedError:
                    # a layer that cannot tell its output shape: run layer by layer instead
                    return
                except (ValueError, TypeError) as err:
                    # the layer's own message names it already, or gets it named here once
                    named = f"'{layer.name}'" in str(err)
                    where = "" if named else f", layer '{layer.name}'"
                    raise type(err)(f"Sequential '{self.name}'{where}: {err}") from None
        finally:
            self.built = True
        self._graph = LayerGraph(self.name, [inputs], [x])

    def _drop_graph(self):
        """Forget the graph; its nodes leave the layers when nothing was recorded after them."""
        graph = self._graph
        self._graph = None
        if graph is None:
            return
        for node in reversed(graph.nodes):
            layer = node.layer
            if layer._inbound_nodes and layer._inbound_nodes[-1] is node:
                layer._inbound_nodes.pop()

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def _first_takes_floats(self):
        if self._input_layer is not None:
            return self._input_layer.dtype.startswith("float")
        layers = self.layers
        return not layers or layers[0]._cast_int_inputs

    @property
    def _cast_int_inputs(self):
        return self._first_takes_floats()

    def call(self, inputs, training=None, mask=None):
        graph = self._graph
        if graph is None and not self.built and isinstance(inputs, Tensor):
            self.build((None,) + tuple(inputs.data.shape[1:]))
            graph = self._graph
        if graph is not None:
            if mask is not None and isinstance(inputs, Tensor):
                inputs._keras_mask = mask
            return (graph._plan or graph.plan).run([inputs], training)[0]
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    def get_config(self):
        return model_config.sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return model_config.sequential_from_config(config, custom_objects=custom_objects)
