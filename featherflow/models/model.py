"""Model: a Layer that can be trained (compile/fit/evaluate/predict), saved and summarised."""

import json

from featherflow.layers.layer import Layer, UnexpectedArgumentError
from featherflow.trainers.trainer import Trainer
from featherflow.utils.summary import print_summary


def _functional_arguments(args, kwargs):
    """Whether a Model constructor was given Functional's ``(inputs, outputs)``."""
    return len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs


def _functional_class():
    # functional.py subclasses Model: imported when first needed (an import cycle otherwise)
    from featherflow.models.functional import Functional

    return Functional


def _inject_functional(cls):
    """Make ``cls`` (a Model subclass whose ``__init__`` passes inputs and outputs to
    ``super().__init__``) derive from Functional instead of Model, as Keras does."""
    functional = _functional_class()
    if issubclass(cls, functional):
        return
    cls.__bases__ = tuple(functional if base is Model else base for base in cls.__bases__)
    for base in cls.__bases__:
        if issubclass(base, Model) and not issubclass(base, functional):
            _inject_functional(base)


class Model(Trainer, Layer):
    """A trainable model, as ``keras.Model``.

    ``Model(inputs, outputs)`` builds a Functional model; subclassing ``Model`` and writing
    ``__init__`` (make layers) and ``call`` (use them) gives a subclassed model.

    Example::

        class MLP(tf.keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = tf.keras.layers.Dense(8, activation="relu")
                self.out = tf.keras.layers.Dense(1)

            def call(self, inputs, training=None):
                return self.out(self.hidden(inputs))
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_arguments(args, kwargs):
            functional = _functional_class()
            return functional.__new__(functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # a subclass calling super().__init__(inputs=..., outputs=...) is a Functional
            # model (Keras's rule)
            functional = _functional_class()
            if not isinstance(self, functional):
                _inject_functional(type(self))
            functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise UnexpectedArgumentError(
                f"{type(self).__name__}: unexpected positional argument(s) {args!r}. A "
                "subclassed Model takes keyword arguments (name=..., trainable=..., "
                "dtype=...); a Functional model takes Model(inputs, outputs)."
            )
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("autocast", None)
        if kwargs:
            raise UnexpectedArgumentError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}. "
                "Model accepts name, trainable and dtype (and inputs/outputs for a Functional "
                "model)."
            )
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype)
        Trainer.__init__(self)
        self.stop_training = False

    @property
    def layers(self):
        return [la for la in self._layers]

    def get_layer(self, name=None, index=None):
        """Find a layer by ``name`` or by ``index`` in ``model.layers``."""
        if index is not None:
            layers = self.layers
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Model '{self.name}' has {len(layers)} layers; index {index} is out of range."
                )
            return layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No layer named {name!r} in model '{self.name}'. Layers: "
            f"{[la.name for la in self.layers]}."
        )

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print a table of layers, output shapes and parameter counts (Keras 2 layout)."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      show_trainable=show_trainable)

    def to_json(self, **kwargs):
        """The model's architecture as JSON (``model_from_json`` rebuilds it)."""
        # model_json rebuilds models: reached at call time (an import cycle otherwise)
        from featherflow.serialization.model_json import model_to_dict

        return json.dumps(model_to_dict(self), **kwargs)

    def save(self, filepath, overwrite=True, save_format=None, include_optimizer=True, **kwargs):
        """Save the whole model: ``.keras`` (Keras 3 zip) or ``.h5`` (Keras 2 HDF5)."""
        # saving/ reads and writes models: reached at call time (an import cycle otherwise)
        from featherflow.saving import save_model

        save_model(self, filepath, overwrite=overwrite, save_format=save_format,
                   include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """Save the weights: ``*.weights.h5`` (Keras 3 layout) or ``.h5`` (Keras 2 layout)."""
        # saving/ reads and writes models: reached at call time (an import cycle otherwise)
        from featherflow.saving import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, **kwargs):
        """Load weights saved by featherflow or Keras (``.h5``, ``.weights.h5``, ``.keras``)."""
        # saving/ reads and writes models: reached at call time (an import cycle otherwise)
        from featherflow.saving import load_weights

        load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)

    def get_config(self):
        cfg = {"name": self.name, "trainable": self.trainable}
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            return _functional_class().from_config(config, custom_objects=custom_objects)
        return cls(**config)
