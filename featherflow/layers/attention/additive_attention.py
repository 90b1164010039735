"""AdditiveAttention: Bahdanau-style attention, ``sum(scale * tanh(query + key))`` scores."""

from featherflow.layers.attention.attention import Attention
from featherflow.ops import activations as activations_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reduce as reduce_ops
from featherflow.ops import reshape as reshape_ops


class AdditiveAttention(Attention):
    """Additive attention as Keras 3: scores ``sum(scale * tanh(q + k), axis=-1)`` with a
    learned ``scale`` of shape (dim,) (``use_scale=True``, the default).

    Example::

        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> tf.keras.layers.AdditiveAttention()([q, v]).shape
        TensorShape([2, 3, 4])
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate(list(input_shape))
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform")
        self.built = True

    def _scores(self, query, key):
        total = activations_ops.tanh(math_ops.add(reshape_ops.expand_dims(query, -2),
                                                  reshape_ops.expand_dims(key, -3)))
        if self.scale is not None:
            total = math_ops.multiply(self.scale, total)
        return reduce_ops.reduce_sum(total, axis=-1)

    def get_config(self):
        cfg = super().get_config()
        del cfg["score_mode"]
        return cfg
