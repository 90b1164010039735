"""GRUCell and GRU (Keras gate order z, r, h; ``reset_after`` True or False)."""

from featherflow.layers.rnn.cell import RecurrentCell, RecurrentLayer, split_kwargs
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import rnn as rnn_ops


class GRUCell(RecurrentCell):
    """One GRU step: ``h = z * h_prev + (1 - z) * activation(candidate)``.

    Weights: kernel (input_dim, 3 * units), recurrent_kernel (units, 3 * units), gates z, r, h.
    With ``reset_after=True`` (Keras's default) the bias is (2, 3 * units), an input row and a
    recurrent row, and the reset gate scales the recurrent projection of the candidate; with
    ``reset_after=False`` the bias is (3 * units,) and the reset gate scales the state first.

    Example::

        >>> layer = tf.keras.layers.RNN(tf.keras.layers.GRUCell(8, reset_after=False))
        >>> layer(np.zeros((2, 5, 3))).shape
        TensorShape([2, 8])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after=True, **kwargs):
        super().__init__(units, activation=activation,
                         recurrent_activation=recurrent_activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.reset_after = bool(reset_after)
        if self.recurrent_dropout > 0:
            # Keras 3 switches such a cell to its implementation 1: a dropout mask per gate
            self._mask_count = 3

    @property
    def state_size(self):
        return self.units

    def build(self, input_shape):
        u = self.units
        self._make_weights(input_shape, 3, (2, 3 * u) if self.reset_after else (3 * u,))

    def call(self, inputs, states, training=None):
        h = states[0] if isinstance(states, (list, tuple)) else states
        if isinstance(self._dropout_mask, list) or isinstance(self._recurrent_dropout_mask, list):
            return self._call_per_gate(inputs, h)
        inputs, hm = self._step_inputs(inputs, h)
        u = self.units
        xz = math_ops.matmul(inputs, self.kernel)
        b_in = b_rec = None
        if self.use_bias:
            b_in, b_rec = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
            xz = math_ops.add(xz, b_in)
        x_z, x_r, x_h = concat_ops.split(xz, 3, axis=-1)
        ract = self.recurrent_activation
        if self.reset_after:
            rz = math_ops.matmul(hm, self.recurrent_kernel)
            if b_rec is not None:
                rz = math_ops.add(rz, b_rec)
            r_z, r_r, r_h = concat_ops.split(rz, 3, axis=-1)
            z = ract(math_ops.add(x_z, r_z))
            r = ract(math_ops.add(x_r, r_r))
            hh = self.activation(math_ops.add(x_h, math_ops.multiply(r, r_h)))
        else:
            r_z, r_r = concat_ops.split(math_ops.matmul(hm, self.recurrent_kernel[:, : 2 * u]), 2,
                                        axis=-1)
            z = ract(math_ops.add(x_z, r_z))
            r = ract(math_ops.add(x_r, r_r))
            hh = self.activation(math_ops.add(x_h, math_ops.matmul(math_ops.multiply(r, hm),
                                                     self.recurrent_kernel[:, 2 * u:])))
        h = math_ops.add(hh, math_ops.multiply(z, math_ops.subtract(h, hh)))
        return h, [h]

    def _call_per_gate(self, inputs, h):
        """Keras's implementation 1: gate ``g`` (z, r, h) sees ``inputs * dropout_mask[g]``
        and ``h * recurrent_mask[g]`` with its own slices of the kernels."""
        dp, rec = self._dropout_mask, self._recurrent_dropout_mask
        kernels = concat_ops.split(self.kernel, 3, axis=-1)
        recurrent = concat_ops.split(self.recurrent_kernel, 3, axis=-1)
        b_in = b_rec = None
        if self.use_bias:
            b_in, b_rec = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
            b_in = concat_ops.split(b_in, 3, axis=0)
            b_rec = concat_ops.split(b_rec, 3, axis=0) if b_rec is not None else None
        xs, hs = [], []
        for g in range(3):
            x_g = math_ops.matmul(inputs if dp is None else math_ops.multiply(inputs, dp[g]),
                                  kernels[g])
            xs.append(x_g if b_in is None else math_ops.add(x_g, b_in[g]))
            hs.append(h if rec is None else math_ops.multiply(h, rec[g]))
        ract = self.recurrent_activation
        r_z = math_ops.matmul(hs[0], recurrent[0])
        r_r = math_ops.matmul(hs[1], recurrent[1])
        if self.reset_after and b_rec is not None:
            r_z = math_ops.add(r_z, b_rec[0])
            r_r = math_ops.add(r_r, b_rec[1])
        z = ract(math_ops.add(xs[0], r_z))
        r = ract(math_ops.add(xs[1], r_r))
        if self.reset_after:
            r_h = math_ops.matmul(hs[2], recurrent[2])
            if b_rec is not None:
                r_h = math_ops.add(r_h, b_rec[2])
            r_h = math_ops.multiply(r, r_h)
        else:
            r_h = math_ops.matmul(math_ops.multiply(r, hs[2]), recurrent[2])
        hh = self.activation(math_ops.add(xs[2], r_h))
        h = math_ops.add(hh, math_ops.multiply(z, math_ops.subtract(h, hh)))
        return h, [h]

    def fused_sequence(self, x, states, mask, return_sequences, go_backwards, zero_output):
        names = self._fused_names()
        if names is None or isinstance(self._dropout_mask, list) or isinstance(
                self._recurrent_dropout_mask, list):
            return None
        out, h = rnn_ops.gru(self._sequence_inputs(x), self.kernel, self.recurrent_kernel,
                             self.bias,
                       initial_state=None if states is None else states[0], mask=mask,
                       recurrent_mask=self._recurrent_dropout_mask, activation=names[0],
                       recurrent_activation=names[1], reset_after=self.reset_after,
                       return_sequences=return_sequences, go_backwards=go_backwards,
                       zero_output_for_mask=zero_output)
        return out, [h]

    def get_config(self):
        cfg = super().get_config()
        cfg["reset_after"] = self.reset_after
        return cfg


class GRU(RecurrentLayer):
    """Gated Recurrent Unit layer (Cho et al., 2014), as ``keras.layers.GRU``.

    The whole sequence runs as one fused primitive with a hand-written backward through time;
    weights match Keras's for both ``reset_after`` variants.

    Example::

        >>> gru = tf.keras.layers.GRU(4, return_sequences=True, return_state=True)
        >>> seq, h = gru(np.zeros((2, 5, 3)))
    """

    cell_class = GRUCell
    cell_name = "gru_cell"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True, **kwargs):
        cell_kwargs, rnn_kwargs = split_kwargs(locals())
        super().__init__(cell_kwargs, rnn_kwargs, **kwargs)
