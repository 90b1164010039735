"""``tf.nn``: activations, softmax, cross-entropies and normalisation helpers."""

from featherflow.ops.conv import (
    conv1d,
    conv2d,
    conv2d_transpose,
    depthwise_conv2d,
    separable_conv2d,
)
from featherflow.ops.ctc import ctc_loss
from featherflow.ops.math import l2_normalize
from featherflow.ops.nn import (
    batch_normalization,
    bias_add,
    dropout,
    elu,
    embedding_lookup,
    gelu,
    l2_loss,
    leaky_relu,
    log_sigmoid,
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
    weighted_cross_entropy_with_logits,
)
from featherflow.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from featherflow.ops.shape import top_k

__all__ = [
    "batch_normalization", "bias_add", "dropout", "elu", "embedding_lookup", "gelu",
    "l2_loss", "l2_normalize", "leaky_relu", "log_sigmoid", "log_softmax", "moments", "relu",
    "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu", "softmax",
    "softmax_cross_entropy_with_logits", "softplus", "softsign",
    "sparse_softmax_cross_entropy_with_logits", "swish", "tanh", "top_k",
    "weighted_cross_entropy_with_logits",
]
