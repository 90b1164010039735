"""Fused loss primitives for the training hot path: one tape node per loss call.

``fit`` calls the loss every step on small batches, where NumPy's per-call cost dominates;
these primitives compute the batch mean (forward) and its gradient (backward) with a handful of
ufunc calls and no intermediate Tensors. Semantics are Keras's: probabilities are clipped to
``[epsilon, 1 - epsilon]`` with no gradient where the clip binds, as TensorFlow's clip does.
"""

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.backend import config
from featherflow.ops.activations import sigmoid
from featherflow.ops.math import clip_by_value, log
from featherflow.ops.reshape import expand_dims
from featherflow.ops.unbroadcast import unbroadcast_tensor


class MeanSquaredErrorPerSample(Function):
    """``mean((y_pred - y_true)^2, axis=-1)``; ``y_true`` may broadcast against ``y_pred``."""

    def forward(self, y, p):
        d = p - y
        self.d = d
        self.sy, self.sp = y.shape, p.shape
        n = d.shape[-1] if d.ndim else 1
        self.n = n
        if not d.ndim:
            return d * d
        return (np.add.reduce(d * d, axis=-1) / n).astype(d.dtype, copy=False)

    def backward(self, g):
        d = self.d
        gd = d * ((2.0 / self.n) * (np.expand_dims(g, -1) if d.ndim else g))
        gd = gd.astype(d.dtype, copy=False)
        gy = unbroadcast(-gd, self.sy) if self.needs[0] else None
        gp = unbroadcast(gd, self.sp) if self.needs[1] else None
        return gy, gp

    def backward_tensors(self, g):
        y, p = self.inputs
        gd = (p - y) * ((expand_dims(g, -1) if self.d.ndim else g) * (2.0 / self.n))
        gy = unbroadcast_tensor(-gd, self.sy) if self.needs[0] else None
        gp = unbroadcast_tensor(gd, self.sp) if self.needs[1] else None
        return gy, gp


def _constants(dtype):
    """0-d arrays of ``dtype`` for epsilon, 1 - epsilon and 1.

    Ufuncs take a 0-d array operand noticeably faster than a Python float, which matters for
    the small batches of the per-step path; cached per dtype and epsilon.
    """
    key = (dtype, config._EPSILON)
    consts = _CONSTANTS.get(key)
    if consts is None:
        eps = config._EPSILON
        consts = _CONSTANTS[key] = (np.asarray(eps, dtype), np.asarray(1.0 - eps, dtype),
                                    np.asarray(1.0, dtype))
    return consts


_CONSTANTS = {}


class MeanSquaredErrorMean(Function):
    """Mean of ``(y_pred - y_true)^2`` over every element (same shapes): a scalar."""

    def forward(self, y, p):
        d = np.subtract(p, y)
        self.d = d
        self.size = d.size
        return np.asarray(np.vdot(d, d) / d.size, dtype=d.dtype)

    def backward(self, g):
        gd = self.d * np.asarray(float(g) * 2.0 / self.size, self.d.dtype)
        return (-gd if self.needs[0] else None), gd

    def backward_tensors(self, g):
        y, p = self.inputs
        gd = (p - y) * (g * (2.0 / self.size))
        return (-gd if self.needs[0] else None), gd


class BinaryCrossentropyMean(Function):
    """Mean binary cross-entropy over every element (same shapes): a scalar.

    Equal to Keras's per-sample mean over the last axis followed by the mean over samples.
    """

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def forward(self, y, p):
        self.y, self.p = y, p
        self.size = p.size
        if self.from_logits:
            # max(z, 0) - z * y + log(1 + exp(-|z|)): no overflow for any z.
            loss = np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
            return np.asarray(np.add.reduce(loss, axis=None) / self.size, dtype=p.dtype)
        eps, top, one = _constants(p.dtype)
        c = np.minimum(np.maximum(p, eps), top)
        omc = np.subtract(one, c)
        self.c, self.omc = c, omc
        # sum(y * log(c) + (1 - y) * log(1 - c)) as two dot products.
        total = np.vdot(y, np.log(c)) + np.vdot(np.subtract(one, y), np.log(omc))
        return np.asarray(-total / self.size, dtype=p.dtype)

    def backward(self, g):
        scale = float(g) / self.size
        y, p = self.y, self.p
        if self.from_logits:
            s = 1.0 / (1.0 + np.exp(-np.maximum(p, -88.0 if p.dtype.itemsize <= 4 else -708.0)))
            gp = (s - y) * scale
            gy = (p * -scale) if self.needs[0] else None
            return gy, gp.astype(p.dtype, copy=False)
        c, omc = self.c, self.omc
        # c == p exactly where the clip did not bind: there the gradient passes (inclusive).
        gp = (c - y) / (c * omc) * (c == p)
        gp *= np.asarray(scale, p.dtype)
        gy = None
        if self.needs[0]:
            gy = ((np.log(c) - np.log(omc)) * -scale).astype(y.dtype, copy=False)
        return gy, gp

    def backward_tensors(self, g):
        y, p = self.inputs
        scale = g * (1.0 / self.size)
        if self.from_logits:
            return (-p * scale if self.needs[0] else None), (sigmoid(p) - y) * scale
        eps, top, _ = _constants(self.p.dtype)
        c = clip_by_value(p, eps, top)
        gp = (c - y) / (c * (1 - c)) * (self.c == self.p) * scale
        gy = (log(c) - log(1 - c)) * -scale if self.needs[0] else None
        return gy, gp
