"""``tf.nn``: activations, softmax and cross-entropies."""

from featherflow.ops.math import l2_normalize
from featherflow.ops.nn import (
    dropout,
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    moments,
    relu,
    relu6,
    selu,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    softplus,
    softsign,
    sparse_softmax_cross_entropy_with_logits,
    swish,
    tanh,
)

__all__ = [
    "dropout", "elu", "gelu", "l2_normalize", "leaky_relu", "log_softmax", "moments", "relu",
    "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu", "softmax",
    "softmax_cross_entropy_with_logits", "softplus", "softsign",
    "sparse_softmax_cross_entropy_with_logits", "swish", "tanh",
]
