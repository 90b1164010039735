"""Fused cross-entropies (binary, categorical, sparse), per sample: reduced over the last axis."""

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.ops._convert import data, float_operand, norm_axis
from featherflow.ops.activations import sigmoid_array, softplus
from featherflow.ops.math import add, cast, multiply, negative, subtract
from featherflow.ops.reshape import expand_dims
from featherflow.ops.softmax import log_softmax_array


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


def _labels_like(labels, logits):
    """Labels in the predictions' float type (a Tensor through a cast, which keeps the tape)."""
    dt = data(logits).dtype
    if isinstance(labels, Tensor):
        if labels.data.dtype == dt:
            return labels
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
    z = float_operand(logits)
    y = _labels_like(labels, z)
    _check_same_shape("sigmoid_cross_entropy_with_logits", y, z)
    # a trailing axis of size 1: the per-sample mean over it is the elementwise loss
    yy = expand_dims(y, -1) if isinstance(y, Tensor) else y[..., None]
    return BinaryCrossentropy(from_logits=True)(yy, expand_dims(z, -1))


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy with the positive term weighted by ``pos_weight``."""
    z = float_operand(logits)
    y = _labels_like(labels, z)
    # (1 - y) * z + (1 + (w - 1) * y) * log(1 + exp(-z)), with log(1 + exp(-z)) = softplus(-z)
    lw = add(1.0, multiply(subtract(pos_weight, 1.0), y))
    return add(multiply(subtract(1.0, y), z), multiply(lw, softplus(negative(z))))


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
