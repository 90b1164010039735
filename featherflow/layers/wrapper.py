"""Wrapper: the base of layers holding one other layer (TimeDistributed, SpectralNormalization)."""

from featherflow.layers.layer import Layer


class Wrapper(Layer):
    """Holds ``layer``, builds it on the wrapper's first call, and writes it into the config.

    A base class, as in Keras: subclasses give ``call``. ``get_config()["layer"]`` is the
    wrapped layer's Keras 3 config dict (with its ``build_config`` once built) and
    ``from_config`` rebuilds it.

    Example::

        class Twice(tf.keras.layers.Wrapper):
            def call(self, inputs):
                return self.layer(self.layer(inputs))

        Twice(tf.keras.layers.Dense(4))(np.zeros((2, 4)))
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__}: expected a layer instance to wrap (e.g. Dense(8)), "
                f"received {layer!r}."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build(input_shape)
            self.layer.built = True
        self._prefix_paths()
        self.built = True

    def _prefix_paths(self):
        from featherflow.layers.rnn.base import prefix_paths

        prefix_paths(self.layer, self.name)

    def get_config(self):
        from featherflow.layers.rnn.base import serialize_layer

        cfg = super().get_config()
        cfg["layer"] = serialize_layer(self.layer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from featherflow.layers.rnn.base import deserialize_layer

        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
