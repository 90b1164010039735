"""``tf.nn.moments`` and ``tf.nn.batch_normalization``, composed from elementwise ops."""

from featherflow.ops._convert import float_operand
from featherflow.ops.math import add, multiply, rsqrt, square, stop_gradient, subtract
from featherflow.ops.reduce import reduce_mean


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance over ``axes``; the variance does not backprop into the mean, as TF."""
    x = float_operand(x)
    mean = reduce_mean(x, axis=axes, keepdims=True)
    var = reduce_mean(square(subtract(x, stop_gradient(mean))), axis=axes,
                        keepdims=True)
    if not keepdims:
        from featherflow.ops.reshape import squeeze

        mean = squeeze(mean, axes)
        var = squeeze(var, axes)
    return mean, var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``(x - mean) / sqrt(variance + eps) * scale + offset`` (``tf.nn.batch_normalization``)."""
    inv = rsqrt(add(variance, variance_epsilon))
    if scale is not None:
        inv = multiply(inv, scale)
    out = multiply(subtract(float_operand(x), mean), inv)
    return out if offset is None else add(out, offset)
