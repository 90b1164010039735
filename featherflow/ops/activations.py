"""Elementwise activations (sigmoid, relu, gelu, ...) as differentiable functions: one primitive
runs each kind's (forward, derivative) array pair from ``ops.activation_kernels``; the
parametrised ``leaky_relu`` and ``elu`` have their own. The recorded slopes (``SLOPES``) give
gradients of gradients. The kernels' names stay importable from here."""

import math

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, float_operand, operand
from featherflow.ops.activation_kernels import (  # noqa: F401 (re-exported)
    _LOW,
    _SQRT2,
    ELEMENTWISE,
    FROM_OUTPUT,
    FUSABLE,
    SELU_ALPHA,
    SELU_SCALE,
    _d_elu,
    _elu,
    dtype_consts,
    sigmoid_array,
)
from featherflow.ops.math import (
    abs,
    erf,
    exp,
    maximum,
    minimum,
    multiply,
    square,
    where,
)

#: activations whose derivative is constant piecewise: the derivative array is the recorded
#: gradient's factor, and their second derivative is zero
PIECEWISE_LINEAR = {"relu", "relu6", "hard_sigmoid", "linear"}


def _sigmoid_slope(x):
    s = sigmoid(x)
    return s * (1 - s)


def _tanh_slope(x):
    t = tanh(x)
    return 1 - t * t


def _elu_slope(x, alpha=1.0):
    # exp of min(x, 0): the branch where() drops must not overflow to inf (0 * inf is nan)
    return where(x > 0, 1.0, exp(minimum(x, 0.0)) * alpha)


def _swish_slope(x):
    # the clamp of _d_swish, as a recorded op (its slope is 0 where it clamps)
    x = maximum(x, _LOW.get(np.dtype(x.dtype).itemsize, -88.0))
    s = sigmoid(x)
    return s + x * s * (1 - s)


def _gelu_slope(x):
    return (1 + erf(x * (1 / _SQRT2))) * 0.5 + x * exp(square(x) * -0.5) * (1 / math.sqrt(
        2 * math.pi))


def _mish_slope(x):
    t = tanh(softplus(x))
    xc = maximum(x, _LOW.get(np.dtype(x.dtype).itemsize, -88.0))
    return t + xc * (1 - t * t) * sigmoid(xc)


def _hard_silu_slope(x):
    xd = x.data if isinstance(x, Tensor) else np.asarray(x)
    inside = ((xd > -3) & (xd < 3)).astype(xd.dtype) / np.asarray(6, xd.dtype)
    return hard_sigmoid(x) + x * inside


#: the derivative of each activation written with featherflow ops (recorded, so a gradient
#: through it can be differentiated again); kinds missing here have first order only
SLOPES = {
    "sigmoid": _sigmoid_slope,
    "tanh": _tanh_slope,
    "elu": _elu_slope,
    "selu": lambda x: _elu_slope(x, SELU_ALPHA) * SELU_SCALE,
    "softplus": lambda x: sigmoid(x),
    "softsign": lambda x: 1 / square(1 + abs(x)),
    "swish": _swish_slope,
    "silu": _swish_slope,
    "gelu": _gelu_slope,
    "exponential": lambda x: exp(x),
    "log_sigmoid": lambda x: sigmoid(-x),
    "mish": _mish_slope,
    "hard_silu": _hard_silu_slope,
    "hard_swish": _hard_silu_slope,
}


def slope_tensor(kind, x):
    """d kind(x) / dx as a Tensor from recorded ops, or None when ``kind`` has no such path."""
    if kind in PIECEWISE_LINEAR:
        xd = x.data if isinstance(x, Tensor) else np.asarray(x)
        fwd, deriv = ELEMENTWISE[kind]
        return deriv(xd, fwd(xd))
    fn = SLOPES.get(kind)
    return None if fn is None else fn(x)


class Elementwise(Function):
    """One elementwise activation from :data:`ELEMENTWISE` (forward and derivative)."""

    def __init__(self, kind):
        self.kind = kind
        self.fwd, self.deriv = ELEMENTWISE[kind]

    def forward(self, x):
        self.x = x
        self.y = self.fwd(x)
        return self.y

    def backward(self, g):
        return ((g * self.deriv(self.x, self.y)).astype(g.dtype, copy=False),)

    def backward_tensors(self, g):
        slope = slope_tensor(self.kind, self.inputs[0])
        return None if slope is None else (g * slope,)


class LeakyRelu(Function):
    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        self.pos = x > 0
        return np.where(self.pos, x, self.alpha * x).astype(x.dtype, copy=False)

    def backward(self, g):
        return (np.where(self.pos, g, self.alpha * g).astype(g.dtype, copy=False),)

    def backward_tensors(self, g):
        return (g * np.where(self.pos, 1.0, self.alpha).astype(g.data.dtype),)


class ParamElu(Function):
    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        self.x = x
        self.y = _elu(x, self.alpha)
        return self.y

    def backward(self, g):
        return ((g * _d_elu(self.x, self.y, self.alpha)).astype(g.dtype, copy=False),)

    def backward_tensors(self, g):
        return (g * _elu_slope(self.inputs[0], self.alpha),)


# -- public functions -----------------------------------------------------------------------
def _act(kind):
    def fn(x, name=None):
        return Elementwise(kind)(float_operand(x))

    fn.__name__ = fn.__qualname__ = kind
    fn.__doc__ = f"Elementwise ``{kind}`` activation, differentiable."
    return fn


sigmoid = _act("sigmoid")
tanh = _act("tanh")
relu = _act("relu")
relu6 = _act("relu6")
selu = _act("selu")
softplus = _act("softplus")
softsign = _act("softsign")


def _silu_beta(kind):
    def fn(features, beta=1.0, name=None):
        x = float_operand(features)
        if beta == 1.0:
            return Elementwise(kind)(x)
        # TF's x * sigmoid(beta * x), through recorded ops (beta is a constant here)
        return multiply(x, Elementwise("sigmoid")(multiply(x, np.asarray(beta, data(x).dtype))))

    fn.__name__ = fn.__qualname__ = kind
    fn.__doc__ = (f"``x * sigmoid(beta * x)`` (tf.nn.{kind}; Keras's {kind} is beta = 1), "
                  "differentiable.")
    return fn


silu = _silu_beta("silu")
swish = _silu_beta("swish")
hard_sigmoid = _act("hard_sigmoid")
hard_silu = _act("hard_silu")
hard_swish = hard_silu
mish = _act("mish")
exponential = _act("exponential")
log_sigmoid = _act("log_sigmoid")


def linear(x, name=None):
    """The identity activation: returns its input."""
    return operand(x)


def elu(x, alpha=1.0, name=None):
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    if alpha == 1.0:
        return Elementwise("elu")(float_operand(x))
    return ParamElu(alpha)(float_operand(x))


def leaky_relu(features, alpha=0.2, name=None, negative_slope=None):
    """``x`` if ``x > 0`` else ``alpha * x`` (TF's default alpha 0.2)."""
    if negative_slope is not None:
        alpha = negative_slope
    return LeakyRelu(alpha)(float_operand(features))


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: exact (erf) or the tanh approximation."""
    return Elementwise("gelu_tanh" if approximate else "gelu")(float_operand(features))
