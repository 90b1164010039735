"""Pipeline: preprocessing layers applied in sequence, as one layer (usable in Dataset.map)."""

from featherflow.graph import is_symbolic
from featherflow.layers import call_context
from featherflow.layers.layer import Layer


class Pipeline(Layer):
    """``keras.layers.Pipeline``: calls ``layers`` one after the other, each on the previous
    one's output (masks follow along). Unlike Sequential it is not a model: it is meant for
    ``dataset.map(pipeline)`` and for preprocessing inside a model. ``training`` defaults to
    True, as in Keras, so random augmentation layers in it are active unless told otherwise.

    Example::

        >>> prep = tf.keras.layers.Pipeline([tf.keras.layers.Rescaling(1 / 255.0),
        ...                                  tf.keras.layers.CenterCrop(4, 4)])
        >>> prep(np.zeros((2, 6, 6, 3), "float32")).shape
        TensorShape([2, 4, 4, 3])
    """

    def __init__(self, layers, name=None, **kwargs):
        layers = list(layers) if isinstance(layers, (list, tuple)) else layers
        super().__init__(name=name, **kwargs)
        if not isinstance(layers, list) or not all(isinstance(x, Layer) for x in layers):
            raise ValueError(
                f"Pipeline '{self.name}': `layers` must be a list of layers, received "
                f"{layers!r}."
            )
        # Keras's attribute name (a .keras file stores the layers under it); tracked here
        # because Layer.__setattr__ does not track underscore attributes
        self._pipeline_layers = layers
        for layer in layers:
            if not any(layer is x for x in self._layers):
                self._layers.append(layer)

    @property
    def layers(self):
        return self._pipeline_layers

    def __call__(self, inputs=None, *args, training=None, **kwargs):
        if training is None and not is_symbolic(inputs):
            # Keras's default (the call signature's training=True) when neither the caller
            # nor an enclosing call (a model's predict/fit) says
            context = call_context.local.__dict__.get("context")
            if context is None or context.entry is None or context.training is None:
                training = True
        return super().__call__(inputs, *args, training=training, **kwargs)

    def build(self, input_shape):
        # a symbolic call only asks for shapes: build each layer on the shape it will see, so
        # a model made of Inputs has its weights (and its .keras file their values) at once
        shape = input_shape
        for layer in self._pipeline_layers:
            if not layer.built:
                layer._maybe_build(shape)
            shape = layer.compute_output_shape(shape)
        self.built = True

    def call(self, inputs, training=None):
        for layer in self._pipeline_layers:
            inputs = layer(inputs, training=training)
        return inputs

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._pipeline_layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self):
        from featherflow.serialization import serialize_keras_object

        return {"layers": [serialize_keras_object(x) for x in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config):
        from featherflow.serialization import deserialize_keras_object

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized "
                f"layers. Received config with layers={layers}."
            )
        config = dict(config)
        config["layers"] = [deserialize_keras_object(x) for x in layers]
        return cls(**config)
