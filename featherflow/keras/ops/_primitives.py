"""Differentiable primitives ``keras.ops`` needs that featherflow's TF-style ops lack.

Elementwise functions are described by a forward and a derivative (``elementwise``); the rest
(cumulative products, scatter-add gathers, matrix inverse/determinant/solve) are written out.
"""

import math

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor
from featherflow.ops.math import erf_array


class _Elementwise(Function):
    def __init__(self, forward_fn, derivative):
        self.forward_fn, self.derivative = forward_fn, derivative

    def forward(self, x):
        self.x = x
        self.y = self.forward_fn(x)
        return self.y

    def backward(self, g):
        return (g * self.derivative(self.x, self.y),)


class _Elementwise2(Function):
    def __init__(self, forward_fn, d_first, d_second):
        self.forward_fn, self.d_first, self.d_second = forward_fn, d_first, d_second

    def forward(self, a, b):
        self.a, self.b = a, b
        self.y = self.forward_fn(a, b)
        return self.y

    def backward(self, g):
        ga = gb = None
        if self.needs[0]:
            ga = unbroadcast(g * self.d_first(self.a, self.b, self.y), np.shape(self.a))
        if self.needs[1]:
            gb = unbroadcast(g * self.d_second(self.a, self.b, self.y), np.shape(self.b))
        return ga, gb


def elementwise(forward_fn, derivative):
    """A differentiable unary op from NumPy ``forward_fn(x)`` and ``derivative(x, y)``."""
    return lambda x: _Elementwise(forward_fn, derivative)(x)


def elementwise2(forward_fn, d_first, d_second):
    """A differentiable broadcasting binary op; derivatives take ``(a, b, y)``."""
    return lambda a, b: _Elementwise2(forward_fn, d_first, d_second)(a, b)


def erfinv_array(y):
    """Inverse error function (NumPy has none): Giles' single-precision approximation,
    refined by two Newton steps on erf in float64."""
    y = np.asarray(y)
    z = y.astype(np.float64)
    w = -np.log(np.maximum((1.0 - z) * (1.0 + z), 1e-300))
    small = w < 5.0
    ws = w - 2.5
    p = np.full_like(ws, 2.81022636e-08)
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        p = c + p * ws
    wl = np.sqrt(np.maximum(w, 0.0)) - 3.0
    q = np.full_like(wl, -0.000200214257)
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        q = c + q * wl
    x = np.where(small, p, q) * z
    for _ in range(2):
        err = erf_array(x) - z
        x = x - err / (2.0 / math.sqrt(math.pi) * np.exp(-x * x))
    x = np.where(np.abs(z) == 1.0, np.copysign(np.inf, z), x)
    x = np.where(np.abs(z) > 1.0, np.nan, x)
    return x.astype(y.dtype if y.dtype.kind == "f" else np.float64)


class CumProd(Function):
    # TF's gradient of a complex cumprod is this backward unconjugated (cumsum(y g) / x)
    conjugate_complex = False

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        self.x = x
        self.y = np.cumprod(x, axis=self.axis)
        return self.y

    def backward(self, g):
        # d/dx_k sum_i g_i prod_{j<=i} x_j = sum_{i>=k} g_i y_i / x_k, written without the
        # division (zeros in x) as a product of exclusive prefix and suffix terms
        x, axis = self.x, self.axis
        if np.all(x != 0):
            gy = np.flip(np.cumsum(np.flip(g * self.y, axis), axis), axis)
            return (gy / x,)
        n = x.shape[axis]
        out = np.zeros_like(x)
        moved_x = np.moveaxis(x, axis, 0)
        moved_g = np.moveaxis(g, axis, 0)
        moved_out = np.moveaxis(out, axis, 0)
        prefix = np.ones_like(moved_x[0])
        for k in range(n):
            # sum_{i>=k} g_i * prod_{j<=i, j!=k} x_j
            acc = np.zeros_like(prefix)
            run = prefix.copy()
            for i in range(k, n):
                if i > k:
                    run = run * moved_x[i]
                acc = acc + moved_g[i] * run
            moved_out[k] = acc
            prefix = prefix * moved_x[k]
        return (out,)


class GatherAdd(Function):
    """``np.take_along_axis`` / fancy gathers whose gradient adds repeated indices up."""

    def __init__(self, take):
        self.take = take  # (array) -> (values, index tuple into the array)

    def forward(self, x):
        self.shape, self.dtype = x.shape, x.dtype
        values, self.index = self.take(x)
        return values

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        np.add.at(out, self.index, g)
        return (out,)


class Inverse(Function):
    def forward(self, a):
        self.inv = np.linalg.inv(a)
        return self.inv

    def backward(self, g):
        t = np.swapaxes(self.inv, -1, -2)
        return (-(t @ g @ t),)


class Det(Function):
    def forward(self, a):
        self.a = a
        self.det = np.linalg.det(a)
        return self.det

    def backward(self, g):
        # d det / dA = det * A^-T (the adjugate where A is singular is not handled: a
        # singular A gives inf/nan as in TensorFlow)
        inv_t = np.swapaxes(np.linalg.inv(self.a), -1, -2)
        return ((g * self.det)[..., None, None] * inv_t,)


class LogAbsDet(Function):
    def forward(self, a):
        self.a = a
        sign, logabs = np.linalg.slogdet(a)
        return logabs.astype(a.dtype)

    def backward(self, g):
        inv_t = np.swapaxes(np.linalg.inv(self.a), -1, -2)
        return (g[..., None, None] * inv_t,)


class Solve(Function):
    def forward(self, a, b):
        self.a = a
        self.vector = b.ndim == a.ndim - 1
        rhs = b[..., None] if self.vector else b
        self.x = np.linalg.solve(a, rhs)
        return self.x[..., 0] if self.vector else self.x

    def backward(self, g):
        g = g[..., None] if self.vector else g
        gb = np.linalg.solve(np.swapaxes(self.a, -1, -2), g)
        ga = -gb @ np.swapaxes(self.x, -1, -2)
        return ga, (gb[..., 0] if self.vector else gb)


def tensor(x):
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))
