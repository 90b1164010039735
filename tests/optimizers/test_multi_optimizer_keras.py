"""MultiOptimizer and OptimizerMap against Keras 3.15.1
(tests/fixtures/keras/namespaces_extra/multi_optimizer.json and model_multi_optimizer.keras,
from tools/keras_fixtures/namespaces_extra.py): a fit where biases use Adam, one kernel
Adafactor and the rest SGD; the state layout, the config, and a Keras-written file whose
optimizer state featherflow loads and keeps training from."""

import json
from pathlib import Path

import numpy as np
import pytest

from featherflow import keras, optimizers

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "namespaces_extra"
FIXTURE = json.loads((ROOT / "multi_optimizer.json").read_text())


def _model():
    keras.backend.clear_session()  # layer names "dense", "dense_1" as in the fixture
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    model.set_weights([np.asarray(w, np.float32) for w in FIXTURE["weights"]])
    return model


def test_multi_optimizer_fit_state_and_config_match_keras(tmp_path):
    x, y = np.asarray(FIXTURE["x"], np.float32), np.asarray(FIXTURE["y"], np.float32)
    model = _model()
    opt = optimizers.MultiOptimizer(optimizers.OptimizerMap(
        optimizers.SGD(0.1), {".*bias": optimizers.Adam(0.05),
                              ".*dense_1/kernel": optimizers.Adafactor(0.1)}))
    model.compile(optimizer=opt, loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], FIXTURE["history"]["loss"], rtol=1e-5)
    # own iteration/learning_rate, then each inner optimizer's state (map order, default last)
    assert [v.path.split("/")[0] for v in opt.variables] == [
        p.split("/")[0] for p in FIXTURE["state_names"]]
    assert int(opt.iterations.numpy()) == 4
    assert [int(o.iterations.numpy()) for o in opt.optimizers] == [4, 4, 4]
    expected = FIXTURE["serialized"]
    assert optimizers.serialize(opt) == expected
    again = optimizers.deserialize(expected)
    assert [type(o).__name__ for o in again.optimizers] == ["Adam", "Adafactor", "SGD"]

    loaded = keras.models.load_model(ROOT / FIXTURE["file"])
    assert type(loaded.optimizer).__name__ == "MultiOptimizer"
    for mine, theirs in zip(opt.variables, loaded.optimizer.variables):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-7)
    more = loaded.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(more.history["loss"], FIXTURE["loss_after_load"], rtol=1e-5)
    for w, expected_w in zip(loaded.get_weights(), FIXTURE["final_weights"]):
        np.testing.assert_allclose(w, expected_w, rtol=1e-5, atol=1e-6)
    path = tmp_path / "again.keras"
    loaded.save(path)
    reloaded = keras.models.load_model(path)
    for a, b in zip(loaded.optimizer.get_weights(), reloaded.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_multi_optimizer_with_a_callable_and_refusals():
    adam, sgd = optimizers.Adam(0.05), optimizers.SGD(0.1)
    model = _model()
    opt = optimizers.MultiOptimizer(lambda v: adam if "bias" in v.path else sgd)
    model.compile(optimizer=opt, loss="mse")
    x, y = np.asarray(FIXTURE["x"], np.float32), np.asarray(FIXTURE["y"], np.float32)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert [type(o).__name__ for o in opt.optimizers] == ["SGD", "Adam"]
    with pytest.raises(AttributeError, match="sub-optimizers"):
        _ = opt.learning_rate
    mapping = optimizers.OptimizerMap(optimizers.SGD())
    with pytest.raises(ValueError, match="cannot be a LossScaleOptimizer"):
        mapping["x"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    mapping["a.*"] = optimizers.Adam()
    mapping[".*b"] = optimizers.Adam()
    with pytest.raises(ValueError, match="several patterns"):
        mapping.__getitem__("ab")
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")


@pytest.mark.parametrize("name", sorted(FIXTURE["legacy"]))
def test_legacy_optimizers_are_refused_as_in_keras(name):
    fx = FIXTURE["legacy"][name]
    assert fx["error"] == "ImportError"
    with pytest.raises(ImportError) as err:
        getattr(optimizers.legacy, name)(learning_rate=0.1)
    assert str(err.value).startswith(fx["message"])
