"""featherflow.regularizers: penalty values, gradients through the tape, lookup and configs."""

import numpy as np
import pytest

from featherflow import regularizers as R
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.variable import Variable
from featherflow.testing import check_gradients

W = np.array([[1.0, -2.0], [0.5, 0.0], [-0.25, 3.0]])


def test_values_and_keras_defaults():
    assert R.L1().l1 == 0.01 and R.L2().l2 == 0.01
    assert R.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    np.testing.assert_allclose(float(R.L1(0.5)(W)), 0.5 * 6.75, rtol=1e-6)
    np.testing.assert_allclose(float(R.L2(0.5)(W)), 0.5 * 14.3125, rtol=1e-6)
    np.testing.assert_allclose(float(R.L1L2(l1=0.1, l2=0.2)(W)), 0.1 * 6.75 + 0.2 * 14.3125,
                               rtol=1e-6)
    assert float(R.L1L2()(W)) == 0.0


@pytest.mark.parametrize("reg", [R.L1(0.3), R.L2(0.7), R.L1L2(l1=0.2, l2=0.4),
                                 R.OrthogonalRegularizer(0.5),
                                 R.OrthogonalRegularizer(0.5, mode="columns")])
def test_gradients_against_finite_differences(reg):
    w = W + 0.1  # no exact zeros: |w| has a kink there
    check_gradients(lambda t: reg(t), [w], atol=1e-6, rtol=1e-5)


def test_penalty_on_a_trainable_variable_is_recorded():
    v = Variable(np.array([1.0, -2.0], np.float32))
    with GradientTape() as tape:
        penalty = R.L2(0.5)(v)
    grad = tape.gradient(penalty, v)
    np.testing.assert_allclose(grad.numpy(), [1.0, -2.0])
    assert penalty.numpy().shape == () and penalty.numpy().dtype == np.float32


def test_orthogonal_regularizer_value():
    # Rows (1, 0), (1, 1)/sqrt2, (0, 1): pair products 1/sqrt2, 0, 1/sqrt2 over 3 pairs.
    w = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
    expected = 0.1 * 0.5 * (4 / np.sqrt(2)) / 3
    np.testing.assert_allclose(float(R.OrthogonalRegularizer(0.1)(w)), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="2-D"):
        R.OrthogonalRegularizer()(np.ones(3))
    with pytest.raises(ValueError, match="mode"):
        R.OrthogonalRegularizer(mode="diagonal")


def test_get_serialize_roundtrip():
    assert isinstance(R.get("l2"), R.L2)
    assert isinstance(R.get("L1L2"), R.L1L2)
    assert isinstance(R.get("l1_l2"), R.L1L2)
    assert R.get(None) is None
    reg = R.L1L2(l1=0.1, l2=0.2)
    cfg = R.serialize(reg)
    assert cfg == {"module": "keras.regularizers", "class_name": "L1L2",
                   "config": {"l1": 0.1, "l2": 0.2}, "registered_name": None}
    back = R.get(cfg)
    assert (back.l1, back.l2) == (0.1, 0.2)
    assert R.get({"class_name": "L2", "config": {"l2": 0.3}}).l2 == 0.3

    def custom(x):
        return 0.0

    assert R.get(custom) is custom
    assert R.l2 is R.L2


def test_errors():
    with pytest.raises(ValueError, match="non-negative"):
        R.L2(-1.0)
    with pytest.raises(ValueError, match="non-negative"):
        R.L1(float("nan"))
    with pytest.raises(ValueError, match="Valid regularizer names are: .*l2"):
        R.get("l3")
