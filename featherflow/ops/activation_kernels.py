"""The array kernels of the elementwise activations: for each kind a (forward, derivative) pair
on NumPy arrays, run by ``ops.activations.Elementwise``, the fused Dense (``ops.dense``,
``ops.bias_activation``) and the recurrent cells (``ops.rnn``).

Each derivative takes ``(x, y)`` and returns dy/dx. They stay finite for every float input:
see docs/activations.md for where they differ from TF's float32 formulas on purpose.
"""

import math

import numpy as np

from featherflow.backend import fast
from featherflow.ops.math import erf_array

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
    kernels = _compiled(t)
    if kernels is not None:
        kernels.sigmoid_into(t.reshape(-1), t.reshape(-1))
        return t
    np.negative(t, out=t)
    np.exp(t, out=t)
    t += one
    return np.divide(one, t, out=t)


def _compiled(x):
    """The compiled kernels for a large C-contiguous float32 array, else None: their exp is
    vectorized (NumPy's float32 exp is a scalar loop without AVX-512), within 1 ULP."""
    if x.dtype != np.float32 or x.size < fast.MIN_SIZE or not x.flags.c_contiguous:
        return None
    return fast.kernels()


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
    # maximum then minimum in place: the same values as np.clip (NaN stays NaN), 3-4x
    # faster than np.clip's generic path
    y = np.maximum(x, 0)
    if y.ndim == 0:
        return np.minimum(y, 6).astype(x.dtype, copy=False)
    return np.minimum(y, 6, out=y).astype(x.dtype, copy=False)


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
    kernels = _compiled(xc)
    if kernels is not None:
        t = np.empty_like(xc)
        kernels.sigmoid_into(xc.reshape(-1), t.reshape(-1))
        return xc, t
    t = np.negative(xc)
    np.exp(t, out=t)
    t += one
    return xc, np.divide(one, t, out=t)


def _swish(x):
    if x.dtype.kind == "f" and x.ndim:
        low, _ = dtype_consts(x.dtype)
        xs = x if x.flags.c_contiguous else np.ascontiguousarray(x)
        kernels = _compiled(xs)
        if kernels is not None:
            # the clamp, exponential, sigmoid and product in one pass over cache-sized
            # blocks (the same bits as the passes below; 2.2 against 5.0 ms for 3.2 M values);
            # in place on a copy made here
            out = xs if xs is not x else np.empty_like(xs)
            kernels.swish_into(xs.reshape(-1), out.reshape(-1), np.float32(low))
            return out
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
