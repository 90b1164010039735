"""GroupQueryAttention (grouped-query attention, Ainslie et al. 2023) with Keras 3's
arguments, weight names and numbers.

The projections are EinsumDense layers named as Keras names them (``query``, ``key``,
``value``, ``gate``, ``attention_output``, held as ``_query_dense``... as .keras files store
them); the attention itself runs MultiHeadAttention's code (its masks, its fused attention
primitive, its masked softmax), on the key and value heads repeated to the query heads.
"""

import math

import numpy as np

from featherflow.layers.activations import Softmax
from featherflow.layers.attention.multi_head_attention import (
    MultiHeadAttention,
    _serialize,
)
from featherflow.layers.core import Dropout
from featherflow.layers.einsum_dense import EinsumDense
from featherflow.layers.layer import Layer
from featherflow.ops import math as math_ops
from featherflow.ops import tiling as tiling_ops


def _positive_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0


class GroupedQueryAttention(Layer):
    """Grouped-query attention, as ``keras.layers.GroupQueryAttention``: ``num_query_heads``
    query heads share ``num_key_value_heads`` key/value heads (1: multi-query attention;
    equal: multi-head attention).

    Example::

        >>> gqa = tf.keras.layers.GroupQueryAttention(head_dim=4, num_query_heads=4,
        ...                                           num_key_value_heads=2)
        >>> x = np.ones((3, 5, 8), "float32")
        >>> out, scores = gqa(x, x, return_attention_scores=True)
        >>> out.shape, scores.shape
        (TensorShape([3, 5, 8]), TensorShape([3, 4, 5, 5]))
    """

    # MultiHeadAttention's attention code, shared (the projected tensors have its 4-D layout)
    _compute_attention_mask = MultiHeadAttention._compute_attention_mask
    _compute_attention = MultiHeadAttention._compute_attention
    _dot_product_op = MultiHeadAttention._dot_product_op
    _expand_mask = MultiHeadAttention._expand_mask
    _scores_shape = MultiHeadAttention._scores_shape
    _keep_mask = MultiHeadAttention._keep_mask
    _sublayer_kwargs = MultiHeadAttention._sublayer_kwargs
    # the call protocol (query/value/key, symbolic shapes, the scores' mask) and build
    # configs are MultiHeadAttention's
    __call__ = MultiHeadAttention.__call__
    get_build_config = MultiHeadAttention.get_build_config
    build_from_config = MultiHeadAttention.build_from_config

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None,
                 query_shape=None, value_shape=None, key_shape=None, **kwargs):
        from featherflow import constraints, initializers, regularizers
        from featherflow.keras.config import is_flash_attention_enabled

        name = kwargs.get("name") or "grouped_query_attention"
        where = f"GroupQueryAttention '{name}'"
        for arg, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            if not _positive_int(value):
                raise ValueError(
                    f"{where}: `{arg}` must be a positive integer, received {arg}={value!r}. "
                    "For example GroupQueryAttention(head_dim=64, num_query_heads=8, "
                    "num_key_value_heads=2)."
                )
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                f"{where}: `num_query_heads` must be divisible by `num_key_value_heads`, "
                f"received num_query_heads={num_query_heads} and "
                f"num_key_value_heads={num_key_value_heads}. Each key/value head serves a "
                "group of num_query_heads // num_key_value_heads query heads."
            )
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"{where}: `dropout` must be in [0, 1), received {dropout!r}.")
        if sliding_window is not None and not _positive_int(sliding_window):
            raise ValueError(f"{where}: `sliding_window` must be None or a positive integer, "
                             f"received sliding_window={sliding_window!r}.")
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = int(head_dim)
        self.num_query_heads = int(num_query_heads)
        self.num_key_value_heads = int(num_key_value_heads)
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = sliding_window
        self._flash_attention = bool(flash_attention or is_flash_attention_enabled())
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': dropout is not supported with flash "
                "attention; set dropout=0.0 or leave flash_attention unset."
            )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        # the names MultiHeadAttention's shared code reads
        self._dropout = self.dropout
        self._sliding_window = sliding_window
        self._attention_axes = (1,)
        # Keras turns the Python float into a float32 tensor before casting it (both of its
        # paths), so even a float64 layer scales by the float32 rounding of 1/sqrt(head_dim)
        self._scale = float(np.float32(self._inverse_sqrt_head_dim))
        self._kernel_initializer = self.kernel_initializer
        self._bias_initializer = self.bias_initializer
        self._kernel_regularizer = self.kernel_regularizer
        self._bias_regularizer = self.bias_regularizer
        self._activity_regularizer = self.activity_regularizer
        self._kernel_constraint = self.kernel_constraint
        self._bias_constraint = self.bias_constraint
        self._scores_mask = None
        self._build_shapes = None
        self._pending_shapes = None
        if query_shape is not None and value_shape is not None:
            # the build shapes tf.keras 2 style configs carry (as MultiHeadAttention's)
            self.build(query_shape, value_shape, key_shape)

    # -- build ------------------------------------------------------------------------------
    def _dense(self, equation, out_shape, bias_axes, name, input_shape, activation=None):
        layer = EinsumDense(equation, out_shape, bias_axes=bias_axes if self.use_bias else None,
                            activation=activation, name=name, **self._sublayer_kwargs())
        layer.build(input_shape)
        for v in layer.weights:
            v.path = f"{self.name}/{v.path}"
        # underscore attributes are not tracked by Layer.__setattr__: track them here (Keras's
        # attribute names, which .keras files use as the sublayers' paths)
        self._layers.append(layer)
        return layer

    def build(self, query_shape, value_shape=None, key_shape=None):
        where = f"GroupQueryAttention '{self.name}'"
        if value_shape is None:
            raise ValueError(
                f"{where}: build needs the shapes of the query and the value, received only "
                f"query_shape={query_shape}. Call the layer as layer(query, value) or "
                "build(query_shape, value_shape)."
            )
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for arg, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"{where}: `{arg}` must have shape (batch, sequence, features), received "
                    f"shape {shape}."
                )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{where}: all dimensions of `value` and `key` but the last must be equal, "
                f"received value shape {value_shape} and key shape {key_shape}."
            )
        self._build_shapes = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape is not value_shape:
            self._build_shapes["key_shape"] = list(key_shape)
        self.feature_dim = query_shape[-1]
        q_heads = (None, self.num_query_heads, self.head_dim)
        kv_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._dense("bqm,muh->bquh", q_heads, "uh", "query", query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "key", key_shape)
        if self.use_gate:
            self._gate_dense = self._dense("bqm,muh->bquh", q_heads, "uh", "gate", query_shape,
                                           activation="sigmoid")
        self._value_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "value", value_shape)
        self._softmax = Softmax(axis=-1, dtype=self._dtype)
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self._dtype)
        self._output_dense = self._dense("bquh,uhm->bqm", (None, self.feature_dim), "m",
                                         "attention_output",
                                         (None, None, self.num_query_heads, self.head_dim))
        self.built = True


    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        from featherflow.autodiff.tensor import Tensor

        query_mask = query._keras_mask if isinstance(query, Tensor) else None
        if value_mask is None and isinstance(value, Tensor):
            value_mask = value._keras_mask
        if key_mask is None and key is not None and isinstance(key, Tensor):
            key_mask = key._keras_mask
        value = self._convert_inputs(value)
        key = value if key is None else self._convert_inputs(key)
        mask = self._compute_attention_mask(query, value, query_mask, value_mask, key_mask,
                                            attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        if self.num_repeats > 1:
            k = tiling_ops.repeat(k, self.num_repeats, axis=2)
            v = tiling_ops.repeat(v, self.num_repeats, axis=2)
        out, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            out = math_ops.multiply(out, gate)
        out = self._output_dense(out)
        if return_attention_scores:
            return out, scores
        return out

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        want_scores = False
        if value_shape is None and self._pending_shapes is not None:
            value_shape, key_shape, want_scores = self._pending_shapes
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': the last dimension of `query_shape` and "
                f"`value_shape` must be equal, but are {query_shape[-1]}, {value_shape[-1]}. "
                f"Received: query_shape={query_shape}, value_shape={value_shape}"
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': all dimensions of `value` and `key` but "
                f"the last must be equal, received value shape {value_shape} and key shape "
                f"{key_shape}."
            )
        if not want_scores:
            return query_shape
        return [query_shape, (query_shape[0], self.num_query_heads, query_shape[1],
                              key_shape[1])]

    # -- config -----------------------------------------------------------------------------
    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
            "seed": self.seed,
        })
        return cfg


# Keras's class is GroupedQueryAttention (its default layer name and the .keras weight paths
# come from it), exported as keras.layers.GroupQueryAttention, the class_name its configs write
GroupQueryAttention = GroupedQueryAttention
