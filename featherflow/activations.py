"""Activation functions with Keras 3 names and signatures, plus ``get``/``serialize``.

Each function takes a Tensor (or array) and returns a Tensor, differentiable through the tape.
The function objects carry ``__name__`` equal to the Keras name: ``Dense`` looks at it to fuse
sigmoid, tanh, relu, softmax and linear into its single matmul primitive.

Example::

    >>> from featherflow import activations
    >>> activations.get("relu")([-1.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
"""

import numpy as np

from featherflow.ops import activations as activations_ops
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import softmax as softmax_ops
from featherflow.ops import squareplus as squareplus_ops
from featherflow.ops._convert import data, operand
from featherflow.serialization import resolver


def _const(value, like):
    return np.asarray(value, dtype=data(like).dtype)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0, *, alpha=None):
    """``max(x, 0)``; with Keras's options: a slope below ``threshold``, a cap ``max_value``.

    ``alpha`` is tf.keras 2's name for ``negative_slope`` (Keras 3 has only the latter).
    """
    if alpha is not None:
        negative_slope = alpha
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return activations_ops.relu(x)
    x = operand(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return activations_ops.leaky_relu(x, alpha=negative_slope)
        negative_part = activations_ops.relu(math_ops.subtract(_const(threshold, x), x))
    if threshold != 0:
        out = math_ops.where(data(x) > threshold, x, _const(0.0, x))
    elif max_value == 6:
        out = activations_ops.relu6(x)
        max_value = None
    else:
        out = activations_ops.relu(x)
    if max_value is not None:
        out = math_ops.clip_by_value(out, 0.0, max_value)
    if negative_slope != 0.0:
        out = math_ops.subtract(out, math_ops.multiply(_const(negative_slope, x), negative_part))
    return out


def leaky_relu(x, negative_slope=0.2):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    return activations_ops.leaky_relu(x, alpha=negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return activations_ops.relu6(x)


def softmax(x, axis=-1):
    """Normalized exponentials along ``axis``."""
    return softmax_ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """``log(softmax(x))`` computed stably."""
    return softmax_ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    return activations_ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU with the self-normalizing constants."""
    return activations_ops.selu(x)


def celu(x, alpha=1.0):
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``."""
    x = operand(x)
    zero = _const(0.0, x)
    neg = math_ops.expm1(math_ops.divide(math_ops.minimum(x, zero), _const(alpha, x)))
    return math_ops.add(math_ops.maximum(x, zero), math_ops.multiply(_const(alpha, x), neg))


def softplus(x):
    """``log(1 + exp(x))`` computed stably."""
    return activations_ops.softplus(x)


def softsign(x):
    """``x / (1 + |x|)``."""
    return activations_ops.softsign(x)


def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return activations_ops.silu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit; ``approximate=True`` uses the tanh formula."""
    return activations_ops.gelu(x, approximate=approximate)


def glu(x, axis=-1):
    """Gated linear unit: the first half of ``axis`` times the sigmoid of the second half."""
    x = operand(x)
    size = np.shape(data(x))[axis]
    if size % 2:
        raise ValueError(
            f"glu: the size of axis {axis} must be even to split it in two halves; received "
            f"shape {np.shape(data(x))}."
        )
    a, b = concat_ops.split(x, 2, axis=axis)
    return math_ops.multiply(a, activations_ops.sigmoid(b))


def tanh(x):
    """Hyperbolic tangent."""
    return activations_ops.tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = operand(x)
    return math_ops.subtract(x, activations_ops.tanh(x))


def hard_tanh(x):
    """``tanh`` replaced by a clip to [-1, 1]."""
    return math_ops.clip_by_value(operand(x), -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, 0 elsewhere."""
    x = operand(x)
    return math_ops.where(np.abs(data(x)) > threshold, x, _const(0.0, x))


def soft_shrink(x, threshold=0.5):
    """``x`` moved ``threshold`` towards zero, 0 inside ``[-threshold, threshold]``."""
    x = operand(x)
    v = data(x)
    t = _const(threshold, x)
    shifted = math_ops.where(v > threshold, math_ops.subtract(x, t), math_ops.add(x, t))
    return math_ops.where(np.abs(v) > threshold, shifted, _const(0.0, x))


def sparse_plus(x):
    """0 below -1, ``(x + 1)^2 / 4`` on [-1, 1), ``x`` from 1."""
    x = operand(x)
    v = data(x)
    quad = math_ops.multiply(_const(0.25, x), math_ops.square(math_ops.add(x, _const(1.0, x))))
    return math_ops.where(v <= -1, _const(0.0, x), math_ops.where(v < 1, quad, x))


def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on (-1, 1), 1 from 1."""
    x = operand(x)
    v = data(x)
    mid = math_ops.multiply(_const(0.5, x), math_ops.add(x, _const(1.0, x)))
    return math_ops.where(v <= -1, _const(0.0, x), math_ops.where(v >= 1, _const(1.0, x), mid))


def squareplus(x, b=4):
    """``(x + sqrt(x^2 + b)) / 2``: a smooth relu, exact for large ``|x|`` (see ops.squareplus)."""
    return squareplus_ops.squareplus(x, b=b)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, ``default_value`` elsewhere."""
    x = operand(x)
    return math_ops.where(data(x) > threshold, x, _const(default_value, x))


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return activations_ops.sigmoid(x)


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    return math_ops.negative(activations_ops.softplus(math_ops.negative(operand(x))))


def exponential(x):
    """``exp(x)``."""
    return activations_ops.exponential(x)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``relu6(x + 3) / 6``."""
    return activations_ops.hard_sigmoid(x)


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    return activations_ops.hard_silu(x)


def linear(x):
    """The identity: returns ``x`` unchanged."""
    return operand(x)


def mish(x):
    """``x * tanh(softplus(x))``."""
    return activations_ops.mish(x)


def sparsemax(x, axis=-1):
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    The support (which entries stay positive) is found in NumPy; the threshold is then
    recomputed from those entries with differentiable ops, so gradients flow as for Keras.
    """
    x = operand(x)
    v = data(x)
    srt = -np.sort(-v, axis=axis)
    csum = np.cumsum(srt, axis=axis)
    shape = [1] * v.ndim
    shape[axis] = -1
    r = np.arange(1, v.shape[axis] + 1, dtype=v.dtype).reshape(shape)
    support_sorted = srt - (csum - 1) / r > 0
    # at least the largest entry: past 2**24 (float32) ``max - (max - 1)`` rounds to 0 and
    # would leave an empty support (a division by 0)
    k = np.maximum(support_sorted.sum(axis=axis, keepdims=True), 1).astype(v.dtype)
    tau_np = (np.take_along_axis(csum, k.astype(np.int64) - 1, axis=axis) - 1) / k
    support = (v > tau_np).astype(v.dtype)
    tau = math_ops.divide(math_ops.subtract(math_ops.reduce_sum(math_ops.multiply(x, support),
                                                                axis=axis, keepdims=True),
                              _const(1.0, x)), k)
    return math_ops.maximum(math_ops.subtract(x, tau), _const(0.0, x))


swish = silu
hard_swish = hard_silu

_ALL = [
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus,
    soft_shrink, sparse_plus, silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid,
    sparse_sigmoid, exponential, hard_sigmoid, hard_silu, hard_tanh, hard_shrink, linear, mish,
    log_softmax, log_sigmoid, sparsemax,
]
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in _ALL}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu


def builtin_name(fn):
    """The name of ``fn`` if it is one of these built-in activations, else None.

    Layers pick their fused kernels by this name; checking identity (not ``__name__``) keeps a
    user's own function that happens to be called ``relu`` or ``hard_sigmoid`` (e.g. Keras 2's
    ``hard_sigmoid`` passed through ``custom_objects``) from being replaced by the built-in.
    """
    name = getattr(fn, "__name__", None)
    return name if ALL_OBJECTS_DICT.get(name) is fn else None


_BUILTIN = frozenset(id(fn) for fn in _ALL)


def serialize(activation):
    """The Keras config of an activation: its name for built-ins, a dict otherwise."""
    if id(activation) in _BUILTIN:
        return activation.__name__
    if hasattr(activation, "get_config"):
        return resolver.serialize_object(activation, "keras.layers")
    name = getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(
            f"Cannot serialize the activation {activation!r}: expected a function with a "
            f"name, an object with get_config(), or one of {sorted(ALL_OBJECTS_DICT)}."
        )
    return resolver.serialize_function(activation, getattr(activation, "__module__", None))


def deserialize(config, custom_objects=None):
    """The activation a name or config dict describes."""
    return resolver.deserialize(config, ALL_OBJECTS_DICT, "activation", custom_objects)


def get(identifier):
    """Resolve an activation: None (linear), a name, a config dict or a callable.

    Example::

        >>> get("sigmoid").__name__
        'sigmoid'
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret activation identifier {identifier!r}: expected None, a name "
        f"(one of {sorted(ALL_OBJECTS_DICT)}), a config dict or a callable."
    )
