"""The pieces a ``keras.utils.FeatureSpace`` is made of: ``Feature`` (a dtype, a preprocessing
layer and how its output is encoded), ``Cross`` (features hashed together) and the two small
layers it adds (``TFDIdentity`` for plain floats, ``TFDConcat`` joining the encoded features).

Keras 3 keeps them in ``keras.src.layers.preprocessing.feature_space`` and names them so in a
``.keras`` file's config; featherflow writes the same names, so files move both ways.
"""

from featherflow.layers.layer import Layer
from featherflow.ops.concat import concat
from featherflow.serialization import deserialize_keras_object, serialize_keras_object

# where Keras 3 says these classes live (its configs name the module)
KERAS_MODULE = "keras.src.layers.preprocessing.feature_space"


def _serialize_layer(layer):
    out = serialize_keras_object(layer)
    if isinstance(layer, (TFDIdentity, TFDConcat)):
        out["module"] = KERAS_MODULE
        out["registered_name"] = type(layer).__name__
    return out


def deserialize_layer(config, where):
    """A preprocessing layer from its Keras 3 config dict (a layer object passes through)."""
    if isinstance(config, Layer):
        return config
    if not isinstance(config, dict):
        raise TypeError(f"{where}: expected a layer or its config dict, received "
                        f"{type(config).__name__} {config!r}.")
    return deserialize_keras_object(config)


class Cross:
    """Features crossed by hashing their values together into ``crossing_dim`` bins, as
    ``FeatureSpace.cross(("a", "b"), crossing_dim=32)`` makes it."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in {"int", "one_hot"}:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{{'int', 'one_hot'}}. Received: output_mode={output_mode}")
        if isinstance(feature_names, str) or len(feature_names) < 2:
            raise ValueError("FeatureSpace.cross: `feature_names` must name two or more "
                             f"features, e.g. ('a', 'b'). Received: {feature_names!r}")
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"Cross({self.feature_names}, crossing_dim={self.crossing_dim}, " \
               f"output_mode={self.output_mode!r})"


class Feature:
    """One feature of a FeatureSpace: the dtype of its input, the layer that preprocesses it
    and whether that layer's output is used as it is (``"float"``, ``"int"``) or one-hot
    encoded (``"one_hot"``)."""

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in {"int", "one_hot", "float"}:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{{'int', 'one_hot', 'float'}}. Received: output_mode={output_mode}")
        self.dtype = dtype
        self.preprocessor = deserialize_layer(preprocessor, "FeatureSpace.feature(preprocessor)")
        self.output_mode = output_mode

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": _serialize_layer(self.preprocessor),
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"Feature(dtype={self.dtype!r}, preprocessor={self.preprocessor.name!r}, " \
               f"output_mode={self.output_mode!r})"


def serialize_part(part):
    """A Feature or Cross as the Keras 3 config dict Keras writes for it."""
    return {"module": KERAS_MODULE, "class_name": type(part).__name__,
            "config": part.get_config(), "registered_name": type(part).__name__}


def deserialize_part(config, cls, where):
    """A Feature or Cross from its config dict (an instance passes through)."""
    if isinstance(config, cls):
        return config
    if not isinstance(config, dict) or config.get("class_name") != cls.__name__:
        raise ValueError(f"{where}: expected a FeatureSpace.{cls.__name__} or its config dict, "
                         f"received {config!r}.")
    return cls.from_config(dict(config.get("config") or {}))


class TFDIdentity(Layer):
    """Passes its input through (the preprocessor of ``FeatureSpace.float()``)."""

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class TFDConcat(Layer):
    """Joins FeatureSpace's encoded features along ``axis``."""

    def __init__(self, axis, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        sizes = [s[self.axis] for s in shapes]
        total = None if any(d is None for d in sizes) else sum(sizes)
        out = list(shapes[0])
        out[self.axis] = total
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
