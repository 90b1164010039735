"""``tf.nn.RNNCellDropoutWrapper``, ``tf.nn.RNNCellResidualWrapper`` and
``tf.nn.RNNCellDeviceWrapper``: TensorFlow 2.21's ``rnn_cell_wrapper_v2`` classes (the
Keras-2-era ``DropoutWrapper``, ``ResidualWrapper``, ``DeviceWrapper``) around a Keras cell.

Each wrapper is a layer with its cell's ``state_size`` and ``output_size``; calling it runs the
cell's ``call(inputs, states)`` and changes what goes in or out:

- Dropout: TF's ``dropout_v2`` on the inputs, the new states and/or the output (``1 -
  keep_prob`` as the rate, ``tf.random.uniform`` with a seed hashed from ``seed`` and the
  tensor's place: MD5 of ``"<seed><input|state|output>_<index>"``), so the masks equal
  TensorFlow's for the same seed. As in TensorFlow, dropout is applied on every call
  (the wrapper has no training flag). ``variational_recurrent=True`` draws one noise tensor
  per input, state and output at construction and reuses it on every step.
- Residual: ``residual_fn(inputs, outputs)``, by default ``inputs + outputs`` (same structure
  and shapes).
- Device: the cell runs under ``tf.device(device)``.

Example::

    >>> cell = tf.nn.RNNCellDropoutWrapper(tf.keras.layers.SimpleRNNCell(4),
    ...                                    output_keep_prob=0.8, seed=1)
    >>> output, states = cell(tf.ones((2, 3)), [tf.zeros((2, 4))])
"""

import codecs
import hashlib
import marshal
import sys
import types

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.layer import Layer
from featherflow.ops import math as math_ops
from featherflow.tree import nest

__all__ = ["RNNCellDeviceWrapper", "RNNCellDropoutWrapper", "RNNCellResidualWrapper"]


def _takes_training(cell):
    import inspect

    try:
        parameters = inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
    return "training" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


class _RNNCellWrapper(Layer):
    """The cell, its sizes, its build and TF's config layout (``{"cell": {"class_name",
    "config"}, ...}``)."""

    def __init__(self, cell, **kwargs):
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise TypeError(f"{type(self).__name__}: cell must be an RNN cell (with "
                            f"call(inputs, states) and state_size); received {cell!r}.")
        super().__init__(**kwargs)
        self.cell = cell

    @property
    def wrapped_cell(self):
        return self.cell

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return getattr(self.cell, "output_size", None)

    def build(self, input_shape):
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(input_shape)
            self.cell.built = True
        self.built = True

    def get_initial_state(self, batch_size=None):
        return self.cell.get_initial_state(batch_size)

    def call(self, inputs, states, training=None, **kwargs):
        if training is not None and _takes_training(self.cell):
            kwargs["training"] = training
        return self._call_wrapped_cell(inputs, states, self.cell.call, **kwargs)

    def __call__(self, inputs, states=None, **kwargs):
        if states is None:
            raise TypeError(f"{type(self).__name__}: call it as cell(inputs, states), with the "
                            "cell's states (e.g. cell.get_initial_state(batch_size)).")
        if not self.built:
            self.build(tuple(np.shape(getattr(inputs, "data", inputs))))
        return self.call(inputs, states, **kwargs)

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self.dtype_policy.name if hasattr(self, "dtype_policy") else "float32",
                  "cell": {"class_name": type(self.cell).__name__,
                           "config": self.cell.get_config()}}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from featherflow.layers import deserialize

        config = dict(config)
        cell = deserialize(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


def _map_enumerated(fn, structure, *others):
    """``fn(index, leaf, *other_leaves)`` over the leaves of ``structure`` (TF's
    ``_enumerated_map_structure_up_to``)."""
    count = [0]

    def apply(*leaves):
        out = fn(count[0], *leaves)
        count[0] += 1
        return out

    return nest.map_structure(apply, structure, *others)


class RNNCellDropoutWrapper(_RNNCellWrapper):
    """Dropout on a cell's inputs, output and new states, with TF's masks for a ``seed``.

    Example::

        >>> wrapped = tf.nn.RNNCellDropoutWrapper(tf.keras.layers.GRUCell(8),
        ...                                       input_keep_prob=0.9, seed=3)
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        if dtype is not None:
            kwargs["dtype"] = dtype
        super().__init__(cell, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._dropout_state_filter = dropout_state_filter_visitor
        for prob, attr in ((input_keep_prob, "input_keep_prob"),
                           (state_keep_prob, "state_keep_prob"),
                           (output_keep_prob, "output_keep_prob")):
            value = float(getattr(prob, "data", prob))
            if value < 0 or value > 1:
                raise ValueError(f"Parameter {attr} must be between 0 and 1: {int(value)} "
                                 f"(received {value}); it is the probability to keep a value.")
            setattr(self, f"_{attr}", value)
        self._variational_recurrent = bool(variational_recurrent)
        self._input_size = input_size
        self._seed = seed
        self._noise = {"input": None, "state": None, "output": None}
        if variational_recurrent:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")
            if self._input_keep_prob < 1.0:
                if input_size is None:
                    raise ValueError("When variational_recurrent=True and input_keep_prob < 1.0 "
                                     "or is unknown, input_size must be provided")
                self._noise["input"] = self._batch_noise("input", input_size, dtype)
            self._noise["state"] = self._batch_noise("state", cell.state_size, dtype)
            self._noise["output"] = self._batch_noise("output", cell.output_size, dtype)

    def _batch_noise(self, prefix, sizes, dtype):
        from featherflow.api import random as tf_random

        def noise(index, size):
            return tf_random.uniform([1, int(size)], seed=self._gen_seed(prefix, index),
                                     dtype=dtype)

        return _map_enumerated(noise, sizes)

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        text = (str(self._seed) + f"{salt_prefix}_{index}").encode("utf-8")
        return int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF

    def _dropout_one(self, value, keep_prob, seed, noise):
        from featherflow.api import random as tf_random

        value = value if isinstance(value, Tensor) else Tensor(np.asarray(value, np.float32))
        dtype = value.data.dtype
        if noise is not None:  # variational: the mask of this run's noise
            binary = np.floor(keep_prob + np.asarray(noise.data, dtype)).astype(dtype)
            return math_ops.multiply(math_ops.divide(value, dtype.type(keep_prob)),
                                     Tensor(binary))
        rate = 1.0 - keep_prob
        scale = dtype.type(1.0 / (1.0 - rate))
        uniform = tf_random.uniform(list(value.data.shape), seed=seed, dtype=dtype)
        keep = (uniform.data >= dtype.type(rate)).astype(dtype)
        return math_ops.multiply(math_ops.multiply(value, scale), Tensor(keep))

    def _dropout(self, values, prefix, keep_prob, filtered=None):
        """Dropout on every leaf of ``values`` (leaf ``i`` seeded by ``(prefix, i)``)."""
        flat = nest.flatten(values)
        noise = self._noise[prefix]
        # one noise tensor per leaf, in order (TF pairs them by structure; a Keras 3 cell's
        # int state_size against its list of states is the same leaves)
        noise = None if noise is None else nest.flatten(noise)
        out = []
        for index, value in enumerate(flat):
            if filtered is not None and not filtered[index]:
                out.append(value)
                continue
            out.append(self._dropout_one(value, keep_prob, self._gen_seed(prefix, index),
                                         None if noise is None else noise[index]))
        return nest.pack_sequence_as(values, out)

    def _call_wrapped_cell(self, inputs, states, cell_call, **kwargs):
        if self._input_keep_prob < 1:
            inputs = self._dropout(inputs, "input", self._input_keep_prob)
        output, new_states = cell_call(inputs, states, **kwargs)
        if self._state_keep_prob < 1:
            filtered = None
            if self._dropout_state_filter is not None:
                filtered = [bool(self._dropout_state_filter(s)) for s in nest.flatten(new_states)]
            new_states = self._dropout(new_states, "state", self._state_keep_prob, filtered)
        if self._output_keep_prob < 1:
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_states

    def get_config(self):
        config = super().get_config()
        config.update({"input_keep_prob": self._input_keep_prob,
                       "output_keep_prob": self._output_keep_prob,
                       "state_keep_prob": self._state_keep_prob,
                       "variational_recurrent": self._variational_recurrent,
                       "input_size": self._input_size, "seed": self._seed})
        return config


class RNNCellResidualWrapper(_RNNCellWrapper):
    """A cell whose output is ``residual_fn(inputs, output)`` (default ``inputs + output``).

    Example::

        >>> wrapped = tf.nn.RNNCellResidualWrapper(tf.keras.layers.SimpleRNNCell(3))
    """

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, states, cell_call, **kwargs):
        outputs, new_states = cell_call(inputs, states, **kwargs)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, outputs), new_states

        def add(inp, out):
            a = tuple(np.shape(getattr(inp, "data", inp)))
            b = tuple(np.shape(getattr(out, "data", out)))
            if a != b:
                raise ValueError(f"Shapes {a} and {b} are incompatible: RNNCellResidualWrapper "
                                 "adds the cell's inputs to its outputs, so the cell's units "
                                 "must equal the input features (or give a residual_fn).")
            return math_ops.add(inp, out)

        nest.assert_same_structure(inputs, outputs)
        return nest.map_structure(add, inputs, outputs), new_states

    def get_config(self):
        config = super().get_config()
        if self._residual_fn is not None:
            config.update(_function_config(self._residual_fn, "residual_fn"))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "residual_fn" in config:
            config["residual_fn"] = _function_from_config(config, "residual_fn",
                                                          custom_objects)
        return super().from_config(config, custom_objects)


class RNNCellDeviceWrapper(_RNNCellWrapper):
    """A cell run under ``tf.device(device)``.

    Example::

        >>> wrapped = tf.nn.RNNCellDeviceWrapper(tf.keras.layers.LSTMCell(3), "/cpu:0")
    """

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def _call_wrapped_cell(self, inputs, states, cell_call, **kwargs):
        from featherflow.api.core_extra import device

        with device(self._device):
            return cell_call(inputs, states, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["device"] = self._device
        return config


def _function_config(function, attr):
    """TF's ``_serialize_function_to_config``: a lambda as (base64 marshalled code, defaults,
    closure), a named function by name and module."""
    if isinstance(function, types.LambdaType) and function.__name__ == "<lambda>":
        code = codecs.encode(marshal.dumps(function.__code__), "base64").decode("ascii")
        closure = (tuple(c.cell_contents for c in function.__closure__)
                   if function.__closure__ else None)
        value, kind = (code, function.__defaults__, closure), "lambda"
    elif callable(function):
        value, kind = function.__name__, "function"
    else:
        raise ValueError(f"Unrecognized function type for input: {type(function)}")
    return {attr: value, f"{attr}_type": kind, f"{attr}_module": function.__module__}


def _function_from_config(config, attr, custom_objects):
    kind = config.pop(f"{attr}_type")
    module = config.pop(f"{attr}_module", None)
    value = config[attr]
    if kind == "lambda":
        code, defaults, closure = value
        raw = codecs.decode(code.encode("ascii"), "base64")
        cells = tuple(types.CellType(v) for v in closure) if closure else None
        namespace = dict(vars(sys.modules[module])) if module in sys.modules else {}
        namespace.update(custom_objects or {})
        return types.FunctionType(marshal.loads(raw), namespace, "<lambda>",
                                  tuple(defaults) if defaults else None, cells)
    if kind == "function":
        if custom_objects and value in custom_objects:
            return custom_objects[value]
        if module in sys.modules and hasattr(sys.modules[module], value):
            return getattr(sys.modules[module], value)
        raise ValueError(f"Unknown function {value!r} (module {module}) in the wrapper's "
                         "config: pass it in custom_objects.")
    raise TypeError(f"Unknown function type: {kind}")
