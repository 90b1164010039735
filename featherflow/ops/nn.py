"""Activations, softmax, the fused dense layer and the fused cross-entropies."""

import math

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.ops._convert import data, norm_axis, operand

_SQRT2 = math.sqrt(2.0)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _low(dtype):
    # exp(-x) overflows past these; sigmoid is below the smallest normal there anyway
    return -88.0 if dtype.itemsize <= 4 else -708.0


def sigmoid_array(x):
    return 1.0 / (1.0 + np.exp(-np.maximum(x, _low(x.dtype))))


def _erf(x):
    """Vectorized erf to double precision (W. J. Cody's rational approximations).

    Short polynomial fits are too coarse for 1e-5 parity with Keras's exact gelu.
    """
    ax = np.abs(x).astype(np.float64)
    out = np.empty_like(ax)
    small = ax < 0.5
    big = ~small
    if small.any():
        t = ax[small] ** 2
        p = ((((1.857777061846031526730e-1 * t + 3.161123743870565596947e0) * t
               + 1.138641541510501556495e2) * t + 3.774852376853020208137e2) * t
             + 3.209377589138469472562e3)
        q = ((((t + 2.360129095234412093499e1) * t + 2.440246379344441733056e2) * t
              + 1.282616526077372275645e3) * t + 2.844236833439170622273e3)
        out[small] = ax[small] * p / q
    if big.any():
        out[big] = 1.0 - _erfc_big(ax[big])
    return (np.sign(x) * out).astype(x.dtype)


def _erfc_big(a):
    out = np.empty_like(a)
    mid = a <= 4.0
    if mid.any():
        y = a[mid]
        p = (((((((5.64188496988670089e-1 * y + 8.88314979438837594e0) * y
                  + 6.61191906371416295e1) * y + 2.98635138197400131e2) * y
                + 8.81952221241769090e2) * y + 1.71204761263407058e3) * y
              + 2.05107837782607147e3) * y + 1.23033935479799725e3)
        q = (((((((y + 1.57449261107098347e1) * y + 1.17693950891312499e2) * y
                 + 5.37181101862009858e2) * y + 1.62138957456669019e3) * y
               + 3.29079923573345963e3) * y + 4.36261909014324716e3) * y
             + 3.43936767414372164e3)
        out[mid] = np.exp(-y * y) * p / q
    far = ~mid
    if far.any():
        y = a[far]
        z = 1.0 / (y * y)
        p = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z
               + 3.60344899949804439e-1) * z + 1.25781726111229246e-1) * z
             + 1.60837851487422766e-2) * z + 6.58749161529837803e-4
        q = ((((z + 2.56852019228982242e0) * z + 1.87295284992346725e0) * z
              + 5.27905102951428412e-1) * z + 6.05183413124413191e-2) * z + 2.33520497626869185e-3
        r = z * p / q
        out[far] = np.exp(-y * y) / y * (1 / math.sqrt(math.pi) - r)
    return out


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
    return np.where(x > 0, SELU_SCALE, y + SELU_SCALE * SELU_ALPHA).astype(x.dtype, copy=False)


def _softplus(x):
    return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


def _d_softplus(x, y):
    return sigmoid_array(x)


def _softsign(x):
    return x / (1 + np.abs(x))


def _d_softsign(x, y):
    d = 1 + np.abs(x)
    return 1 / (d * d)


def _swish(x):
    return x * sigmoid_array(x)


def _d_swish(x, y):
    s = sigmoid_array(x)
    return s * (1 + x * (1 - s))


def _hard_sigmoid(x):
    return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


def _d_hard_sigmoid(x, y):
    return ((x > -3) & (x < 3)) / np.asarray(6, x.dtype)


def _hard_silu(x):
    return x * _hard_sigmoid(x)


def _d_hard_silu(x, y):
    return _hard_sigmoid(x) + x * _d_hard_sigmoid(x, None)


def _gelu(x):
    return (0.5 * x * (1 + _erf(x / _SQRT2))).astype(x.dtype, copy=False)


def _d_gelu(x, y):
    cdf = 0.5 * (1 + _erf(x / _SQRT2))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (cdf + x * pdf).astype(x.dtype, copy=False)


def _gelu_tanh(x):
    inner = _SQRT_2_PI * (x + 0.044715 * x ** 3)
    return (0.5 * x * (1 + np.tanh(inner))).astype(x.dtype, copy=False)


def _d_gelu_tanh(x, y):
    inner = _SQRT_2_PI * (x + 0.044715 * x ** 3)
    t = np.tanh(inner)
    dinner = _SQRT_2_PI * (1 + 3 * 0.044715 * x * x)
    return (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner).astype(x.dtype, copy=False)


def _mish(x):
    return x * np.tanh(_softplus(x))


def _d_mish(x, y):
    t = np.tanh(_softplus(x))
    return t + x * (1 - t * t) * sigmoid_array(x)


def _exponential(x):
    return np.exp(x)


def _d_exponential(x, y):
    return y


def _linear(x):
    return x


def _d_linear(x, y):
    return 1


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
}
# derivatives computable from the output alone: the fused dense keeps only y
FROM_OUTPUT = {"sigmoid", "tanh", "relu", "relu6", "exponential", "linear", "softmax"}


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


class LeakyRelu(Function):
    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        self.pos = x > 0
        return np.where(self.pos, x, self.alpha * x).astype(x.dtype, copy=False)

    def backward(self, g):
        return (np.where(self.pos, g, self.alpha * g).astype(g.dtype, copy=False),)


class ParamElu(Function):
    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        self.x = x
        self.y = _elu(x, self.alpha)
        return self.y

    def backward(self, g):
        return ((g * _d_elu(self.x, self.y, self.alpha)).astype(g.dtype, copy=False),)


def softmax_array(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax_array(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


class Softmax(Function):
    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        self.y = softmax_array(x, self.axis)
        return self.y

    def backward(self, g):
        y = self.y
        return (y * (g - np.sum(g * y, axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        self.y = log_softmax_array(x, self.axis)
        return self.y

    def backward(self, g):
        return (g - np.exp(self.y) * np.sum(g, axis=self.axis, keepdims=True),)


# -- the fused dense ------------------------------------------------------------------------
class Dense(Function):
    """``activation(x @ kernel + bias)`` as one node: one GEMM forward, two backward.

    ``x`` may have any rank >= 2; the kernel applies to the last axis (as Keras's Dense).
    ``activation`` is None or a name in :data:`FROM_OUTPUT` (softmax over the last axis).
    """

    def __init__(self, activation=None):
        self.activation = activation

    def forward(self, x, kernel, bias=None):
        self.x, self.kernel = x, kernel
        if x.ndim == 2:
            z = x @ kernel
        else:
            z = np.matmul(x.reshape(-1, x.shape[-1]), kernel).reshape(x.shape[:-1] + (-1,))
        if bias is not None:
            z += bias
        act = self.activation
        if act is None or act == "linear":
            y = z
        elif act == "softmax":
            y = softmax_array(z)
        else:
            y = ELEMENTWISE[act][0](z)
        self.y = y
        return y

    def backward(self, g):
        act = self.activation
        y = self.y
        if act is None or act == "linear":
            gz = g
        elif act == "sigmoid":
            gz = g * y * (1 - y)
        elif act == "relu":
            gz = g * (y > 0)
        elif act == "tanh":
            gz = g * (1 - y * y)
        elif act == "softmax":
            gz = y * (g - np.sum(g * y, axis=-1, keepdims=True))
        else:
            gz = g * ELEMENTWISE[act][1](None, y)
        x, kernel = self.x, self.kernel
        if x.ndim != 2:
            x = x.reshape(-1, x.shape[-1])
            gz = gz.reshape(-1, gz.shape[-1])
        needs = self.needs
        gx = None
        if needs[0]:
            gx = gz @ kernel.T
            if self.x.ndim != 2:
                gx = gx.reshape(self.x.shape)
        gk = x.T @ gz if needs[1] else None
        if len(needs) > 2:
            return gx, gk, (gz.sum(axis=0) if needs[2] else None)
        return gx, gk


def dense(x, kernel, bias=None, activation=None):
    """Fused ``activation(x @ kernel + bias)``; activation a name in FROM_OUTPUT or None."""
    x = operand(x)
    xs, ks = np.shape(data(x)), np.shape(data(kernel))
    if not xs or xs[-1] != ks[0]:
        raise ValueError(
            f"dense: input of shape {tuple(xs)} does not fit a kernel of shape {tuple(ks)}: "
            f"the input's last dimension must be {ks[0]}."
        )
    if activation is not None and activation not in FROM_OUTPUT:
        raise ValueError(
            f"dense: activation {activation!r} cannot be fused; expected one of "
            f"{sorted(FROM_OUTPUT)}. Apply it after a linear dense instead."
        )
    fn = Dense(activation)
    if bias is None:
        return fn(x, kernel)
    return fn(x, kernel, bias)


# -- fused cross-entropies (per sample: reduced over the last axis) -------------------------
class BinaryCrossentropy(Function):
    """Per-sample binary cross-entropy (mean over the last axis), probabilities or logits.

    Probabilities are clipped to [epsilon, 1 - epsilon] as Keras does; logits use the stable
    ``max(z, 0) - z * y + log(1 + exp(-|z|))``.
    """

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def forward(self, y, p):
        self.y, self.p = y, p
        n = p.shape[-1] if p.ndim else 1
        self.n = n
        if self.from_logits:
            loss = np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
        else:
            eps = config._EPSILON
            c = np.clip(p, eps, 1 - eps)
            self.c = c
            loss = -(y * np.log(c) + (1 - y) * np.log(1 - c))
        out = loss.mean(axis=-1) if p.ndim else loss
        return out.astype(p.dtype, copy=False)

    def backward(self, g):
        y, p = self.y, self.p
        gl = np.expand_dims(g, -1) / self.n if p.ndim else g
        if self.from_logits:
            gp = (sigmoid_array(p) - y) * gl
        else:
            eps = config._EPSILON
            c = self.c
            inside = (p > eps) & (p < 1 - eps)
            gp = ((c - y) / (c * (1 - c))) * inside * gl
        gy = None
        if self.needs[0]:
            gy = (-(np.log(self.c) - np.log(1 - self.c)) * gl if not self.from_logits
                  else -p * gl)
            gy = unbroadcast(gy.astype(y.dtype, copy=False), y.shape)
        return gy, unbroadcast(gp.astype(p.dtype, copy=False), p.shape)


class CategoricalCrossentropy(Function):
    """Per-sample categorical cross-entropy over ``axis``, probabilities or logits.

    Probabilities are renormalised to sum to one and clipped to [epsilon, 1 - epsilon], as
    Keras does.
    """

    def __init__(self, from_logits=False, axis=-1):
        self.from_logits, self.axis = from_logits, axis

    def forward(self, y, p):
        ax = self.axis
        self.y = y
        if self.from_logits:
            self.logp = log_softmax_array(p, ax)
            return -np.sum(y * self.logp, axis=ax)
        s = np.sum(p, axis=ax, keepdims=True)
        q = p / s
        eps = config._EPSILON
        c = np.clip(q, eps, 1 - eps)
        self.s, self.q, self.c = s, q, c
        return -np.sum(y * np.log(c), axis=ax)

    def backward(self, g):
        ax = self.axis
        y = self.y
        gk = np.expand_dims(g, ax)
        if self.from_logits:
            sm = np.exp(self.logp)
            gp = (sm * np.sum(y, axis=ax, keepdims=True) - y) * gk
            gy = -self.logp * gk if self.needs[0] else None
        else:
            eps = config._EPSILON
            inside = (self.q > eps) & (self.q < 1 - eps)
            dq = -(y / self.c) * inside * gk
            gp = (dq - np.sum(dq * self.q, axis=ax, keepdims=True)) / self.s
            gy = -np.log(self.c) * gk if self.needs[0] else None
        return gy, gp.astype(self.y.dtype if gy is not None else gp.dtype, copy=False)


class SparseCategoricalCrossentropy(Function):
    """Per-sample cross-entropy with integer labels, probabilities or logits (last axis)."""

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def forward(self, labels, p):
        k = p.shape[-1]
        lab = labels.astype(np.int64, copy=False)
        if lab.ndim == p.ndim and lab.shape[-1] == 1:
            lab = lab[..., 0]
        if lab.size and (lab.min() < 0 or lab.max() >= k):
            bad = lab[(lab < 0) | (lab >= k)]
            raise ValueError(
                f"sparse_categorical_crossentropy: labels must be integers in [0, {k}) for "
                f"{k} classes; received {bad.ravel()[:5].tolist()}. Check the number of units of "
                f"the last layer, or use categorical_crossentropy for one-hot labels."
            )
        self.lab = lab
        flat = p.reshape(-1, k)
        rows = np.arange(flat.shape[0])
        lf = lab.reshape(-1)
        if self.from_logits:
            logp = log_softmax_array(flat)
            self.logp = logp
            out = -logp[rows, lf]
        else:
            s = flat.sum(axis=1, keepdims=True)
            q = flat / s
            eps = config._EPSILON
            c = np.clip(q, eps, 1 - eps)
            self.s, self.q, self.c = s, q, c
            out = -np.log(c[rows, lf])
        self.rows, self.lf = rows, lf
        return out.reshape(lab.shape).astype(p.dtype, copy=False)

    def backward(self, g):
        gf = g.reshape(-1)
        rows, lf = self.rows, self.lf
        if self.from_logits:
            gp = np.exp(self.logp)
            gp[rows, lf] -= 1
            gp *= gf[:, None]
        else:
            eps = config._EPSILON
            q, c = self.q, self.c
            dq = np.zeros_like(q)
            ok = (q[rows, lf] > eps) & (q[rows, lf] < 1 - eps)
            dq[rows, lf] = -(1 / c[rows, lf]) * ok * gf
            gp = (dq - np.sum(dq * q, axis=1, keepdims=True)) / self.s
        shape = self.lab.shape + (gp.shape[-1],)
        return None, gp.reshape(shape)


# -- public functions -----------------------------------------------------------------------
def _act(kind):
    def fn(x, name=None):
        return Elementwise(kind)(operand(x))

    fn.__name__ = kind
    fn.__doc__ = f"Elementwise {kind} activation, differentiable."
    return fn


sigmoid = _act("sigmoid")
tanh = _act("tanh")
relu = _act("relu")
relu6 = _act("relu6")
selu = _act("selu")
softplus = _act("softplus")
softsign = _act("softsign")
silu = _act("silu")
swish = _act("swish")
hard_sigmoid = _act("hard_sigmoid")
hard_silu = _act("hard_silu")
hard_swish = hard_silu
mish = _act("mish")
exponential = _act("exponential")


def linear(x, name=None):
    return operand(x)


def elu(x, alpha=1.0, name=None):
    if alpha == 1.0:
        return Elementwise("elu")(operand(x))
    return ParamElu(alpha)(operand(x))


def leaky_relu(features, alpha=0.2, name=None, negative_slope=None):
    if negative_slope is not None:
        alpha = negative_slope
    return LeakyRelu(alpha)(operand(features))


def gelu(features, approximate=False, name=None):
    return Elementwise("gelu_tanh" if approximate else "gelu")(operand(features))


def softmax(logits, axis=-1, name=None):
    x = operand(logits)
    return Softmax(norm_axis(axis, np.ndim(data(x))))(x)


def log_softmax(logits, axis=-1, name=None):
    x = operand(logits)
    return LogSoftmax(norm_axis(axis, np.ndim(data(x))))(x)


def _labels_like(labels, logits):
    lab = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    dt = data(logits).dtype
    return lab.astype(dt, copy=False)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise sigmoid cross-entropy of ``logits`` (as ``tf.nn``): no reduction."""
    z = operand(logits)
    y = labels if isinstance(labels, Tensor) else _labels_like(labels, z)
    return _bce_elementwise(y, z)


def _bce_elementwise(y, z):
    from featherflow.ops.shape import expand_dims, squeeze

    zz = expand_dims(z, -1)
    yy = expand_dims(y, -1) if isinstance(y, Tensor) else np.expand_dims(y, -1)
    return squeeze(BinaryCrossentropy(from_logits=True)(yy, zz), -1)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    z = operand(logits)
    y = labels if isinstance(labels, Tensor) else _labels_like(labels, z)
    return CategoricalCrossentropy(from_logits=True, axis=norm_axis(axis, np.ndim(data(z))))(
        y, z)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    z = operand(logits)
    lab = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    return SparseCategoricalCrossentropy(from_logits=True)(lab, z)


def binary_crossentropy(target, output, from_logits=False):
    """Per-sample binary cross-entropy (mean over the last axis), Keras semantics."""
    p = operand(output)
    y = target if isinstance(target, Tensor) else _labels_like(target, p)
    return BinaryCrossentropy(from_logits)(y, p)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    p = operand(output)
    y = target if isinstance(target, Tensor) else _labels_like(target, p)
    return CategoricalCrossentropy(from_logits, norm_axis(axis, np.ndim(data(p))))(y, p)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    p = operand(output)
    lab = target.data if isinstance(target, Tensor) else np.asarray(target)
    if lab.dtype.kind == "f":
        if not np.all(np.isfinite(lab)) or np.any(lab != np.round(lab)):
            raise ValueError(
                "sparse_categorical_crossentropy: labels must be whole numbers (class indices); "
                "received non-integer values. For one-hot labels use categorical_crossentropy."
            )
    return SparseCategoricalCrossentropy(from_logits)(lab, p)


def moments(x, axes, shift=None, keepdims=False, name=None):
    from featherflow.ops import math as M

    mean = M.reduce_mean(x, axis=axes, keepdims=True)
    var = M.reduce_mean(M.square(M.subtract(x, M.stop_gradient(mean))), axis=axes,
                        keepdims=True)
    if not keepdims:
        from featherflow.ops.shape import squeeze

        mean = squeeze(mean, axes)
        var = squeeze(var, axes)
    return mean, var


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    from featherflow.ops import math as M
    from featherflow.utils import random as R

    x = operand(x)
    shape = np.shape(data(x)) if noise_shape is None else tuple(noise_shape)
    keep = (R.generator(seed).random(shape) >= rate).astype(data(x).dtype) / (1 - rate)
    return M.multiply(x, keep)
