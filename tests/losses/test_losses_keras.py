"""Every loss against real Keras: per-sample values, reductions, weights and gradients."""

import warnings

import numpy as np
import pytest

from featherflow import losses
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from tests.fixtures.keras_loader import load, names


@pytest.fixture(autouse=True)
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def close(actual, expected, rtol=1e-5):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=rtol, atol=1e-10)


def value_and_grad(loss, y_true, y_pred, sample_weight=None):
    p = Tensor(np.array(y_pred))
    with GradientTape() as tape:
        tape.watch(p)
        value = loss(y_true, p, sample_weight=sample_weight)
    return value.numpy(), tape.gradient(value, p).numpy()


@pytest.mark.parametrize("name", names("losses"))
def test_loss_matches_keras(name):
    fx = load(name)
    cls = getattr(losses, fx["class_name"])
    fn = getattr(losses, fx["function"])
    kw = fx["kwargs"]
    y_true, y_pred = fx["y_true"], fx["y_pred"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(fn(y_true, y_pred, **kw), fx["per_sample"])
        close(cls(reduction=None, **kw)(y_true, y_pred), fx["per_sample_none"])
        close(cls(reduction="sum", **kw)(y_true, y_pred), fx["value_sum"])
        loss = cls(**kw)
        assert loss.get_config() == fx["config"]
        for suffix, weight in (("", None), ("_sw", fx["sample_weight"])):
            value, grad = value_and_grad(loss, y_true, y_pred, weight)
            close(value, fx["value" + suffix])
            # Keras's gradient is infinite/NaN where a probability is exactly 0 (generalized
            # cross-entropy): featherflow gives the same non-finite entries there.
            expected = fx["dy_pred" + suffix]
            finite = np.isfinite(expected)
            close(grad[finite], expected[finite], rtol=1e-4)
            assert not np.isfinite(grad[~finite]).any()


def test_fixture_set_covers_every_keras_loss_class():
    covered = {load(n)["class_name"] for n in names("losses")}
    assert {"MeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy",
            "SparseCategoricalCrossentropy", "Huber", "LogCosh", "Hinge", "KLDivergence",
            "Poisson", "CosineSimilarity"} <= covered
