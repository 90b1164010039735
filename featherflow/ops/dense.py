"""The fused dense primitive ``activation(x @ kernel + bias)``, and ``bias_add``."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, operand
from featherflow.ops.activations import (
    ELEMENTWISE,
    FROM_OUTPUT,
    FUSABLE,
    dtype_consts,
    slope_tensor,
)
from featherflow.ops.linalg import matmul
from featherflow.ops.math import add
from featherflow.ops.reduce import reduce_sum
from featherflow.ops.reshape import reshape
from featherflow.ops.softmax import softmax, softmax_array


# -- the fused dense ------------------------------------------------------------------------
class Dense(Function):
    """``activation(x @ kernel + bias)`` as one node: one GEMM forward, two backward.

    ``x`` may have any rank >= 1; the kernel applies to the last axis (as Keras's Dense).
    ``activation`` is None or a name in :data:`FUSABLE` (softmax over the last axis); for
    those outside :data:`FROM_OUTPUT` the pre-activation is kept for the backward.

    Example::

        >>> y = Dense("relu")(x, kernel, bias)   # or ops.dense.dense(x, kernel, bias, "relu")
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
            gz = np.subtract(dtype_consts(y.dtype)[1], y)
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

    def backward_tensors(self, g):
        x, kernel = self.inputs[0], self.inputs[1]
        bias = self.inputs[2] if len(self.inputs) > 2 else None
        if self.x.ndim != 2:
            x = reshape(x, (-1, self.x.shape[-1]))
            g = reshape(g, (-1, g.data.shape[-1]))
        # the pre-activation again, now from recorded ops, for the activation's slope
        z = matmul(x, kernel)
        if bias is not None:
            z = z + bias
        act = self.activation
        if act is None:
            gz = g
        elif act == "softmax":
            y = softmax(z)
            gz = y * (g - reduce_sum(g * y, axis=-1, keepdims=True))
        else:
            slope = slope_tensor(act, z)
            if slope is None:
                return None
            gz = g * slope
        needs = self.needs
        gx = None
        if needs[0]:
            gx = matmul(gz, kernel, transpose_b=True)
            if self.x.ndim != 2:
                gx = reshape(gx, self.x.shape)
        gk = matmul(x, gz, transpose_a=True) if needs[1] else None
        if len(needs) > 2:
            return gx, gk, (reduce_sum(gz, axis=0) if needs[2] else None)
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
    from featherflow.ops import reshape as reshape_ops

    x = operand(value)
    if data_format is not None and str(data_format).upper().startswith("NC"):
        nd = np.ndim(data(x))
        b = reshape_ops.reshape(operand(bias), (-1,) + (1,) * (nd - 2))
        return add(x, b)
    return add(x, bias)
