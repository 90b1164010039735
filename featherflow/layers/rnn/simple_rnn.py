"""SimpleRNNCell and SimpleRNN: ``h = activation(x @ kernel + h @ recurrent_kernel + bias)``."""

from featherflow.layers.rnn.cell import RecurrentCell, RecurrentLayer, split_kwargs
from featherflow.ops import math as math_ops
from featherflow.ops import rnn as rnn_ops


class SimpleRNNCell(RecurrentCell):
    """One fully connected recurrent step; the output is the new state.

    Weights: kernel (input_dim, units), recurrent_kernel (units, units), bias (units,).

    Example::

        >>> layer = tf.keras.layers.RNN(tf.keras.layers.SimpleRNNCell(8))
        >>> layer(np.zeros((2, 5, 3))).shape
        TensorShape([2, 8])
    """

    _seed_first = True


    @property
    def state_size(self):
        return self.units

    def build(self, input_shape):
        self._make_weights(input_shape, 1, (self.units,))

    def call(self, inputs, states, training=None):
        h = states[0] if isinstance(states, (list, tuple)) else states
        inputs, hm = self._step_inputs(inputs, h)
        z = math_ops.add(math_ops.matmul(inputs, self.kernel),
                         math_ops.matmul(hm, self.recurrent_kernel))
        if self.use_bias:
            z = math_ops.add(z, self.bias)
        h = self.activation(z)
        return h, [h]

    def fused_sequence(self, x, states, mask, return_sequences, go_backwards, zero_output):
        names = self._fused_names()
        if names is None:
            return None
        out, h = rnn_ops.simple_rnn(self._sequence_inputs(x), self.kernel, self.recurrent_kernel,
                              self.bias, initial_state=None if states is None else states[0],
                              mask=mask, recurrent_mask=self._recurrent_dropout_mask,
                              activation=names[0], return_sequences=return_sequences,
                              go_backwards=go_backwards, zero_output_for_mask=zero_output)
        return out, [h]


class SimpleRNN(RecurrentLayer):
    """Fully connected RNN whose output is fed back as the next step's state.

    Example::

        >>> rnn = tf.keras.layers.SimpleRNN(4, activation="relu", return_sequences=True)
        >>> rnn(np.zeros((2, 5, 3))).shape
        TensorShape([2, 5, 4])
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        cell_kwargs, rnn_kwargs = split_kwargs(locals())
        super().__init__(cell_kwargs, rnn_kwargs, **kwargs)
