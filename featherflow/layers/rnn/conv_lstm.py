"""ConvLSTM1D/2D/3D: an LSTM whose gates are convolutions (Shi et al., 2015), as Keras 3.

The input convolutions of all time steps run as one convolution over the merged batch and
time axes; the loop then adds the recurrent ("same"-padded, stride 1) convolution of the
previous output per step. Weights and gate order (i, f, c, o) are Keras's:
``kernel`` ``kernel_size + (channels, 4 * filters)``, ``recurrent_kernel``
``kernel_size + (filters, 4 * filters)``, ``bias`` ``(4 * filters,)``.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.layer import Layer
from featherflow.layers.rnn.base import RNN, as_mask, prefix_paths
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops._convert import data
from featherflow.ops.conv_geometry import normalize_tuple


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def _out_length(size, k, padding, stride, dilation):
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    return (size - (k - 1) * dilation - 1) // stride + 1


class ConvLSTMCell(Layer):
    """One ConvLSTM step on ``(batch, *spatial, channels)`` (or channels-first) inputs."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        from featherflow import activations, constraints, initializers, regularizers

        super().__init__(**kwargs)
        where = f"ConvLSTM{rank}D '{self.name}'"
        self.rank = int(rank)
        if (not isinstance(filters, (int, np.integer)) or isinstance(filters, bool)
                or filters <= 0):
            raise ValueError(f"{where}: filters must be a positive integer, received {filters!r}.")
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size", where)
        self.strides = normalize_tuple(strides, self.rank, "strides", where)
        mode = str(padding).lower()
        if mode not in ("valid", "same"):
            raise ValueError(f"{where}: padding must be 'valid' or 'same', received {padding!r}.")
        self.padding = mode
        fmt = "channels_last" if data_format is None else str(data_format).lower()
        if fmt not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{where}: data_format must be 'channels_last' or 'channels_first', received "
                f"{data_format!r}."
            )
        self.data_format = fmt
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate", where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 cannot be combined with dilation_rate > 1, received "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}."
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self._rng = None
        # made with the cell, as Keras 3's (an unseeded one takes a seed from Python's random)
        from featherflow.keras import random as keras_random

        self._seed_generator = keras_random.SeedGenerator(seed)
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return [self.filters, self.filters]

    @property
    def channel_axis(self):
        """The channel axis of one step's tensors (batch first)."""
        return 1 if self.data_format == "channels_first" else self.rank + 1

    def build(self, input_shape):
        cf = self.data_format == "channels_first"
        spatial = tuple(input_shape[2:] if cf else input_shape[1:-1])
        channels = input_shape[1 if cf else -1]
        where = f"ConvLSTM{self.rank}D '{self.name}'"
        if any(s is None for s in spatial):
            raise ValueError(
                f"{where}: the spatial dimensions must be known, received step shape "
                f"{tuple(input_shape)}."
            )
        if channels is None:
            raise ValueError(
                f"{where}: the channel dimension must be known, received step shape "
                f"{tuple(input_shape)}."
            )
        self.spatial_dims, self.input_dim = spatial, int(channels)
        f = self.filters
        self.kernel = self.add_weight(name="kernel",
                                      shape=self.kernel_size + (self.input_dim, 4 * f),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel",
                                                shape=self.kernel_size + (f, 4 * f),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                base = self.bias_initializer

                def init(shape, dtype=None):
                    return np.concatenate([np.asarray(base((f,), dtype=dtype)), np.ones(f, dtype),
                                           np.asarray(base((2 * f,), dtype=dtype))]).astype(dtype)

            self.bias = self.add_weight(name="bias", shape=(4 * f,), initializer=init,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def output_spatial(self, spatial):
        return tuple(_out_length(s, k, self.padding, st, d) for s, k, st, d in zip(
            spatial, self.kernel_size, self.strides, self.dilation_rate))

    def state_shape(self, batch, spatial=None):
        out = self.output_spatial(self.spatial_dims if spatial is None else spatial)
        if self.data_format == "channels_first":
            return (batch, self.filters) + out
        return (batch,) + out + (self.filters,)

    def get_initial_state(self, batch_size=None):
        shape = self.state_shape(batch_size)
        return [Tensor(np.zeros(shape, self.dtype)), Tensor(np.zeros(shape, self.dtype))]

    def conv(self, x, kernel, bias=None, recurrent=False):
        kwargs = {"padding": "same", "strides": 1, "dilation_rate": 1} if recurrent else {
            "padding": self.padding, "strides": self.strides,
            "dilation_rate": self.dilation_rate}
        if self.rank == 3:
            from featherflow.ops.conv3d import convolution3d

            return convolution3d(x, kernel, bias, data_format=self.data_format,
                                 where=f"ConvLSTM3D '{self.name}'", **kwargs)
        from featherflow.ops.conv import conv

        return conv(x, kernel, bias, data_format=self.data_format, **kwargs)

    # -- dropout (Keras: one mask per gate, drawn once per sequence) --------------------------
    def _generator(self):
        from featherflow.utils.random import generator

        if self.seed is None:
            return generator()
        if self._rng is None:
            self._rng = generator(self.seed)
        return self._rng

    def draw_masks(self, rate, shape, dtype):
        if not 0 < rate < 1:
            return None
        from featherflow.keras import random as keras_random

        ones = np.ones(shape, dtype)
        return [keras_random.dropout(ones, rate, seed=self._seed_generator).numpy()
                for _ in range(4)]

    def gate_convs(self, x, kernel, bias, masks, recurrent=False):
        """The four gates' convolutions of ``x``, concatenated on the channel axis (each gate
        sees its own dropout copy of ``x`` when ``masks`` are given)."""
        if masks is None:
            return self.conv(x, kernel, bias, recurrent)
        kernels = concat_ops.split(kernel, 4, axis=-1)
        biases = concat_ops.split(bias, 4, axis=0) if bias is not None else [None] * 4
        return concat_ops.concat([self.conv(math_ops.multiply(x, m), k, b, recurrent)
                                  for m, k, b in zip(masks, kernels, biases)],
                                 axis=self.channel_axis)

    def get_config(self):
        from featherflow import activations, constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "recurrent_regularizer": _serialize(regularizers, self.recurrent_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "recurrent_constraint": _serialize(constraints, self.recurrent_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        return cfg


# the cell's settings, read through the layer (layer.filters, layer.padding...)
_CELL_ATTRS = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
    "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout",
)


class ConvLSTM(RNN):
    """The ConvLSTM layers' shared body; use ConvLSTM1D, ConvLSTM2D or ConvLSTM3D."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            self.rank, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)

    def __getattr__(self, name):
        if name in _CELL_ATTRS and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _where(self):
        return f"{type(self).__name__} '{self.name}'"

    def _check_rank(self, shape):
        want = self.rank + 3
        if shape is None or len(shape) != want:
            layout = ("(batch, time, channels, " if self.cell.data_format == "channels_first"
                      else "(batch, time, ") + ", ".join(
                ("length",) if self.rank == 1 else ("rows", "cols") if self.rank == 2
                else ("depth", "rows", "cols")) + (
                ")" if self.cell.data_format == "channels_first" else ", channels)")
            raise ValueError(
                f"{self._where()} expects inputs of rank {want} {layout}, received shape "
                f"{None if shape is None else tuple(shape)}."
            )

    def build(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        self._check_rank(shape)
        step = (shape[0],) + tuple(shape[2:])
        if not self.cell.built:
            self.cell.build(step)
            self.cell.built = True
            self.cell._build_shape = step
        prefix_paths(self.cell, self.name)
        self.built = True

    def _initial_states(self, x, given):
        cell = self.cell
        batch = x.data.shape[0]
        want = cell.state_shape(batch, self._spatial(x.data.shape))
        if given is not None:
            given = list(given) if isinstance(given, (list, tuple)) else [given]
            if len(given) != 2:
                raise ValueError(
                    f"{self._where()} has 2 states (h, c), received {len(given)} initial "
                    f"state(s)."
                )
            out = []
            for s in given:
                s = s if isinstance(s, Tensor) else Tensor(np.asarray(s, x.data.dtype))
                if tuple(s.data.shape) != want:
                    raise ValueError(
                        f"{self._where()}: an initial state must have shape {want}, received "
                        f"{tuple(s.data.shape)}."
                    )
                out.append(s)
            return out
        if self.stateful:
            if self._state_values is None:
                self._state_values = [np.zeros(want, x.data.dtype) for _ in range(2)]
            elif self._state_values[0].shape != want:
                raise ValueError(
                    f"Stateful {self._where()} carries states of shape "
                    f"{self._state_values[0].shape}, received inputs needing {want}. Feed "
                    f"batches of one size, or call reset_states() after changing it."
                )
            return [Tensor(s) for s in self._state_values]
        return [Tensor(np.zeros(want, x.data.dtype)) for _ in range(2)]

    def _spatial(self, shape):
        return tuple(shape[3:] if self.cell.data_format == "channels_first" else shape[2:-1])

    def call(self, inputs, training=None, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
        x = inputs
        shape = x.data.shape
        self._check_rank(shape)
        B, T = shape[:2]
        mask = as_mask(mask)
        if mask is not None and mask.shape != (B, T):
            raise ValueError(
                f"{self._where()}: the mask has shape {mask.shape}, expected (batch, timesteps) "
                f"= {(B, T)}."
            )
        cell = self.cell
        h, c = self._initial_states(x, initial_state)
        dt = x.data.dtype
        in_masks = rec_masks = None
        if training:
            step = (B,) + tuple(shape[2:])
            in_masks = cell.draw_masks(cell.dropout, step, dt)
            rec_masks = cell.draw_masks(cell.recurrent_dropout, tuple(h.data.shape), dt)
        # every step's input convolutions at once, on the merged (batch * time) axis
        merged = reshape_ops.reshape(x, (B * T,) + tuple(shape[2:]))
        if in_masks is not None:
            in_masks = [np.repeat(m, T, axis=0) for m in in_masks]
        zx = cell.gate_convs(merged, cell.kernel, cell.bias if cell.use_bias else None,
                             in_masks)
        # one view per step (slicing a step out at a time costs a full-size gradient each)
        zx = concat_ops.unstack(reshape_ops.reshape(zx, (B, T) + tuple(zx.data.shape[1:])),
                                axis=1)
        act, ract = cell.activation, cell.recurrent_activation
        axis = cell.channel_axis
        steps = range(T - 1, -1, -1) if self.go_backwards else range(T)
        outputs, prev = [], None
        for t in steps:
            z = math_ops.add(zx[t], cell.gate_convs(h, cell.recurrent_kernel, None, rec_masks,
                                                    recurrent=True))
            zi, zf, zc, zo = concat_ops.split(z, 4, axis=axis)
            i, f, o = ract(zi), ract(zf), ract(zo)
            c_new = math_ops.add(math_ops.multiply(f, c), math_ops.multiply(i, act(zc)))
            h_new = math_ops.multiply(o, act(c_new))
            out = h_new
            if mask is not None:
                m = mask[:, t].reshape((B,) + (1,) * (h.data.ndim - 1))
                zeros = Tensor(np.zeros(h_new.data.shape, dt))
                if self.zero_output_for_mask:
                    out = math_ops.where(m, h_new, zeros)
                else:
                    out = math_ops.where(m, h_new, zeros if prev is None else prev)
                h_new = math_ops.where(m, h_new, h)
                c_new = math_ops.where(m, c_new, c)
            h, c, prev = h_new, c_new, out
            outputs.append(out)
        output = concat_ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.stateful:
            self._state_values = [np.array(data(h)), np.array(data(c))]
        if self.return_state:
            return [output, h, c]
        return output

    def compute_output_shape(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) and input_shape and isinstance(
            input_shape[0], (list, tuple)) else input_shape
        self._check_rank(shape)
        batch = shape[0]
        state = self.cell.state_shape(batch, self._spatial(shape))
        out = (batch, shape[1]) + state[1:] if self.return_sequences else state
        if self.return_state:
            return [out, state, state]
        return out

    def get_config(self):
        cfg = super().get_config()
        cell_cfg = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "batch_input_shape"):
            cell_cfg.pop(key, None)
        cfg.update(cell_cfg)
        from featherflow import regularizers

        cfg["activity_regularizer"] = _serialize(regularizers, self.activity_regularizer)
        return cfg


class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM on ``(batch, time, length, channels)`` inputs, as Keras 3.

    Example::

        >>> layer = tf.keras.layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True)
        >>> layer(np.zeros((2, 5, 8, 3))).shape
        TensorShape([2, 5, 8, 4])
    """

    rank = 1


class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM on ``(batch, time, rows, cols, channels)`` inputs, as Keras 3.

    Example::

        >>> layer = tf.keras.layers.ConvLSTM2D(4, 3)
        >>> layer(np.zeros((2, 5, 8, 8, 3))).shape
        TensorShape([2, 6, 6, 4])
    """

    rank = 2


class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM on ``(batch, time, depth, rows, cols, channels)`` inputs.

    Example::

        >>> layer = tf.keras.layers.ConvLSTM3D(2, 3, padding="same")
        >>> layer(np.zeros((1, 3, 4, 4, 4, 1))).shape
        TensorShape([1, 4, 4, 4, 2])
    """

    rank = 3
