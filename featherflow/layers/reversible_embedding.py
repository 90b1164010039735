"""ReversibleEmbedding: an Embedding that also projects vectors back onto the vocabulary
(``reverse=True``), with the embedding matrix tied or a separate reverse matrix."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.embedding import Embedding
from featherflow.ops import activations as activation_ops
from featherflow.ops import linalg as linalg_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops


class ReversibleEmbedding(Embedding):
    """``keras.layers.ReversibleEmbedding``: ``layer(ids)`` looks up vectors as Embedding;
    ``layer(hidden, reverse=True)`` gives logits ``hidden @ embeddings.T`` (or ``@
    reverse_embeddings`` with ``tie_weights=False``), capped to ``logit_soft_cap *
    tanh(logits / logit_soft_cap)`` when that is set, computed in ``reverse_dtype`` when set.

    Example::

        >>> emb = tf.keras.layers.ReversibleEmbedding(100, 8)
        >>> h = emb(np.array([[4, 7, 0]]))
        >>> emb(h, reverse=True).shape
        TensorShape([1, 3, 100])
    """

    def __init__(self, input_dim, output_dim, tie_weights=True,
                 embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        if logit_soft_cap is not None and not (
                isinstance(logit_soft_cap, (int, float, np.number)) and logit_soft_cap > 0):
            raise ValueError(
                f"ReversibleEmbedding '{self.name}': logit_soft_cap must be None or a positive "
                f"number, received logit_soft_cap={logit_soft_cap!r}."
            )
        if reverse_dtype is not None:
            from featherflow.backend import standardize_dtype

            standardize_dtype(reverse_dtype)
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap
        self.reverse_embeddings = None
        self._pending_reverse = False

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings", shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer)

    def __call__(self, inputs=None, *args, reverse=False, **kwargs):
        # the symbolic graph asks compute_output_shape(shape) without the flag: keep it here
        self._pending_reverse = bool(reverse)
        try:
            if reverse:
                kwargs["reverse"] = True
            return super().__call__(inputs, *args, **kwargs)
        finally:
            self._pending_reverse = False

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        if not isinstance(inputs, Tensor) or inputs.data.dtype.kind != "f":
            raise TypeError(
                f"ReversibleEmbedding '{self.name}': reverse=True projects float vectors of "
                f"size output_dim={self.output_dim} onto the vocabulary; received "
                f"{getattr(getattr(inputs, 'data', inputs), 'dtype', type(inputs))} inputs. "
                "Pass the hidden states (e.g. the output of layer(ids)), not ids."
            )
        if inputs.data.shape[-1] != self.output_dim:
            raise ValueError(
                f"ReversibleEmbedding '{self.name}': reverse=True needs inputs whose last axis "
                f"is output_dim={self.output_dim}, received shape {tuple(inputs.data.shape)}."
            )
        # tied: the (input_dim, output_dim) table used transposed by the matmul (no copy of
        # the table); the leading axes folded into one so BLAS runs one matrix product
        kernel = self.embeddings if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs = math_ops.cast(inputs, self.reverse_dtype)
            kernel = math_ops.cast(kernel, self.reverse_dtype)
        lead = inputs.data.shape[:-1]
        flat = inputs if len(lead) == 1 else reshape_ops.reshape(inputs, (-1, self.output_dim))
        logits = linalg_ops.matmul(flat, kernel, transpose_b=self.tie_weights)
        if len(lead) != 1:
            logits = reshape_ops.reshape(logits, lead + (self.input_dim,))
        if self.logit_soft_cap is not None:
            cap = np.asarray(self.logit_soft_cap, logits.data.dtype)
            logits = math_ops.multiply(activation_ops.tanh(math_ops.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        # ids (the forward lookup) give Embedding's mask; reverse projections have none
        a = getattr(inputs, "data", inputs)
        if not self.mask_zero or np.asarray(a).dtype.kind == "f":
            return None
        return super().compute_mask(inputs, mask)

    def _output_has_mask(self, input_has_mask):
        return self.mask_zero and not self._pending_reverse

    def compute_output_shape(self, input_shape, reverse=None):
        reverse = self._pending_reverse if reverse is None else reverse
        shape = list(input_shape)
        if reverse:
            shape[-1] = self.input_dim
            return tuple(shape)
        return tuple(shape) + (self.output_dim,)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                    "logit_soft_cap": self.logit_soft_cap})
        return cfg
