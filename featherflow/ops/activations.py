"""Elementwise activations (sigmoid, relu, gelu, ...): each a (forward, derivative) pair run by one
primitive, plus the parametrised ``leaky_relu`` and ``elu``."""

import math

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, float_operand, operand
from featherflow.ops.math import (
    abs,
    erf,
    erf_array,
    exp,
    maximum,
    minimum,
    multiply,
    square,
    where,
)

_SQRT2 = math.sqrt(2.0)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# exp(-x) overflows below these; sigmoid is below the smallest normal number there anyway
_LOW = {2: -11.0, 4: -88.0, 8: -708.0}


def dtype_consts(dtype):
    """(low, one) as 0-d arrays of ``dtype``: ufuncs take these faster than Python floats,
    which counts on the per-step path of small models."""
    c = _CONSTS.get(dtype)
    if c is None:
        c = _CONSTS[dtype] = (np.asarray(_LOW.get(dtype.itemsize, -88.0), dtype),
                              np.asarray(1.0, dtype))
    return c


_CONSTS = {}


def sigmoid_array(x):
    """``1 / (1 + exp(-x))`` without overflow warnings for very negative ``x``."""
    if x.dtype.kind != "f" or x.ndim == 0:
        return np.asarray(1.0 / (1.0 + np.exp(-np.maximum(x, _LOW.get(x.dtype.itemsize, -88.0)))),
                          dtype=x.dtype if x.dtype.kind == "f" else None)
    low, one = dtype_consts(x.dtype)
    t = np.maximum(x, low)
    np.negative(t, out=t)
    np.exp(t, out=t)
    t += one
    return np.divide(one, t, out=t)


# -- elementwise activations: (forward, derivative) pairs -------------------------------
# Each derivative takes (x, y) and returns dy/dx; the fused dense uses only those whose
# derivative needs nothing but y (``FROM_OUTPUT``), so it can drop x.
def _d_sigmoid(x, y):
    return y * (1 - y)


def _d_tanh(x, y):
    return 1 - y * y


def _relu(x):
    return np.maximum(x, 0)


def _d_relu(x, y):
    return y > 0


def _relu6(x):
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


def _d_relu6(x, y):
    return (y > 0) & (y < 6)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def _d_elu(x, y, alpha=1.0):
    return np.where(x > 0, 1, y + alpha).astype(x.dtype, copy=False)


def _selu(x):
    return (SELU_SCALE * _elu(x, SELU_ALPHA)).astype(x.dtype, copy=False)


def _d_selu(x, y):
    # TF's SeluGrad takes the linear branch at 0
    return np.where(x < 0, y + SELU_SCALE * SELU_ALPHA, SELU_SCALE).astype(x.dtype, copy=False)


def _softplus(x):
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def _d_softplus(x, y):
    return sigmoid_array(x)


def _softsign(x):
    return x / (1 + np.abs(x))


def _d_softsign(x, y):
    d = 1 + np.abs(x)
    return 1 / (d * d)


def _clamped_sigmoid(x):
    """``(xc, sigmoid(xc))`` with ``xc = max(x, low)``. Below ``low`` sigmoid is clamped at
    sigmoid(low) > 0, so x must be clamped too wherever it multiplies the sigmoid, or
    x * sigmoid(low) is far from the true ~0 once |x| is huge (-1e30 * 6e-39 = -6e-9)."""
    if x.dtype.kind != "f" or x.ndim == 0:
        xc = np.maximum(x, _LOW.get(x.dtype.itemsize, -88.0)) if x.dtype.kind == "f" else x
        return xc, sigmoid_array(xc)
    low, one = dtype_consts(x.dtype)
    xc = np.maximum(x, low)
    t = np.negative(xc)
    np.exp(t, out=t)
    t += one
    return xc, np.divide(one, t, out=t)


def _swish(x):
    xc, s = _clamped_sigmoid(x)
    return np.multiply(xc, s, out=s) if s.ndim else xc * s


def _d_swish(x, y):
    xc, s = _clamped_sigmoid(x)
    return s * (1 + xc * (1 - s))


def _hard_sigmoid(x):
    return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


def _d_hard_sigmoid(x, y):
    return ((x > -3) & (x < 3)) / np.asarray(6, x.dtype)


def _hard_silu(x):
    return x * _hard_sigmoid(x)


def _d_hard_silu(x, y):
    return _hard_sigmoid(x) + x * _d_hard_sigmoid(x, None)


def _gelu(x):
    return (0.5 * x * (1 + erf_array(x / _SQRT2))).astype(x.dtype, copy=False)


def _d_gelu(x, y):
    cdf = 0.5 * (1 + erf_array(x / _SQRT2))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (cdf + x * pdf).astype(x.dtype, copy=False)


# 0.5 (1 + tanh(u)) is sigmoid(2u), and 1 - tanh(u)^2 is 4 s (1 - s): the sigmoid form does not
# cancel for x < 0 (float32 1 + tanh(u) keeps ~3 digits at x = -3.7, TF's formula too). Past
# |x| = 30 the sigmoid is 0 or 1 in float64; clipping there keeps the cube from overflowing
# (float32 from |x| ~ 7e12: the slope was 0 * inf) and the clamped x keeps x * s(low) ~ 0.
_GELU_CLIP = 30.0


def _gelu_tanh_parts(x):
    xc = np.clip(x, -_GELU_CLIP, _GELU_CLIP)
    # 2 sqrt(2/pi) (x + 0.044715 x^3), in place (x ** 3 is a slow pow)
    u = xc * xc
    u *= xc
    u *= 0.044715
    u += xc
    u *= 2 * _SQRT_2_PI
    return np.maximum(x, -_GELU_CLIP), xc, sigmoid_array(u)


def _gelu_tanh(x):
    xl, _, s = _gelu_tanh_parts(x)
    return (xl * s).astype(x.dtype, copy=False)


def _d_gelu_tanh(x, y):
    xl, xc, s = _gelu_tanh_parts(x)
    dinner = xc * xc
    dinner *= 3 * 0.044715
    dinner += 1
    dinner *= 2 * _SQRT_2_PI
    # s (1 - s) first: it is 0 for huge x, and 2 * x would overflow
    dinner *= s * (1 - s)
    dinner *= xl
    dinner += s
    return dinner.astype(x.dtype, copy=False)


def _mish(x):
    return x * np.tanh(_softplus(x))


def _d_mish(x, y):
    t = np.tanh(_softplus(x))
    xc, s = _clamped_sigmoid(x)
    return t + xc * (1 - t * t) * s


def _exponential(x):
    return np.exp(x)


def _d_exponential(x, y):
    return y


def _linear(x):
    return x


def _d_linear(x, y):
    return 1


def _log_sigmoid(x):
    # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)): no overflow, no log(0)
    return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def _d_log_sigmoid(x, y):
    return sigmoid_array(-x)


ELEMENTWISE = {
    "sigmoid": (sigmoid_array, _d_sigmoid),
    "tanh": (np.tanh, _d_tanh),
    "relu": (_relu, _d_relu),
    "relu6": (_relu6, _d_relu6),
    "elu": (_elu, _d_elu),
    "selu": (_selu, _d_selu),
    "softplus": (_softplus, _d_softplus),
    "softsign": (_softsign, _d_softsign),
    "swish": (_swish, _d_swish),
    "silu": (_swish, _d_swish),
    "hard_sigmoid": (_hard_sigmoid, _d_hard_sigmoid),
    "hard_silu": (_hard_silu, _d_hard_silu),
    "hard_swish": (_hard_silu, _d_hard_silu),
    "gelu": (_gelu, _d_gelu),
    "gelu_tanh": (_gelu_tanh, _d_gelu_tanh),
    "mish": (_mish, _d_mish),
    "exponential": (_exponential, _d_exponential),
    "linear": (_linear, _d_linear),
    "log_sigmoid": (_log_sigmoid, _d_log_sigmoid),
}
# derivatives computable from the output alone: a fused op can keep only y
FROM_OUTPUT = {"sigmoid", "tanh", "relu", "relu6", "exponential", "linear", "softmax"}
#: every activation the fused dense accepts (the others keep the pre-activation too)
FUSABLE = FROM_OUTPUT | set(ELEMENTWISE)


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
