"""The parametric relu, ``x`` where positive and ``alpha * x`` elsewhere, as one primitive.

``alpha`` broadcasts against ``x`` (PReLU shares it along some axes); its gradient is summed
back to its own shape. At ``x == 0`` both slopes are 0, as Keras's ``relu(x) - alpha *
relu(-x)`` gives with TF's relu gradient.
"""

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.ops import math as math_ops
from featherflow.ops._convert import float_operand, operand
from featherflow.ops.unbroadcast import unbroadcast_tensor


class PRelu(Function):
    def forward(self, x, alpha):
        self.x = x
        self.alpha = alpha
        return np.where(x > 0, x, alpha * x).astype(x.dtype, copy=False)

    def backward(self, g):
        x = self.x
        dx = dalpha = None
        if self.needs[0]:
            slope = np.where(x > 0, 1, np.where(x < 0, self.alpha, 0)).astype(x.dtype)
            dx = unbroadcast(g * slope, x.shape)
        if self.needs[1]:
            alpha = np.asarray(self.alpha)
            dalpha = unbroadcast(g * np.minimum(x, 0), alpha.shape).astype(alpha.dtype,
                                                                            copy=False)
        return dx, dalpha

    def backward_tensors(self, g):
        x, alpha = self.inputs
        dx = dalpha = None
        if self.needs[0]:
            xd = self.x
            dx = unbroadcast_tensor(math_ops.where(
                xd > 0, g, math_ops.where(xd < 0, g * alpha, np.zeros((), xd.dtype))), xd.shape)
        if self.needs[1]:
            dalpha = unbroadcast_tensor(g * math_ops.minimum(x, np.zeros((), self.x.dtype)),
                                        np.shape(self.alpha))
        return dx, dalpha


def prelu(x, alpha):
    """``x`` where ``x > 0``, ``alpha * x`` elsewhere; ``alpha`` broadcasts against ``x``.

    Example::

        >>> prelu([-2.0, 3.0], [0.25, 0.25]).numpy()
        array([-0.5,  3. ], dtype=float32)
    """
    x = float_operand(x)
    alpha = operand(alpha)
    return PRelu()(x, alpha)
