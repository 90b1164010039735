"""The public gradient checker: it passes right gradients and catches wrong ones."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.function import Function
from featherflow.backend import config
from featherflow.testing import check_gradients, numerical_gradients


class BadSquare(Function):
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return (g * self.x,)  # should be 2 * x


class LossyCube(Function):
    def forward(self, x):
        self.x = x
        return (x ** 3).astype(np.float32)  # silently drops to float32

    def backward(self, g):
        return (3 * g * self.x ** 2,)


class NoneGrad(Function):
    def forward(self, x):
        return x * 2

    def backward(self, g):
        return (None,)


def test_right_gradients_pass_and_are_returned():
    # the checked scalar is sum(out * r) for fixed random weights r in [0.5, 1.5]
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    analytic, numeric = check_gradients(lambda t: t * t * 3.0, [x])
    np.testing.assert_allclose(analytic[0], numeric[0], rtol=1e-6)
    ratio = analytic[0] / (6 * x)
    assert np.all((ratio >= 0.5) & (ratio <= 1.5))


def test_wrong_gradient_is_caught_with_location():
    with pytest.raises(AssertionError, match="differs from central differences"):
        check_gradients(lambda t: BadSquare()(t), [np.array([1.0, 2.0])])


def test_missing_gradient_is_caught():
    with pytest.raises(AssertionError, match="differs"):
        check_gradients(lambda t: NoneGrad()(t), [np.array([1.0, 2.0])])


def test_precision_loss_is_caught():
    with pytest.raises(AssertionError, match="float32"):
        check_gradients(lambda t: LossyCube()(t), [np.array([1.0, 2.0])])


def test_several_outputs_non_float_inputs_and_wrt():
    labels = np.array([1, 0])

    def fn(x, lab, w):
        return [x * w, tf.reduce_sum(x) * float(lab.numpy().sum())]

    analytic, _ = check_gradients(fn, [np.array([1.0, 2.0]), labels, np.array([3.0, 4.0])])
    assert len(analytic) == 2  # the integer input is a constant
    analytic, _ = check_gradients(fn, [np.array([1.0, 2.0]), labels, np.array([3.0, 4.0])],
                                  wrt=[2])
    assert len(analytic) == 1
    np.testing.assert_allclose(analytic[0].shape, (2,))


def test_checker_restores_floatx_and_numerical_gradients_helper():
    before = config.floatx()
    check_gradients(lambda t: tf.exp(t), [np.array([0.5])])
    assert config.floatx() == before
    (g,) = numerical_gradients(lambda t: t * t, [np.array([3.0])])
    np.testing.assert_allclose(g, [6.0], rtol=1e-6)
