"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector, Lambda."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.graph import KerasTensor, keras_tensor
from featherflow.layers.layer import Layer
from featherflow.ops import activations as activations_ops
from featherflow.ops import dense as dense_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops import tiling as tiling_ops


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


class Dense(Layer):
    """A densely connected layer: ``activation(inputs @ kernel + bias)``.

    Example::

        >>> layer = tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(2,))
        >>> layer(np.zeros((4, 2))).shape
        TensorShape([4, 1])
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        from featherflow import activations, constraints, initializers, regularizers

        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Dense '{self.name}': units must be a positive integer, received {units!r}."
            )
        if lora_rank or quantization_config:
            raise ValueError(
                f"Dense '{self.name}': LoRA (lora_rank) and quantization are not supported by "
                "featherflow; remove these arguments."
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True
        name = activations.builtin_name(self.activation)
        self._fused = name if name in activations_ops.FUSABLE else None
        if name == "linear":
            self._fused = "linear"
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        if not input_shape or input_shape[-1] is None:
            raise ValueError(
                f"Dense '{self.name}': the last dimension of the input must be known, received "
                f"input shape {input_shape}."
            )
        self._in_dim = int(input_shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(self._in_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _check_build_shape(self, inputs):
        self._check_width(inputs)

    def _check_width(self, inputs):
        shape = np.shape(inputs.data) if isinstance(inputs, Tensor) else None
        if shape is None or not shape or shape[-1] != self._in_dim:
            raise ValueError(
                f"Dense '{self.name}' expects inputs whose last dimension is {self._in_dim}, "
                f"received shape {tuple(shape) if shape is not None else type(inputs)}. Check "
                f"input_shape/input_dim, or the number of features (columns) in x."
            )

    def call(self, inputs):
        x = inputs.data
        if x.ndim == 0 or x.shape[-1] != self._in_dim:
            self._check_width(inputs)
        fused = self._fused
        if fused is not None:
            fn = dense_ops.Dense(None if fused == "linear" else fused)
            out = fn(inputs, self.kernel, self.bias) if self.use_bias else fn(inputs, self.kernel)
        else:
            fn = dense_ops.Dense(None)
            out = fn(inputs, self.kernel, self.bias) if self.use_bias else fn(inputs, self.kernel)
            out = self.activation(out)
        return out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        from featherflow import activations, constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
        })
        return cfg


class Activation(Layer):
    """Applies an activation function to its input."""

    def __init__(self, activation, **kwargs):
        from featherflow import activations

        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        from featherflow import activations

        cfg = super().get_config()
        cfg["activation"] = activations.serialize(self.activation)
        return cfg


class Dropout(Layer):
    """Sets a fraction ``rate`` of inputs to 0 during training, scaling the rest by 1/(1-rate).

    As Keras 3: the layer owns a ``keras.random.SeedGenerator`` (made with the layer, so an
    unseeded one takes its seed from Python's ``random``), and each training call draws TF's
    ``stateless_dropout`` mask with the generator's next seed: after
    ``keras.utils.set_random_seed(n)`` the masks equal Keras's.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or \
                not 0 <= rate <= 1:
            raise ValueError(
                f"Dropout '{self.name}': invalid value received for argument `rate`. "
                f"Expected a float value between 0 and 1. Received: rate={rate!r}"
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True
        self._seed_generator = None
        if rate > 0:
            from featherflow.keras import random as keras_random

            self._seed_generator = keras_random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        from featherflow.keras import random as keras_random

        return keras_random.dropout(inputs, self.rate, noise_shape=self.noise_shape,
                                    seed=self._seed_generator)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return cfg


class Flatten(Layer):
    """Flattens every dimension but the batch."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first" and x.data.ndim > 2:
            perm = [0] + list(range(2, x.data.ndim)) + [1]
            x = reshape_ops.transpose(x, perm)
        n = x.data.shape[0]
        return reshape_ops.Reshape((n, -1))(x)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return (input_shape[0], None)
        return (input_shape[0], int(np.prod(rest)) if rest else 1)

    def get_config(self):
        cfg = super().get_config()
        cfg["data_format"] = self.data_format
        return cfg


class Reshape(Layer):
    """Reshapes every sample to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        n = inputs.data.shape[0]
        try:
            return reshape_ops.Reshape((n,) + self.target_shape)(inputs)
        except ValueError:
            raise ValueError(
                f"Reshape '{self.name}': cannot reshape samples of shape "
                f"{inputs.data.shape[1:]} to {self.target_shape}."
            ) from None

    def compute_output_shape(self, input_shape):
        tgt = list(self.target_shape)
        if -1 in tgt:
            known = int(np.prod([d for d in tgt if d != -1]))
            rest = input_shape[1:]
            if any(d is None for d in rest):
                tgt[tgt.index(-1)] = None
            else:
                total = int(np.prod(rest))
                if total % known:
                    raise ValueError(
                        f"Reshape '{self.name}': samples of shape {tuple(rest)} do not fit "
                        f"target_shape {self.target_shape}."
                    )
                tgt[tgt.index(-1)] = total // known
        return (input_shape[0],) + tuple(tgt)

    def get_config(self):
        cfg = super().get_config()
        cfg["target_shape"] = list(self.target_shape)
        return cfg


class Permute(Layer):
    """Permutes the dimensions of every sample (``dims`` counts from 1)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)

    def call(self, inputs):
        return reshape_ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        cfg = super().get_config()
        cfg["dims"] = list(self.dims)
        return cfg


class RepeatVector(Layer):
    """Repeats a (batch, features) input ``n`` times: (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        return tiling_ops.tile(reshape_ops.expand_dims(inputs, 1), (1, self.n, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        cfg = super().get_config()
        cfg["n"] = self.n
        return cfg


class Identity(Layer):
    """Returns its input unchanged."""

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class Lambda(Layer):
    """Wraps a Python function as a layer.

    Saved models store only its name: loading a Lambda from a file is refused unless
    ``safe_mode=False`` (no code is ever read back from a file).
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda '{self.name}': expected a callable, received {type(function).__name__}."
            )
        self.function = function
        self._output_shape_arg = output_shape
        self.arguments = arguments or {}
        self._mask_arg = mask

    def call(self, inputs, mask=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape_arg is not None:
            if callable(self._output_shape_arg):
                return self._output_shape_arg(input_shape)
            return (input_shape[0] if isinstance(input_shape, tuple) else None,) + tuple(
                self._output_shape_arg)
        return self._infer_output_shape(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "function": getattr(self.function, "__name__", "lambda"),
            "output_shape": self._output_shape_arg if not callable(
                self._output_shape_arg) else None,
            "arguments": self.arguments,
        })
        return cfg

    @classmethod
    def from_config(cls, config, safe_mode=True):
        raise ValueError(
            f"Refusing to rebuild the Lambda layer {config.get('name')!r} from a file: a file "
            "cannot safely carry Python code. Pass the function yourself: load_model(path, "
            "custom_objects={...}, safe_mode=False) and rebuild the Lambda, or replace it with a "
            "registered custom layer (tf.keras.saving.register_keras_serializable)."
        )


class _SymbolicOp(Layer):
    """Arithmetic on symbolic tensors (``x + 1``, ``2 - x``, ``x[:, 0]``) recorded as a layer:
    ``fn(first, second)`` in the expression's order; ``reverse`` when the constant is first.
    Keras 3 calls it an operation; models/operation_config.py writes and reads it as Keras."""

    def __init__(self, fn, op_name, reverse=False, **kwargs):
        super().__init__(name=kwargs.pop("name", None) or _op_name(op_name), **kwargs)
        self.fn = fn
        self.op_name = op_name
        self.reverse = reverse
        self._const = None

    def __call__(self, *args, **kwargs):
        if (len(args) == 2 and isinstance(args[1], KerasTensor)
                and not isinstance(args[0], KerasTensor)):
            # a Keras file writes ``2.0 - x`` as the call (2.0, x)
            self.reverse = True
            args = (args[1], args[0])
        if len(args) == 2 and isinstance(args[0], KerasTensor):
            a, b = args
            if isinstance(b, KerasTensor):
                return super().__call__([a, b])
            self._const = b
            return super().__call__(a)
        return super().__call__(*args, **kwargs)

    def call(self, inputs):
        if isinstance(inputs, (list, tuple)):
            return self.fn(inputs[0], inputs[1])
        if self.reverse:
            return self.fn(self._const, inputs)
        return self.fn(inputs, self._const)

    def _infer_output_shape(self, input_shape, masked=False):
        # the shape comes from a call on zeros, where ``1.0 / x`` divides by zero harmlessly
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return super()._infer_output_shape(input_shape, masked)

    def get_config(self):
        raise ValueError(
            f"'{self.name}' is arithmetic on symbolic tensors (a Keras 3 operation): only the "
            "Keras 3 format holds it. Save the model as .keras (model.save('model.keras')), or "
            "use layers (tf.keras.layers.Add, Rescaling) for the Keras 2 formats (.h5, to_json)."
        )


keras_tensor.set_operator_layer(_SymbolicOp)


def _op_name(op):
    from featherflow.utils import naming

    return naming.unique_name(op)
