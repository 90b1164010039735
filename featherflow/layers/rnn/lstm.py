"""LSTMCell and LSTM (Keras gate order i, f, c, o)."""

import numpy as np

from featherflow.layers.rnn.cell import RecurrentCell, RecurrentLayer, split_kwargs
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import rnn as rnn_ops


class LSTMCell(RecurrentCell):
    """One LSTM step: ``c = f * c + i * activation(z_c)``, ``h = o * activation(c)``.

    Weights: kernel (input_dim, 4 * units), recurrent_kernel (units, 4 * units), bias
    (4 * units,), gates in the order i, f, c, o. ``unit_forget_bias`` starts the forget gate's
    bias at 1.

    Example::

        >>> layer = tf.keras.layers.RNN(tf.keras.layers.LSTMCell(8))
        >>> layer(np.zeros((2, 5, 3))).shape
        TensorShape([2, 8])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation,
                         recurrent_activation=recurrent_activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        if self.recurrent_dropout > 0:
            # Keras 3 switches such a cell to its implementation 1: a dropout mask per gate
            self._mask_count = 4

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        init = None
        if self.use_bias and self.unit_forget_bias:
            base, u = self.bias_initializer, self.units

            def init(shape, dtype=None):
                return np.concatenate([np.asarray(base((u,), dtype=dtype)), np.ones(u, dtype),
                                       np.asarray(base((2 * u,), dtype=dtype))]).astype(dtype)

        self._make_weights(input_shape, 4, (4 * self.units,), init)

    def call(self, inputs, states, training=None):
        h, c = states[0], states[1]
        if self._mask_count is not None and (isinstance(self._dropout_mask, list) or
                                             isinstance(self._recurrent_dropout_mask, list)):
            return self._call_per_gate(inputs, h, c)
        inputs, hm = self._step_inputs(inputs, h)
        z = math_ops.add(math_ops.matmul(inputs, self.kernel),
                         math_ops.matmul(hm, self.recurrent_kernel))
        if self.use_bias:
            z = math_ops.add(z, self.bias)
        zi, zf, zc, zo = concat_ops.split(z, 4, axis=-1)
        ract = self.recurrent_activation
        c = math_ops.add(math_ops.multiply(ract(zf), c), math_ops.multiply(ract(zi),
                                                                           self.activation(zc)))
        h = math_ops.multiply(ract(zo), self.activation(c))
        return h, [h, c]

    def _call_per_gate(self, inputs, h, c):
        """Keras's implementation 1: gate ``g`` sees ``inputs * dropout_mask[g]`` and
        ``h * recurrent_mask[g]`` with its own slices of the kernels."""
        dp, rec = self._dropout_mask, self._recurrent_dropout_mask
        kernels = concat_ops.split(self.kernel, 4, axis=-1)
        recurrent = concat_ops.split(self.recurrent_kernel, 4, axis=-1)
        biases = concat_ops.split(self.bias, 4, axis=0) if self.use_bias else [None] * 4
        z = []
        for g in range(4):
            x_g = inputs if dp is None else math_ops.multiply(inputs, dp[g])
            h_g = h if rec is None else math_ops.multiply(h, rec[g])
            z_g = math_ops.matmul(x_g, kernels[g])
            if biases[g] is not None:
                z_g = math_ops.add(z_g, biases[g])
            z.append(math_ops.add(z_g, math_ops.matmul(h_g, recurrent[g])))
        zi, zf, zc, zo = z
        ract = self.recurrent_activation
        c = math_ops.add(math_ops.multiply(ract(zf), c), math_ops.multiply(ract(zi),
                                                                           self.activation(zc)))
        h = math_ops.multiply(ract(zo), self.activation(c))
        return h, [h, c]

    def fused_sequence(self, x, states, mask, return_sequences, go_backwards, zero_output):
        names = self._fused_names()
        if names is None or isinstance(self._dropout_mask, list) or isinstance(
                self._recurrent_dropout_mask, list):
            return None
        out, h, c = rnn_ops.lstm(self._sequence_inputs(x), self.kernel, self.recurrent_kernel,
                           self.bias, initial_state=states, mask=mask,
                           recurrent_mask=self._recurrent_dropout_mask, activation=names[0],
                           recurrent_activation=names[1], return_sequences=return_sequences,
                           go_backwards=go_backwards, zero_output_for_mask=zero_output)
        return out, [h, c]

    def get_config(self):
        cfg = super().get_config()
        cfg["unit_forget_bias"] = self.unit_forget_bias
        return cfg


class LSTM(RecurrentLayer):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997), as ``keras.layers.LSTM``.

    The whole sequence runs as one fused primitive with a hand-written backward through time.
    ``dropout`` masks the inputs and ``recurrent_dropout`` the state fed back, with one mask
    per sequence. Weights match Keras's (``lstm/lstm_cell/kernel``...), so
    ``set_weights(keras_layer.get_weights())`` gives the same outputs.

    Example::

        >>> model = tf.keras.Sequential([tf.keras.Input((100, 32)), tf.keras.layers.LSTM(64),
        ...                              tf.keras.layers.Dense(1, activation="sigmoid")])
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        cell_kwargs, rnn_kwargs = split_kwargs(locals())
        super().__init__(cell_kwargs, rnn_kwargs, **kwargs)
