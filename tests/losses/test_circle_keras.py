"""Circle loss against Keras 3.15.1 (tests/fixtures/keras/namespaces_extra/losses.json, from
tools/keras_fixtures/namespaces_extra.py): per-sample values and gradients of `circle`, the
masked reductions and config of `Circle`, and a short fit of an embedding model."""

import json
from pathlib import Path

import numpy as np
import pytest

from featherflow import GradientTape, Variable, keras, losses, reduce_sum
from featherflow.backend import config

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras"
                      / "namespaces_extra" / "losses.json").read_text())


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _kwargs(fx):
    kwargs = {k: v for k, v in fx["kwargs"].items() if k != "reduction"}
    if "ref_labels" in fx:
        kwargs.update(ref_labels=np.asarray(fx["ref_labels"]),
                      ref_embeddings=np.asarray(fx["ref_embeddings"]))
    return kwargs


@pytest.mark.parametrize("fx", FIXTURE["circle"], ids=lambda fx: fx["case"])
def test_circle_matches_keras(fx, float64):
    y_true, y_pred = np.asarray(fx["y_true"]), np.asarray(fx["y_pred"])
    x = Variable(y_pred)
    with GradientTape() as tape:
        values = losses.circle(y_true, x, **_kwargs(fx))
        total = reduce_sum(values)
    np.testing.assert_allclose(values.numpy(), fx["function_values"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), fx["function_grad"],
                               rtol=1e-7, atol=1e-10)
    if "loss" not in fx:
        return
    loss = losses.Circle(**fx["kwargs"])
    sw = None if fx["sample_weight"] is None else np.asarray(fx["sample_weight"])
    with GradientTape() as tape:
        value = loss(y_true, x, sample_weight=sw)
    np.testing.assert_allclose(value.numpy(), fx["loss"], rtol=1e-9)
    assert value.numpy().dtype.name == fx["loss_dtype"]
    np.testing.assert_allclose(tape.gradient(value, x).numpy(), fx["loss_grad"], rtol=1e-7,
                               atol=1e-10)
    assert loss.get_config() == fx["config"]
    assert losses.serialize(loss) == fx["serialized"]
    assert losses.deserialize(fx["serialized"]).get_config() == fx["config"]


def test_circle_fit_matches_keras():
    fit = FIXTURE["fit"]
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, use_bias=False),
                              keras.layers.UnitNormalization()])
    model.set_weights([np.asarray(w, np.float32) for w in fit["weights"]])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=keras.losses.Circle(gamma=10.0))
    x, y = np.asarray(fit["x"], np.float32), np.asarray(fit["y"], np.int32)
    history = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], fit["history"]["loss"], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=12, verbose=0), fit["evaluate"],
                               rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], fit["final_weights"][0], rtol=1e-5,
                               atol=1e-6)


def test_circle_refuses_bad_shapes():
    with pytest.raises(ValueError, match=r"embeddings of shape \(batch, dim\)"):
        losses.circle([0, 1], np.ones(2))
    with pytest.raises(ValueError, match="each embedding needs one label"):
        losses.circle([0, 1, 1], np.eye(2))
    with pytest.raises(ValueError, match="integer labels"):
        losses.circle(np.zeros((2, 2)), np.eye(2))
