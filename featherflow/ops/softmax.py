"""Softmax and log-softmax over one axis, as primitives with their own backward."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, float_operand, norm_axis
from featherflow.ops.math import exp
from featherflow.ops.reduce import reduce_sum


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

    def backward_tensors(self, g):
        y = softmax(self.inputs[0], self.axis)
        return (y * (g - reduce_sum(g * y, axis=self.axis, keepdims=True)),)


class LogSoftmax(Function):
    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        self.y = log_softmax_array(x, self.axis)
        return self.y

    def backward(self, g):
        return (g - np.exp(self.y) * np.sum(g, axis=self.axis, keepdims=True),)

    def backward_tensors(self, g):
        p = exp(log_softmax(self.inputs[0], self.axis))
        return (g - p * reduce_sum(g, axis=self.axis, keepdims=True),)


def softmax(logits, axis=-1, name=None):
    """Softmax over ``axis``, computed stably (the maximum is subtracted first)."""
    x = float_operand(logits)
    return Softmax(norm_axis(axis, np.ndim(data(x))))(x)


def log_softmax(logits, axis=-1, name=None):
    """Log-softmax over ``axis``, computed stably."""
    x = float_operand(logits)
    return LogSoftmax(norm_axis(axis, np.ndim(data(x))))(x)
