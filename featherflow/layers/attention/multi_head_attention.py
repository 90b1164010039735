"""MultiHeadAttention with Keras 3's arguments, weight layout, masks and numbers."""

import math
import string

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.graph import KerasTensor, is_symbolic
from featherflow.layers.attention import packed_projections
from featherflow.layers.core import Dropout
from featherflow.layers.einsum_dense import EinsumDense
from featherflow.layers.layer import Layer
from featherflow.ops import attention as attention_ops
from featherflow.ops import einsum as einsum_ops
from featherflow.ops import math as math_ops

# what keras.ops.dot_product_attention puts in masked logits (-0.7 * the float32 maximum)
_DOT_FILL = -0.7 * 3.38953e38
_DOT_FILL_HALF = -0.7 * 65500.0


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def _shape(x):
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    if isinstance(x, Tensor):
        return tuple(x.data.shape)
    return tuple(np.shape(x))


def _mask_array(x):
    """A boolean NumPy array from a mask given as a Tensor/array (nonzero is True)."""
    if x is None:
        return None
    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    return a if a.dtype == bool else a != 0


def projection_equation(free_dims, bound_dims, output_dims):
    """``(equation, bias_axes, output_rank)`` of a projection inside the attention layer:
    ``free_dims`` letters kept, ``bound_dims`` contracted with the kernel, ``output_dims``
    made by it."""
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims:free_dims + bound_dims]
    made = letters[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{made}->{free}{made}", made, free_dims + output_dims


def attention_equations(rank, attn_axes):
    """Keras's einsum equations ``(dot_product, combine, scores_rank)`` for projected tensors
    of ``rank`` (batch dims, attention dims, heads, channels)."""
    letters = string.ascii_lowercase
    target = letters[:rank]
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source = []
    offset = rank
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source.append(target[i])
        else:
            source.append(letters[offset])
            offset += 1
    source = "".join(source)
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return (f"{source},{target}->{product}", f"{product},{source}->{target}", len(product))


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017), as ``tf.keras.layers.MultiHeadAttention``.

    Example::

        >>> mha = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        >>> x = np.ones((3, 5, 8), "float32")
        >>> out, scores = mha(x, x, return_attention_scores=True)
        >>> out.shape, scores.shape
        (TensorShape([3, 5, 8]), TensorShape([3, 2, 5, 5]))
    """

    def __new__(cls, *args, **kwargs):
        # the missing-argument TypeError Python would raise names neither the layer nor a fix
        if args or kwargs:
            for i, arg in enumerate(("num_heads", "key_dim")):
                if len(args) <= i and arg not in kwargs:
                    name = kwargs.get("name") or "multi_head_attention"
                    raise TypeError(
                        f"MultiHeadAttention '{name}': the required argument `{arg}` is "
                        "missing. For example MultiHeadAttention(num_heads=4, key_dim=32): "
                        "key_dim is the size of each attention head for query and key."
                    )
        return super().__new__(cls)

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, query_shape=None, value_shape=None,
                 key_shape=None, **kwargs):
        from featherflow import constraints, initializers, regularizers

        name = kwargs.get("name") or "multi_head_attention"
        where = f"MultiHeadAttention '{name}'"
        for arg, value, optional in (("num_heads", num_heads, False), ("key_dim", key_dim, False),
                                     ("value_dim", value_dim, True)):
            if optional and value is None:
                continue
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"{where}: `{arg}` must be a positive integer, received {arg}={value!r}. "
                    "For example MultiHeadAttention(num_heads=4, key_dim=32)."
                )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = int(num_heads)
        self._key_dim = int(key_dim)
        self._value_dim = int(value_dim) if value_dim else self._key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if output_shape:
            if isinstance(output_shape, (int, np.integer)):
                output_shape = (int(output_shape),)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(f"{where}: `output_shape` must be an int, a tuple or a list, "
                                 f"received {output_shape!r}.") from None
        self._output_shape_arg = output_shape or None
        self._flash_attention = bool(flash_attention)
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                f"{where}: dropout is not supported with flash_attention=True; set dropout=0.0 "
                "or leave flash_attention unset."
            )
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, (int, np.integer)):
            attention_axes = (int(attention_axes),)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"{where}: `attention_axes` must be an int, a list or a tuple, "
                             f"received {attention_axes!r}.")
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        if sliding_window is not None and (not isinstance(sliding_window, (int, np.integer))
                                           or sliding_window <= 0):
            raise ValueError(f"{where}: `sliding_window` must be None or a positive integer, "
                             f"received {sliding_window!r}.")
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        # Keras turns the Python float into a float32 tensor before casting it, so even a
        # float64 layer scales by the float32 rounding of 1/sqrt(key_dim)
        self._scale = float(np.float32(self._inverse_sqrt_key_dim))
        self._build_shapes = None
        self._pending_shapes = None
        self._scores_mask = None
        if query_shape is not None and value_shape is not None:
            # tf.keras 2 configs carry the build shapes; it builds the layer from them
            self.build(query_shape, value_shape, key_shape)

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    # -- build ------------------------------------------------------------------------------
    def _sublayer_kwargs(self):
        from featherflow import initializers

        return dict(
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self._dtype,
            kernel_initializer=initializers.get(initializers.serialize(
                self._kernel_initializer)),
            bias_initializer=initializers.get(initializers.serialize(self._bias_initializer)),
        )

    def _projection(self, shape, heads_dims, name, bound_dims=1, activation=None):
        equation, bias_axes, out_rank = projection_equation(len(shape) - bound_dims,
                                                            bound_dims, len(heads_dims))
        layer = EinsumDense(equation, [None] * (out_rank - 1 - len(heads_dims))
                            + list(heads_dims), activation=activation,
                            bias_axes=bias_axes if self._use_bias else None, name=name,
                            **self._sublayer_kwargs())
        layer.build(shape)
        return layer

    def build(self, query_shape, value_shape=None, key_shape=None):
        where = f"{type(self).__name__} '{self.name}'"
        if value_shape is None:
            raise ValueError(
                f"{where}: build needs the shapes of the query and the value, received only "
                f"query_shape={query_shape}. Call the layer as layer(query, value) or "
                "build(query_shape, value_shape)."
            )
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{where}: all dimensions of `value` and `key` but the last must be equal, "
                f"received value shape {value_shape} and key shape {key_shape}."
            )
        if len(query_shape) != len(value_shape):
            raise ValueError(
                f"{where}: `query` and `value` must have the same rank, received query shape "
                f"{query_shape} (rank {len(query_shape)}) and value shape {value_shape} (rank "
                f"{len(value_shape)})."
            )
        if len(query_shape) < 3:
            raise ValueError(
                f"{where}: inputs must have a batch, at least one sequence axis and a feature "
                f"axis (rank >= 3), received query shape {query_shape}."
            )
        self._build_shapes = {"query_shape": list(query_shape), "value_shape": list(value_shape)}
        if key_shape is not value_shape:
            self._build_shapes["key_shape"] = list(key_shape)
        heads_k = [self._num_heads, self._key_dim]
        heads_v = [self._num_heads, self._value_dim]
        # Keras's attribute names: .keras files store the sublayers under them
        self.query_dense = self._projection(query_shape, heads_k, "query")
        self.key_dense = self._projection(key_shape, heads_k, "key")
        if self._use_gate:
            self.gate_dense = self._projection(query_shape, heads_v, "gate",
                                               activation="sigmoid")
        self.value_dense = self._projection(value_shape, heads_v, "value")
        rank = len(value_shape) + 1
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a
                                         for a in self._attention_axes)
        bad = [a for a in self._attention_axes if not 0 < a < rank - 2]
        if bad:
            raise ValueError(
                f"{where}: attention_axes {self._attention_axes} must be axes of the inputs "
                f"between the batch and the feature axis (1..{rank - 3} for inputs of rank "
                f"{rank - 1})."
            )
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, self._attention_axes)
        self._norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self._dtype)
        out_dims = list(self._output_shape_arg or [query_shape[-1]])
        out_shape = list(self.query_dense.compute_output_shape(query_shape))
        out_shape[-1] = self._value_dim
        self.output_dense = self._projection(tuple(out_shape), out_dims, "attention_output",
                                             bound_dims=2)
        for layer in (self.query_dense, self.key_dense, self.value_dense, self.output_dense,
                      getattr(self, "gate_dense", None)):
            if layer is not None:
                for v in layer.weights:
                    v.path = f"{self.name}/{v.path}"
        self.built = True

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        return {"shapes_dict": {k: list(v) for k, v in self._build_shapes.items()}}

    def build_from_config(self, config):
        if not config or self.built:
            return
        if "shapes_dict" in config:
            self.build(**config["shapes_dict"])
        elif "input_shape" in config:
            # Keras 2 files record one shape: the query's, also used for the value
            self.build(config["input_shape"], config["input_shape"])

    # -- call -------------------------------------------------------------------------------
    def __call__(self, query=None, value=None, key=None, **kwargs):
        where = f"{type(self).__name__} '{self.name}'"
        if query is None or value is None:
            raise TypeError(
                f"{where} needs a query and a value: call it as layer(query, value) or "
                f"layer(query, value, key); received query={'None' if query is None else 'set'}"
                f", value={'None' if value is None else 'set'}."
            )
        if not self.built:
            self.build(_shape(query), _shape(value), None if key is None else _shape(key))
        if is_symbolic(query) or is_symbolic(value) or is_symbolic(key) or is_symbolic(kwargs):
            self._pending_shapes = (_shape(value), None if key is None else _shape(key),
                                    bool(kwargs.get("return_attention_scores")))
        if key is not None:
            kwargs["key"] = key
        self._scores_mask = None
        try:
            # Layer.__call__ named (not super()): GroupedQueryAttention borrows this method
            out = Layer.__call__(self, query, value, **kwargs)
        finally:
            self._pending_shapes = None
        if self._scores_mask is not None and isinstance(out, tuple):
            # as Keras: the scores keep the mask their masked softmax was given, the output
            # gets the query's mask
            out[1]._keras_mask = self._scores_mask
            self._scores_mask = None
        return out

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        want_scores = False
        if value_shape is None and self._pending_shapes is not None:
            value_shape, key_shape, want_scores = self._pending_shapes
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"MultiHeadAttention '{self.name}': all dimensions of `value` and `key` but the "
                f"last must be equal, received value shape {value_shape} and key shape "
                f"{key_shape}."
            )
        out = query_shape[:-1] + tuple(self._output_shape_arg or query_shape[-1:])
        if not want_scores:
            return out
        axes = self._attention_axes
        batch = [i for i in range(len(query_shape) - 1) if i not in axes]
        scores = (tuple(query_shape[i] for i in batch) + (self._num_heads,)
                  + tuple(query_shape[i] for i in axes) + tuple(value_shape[i] for i in axes))
        return [out, scores]

    def _compute_attention_mask(self, query, value, query_mask, value_mask, key_mask,
                                attention_mask, use_causal_mask):
        auto = None
        if query_mask is not None:
            auto = _mask_array(query_mask)[..., None]
        for m in (value_mask, key_mask):
            if m is not None:
                m = np.expand_dims(_mask_array(m), -2)
                auto = m if auto is None else auto & m
        t, s = query.data.shape[1], value.data.shape[1]
        if use_causal_mask:
            causal = np.tril(np.ones((t, s), bool))[None]
            auto = causal if auto is None else auto & causal
        if self._sliding_window is not None:
            rows = np.arange(t)[:, None]
            cols = np.arange(s)[None, :]
            band = (np.abs(rows - cols) < self._sliding_window)[None]
            auto = band if auto is None else auto & band
        attention_mask = _mask_array(attention_mask)
        if auto is not None:
            attention_mask = auto if attention_mask is None else attention_mask & auto
        return attention_mask

    def _expand_mask(self, mask, scores_shape):
        """``mask`` with axes added before the heads axis, checked against the scores."""
        where = f"{type(self).__name__} '{self.name}'"
        n_attn = len(self._attention_axes)
        if mask.ndim > len(scores_shape) - 1 and mask.ndim != len(scores_shape):
            raise ValueError(
                f"{where}: attention_mask has shape {mask.shape}, more axes than the attention "
                f"scores {tuple(scores_shape)}."
            )
        axis = -2 * n_attn - 1
        while mask.ndim < len(scores_shape):
            mask = np.expand_dims(mask, axis)
        ok = all(m in (1, n) for m, n in zip(mask.shape, scores_shape))
        if not ok:
            expected = ((scores_shape[0],) + tuple(scores_shape[len(scores_shape) - 2 * n_attn:]))
            raise ValueError(
                f"{where}: attention_mask of shape {tuple(mask.shape)} (after adding the heads "
                f"axis) does not broadcast to the attention scores of shape "
                f"{tuple(scores_shape)} (batch, heads, query positions, key positions). "
                f"Expected a mask of shape {expected} (batch, query positions, key positions), "
                "or one with size-1 axes that broadcast to it."
            )
        return mask

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        query_mask = query._keras_mask if isinstance(query, Tensor) else None
        if value_mask is None and isinstance(value, Tensor):
            value_mask = value._keras_mask
        if key_mask is None and key is not None and isinstance(key, Tensor):
            key_mask = key._keras_mask
        value = self._convert_inputs(value)
        key = value if key is None else self._convert_inputs(key)
        if query.data.ndim != value.data.ndim:
            raise ValueError(
                f"MultiHeadAttention '{self.name}': `query` and `value` must have the same "
                f"rank, received shapes {tuple(query.data.shape)} and {tuple(value.data.shape)}."
            )
        mask = self._compute_attention_mask(query, value, query_mask, value_mask, key_mask,
                                            attention_mask, use_causal_mask)
        # a subclass that overrides _compute_attention gets its override
        if (type(self)._compute_attention is MultiHeadAttention._compute_attention
                and packed_projections.applies(self, query, value, key)):
            out, scores = packed_projections.self_attention(self, query, mask, training,
                                                            return_attention_scores)
            return (out, scores) if return_attention_scores else out
        gate = self.gate_dense(query) if self._use_gate else None
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        out, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            out = math_ops.multiply(out, gate)
        out = self.output_dense(out)
        if return_attention_scores:
            return out, scores
        return out

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': attention scores cannot be returned with "
                "flash_attention=True; leave flash_attention unset to get them."
            )
        dtype = query.data.dtype
        if query.data.ndim == 4:
            op, mask = self._dot_product_op(self._scores_shape(query, key), dtype,
                                            attention_mask, training, return_attention_scores)
            out, scores = op(query, key, value)
            self._scores_mask = mask if return_attention_scores else None
            return out, scores
        keep = None
        if self._dropout > 0.0 and training:
            keep = self._keep_mask(self._scores_shape(query, key), dtype)
        query = math_ops.multiply(query, np.asarray(self._scale, dtype))
        scores = einsum_ops.einsum(self._dot_product_equation, key, query)
        mask = None if attention_mask is None else self._expand_mask(
            attention_mask, scores.data.shape)
        scores = attention_ops.MaskedSoftmax(self._norm_axes, mask,
                                             -3e4 if dtype == np.float16 else -1e9)(scores)
        self._scores_mask = mask if return_attention_scores else None
        weights = math_ops.multiply(scores, keep) if keep is not None else scores
        out = einsum_ops.einsum(self._combine_equation, weights, value)
        return out, scores

    def _dot_product_op(self, scores_shape, dtype, attention_mask, training,
                        return_attention_scores, op_class=attention_ops.DotProductAttention):
        """The attention primitive for scores of ``scores_shape`` (batch, heads, target,
        source), and the mask it applies."""
        # As Keras: without dropout or scores Keras runs its fused kernel, where a query
        # that may attend to nothing averages all values; otherwise its masked Softmax layer
        # gives such a query zeros.
        fused_kernel = not (self._dropout > 0.0 or return_attention_scores)
        keep = None
        if self._dropout > 0.0 and training:
            keep = self._keep_mask(scores_shape, dtype)
        mask = None if attention_mask is None else self._expand_mask(attention_mask,
                                                                     scores_shape)
        if fused_kernel:
            fill = _DOT_FILL_HALF if dtype == np.float16 else _DOT_FILL
        else:
            fill = -3e4 if dtype == np.float16 else -1e9
        op = op_class(self._scale, mask, fill, zero_masked=not fused_kernel, keep=keep,
                      softmax_dtype=np.float32 if dtype == np.float16 else None)
        return op, mask

    def _scores_shape(self, query, key):
        q, k = query.data.shape, key.data.shape
        axes = self._attention_axes
        batch = [i for i in range(len(q) - 1) if i not in axes]
        return (tuple(q[i] for i in batch) + tuple(q[i] for i in axes)
                + tuple(k[i] for i in axes))

    def _keep_mask(self, shape, dtype):
        # as Keras 3: the attention probabilities go through the layer's Dropout, whose
        # SeedGenerator (made at build, where Keras makes it) draws TF's stateless_dropout
        from featherflow.keras import random as keras_random

        generator = self._dropout_layer._seed_generator
        return keras_random.dropout(np.ones(shape, dtype), self._dropout,
                                    seed=generator).numpy()

    # -- config -----------------------------------------------------------------------------
    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape_arg,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self._kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self._bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self._activity_regularizer),
            "kernel_constraint": _serialize(constraints, self._kernel_constraint),
            "bias_constraint": _serialize(constraints, self._bias_constraint),
            "seed": self.seed,
        })
        return cfg
