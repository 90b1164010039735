"""What the built-in cells (SimpleRNNCell, LSTMCell, GRUCell) and their layers share.

A cell owns the weights and the per-step maths (``call``); its ``fused_sequence`` runs a whole
sequence as one primitive when its activations have fused kernels. The layer (SimpleRNN, LSTM,
GRU) is an :class:`~featherflow.layers.rnn.base.RNN` that builds its cell from the same
arguments and exposes them (``layer.units``, ``layer.activation``...).
"""

import numpy as np

from featherflow.layers.layer import Layer
from featherflow.layers.rnn.base import RNN, DropoutRNNCell
from featherflow.ops import math as math_ops
from featherflow.ops.activations import ELEMENTWISE


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


class RecurrentCell(DropoutRNNCell, Layer):
    """Base of the built-in cells: units, activations, initializers, regularizers,
    constraints and dropout, with Keras names and defaults."""

    _seed_first = False

    def __init__(self, units, activation="tanh", recurrent_activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        from featherflow import activations, constraints, initializers, regularizers

        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': units must be a positive integer, "
                f"received {units!r}."
            )
        self.units = int(units)
        from featherflow.keras import random as keras_random

        if self._seed_first:
            # SimpleRNNCell makes its SeedGenerator before its initializers, as Keras 3's does
            self._seed_generator = keras_random.SeedGenerator(seed)
        self.activation = activations.get(activation)
        self.recurrent_activation = (None if recurrent_activation is None
                                     else activations.get(recurrent_activation))
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        # as Keras 3's cells: a SeedGenerator made with the cell (an unseeded one takes its seed
        # from Python's random, after the initializers), drawing the dropout masks
        if not self._seed_first:
            self._seed_generator = keras_random.SeedGenerator(seed)
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def output_size(self):
        return self.units

    def _make_weights(self, input_shape, gates, bias_shape, bias_initializer=None):
        """kernel (in, gates * u), recurrent_kernel (u, gates * u) and bias, in Keras order."""
        n = input_shape[-1]
        if n is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the number of input features must be "
                f"known, received input shape {input_shape}."
            )
        u = self.units
        self.kernel = self.add_weight(name="kernel", shape=(int(n), gates * u),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(u, gates * u),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=bias_shape,
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _fused_names(self):
        """Names of the activations if the fused kernels have them, else None."""
        from featherflow import activations

        names = [activations.builtin_name(self.activation)]
        if self.recurrent_activation is not None:
            names.append(activations.builtin_name(self.recurrent_activation))
        return names if all(n in ELEMENTWISE for n in names) else None

    def _step_inputs(self, inputs, h):
        """Apply the sequence's dropout masks to one step's input and previous state."""
        if self._dropout_mask is not None:
            inputs = math_ops.multiply(inputs, self._dropout_mask)
        if self._recurrent_dropout_mask is not None:
            h = math_ops.multiply(h, self._recurrent_dropout_mask)
        return inputs, h

    def _sequence_inputs(self, x):
        """The whole sequence with the input dropout mask applied (same mask every step)."""
        if self._dropout_mask is None:
            return x
        return math_ops.multiply(x, self._dropout_mask[:, None, :])

    def get_initial_state(self, batch_size=None):
        from featherflow.autodiff.tensor import Tensor

        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [
            self.state_size]
        return [Tensor(np.zeros((batch_size, s), self.dtype)) for s in sizes]

    def get_config(self):
        from featherflow import activations, constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "recurrent_regularizer": _serialize(regularizers, self.recurrent_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "recurrent_constraint": _serialize(constraints, self.recurrent_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        if self.recurrent_activation is not None:
            cfg["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        return cfg


# the layer's constructor arguments that belong to its cell
CELL_ARGS = (
    "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "reset_after",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed",
)
# the RNN's own arguments and the Layer's, passed to the RNN base
RNN_ARGS = (
    "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
    "zero_output_for_mask", "activity_regularizer",
)


class RecurrentLayer(RNN):
    """A built-in recurrent layer: an RNN around its own cell, configured by the same
    arguments (the cell's settings read through, e.g. ``layer.units``)."""

    cell_class = None
    cell_name = None

    def __init__(self, cell_kwargs, rnn_kwargs, **kwargs):
        kwargs.pop("use_cudnn", None)
        kwargs.pop("implementation", None)
        cell = self.cell_class(name=self.cell_name, dtype=kwargs.get("dtype"),
                               trainable=kwargs.get("trainable", True), **cell_kwargs)
        super().__init__(cell, **rnn_kwargs, **kwargs)

    def __getattr__(self, name):
        # only called when normal lookup fails: the cell's settings (units, activation...)
        if name in CELL_ARGS and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        cfg = super().get_config()
        cell_cfg = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "batch_input_shape"):
            cell_cfg.pop(key, None)
        cfg.update(cell_cfg)
        if self.activity_regularizer is not None:
            from featherflow import regularizers

            cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        else:
            cfg["activity_regularizer"] = None
        return cfg


def split_kwargs(local):
    """Separate a layer constructor's locals into cell arguments and RNN arguments."""
    cell = {k: local[k] for k in CELL_ARGS if k in local}
    rnn = {k: local[k] for k in RNN_ARGS if k in local}
    return cell, rnn
