"""Sequential: a plain stack of layers, each feeding the next."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.layers.input_layer import InputLayer
from featherflow.layers.layer import Layer, _call_flags
from featherflow.models.keras_tensor import KerasTensor
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
        self._plan = None
        self.built = False
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return [la for la in self._layers if not isinstance(la, InputLayer)]

    @property
    def inputs(self):
        return [self._input_layer._output_tensor] if self._input_layer is not None else None

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
        self._plan = None
        if rebuild and (self.built or self._input_layer is not None):
            self.built = False
            self.build(self._input_layer.batch_shape if self._input_layer is not None
                       else self._build_shape)

    def pop(self):
        """Remove the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError(f"Sequential '{self.name}' has no layers to pop.")
        last = layers[-1]
        self._layers.remove(last)
        self._plan = None
        return last

    def build(self, input_shape=None):
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f"Sequential '{self.name}' cannot be built without an input shape. Give the "
                    "first layer input_shape=(...) or input_dim=..., start with "
                    "tf.keras.Input(shape=...), or call the model on data first."
                )
            input_shape = self._input_layer.batch_shape
        input_shape = tuple(input_shape)
        self._build_shape = input_shape
        shape = input_shape
        for layer in self.layers:
            if not layer.built:
                try:
                    layer._maybe_build(shape)
                except ValueError as err:
                    raise ValueError(f"Sequential '{self.name}', layer '{layer.name}': {err}") \
                        from None
            layer._build_shape = layer._build_shape or shape
            layer._seq_input_shape = shape
            shape = layer.compute_output_shape(shape)
            layer._output_shape = shape
        self._output_shape = shape
        self.built = True
        self._plan = None

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    @property
    def _np_dtype(self):
        return np.dtype(self.dtype)

    def _first_takes_floats(self):
        if self._input_layer is not None:
            return np.dtype(self._input_layer.dtype).kind == "f"
        layers = self.layers
        return not layers or layers[0]._cast_int_inputs

    @property
    def _cast_int_inputs(self):
        return self._first_takes_floats()

    def _make_plan(self):
        """The layers as a plain chain of ``(callee, takes_training)``, or None when a layer
        needs ``__call__`` (masks, a custom ``__call__``). Pairs that run faster as one
        primitive (``layers.fused``) become one callee."""
        from featherflow.layers.fused import fuse

        plan = []
        for layer in self.layers:
            simple = (type(layer).__call__ is Layer.__call__
                      and type(layer).compute_mask is Layer.compute_mask)
            if not simple:
                return None
            fused = fuse(plan[-1][0], layer) if plan else None
            if fused is not None:
                plan[-1] = (fused, False)
            else:
                plan.append((layer, _call_flags(type(layer))[0]))
        return plan

    def __call__(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        if type(inputs) is Tensor and inputs.data.dtype == self._np_dtype:
            pass
        elif not isinstance(inputs, (list, tuple, dict, KerasTensor)):
            a = inputs.data if type(inputs) is Tensor else as_array(inputs)
            kind = a.dtype.kind
            if (kind == "f" and a.dtype.name != self.dtype) or (
                    kind in "iub" and self._first_takes_floats()):
                a = a.astype(self.dtype)
                inputs = Tensor(a)
            elif type(inputs) is not Tensor:
                inputs = Tensor(a)
            args = (inputs,) + args[1:]
        return super().__call__(*args, **kwargs)

    def call(self, inputs, training=None, mask=None):
        if not self.built:
            self.build((None,) + tuple(inputs.data.shape[1:]))
        plan = self._plan
        if plan is None:
            plan = self._plan = self._make_plan() or False
        x = inputs
        if plan:
            for layer, takes_training in plan:
                x = layer.call(x, training=training) if takes_training else layer.call(x)
            return x
        for layer in self.layers:
            x = layer(x, training=training)
        return x

    def _check_build_shape(self, inputs):
        pass

    def get_config(self):
        from featherflow.saving.serialization import sequential_config

        return sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from featherflow.saving.serialization import sequential_from_config

        return sequential_from_config(config, custom_objects=custom_objects)
