"""Attention: dot-product (Luong-style) attention over ``[query, value, key]``, as Keras 3."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.graph import is_symbolic
from featherflow.layers.layer import Layer
from featherflow.ops import activations as activations_ops
from featherflow.ops import linalg as linalg_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reduce as reduce_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops import softmax as softmax_ops


def _bool(mask):
    if mask is None:
        return None
    a = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    return a if a.dtype == bool else a != 0


class Attention(Layer):
    """Dot-product attention: ``softmax(query @ key^T) @ value`` (Keras 3's Attention).

    Called on ``[query, value]`` or ``[query, value, key]`` of shapes (batch, Tq, dim) and
    (batch, Tv, dim); ``mask=[query_mask, value_mask]`` masks padded positions.

    Example::

        >>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
        >>> tf.keras.layers.Attention()([q, v]).shape
        TensorShape([2, 3, 4])
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        # as Keras 3: a SeedGenerator made with the layer when dropout > 0
        self._seed_generator = None
        if dropout > 0:
            from featherflow.keras import random as keras_random

            self._seed_generator = keras_random.SeedGenerator(seed)
        self.supports_masking = True
        self.scale = None
        self.concat_score_weight = None
        self._wants_scores = False
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': score_mode must be 'dot' or 'concat', "
                f"received score_mode={score_mode!r}."
            )

    def _validate(self, inputs, mask=None):
        name = f"{type(self).__name__} '{self.name}'"
        if not isinstance(inputs, list):
            raise ValueError(
                f"{name} must be called on a list of inputs, [query, value] or [query, value, "
                f"key]; received {type(inputs).__name__}. Wrap the tensors in a list."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} takes a list of 2 or 3 inputs ([query, value] or [query, value, key]), "
                f"received {len(inputs)}."
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(
                f"{name}: mask must be a list [query_mask, value_mask] (or with a key mask), "
                f"received {mask!r}."
            )

    def build(self, input_shape):
        self._validate(list(input_shape))
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones")
        self.built = True

    def __call__(self, inputs=None, *args, **kwargs):
        if is_symbolic(inputs):
            self._wants_scores = bool(kwargs.get("return_attention_scores"))
        try:
            return super().__call__(inputs, *args, **kwargs)
        finally:
            self._wants_scores = False

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = linalg_ops.matmul(query, key, transpose_b=True)
            if self.scale is not None:
                scores = math_ops.multiply(scores, self.scale)
            return scores
        q = reshape_ops.expand_dims(query, -2)
        k = reshape_ops.expand_dims(key, -3)
        total = math_ops.add(q, k)
        if self.scale is not None:
            total = math_ops.multiply(self.scale, total)
        return math_ops.multiply(self.concat_score_weight,
                                 reduce_ops.reduce_sum(activations_ops.tanh(total), axis=-1))

    def _scores_mask(self, scores, v_mask, use_causal_mask):
        if not use_causal_mask:
            return v_mask
        tq, tv = scores.data.shape[-2:]
        causal = np.tril(np.ones((tq, tv), bool))[None]
        return causal if v_mask is None else np.expand_dims(v_mask, -2) & causal

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        if scores_mask is not None:
            pad = ~scores_mask
            if pad.ndim == 2:
                pad = np.expand_dims(pad, -2)
            big = 65504.0 if scores.data.dtype == np.float16 else 1.0e9
            shift = np.where(pad, np.asarray(big, scores.data.dtype), 0).astype(
                scores.data.dtype)
            # Keras subtracts a large number from padded scores instead of replacing them
            scores = math_ops.subtract(scores, shift)
        weights = softmax_ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = math_ops.multiply(weights, self._keep(weights.data.shape,
                                                            weights.data.dtype))
        return linalg_ops.matmul(weights, value), weights

    def _keep(self, shape, dtype):
        # Keras 3 drops attention weights with TF's stateless_dropout and the layer's generator
        from featherflow.keras import random as keras_random

        return keras_random.dropout(np.ones(shape, dtype), self.dropout,
                                    seed=self._seed_generator).numpy()

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        if q.data.ndim != v.data.ndim or q.data.ndim < 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': query and value must have the same rank "
                f"(>= 2), received shapes {tuple(q.data.shape)} and {tuple(v.data.shape)}."
            )
        q_mask = _bool(mask[0]) if mask else None
        v_mask = _bool(mask[1]) if mask else None
        scores = self._scores(q, k)
        out, weights = self._apply_scores(scores, v, self._scores_mask(scores, v_mask,
                                                                       use_causal_mask),
                                          training=training)
        if q_mask is not None:
            out = math_ops.multiply(out, np.expand_dims(q_mask, -1).astype(out.data.dtype))
        if return_attention_scores:
            return out, weights
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        query_shape, value_shape = tuple(input_shape[0]), tuple(input_shape[1])
        key_shape = tuple(input_shape[2]) if len(input_shape) > 2 else value_shape
        out = query_shape[:-1] + value_shape[-1:]
        if self._wants_scores:
            return [out, query_shape[:-1] + key_shape[-2:-1]]
        return out

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"use_scale": self.use_scale, "score_mode": self.score_mode,
                    "dropout": self.dropout, "seed": self.seed})
        return cfg
