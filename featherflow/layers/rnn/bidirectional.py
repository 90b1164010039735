"""Bidirectional: one recurrent layer forwards and a copy backwards, outputs merged."""

import copy

from featherflow.layers.layer import Layer
from featherflow.layers.rnn.base import (
    as_mask,
    deserialize_layer,
    first,
    prefix_paths,
    serialize_layer,
)
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reverse as reverse_ops

MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed(layer, prefix, **changes):
    """A fresh copy of ``layer`` named ``prefix + name`` with ``changes`` to its config."""
    name = prefix + (layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name)
    cfg = serialize_layer(layer)
    cfg.pop("build_config", None)
    cfg["config"]["name"] = name
    cfg["config"].update(changes)
    try:
        return deserialize_layer(cfg)
    except (ValueError, TypeError):
        # a user-defined cell or layer that cannot be rebuilt from its config: copy it
        clone = copy.deepcopy(layer)
        clone.name = name
        for key, value in changes.items():
            setattr(clone, key, value)
        return clone


class Bidirectional(Layer):
    """Runs ``layer`` over the sequence and a copy over the reversed sequence, then merges.

    ``merge_mode``: "concat" (default), "sum", "mul", "ave", or None (a list of both outputs).
    The backward copy's sequence output is flipped back to the input's time order. Initial
    states are the forward layer's followed by the backward layer's.

    Example::

        >>> bi = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(3, return_sequences=True))
        >>> bi(np.zeros((2, 5, 4))).shape
        TensorShape([2, 5, 6])
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError(
                f"Bidirectional: expected a recurrent layer instance (e.g. LSTM(8)), received "
                f"{layer!r}."
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"Bidirectional: backward_layer must be a layer instance, received "
                f"{backward_layer!r}."
            )
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"Bidirectional: merge_mode must be one of {MERGE_MODES}, received "
                f"{merge_mode!r}."
            )
        super().__init__(**kwargs)
        self.forward_layer = _renamed(layer, "forward_")
        if backward_layer is None:
            backward_layer = _renamed(layer, "backward_", go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                f"Bidirectional '{self.name}': the forward and backward layers must differ in "
                f"go_backwards, both have go_backwards={fwd.go_backwards}."
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    f"Bidirectional '{self.name}': forward and backward layers must agree on "
                    f"{attr}, received {getattr(fwd, attr)} and {getattr(bwd, attr)}."
                )
        # as Keras: with sequences, masked steps output zeros so the two directions line up
        for sub in (fwd, bwd):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = fwd.return_sequences
        self.return_state = fwd.return_state
        self.stateful = fwd.stateful
        self.supports_masking = True
        self._initial_weights = weights

    def __call__(self, inputs, *args, initial_state=None, **kwargs):
        if initial_state is not None:
            inputs = [inputs] + list(initial_state)
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        shape = first(input_shape)
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build(tuple(shape))
            prefix_paths(sub, self.name)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs, training=None, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
        fwd_state = bwd_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        mask = as_mask(mask)
        y = self.forward_layer(inputs, initial_state=fwd_state, training=training, mask=mask)
        y_rev = self.backward_layer(inputs, initial_state=bwd_state, training=training,
                                    mask=mask)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = reverse_ops.reverse(y_rev, [1])
        mode = self.merge_mode
        if mode == "concat":
            out = concat_ops.concat([y, y_rev], axis=-1)
        elif mode == "sum":
            out = math_ops.add(y, y_rev)
        elif mode == "ave":
            out = math_ops.multiply(math_ops.add(y, y_rev), 0.5)
        elif mode == "mul":
            out = math_ops.multiply(y, y_rev)
        else:
            out = [y, y_rev]
        if self.return_state:
            return (out if mode is None else [out]) + states
        return out

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(first(input_shape))
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (None if shape[-1] is None else 2 * shape[-1],)
        out = [tuple(shape), tuple(shape)] if self.merge_mode is None else tuple(shape)
        if self.return_state:
            return (out if self.merge_mode is None else [out]) + states + states
        return out

    def compute_mask(self, inputs, mask=None):
        mask = first(mask)
        out = mask if self.return_sequences else None
        if self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            n = len(self.forward_layer.state_size) * 2
            return (out if self.merge_mode is None else [out]) + [None] * n
        return out

    def reset_states(self, states=None):
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        half = len(states) // 2
        self.forward_layer.reset_states(states[:half])
        self.backward_layer.reset_states(states[half:])

    reset_state = reset_states

    def get_config(self):
        cfg = super().get_config()
        cfg["layer"] = serialize_layer(self.forward_layer)
        cfg["merge_mode"] = self.merge_mode
        cfg["backward_layer"] = serialize_layer(self.backward_layer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_layer(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)
