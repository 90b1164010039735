"""RNN: runs a cell over the time axis; the base of SimpleRNN, LSTM and GRU.

The built-in cells have a fused path (one primitive for the whole sequence, see
``featherflow.ops.rnn``); any other cell, or a built-in one with an activation the fused
kernels do not know, runs step by step through ``cell.call`` with ordinary ops.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.layer import Layer
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops._convert import data


def serialize_layer(layer):
    """Keras 3 config dict of a layer (for wrappers that hold layers)."""
    cfg = {"module": "keras.layers", "class_name": type(layer).__name__,
           "config": layer.get_config(), "registered_name": None}
    build = layer.get_build_config() if hasattr(layer, "get_build_config") else None
    if build:
        cfg["build_config"] = build
    return cfg


def deserialize_layer(config, custom_objects=None):
    """The layer a config dict describes (a layer instance is returned as is)."""
    if isinstance(config, Layer):
        return config
    import featherflow.layers as layers
    from featherflow.layers import embedding, rnn
    from featherflow.serialization import resolver

    shared = getattr(layers, "deserialize", None)
    if shared is not None:
        return shared(config, custom_objects=custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Expected a layer or a layer config dict with 'class_name' and 'config', "
            f"received {config!r}."
        )
    name, cfg = config["class_name"], config.get("config") or {}
    table = {}
    for module in (embedding, rnn, layers):
        table.update({k: v for k, v in vars(module).items()
                      if isinstance(v, type) and issubclass(v, Layer)})
    cls = resolver.find(name, table, "layer", custom_objects)
    return cls.from_config(cfg)


def prefix_paths(layer, prefix):
    """Put ``prefix/`` before the paths of ``layer``'s variables (``lstm/lstm_cell/kernel``)."""
    for v in layer.weights:
        if not v.path.startswith(prefix + "/"):
            v.path = f"{prefix}/{v.path}"


def first(x):
    """The first entry of a list of shapes/masks/tensors, or ``x`` itself."""
    if isinstance(x, list):
        return x[0] if x else None
    if isinstance(x, tuple) and x and not isinstance(x[0], (int, np.integer, type(None))):
        return x[0]
    return x


def state_shape(batch, size):
    """(batch, size) for an int state size, (batch, *shape) for a TensorShape/tuple one."""
    if isinstance(size, (list, tuple)) or hasattr(size, "as_list"):
        return (batch,) + tuple(int(d) for d in size)
    return (batch, int(size))


def _builtin_cell(cell):
    """featherflow's own cells take one input tensor per step (a list passed to their RNN is
    Keras 2's ``[x, *initial_states]``)."""
    return type(cell).__module__.startswith("featherflow.layers.rnn")


def as_mask(mask):
    """A (batch, time) boolean array from a mask given as a Tensor, array or list of them."""
    mask = first(mask)
    if mask is None:
        return None
    return np.asarray(data(mask)).astype(bool, copy=False)


class DropoutRNNCell:
    """Dropout masks drawn once per sequence and reused at every step (as Keras cells do).

    A cell using it has ``dropout``, ``recurrent_dropout`` and ``seed``; its RNN calls
    :meth:`_draw_masks` before a sequence and :meth:`_clear_masks` after it.
    """

    _dropout_mask = None
    _recurrent_dropout_mask = None

    def _generator(self):
        from featherflow.utils.random import generator

        if self.seed is None:
            return generator()
        if getattr(self, "_rng", None) is None:
            self._rng = generator(self.seed)
        return self._rng

    def _mask(self, shape, rate, dtype):
        generator = getattr(self, "_seed_generator", None)
        if generator is not None:
            # Keras 3: keras.random.dropout of ones with the cell's SeedGenerator
            from featherflow.keras import random as keras_random

            return keras_random.dropout(np.ones(shape, dtype), rate, seed=generator).numpy()
        keep = self._generator().random(shape, dtype=np.float32) >= rate
        return (keep / np.asarray(1 - rate, dtype)).astype(dtype)

    # masks per rate: Keras's LSTMCell with recurrent dropout (its implementation 1) draws one
    # per gate, 4, and returns lists of them
    _mask_count = None

    def _draw_masks(self, batch, input_dim, dtype):
        self._dropout_mask = self._recurrent_dropout_mask = None
        count = self._mask_count
        if 0 < self.dropout < 1:
            shape = (batch, input_dim)
            self._dropout_mask = (self._mask(shape, self.dropout, dtype) if count is None
                                  else [self._mask(shape, self.dropout, dtype)
                                        for _ in range(count)])
        if 0 < self.recurrent_dropout < 1:
            shape = (batch, self.units)
            self._recurrent_dropout_mask = (
                self._mask(shape, self.recurrent_dropout, dtype) if count is None
                else [self._mask(shape, self.recurrent_dropout, dtype) for _ in range(count)])

    def _skip_masks(self):
        """What an inference call draws: Keras 3's RNN makes the cells' dropout masks at every
        call, training or not, so its SeedGenerator moves on by one seed per mask."""
        generator = getattr(self, "_seed_generator", None)
        if generator is None:
            return
        count = self._mask_count or 1
        for rate in (self.dropout, self.recurrent_dropout):
            if rate > 0:
                for _ in range(count):
                    generator.next()

    def _clear_masks(self):
        self._dropout_mask = self._recurrent_dropout_mask = None


class RNN(Layer):
    """Runs ``cell`` over the time axis of (batch, time, features) inputs.

    The cell has ``call(inputs, states, training=None) -> (output, new_states)``, a
    ``state_size`` (an int or a list of ints) and optionally ``output_size``. Initial states are
    passed as ``initial_state=[...]``; masks from ``Embedding(mask_zero=True)`` or ``Masking``
    make masked steps keep the previous state.

    Example::

        >>> layer = tf.keras.layers.RNN(tf.keras.layers.LSTMCell(4), return_sequences=True)
        >>> layer(np.zeros((2, 5, 3))).shape
        TensorShape([2, 5, 4])
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False,
                 activity_regularizer=None, **kwargs):
        from featherflow import regularizers

        if kwargs.pop("time_major", False):
            raise ValueError(
                f"RNN '{kwargs.get('name')}': time_major=True is not supported; pass (batch, "
                f"time, features) inputs (tf.transpose(x, [1, 0, 2]) converts time-major data)."
            )
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            from featherflow.layers.rnn.stacked import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(
                f"RNN '{self.name}': the cell must have a call(inputs, states) method and a "
                f"state_size attribute, received {cell!r}."
            )
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.supports_masking = True
        self._state_values = None
        self._nested_input = False
        self._packed_states = 0

    # -- sizes ------------------------------------------------------------------------------
    @property
    def state_size(self):
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def output_size(self):
        return getattr(self.cell, "output_size", None) or self.state_size[0]

    @property
    def states(self):
        """The carried states of a stateful layer (None before its first call)."""
        if self._state_values is None:
            return None
        return [Tensor(s) for s in self._state_values]

    @property
    def output_sizes(self):
        """The cell's output size(s) as a list (several for a cell with nested outputs)."""
        size = self.output_size
        if isinstance(size, (list, tuple)) and size and not isinstance(size[0], (int,
                                                                              np.integer)):
            return list(size)
        return [size]

    def reset_states(self, states=None):
        """Zero the carried states of a stateful layer, or set them to ``states``."""
        if not self.stateful:
            raise AttributeError(
                f"Layer '{self.name}' is not stateful: reset_states() applies to layers made "
                f"with stateful=True."
            )
        if states is None:
            if self._state_values is not None:
                for s in self._state_values:
                    s[...] = 0
            return
        states = states if isinstance(states, (list, tuple)) else [states]
        if len(states) != len(self.state_size):
            raise ValueError(
                f"Layer '{self.name}' has {len(self.state_size)} state(s), received "
                f"{len(states)} value(s) in reset_states()."
            )
        self._state_values = [np.array(data(s), dtype=self.dtype) for s in states]

    reset_state = reset_states

    # -- calls ------------------------------------------------------------------------------
    def __call__(self, inputs, *args, initial_state=None, **kwargs):
        # initial states travel with the inputs ([x, *states]) so that, in a Functional
        # model, they are graph inputs of this call like x (as in Keras 2)
        # a list/tuple of sequences feeds a cell with nested inputs (Keras 3); for
        # featherflow's own cells a list stays Keras 2's [x, *initial_states]
        self._nested_input = isinstance(inputs, (list, tuple)) and not _builtin_cell(self.cell)
        self._packed_states = 0
        if initial_state is not None:
            states = initial_state if isinstance(initial_state, (list, tuple)) else [
                initial_state]
            self._packed_states = len(states)
            inputs = [inputs] + list(states)
        return super().__call__(inputs, *args, **kwargs)

    def _split(self, inputs):
        """(sequences, initial states or None) from what __call__ packed."""
        if self._packed_states:
            return inputs[0], list(inputs[1:])
        if self._nested_input:
            return inputs, None
        if isinstance(inputs, (list, tuple)):
            return inputs[0], list(inputs[1:]) or None
        return inputs, None

    def build(self, input_shape):
        if self._nested_input:
            return self._build_nested(input_shape)
        shape = first(input_shape)
        if shape is None or len(shape) != 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape (batch, timesteps, "
                f"features), received shape {shape}. Add a time axis, or reshape the inputs."
            )
        if shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the number of features (last dimension) "
                f"must be known, received input shape {shape}."
            )
        cell = self.cell
        if isinstance(cell, Layer) and not cell.built:
            step = (shape[0], shape[2])
            cell.build(step)
            cell.built = True
            cell._build_shape = step
        if isinstance(cell, Layer):
            prefix_paths(cell, self.name)
        self.built = True

    def _build_nested(self, input_shape):
        shapes = list(input_shape[0]) if self._packed_states else list(input_shape)
        for shape in shapes:
            if shape is None or len(shape) < 3:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': each nested input must be "
                    f"(batch, timesteps, ...), received shape {shape}.")
        cell = self.cell
        if isinstance(cell, Layer) and not cell.built:
            steps = [(sh[0],) + tuple(sh[2:]) for sh in shapes]
            cell.build(steps)
            cell.built = True
        if isinstance(cell, Layer):
            prefix_paths(cell, self.name)
        self.built = True

    def call(self, inputs, training=None, mask=None, initial_state=None):
        sequences, given = self._split(inputs)
        initial_state = given if given is not None else initial_state
        if self._nested_input:
            return self._call_nested(sequences, training, mask, initial_state)
        x = sequences
        if x.data.ndim != 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape (batch, timesteps, "
                f"features), received shape {x.data.shape}."
            )
        mask = as_mask(mask)
        if mask is not None and mask.shape != x.data.shape[:2]:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the mask has shape {mask.shape}, expected "
                f"(batch, timesteps) = {x.data.shape[:2]}."
            )
        states = self._initial_states(x, initial_state)
        cell = self.cell
        dropout = hasattr(cell, "_draw_masks") and bool(training)
        if dropout:
            cell._draw_masks(x.data.shape[0], x.data.shape[2], x.data.dtype)
        elif hasattr(cell, "_skip_masks"):
            cell._skip_masks()
        try:
            fused = getattr(cell, "fused_sequence", None)
            result = None
            if fused is not None:
                result = fused(x, states, mask, self.return_sequences, self.go_backwards,
                               self.zero_output_for_mask)
            if result is None:
                result = self._loop(x, states, mask, training)
        finally:
            if dropout:
                cell._clear_masks()
        output, final = result
        if self.stateful:
            self._state_values = [np.array(s.data) for s in final]
        if self.return_state:
            return [output] + list(final)
        return output

    def _call_nested(self, sequences, training, mask, initial_state):
        """A cell with nested inputs, states and outputs, stepped through time."""
        leaves = [x if isinstance(x, Tensor) else Tensor(np.asarray(x)) for x in sequences]
        B, T = leaves[0].data.shape[:2]
        for x in leaves:
            if x.data.shape[:2] != (B, T):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': nested inputs must share (batch, "
                    f"timesteps); received shapes {[tuple(v.data.shape) for v in leaves]}.")
        dt = leaves[0].data.dtype
        if initial_state is not None:
            states = [s if isinstance(s, Tensor) else Tensor(np.asarray(s, dt))
                      for s in initial_state]
        elif self.stateful and self._state_values is not None:
            states = [Tensor(s) for s in self._state_values]
        else:
            states = [Tensor(np.zeros(state_shape(B, size), dt)) for size in self.state_size]
        mask = as_mask(mask)
        kind = type(sequences) if isinstance(sequences, (list, tuple)) else list
        kwargs = {"training": training} if takes_training(self.cell) else {}
        steps = range(T - 1, -1, -1) if self.go_backwards else range(T)
        outputs, prev = [], None
        for t in steps:
            out, new = self.cell.call(kind(x[:, t] for x in leaves), states, **kwargs)
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None:
                m = mask[:, t]
                outs = [_masked(m, o, p, self.zero_output_for_mask)
                        for o, p in zip(outs, prev or [None] * len(outs))]
                new = [_masked(m, n, s, False) for n, s in zip(new, states)]
            prev, states = outs, new
            outputs.append(outs)
        if self.return_sequences:
            result = [concat_ops.stack([o[i] for o in outputs], axis=1)
                      for i in range(len(outputs[0]))]
        else:
            result = outputs[-1]
        if self.stateful:
            self._state_values = [np.array(s.data) for s in states]
        output = result[0] if len(result) == 1 else type(sequences)(result) \
            if isinstance(sequences, tuple) else result
        if self.return_state:
            return (list(output) if len(result) > 1 else [output]) + list(states)
        return output

    def _initial_states(self, x, given):
        batch = x.data.shape[0]
        n = len(self.state_size)
        if given is not None:
            given = list(given) if isinstance(given, (list, tuple)) else [given]
            if len(given) != n:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' has {n} state(s) "
                    f"({self.state_size}), received {len(given)} initial state(s)."
                )
            out = []
            for s, size in zip(given, self.state_size):
                s = s if isinstance(s, Tensor) else Tensor(np.asarray(s, x.data.dtype))
                if tuple(s.data.shape) != (batch, size):
                    raise ValueError(
                        f"{type(self).__name__} '{self.name}': an initial state must have shape "
                        f"(batch, units) = {(batch, size)}, received {tuple(s.data.shape)}."
                    )
                out.append(s)
            return out
        if self.stateful:
            if self._state_values is None:
                self._state_values = [np.zeros(state_shape(batch, s), x.data.dtype)
                                      for s in self.state_size]
            elif self._state_values[0].shape[0] != batch:
                raise ValueError(
                    f"Stateful {type(self).__name__} '{self.name}' carries states for batches "
                    f"of {self._state_values[0].shape[0]}, received a batch of {batch}. Feed "
                    f"batches of one size (e.g. batch_size= in fit, shuffle=False), or call "
                    f"reset_states() after changing it."
                )
            return [Tensor(s) for s in self._state_values]
        return None

    def _loop(self, x, states, mask, training):
        """Step through time with ``cell.call`` (any cell; Keras's masking rules)."""
        cell = self.cell
        B, T = x.data.shape[:2]
        dt = x.data.dtype
        if states is None:
            init = getattr(cell, "get_initial_state", None)
            states = list(init(batch_size=B)) if init is not None else [
                Tensor(np.zeros((B, s), dt)) for s in self.state_size]
        steps = range(T - 1, -1, -1) if self.go_backwards else range(T)
        kwargs = {"training": training} if takes_training(cell) else {}
        prev = None
        outputs = []
        for t in steps:
            out, new = cell.call(x[:, t], states, **kwargs)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None:
                m = mask[:, t:t + 1]
                zeros = Tensor(np.zeros(out.data.shape, out.data.dtype))
                if self.zero_output_for_mask:
                    out = math_ops.where(m, out, zeros)
                else:
                    # the previous output, zeros before the first unmasked step
                    out = math_ops.where(m, out, zeros if prev is None else prev)
                new = [math_ops.where(m, n, s) for n, s in zip(new, states)]
            prev = out
            states = new
            outputs.append(out)
        output = concat_ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return output, states

    # -- shapes, masks, config --------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        if self._nested_input:
            shapes = list(input_shape[0]) if self._packed_states else list(input_shape)
            batch, time = shapes[0][0], shapes[0][1]
            outs = [tuple(state_shape(batch, size)) for size in self.output_sizes]
            if self.return_sequences:
                outs = [(o[0], time) + o[1:] for o in outs]
            out = outs[0] if len(outs) == 1 else outs
            if self.return_state:
                return (outs if len(outs) > 1 else [out]) + [
                    state_shape(batch, s) for s in self.state_size]
            return out
        shape = first(input_shape)
        batch = shape[0]
        out = (batch, shape[1], self.output_size) if self.return_sequences else (
            batch, self.output_size)
        if self.return_state:
            return [out] + [(batch, s) for s in self.state_size]
        return out

    def compute_mask(self, inputs, mask=None):
        if self._nested_input:
            n = len(self.output_sizes)
            extra = len(self.state_size) if self.return_state else 0
            masks = [None] * (n + extra)
            return masks[0] if len(masks) == 1 else masks
        mask = first(mask)
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self.state_size)
        return out

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        if type(self) is RNN:
            cfg["cell"] = serialize_layer(self.cell)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if cls is RNN:
            cell = config.pop("cell")
            if isinstance(cell, list):
                cell = [deserialize_layer(c, custom_objects) for c in cell]
            else:
                cell = deserialize_layer(cell, custom_objects)
            return cls(cell, **config)
        return cls(**config)


def _masked(m, new, old, zero):
    """``new`` where the (batch,) mask is set, else ``old`` (or zeros)."""
    shape = (-1,) + (1,) * (new.data.ndim - 1)
    keep = Tensor(np.asarray(m).reshape(shape))
    fallback = Tensor(np.zeros(new.data.shape, new.data.dtype)) if (zero or old is None) else old
    return math_ops.where(keep, new, fallback)


def takes_training(cell):
    """Whether ``cell.call`` accepts ``training=``."""
    import inspect

    try:
        return "training" in inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
