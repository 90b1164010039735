"""TimeDistributed: apply a layer to every time step (one call on the merged batch)."""

from featherflow.layers.rnn.base import prefix_paths
from featherflow.layers.wrapper import Wrapper
from featherflow.ops import reshape as reshape_ops


class TimeDistributed(Wrapper):
    """Applies ``layer`` to each slice ``inputs[:, t]`` with shared weights.

    The batch and time axes are merged, the layer runs once, and the result is split back, so
    the cost is one call of the wrapped layer.

    Example::

        >>> td = tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(2))
        >>> td(np.zeros((4, 10, 8))).shape
        TensorShape([4, 10, 2])
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _inner_shape(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}' expects inputs of rank >= 3 (batch, time, ...), "
                f"received shape {shape}."
            )
        return (None,) + shape[2:]

    def build(self, input_shape):
        inner = self._inner_shape(input_shape)
        if not self.layer.built:
            self.layer._maybe_build(inner)
        prefix_paths(self.layer, self.name)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        shape = inputs.data.shape
        self._inner_shape((None,) + shape[1:])
        merged = reshape_ops.reshape(inputs, (shape[0] * shape[1],) + shape[2:])
        out = self.layer(merged, training=training)
        return reshape_ops.reshape(out, shape[:2] + tuple(out.data.shape[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape(self._inner_shape(input_shape))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def compute_mask(self, inputs, mask=None):
        return mask
