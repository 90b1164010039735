"""``tf.nn``: activations, softmax, cross-entropies and normalisation helpers."""

from featherflow.api.nn_sampled import embedding_lookup
from featherflow.ops.activations import (
    elu,
    gelu,
    leaky_relu,
    log_sigmoid,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softplus,
    softsign,
    swish,
    tanh,
)
from featherflow.ops.conv import conv1d, conv2d
from featherflow.ops.conv3d import conv3d, conv3d_transpose
from featherflow.ops.conv_transpose import conv2d_transpose
from featherflow.ops.cross_entropy import (
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from featherflow.ops.ctc import ctc_loss
from featherflow.ops.dense import bias_add
from featherflow.ops.depthwise_conv import depthwise_conv2d, separable_conv2d
from featherflow.ops.dropout import dropout
from featherflow.ops.math import l2_normalize
from featherflow.ops.normalization import batch_normalization, moments
from featherflow.ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from featherflow.ops.pooling3d import avg_pool3d, max_pool3d
from featherflow.ops.reduce import l2_loss
from featherflow.ops.softmax import log_softmax, softmax
from featherflow.ops.sort import top_k

__all__ = [
    "batch_normalization", "bias_add", "dropout", "elu", "embedding_lookup", "gelu",
    "l2_loss", "l2_normalize", "leaky_relu", "log_sigmoid", "log_softmax", "moments", "relu",
    "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu", "softmax",
    "softmax_cross_entropy_with_logits", "softplus", "softsign",
    "sparse_softmax_cross_entropy_with_logits", "swish", "tanh", "top_k",
    "weighted_cross_entropy_with_logits",
]


def __getattr__(name):
    # the rest of tf.nn (featherflow/api/nn_extra.py) loads on first use
    from featherflow.api import nn_ctc, nn_extra, nn_more, nn_morph, nn_sampled, space_batch

    if name == "experimental":  # tf.nn.experimental: the stateless and general dropouts
        from featherflow.api import nn_experimental as experimental

        globals()[name] = experimental
        return experimental
    if name in ("space_to_batch", "with_space_to_batch"):
        value = getattr(space_batch, name)
        globals()[name] = value
        return value
    for module in (nn_extra, nn_sampled, nn_ctc, nn_morph, nn_more):
        if name in module.__all__:
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'featherflow.nn' has no attribute {name!r}")


def __dir__():
    from featherflow.api import nn_ctc, nn_extra, nn_more, nn_sampled

    return sorted(set(globals()) | set(nn_extra.__all__) | set(nn_sampled.__all__)
                  | set(nn_ctc.__all__) | set(nn_more.__all__)
                  | {"experimental", "space_to_batch", "with_space_to_batch"})
