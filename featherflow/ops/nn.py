"""Activations, softmax, the fused dense layer and the fused cross-entropies."""

import math

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.ops._convert import data, float_operand, norm_axis, operand
from featherflow.ops.math import erf_array

_SQRT2 = math.sqrt(2.0)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# exp(-x) overflows below these; sigmoid is below the smallest normal number there anyway
_LOW = {2: -11.0, 4: -88.0, 8: -708.0}


def _consts(dtype):
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
    low, one = _consts(x.dtype)
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
    return (0.5 * x * (1 + erf_array(x / _SQRT2))).astype(x.dtype, copy=False)


def _d_gelu(x, y):
    cdf = 0.5 * (1 + erf_array(x / _SQRT2))
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

    ``x`` may have any rank >= 1; the kernel applies to the last axis (as Keras's Dense).
    ``activation`` is None or a name in :data:`FUSABLE` (softmax over the last axis); for
    those outside :data:`FROM_OUTPUT` the pre-activation is kept for the backward.

    Example::

        >>> y = Dense("relu")(x, kernel, bias)   # or ops.nn.dense(x, kernel, bias, "relu")
    """

    def __init__(self, activation=None):
        self.activation = None if activation == "linear" else activation

    def forward(self, x, kernel, bias=None):
        self.x, self.kernel = x, kernel
        if x.ndim == 2:
            z = x @ kernel
        else:
            z = (x.reshape(-1, x.shape[-1]) @ kernel).reshape(x.shape[:-1] + kernel.shape[1:])
        if bias is not None:
            z += bias
        act = self.activation
        if act is None:
            y = z
        elif act == "softmax":
            y = softmax_array(z)
        else:
            y = ELEMENTWISE[act][0](z)
            if act not in FROM_OUTPUT:
                self.z = z
        self.y = y
        return y

    def backward(self, g):
        act = self.activation
        y = self.y
        if act is None:
            gz = g
        elif act == "sigmoid":
            gz = np.subtract(_consts(y.dtype)[1], y)
            gz *= y
            gz *= g
        elif act == "relu":
            gz = g * (y > 0)
        elif act == "tanh":
            gz = g * (1 - y * y)
        elif act == "softmax":
            gz = y * (g - np.add.reduce(g * y, axis=-1, keepdims=True))
        elif act in FROM_OUTPUT:
            gz = g * ELEMENTWISE[act][1](None, y)
        else:
            gz = g * ELEMENTWISE[act][1](self.z, y)
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
            return gx, gk, (np.add.reduce(gz, axis=0) if needs[2] else None)
        return gx, gk


def dense(x, kernel, bias=None, activation=None):
    """Fused ``activation(x @ kernel + bias)`` as one tape node.

    ``activation`` is None or a name in :data:`FUSABLE`. Integer or float64 inputs take the
    kernel's dtype.
    """
    k = operand(kernel)
    kd = data(k)
    if kd.ndim != 2:
        raise ValueError(f"dense: the kernel must be 2-D (in, units), received shape {kd.shape}.")
    x = operand(x)
    xd = data(x)
    if xd.dtype != kd.dtype and kd.dtype.kind == "f" and not isinstance(x, Tensor):
        x = xd.astype(kd.dtype)
    elif xd.dtype.kind != "f" and kd.dtype.kind == "f":
        x = Tensor(xd.astype(kd.dtype))
    xs = np.shape(data(x))
    if not xs or xs[-1] != kd.shape[0]:
        raise ValueError(
            f"dense: input of shape {tuple(xs)} does not fit a kernel of shape {kd.shape}: "
            f"the input's last dimension must be {kd.shape[0]}."
        )
    if activation is not None and activation not in FUSABLE:
        raise ValueError(
            f"dense: unknown activation {activation!r}; expected None or one of "
            f"{sorted(FUSABLE)}. Apply other activations after a linear dense."
        )
    fn = Dense(activation)
    if bias is None:
        return fn(x, k)
    b = operand(bias)
    if np.shape(data(b)) != (kd.shape[1],):
        raise ValueError(
            f"dense: the bias must have shape ({kd.shape[1]},) to match the kernel "
            f"{kd.shape}, received {tuple(np.shape(data(b)))}."
        )
    return fn(x, k, b)


def bias_add(value, bias, data_format=None, name=None):
    """``value + bias`` over the channel axis (last, or 1 for "NC..." formats)."""
    from featherflow.ops import math as M
    from featherflow.ops import shape as S

    x = operand(value)
    if data_format is not None and str(data_format).upper().startswith("NC"):
        nd = np.ndim(data(x))
        b = S.reshape(operand(bias), (-1,) + (1,) * (nd - 2))
        return M.add(x, b)
    return M.add(x, bias)


# -- fused cross-entropies (per sample: reduced over the last axis) -------------------------
def _clip_eps(p):
    eps = config._EPSILON
    return np.minimum(np.maximum(p, eps), 1 - eps)


class BinaryCrossentropy(Function):
    """Per-sample binary cross-entropy (mean over the last axis), probabilities or logits.

    Probabilities are clipped to [epsilon, 1 - epsilon] as Keras does (gradient 0 outside);
    logits use the stable ``max(z, 0) - z * y + log(1 + exp(-|z|))``.
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
            c = _clip_eps(p)
            self.c = c
            loss = -(y * np.log(c) + (1 - y) * np.log(1 - c))
        if not p.ndim:
            return loss
        if n == 1:
            return loss.reshape(loss.shape[:-1])
        return np.add.reduce(loss, axis=-1) / n

    def backward(self, g):
        y, p = self.y, self.p
        if p.ndim:
            gl = g.reshape(g.shape + (1,))
            if self.n != 1:
                gl = gl / self.n
        else:
            gl = g
        gp = gy = None
        if self.from_logits:
            if self.needs[1]:
                gp = (sigmoid_array(p) - y) * gl
            if self.needs[0]:
                gy = -p * gl
        else:
            c = self.c
            if self.needs[1]:
                # the clip passes the gradient only where it left p unchanged
                gp = (c - y) / (c * (1 - c)) * (c == p) * gl
            if self.needs[0]:
                gy = (np.log(1 - c) - np.log(c)) * gl
        if gp is not None:
            gp = unbroadcast(gp, p.shape)
        if gy is not None:
            gy = unbroadcast(gy, y.shape)
        return gy, gp


class CategoricalCrossentropy(Function):
    """Per-sample categorical cross-entropy over ``axis``, probabilities or logits.

    Probabilities are renormalised to sum to one and clipped to [epsilon, 1 - epsilon], as
    Keras does; logits go through a stable log-softmax.
    """

    def __init__(self, from_logits=False, axis=-1):
        self.from_logits, self.axis = from_logits, axis

    def forward(self, y, p):
        ax = self.axis
        self.y = y
        if self.from_logits:
            self.logp = log_softmax_array(p, ax)
            return -np.add.reduce(y * self.logp, axis=ax)
        s = np.add.reduce(p, axis=ax, keepdims=True)
        q = p / s
        c = _clip_eps(q)
        self.s, self.q, self.c = s, q, c
        return -np.add.reduce(y * np.log(c), axis=ax)

    def backward(self, g):
        ax = self.axis
        y = self.y
        gk = np.expand_dims(g, ax)
        gp = gy = None
        if self.from_logits:
            if self.needs[1]:
                sm = np.exp(self.logp)
                gp = (sm * np.add.reduce(y, axis=ax, keepdims=True) - y) * gk
            if self.needs[0]:
                gy = -self.logp * gk
        else:
            if self.needs[1]:
                eps = config._EPSILON
                inside = (self.q >= eps) & (self.q <= 1 - eps)
                dq = -(y / self.c) * inside * gk
                gp = (dq - np.add.reduce(dq * self.q, axis=ax, keepdims=True)) / self.s
            if self.needs[0]:
                gy = -np.log(self.c) * gk
        if gy is not None:
            gy = unbroadcast(gy, y.shape)
        return gy, gp


class SparseCategoricalCrossentropy(Function):
    """Per-sample cross-entropy with integer labels, probabilities or logits (last axis)."""

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def forward(self, labels, p):
        k = p.shape[-1]
        lab = labels.astype(np.int64, copy=False)
        if lab.ndim == p.ndim and lab.shape[-1] == 1:
            lab = lab[..., 0]
        if lab.shape != p.shape[:-1]:
            raise ValueError(
                f"sparse_categorical_crossentropy: labels of shape {labels.shape} do not match "
                f"predictions of shape {p.shape}; expected labels of shape {p.shape[:-1]} "
                f"(or {p.shape[:-1] + (1,)})."
            )
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
            s = np.add.reduce(flat, axis=1, keepdims=True)
            q = flat / s
            c = _clip_eps(q)
            self.s, self.q, self.c = s, q, c
            out = -np.log(c[rows, lf])
        self.rows, self.lf = rows, lf
        return out.reshape(lab.shape)

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
            picked = q[rows, lf]
            ok = (picked >= eps) & (picked <= 1 - eps)
            dq[rows, lf] = -(1 / c[rows, lf]) * ok * gf
            gp = (dq - np.add.reduce(dq * q, axis=1, keepdims=True)) / self.s
        return None, gp.reshape(self.lab.shape + (gp.shape[-1],))


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
silu = _act("silu")
swish = _act("swish")
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


def softmax(logits, axis=-1, name=None):
    """Softmax over ``axis``, computed stably (the maximum is subtracted first)."""
    x = float_operand(logits)
    return Softmax(norm_axis(axis, np.ndim(data(x))))(x)


def log_softmax(logits, axis=-1, name=None):
    """Log-softmax over ``axis``, computed stably."""
    x = float_operand(logits)
    return LogSoftmax(norm_axis(axis, np.ndim(data(x))))(x)


def _labels_like(labels, logits):
    """Labels in the predictions' float type (a Tensor through a cast, which keeps the tape)."""
    dt = data(logits).dtype
    if isinstance(labels, Tensor):
        if labels.data.dtype == dt:
            return labels
        from featherflow.ops.math import cast

        return cast(labels, dt)
    return np.asarray(labels).astype(dt, copy=False)


def _check_same_shape(op, y, p):
    ys, ps = np.shape(data(y)), np.shape(data(p))
    if ys == ps:
        return
    try:
        np.broadcast_shapes(ys, ps)
    except ValueError:
        raise ValueError(
            f"{op}: labels of shape {tuple(ys)} and predictions of shape {tuple(ps)} are "
            f"incompatible; they must have the same shape."
        ) from None


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise sigmoid cross-entropy of ``logits`` (as ``tf.nn``): no reduction."""
    from featherflow.ops.shape import expand_dims

    z = float_operand(logits)
    y = _labels_like(labels, z)
    _check_same_shape("sigmoid_cross_entropy_with_logits", y, z)
    # a trailing axis of size 1: the per-sample mean over it is the elementwise loss
    yy = expand_dims(y, -1) if isinstance(y, Tensor) else y[..., None]
    return BinaryCrossentropy(from_logits=True)(yy, expand_dims(z, -1))


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy with the positive term weighted by ``pos_weight``."""
    from featherflow.ops import math as M

    z = float_operand(logits)
    y = _labels_like(labels, z)
    # (1 - y) * z + (1 + (w - 1) * y) * log(1 + exp(-z)), with log(1 + exp(-z)) = softplus(-z)
    lw = M.add(1.0, M.multiply(M.subtract(pos_weight, 1.0), y))
    return M.add(M.multiply(M.subtract(1.0, y), z), M.multiply(lw, softplus(M.negative(z))))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Cross-entropy between label distributions and ``softmax(logits)`` (no reduction)."""
    z = float_operand(logits)
    y = _labels_like(labels, z)
    _check_same_shape("softmax_cross_entropy_with_logits", y, z)
    return CategoricalCrossentropy(from_logits=True, axis=norm_axis(axis, np.ndim(data(z))))(
        y, z)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Cross-entropy of integer class ``labels`` against ``softmax(logits)``."""
    z = float_operand(logits)
    lab = np.asarray(data(labels))
    return SparseCategoricalCrossentropy(from_logits=True)(lab, z)


def binary_crossentropy(target, output, from_logits=False):
    """Per-sample binary cross-entropy (mean over the last axis), Keras semantics."""
    p = float_operand(output)
    y = _labels_like(target, p)
    _check_same_shape("binary_crossentropy", y, p)
    return BinaryCrossentropy(from_logits)(y, p)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample categorical cross-entropy over ``axis``, Keras semantics."""
    p = float_operand(output)
    y = _labels_like(target, p)
    _check_same_shape("categorical_crossentropy", y, p)
    return CategoricalCrossentropy(from_logits, norm_axis(axis, np.ndim(data(p))))(y, p)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Per-sample cross-entropy of integer labels over the last axis, Keras semantics."""
    p = float_operand(output)
    if norm_axis(axis, np.ndim(data(p))) != np.ndim(data(p)) - 1:
        raise ValueError(
            f"sparse_categorical_crossentropy: only axis=-1 (the last axis) is supported, "
            f"received axis={axis}. Move the class axis last with tf.transpose first."
        )
    lab = np.asarray(data(target))
    if lab.dtype.kind == "f":
        if not np.all(np.isfinite(lab)) or np.any(lab != np.round(lab)):
            raise ValueError(
                "sparse_categorical_crossentropy: labels must be whole numbers (class indices); "
                "received non-integer values. For one-hot labels use categorical_crossentropy."
            )
    return SparseCategoricalCrossentropy(from_logits)(lab, p)


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2`` (``tf.nn.l2_loss``)."""
    from featherflow.ops import math as M

    return M.multiply(M.reduce_sum(M.square(float_operand(t))), 0.5)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` at ``ids`` (``tf.nn.embedding_lookup``)."""
    from featherflow.ops.shape import gather

    return gather(params, ids)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance over ``axes``; the variance does not backprop into the mean, as TF."""
    from featherflow.ops import math as M

    x = float_operand(x)
    mean = M.reduce_mean(x, axis=axes, keepdims=True)
    var = M.reduce_mean(M.square(M.subtract(x, M.stop_gradient(mean))), axis=axes,
                        keepdims=True)
    if not keepdims:
        from featherflow.ops.shape import squeeze

        mean = squeeze(mean, axes)
        var = squeeze(var, axes)
    return mean, var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``(x - mean) / sqrt(variance + eps) * scale + offset`` (``tf.nn.batch_normalization``)."""
    from featherflow.ops import math as M

    inv = M.rsqrt(M.add(variance, variance_epsilon))
    if scale is not None:
        inv = M.multiply(inv, scale)
    out = M.multiply(M.subtract(float_operand(x), mean), inv)
    return out if offset is None else M.add(out, offset)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    from featherflow.ops import math as M
    from featherflow.utils import random as R

    x = float_operand(x)
    rate = float(data(rate))
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), received {rate}.")
    shape = np.shape(data(x)) if noise_shape is None else tuple(int(v) for v in noise_shape)
    keep = (R.generator(seed).random(shape) >= rate).astype(data(x).dtype) / (1 - rate)
    return M.multiply(x, keep)
