"""Adafactor, Muon and ScheduleFreeAdamW against Keras 3.15.1
(tests/fixtures/keras/namespaces_extra/optimizers.json and the three model_*.keras files,
from tools/keras_fixtures/namespaces_extra.py): 5-step trajectories on fixed gradients for
1-, 2- and 3-D variables, state names and values, configs, and optimizer state loaded from
Keras-written .keras files (training then continues as in Keras)."""

import json
from pathlib import Path

import numpy as np
import pytest

from featherflow import keras, metrics, optimizers
from featherflow.autodiff.variable import Variable
from featherflow.backend import config

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "namespaces_extra"
FIXTURE = json.loads((ROOT / "optimizers.json").read_text())
SCENARIOS = {s["case"]: s for s in FIXTURE["scenarios"]}
# the order the generator's OPT_SHAPES gave the variables to apply_gradients (JSON sorts keys)
ORDER = ["kernel", "bias", "tensor", "embeddings"]


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_trajectory_state_and_config_match_keras(case, float64):
    fx = SCENARIOS[case]
    opt = optimizers.deserialize({"class_name": fx["class_name"], "config": fx["config"]})
    variables = {k: Variable(np.asarray(fx["init"][k]), name=k) for k in ORDER}
    for k, var in variables.items():
        var.path = k  # the fixture's keras.Variable(name=k) paths
    for step, expected in enumerate(fx["steps"]):
        opt.apply_gradients([(np.asarray(fx["grads"][k][step]), var)
                             for k, var in variables.items()])
        for k, var in variables.items():
            init = np.asarray(fx["init"][k])
            np.testing.assert_allclose(var.numpy() - init, np.asarray(expected[k]) - init,
                                       rtol=1e-6, atol=1e-12, err_msg=f"{k} at step {step}")
    assert [v.path for v in opt.variables] == fx["state_names"]
    for var, value in zip(opt.variables, fx["state"]):
        np.testing.assert_allclose(var.numpy(), value, rtol=1e-6, atol=1e-12, err_msg=var.path)
    assert opt.get_config() == fx["config"]


@pytest.mark.parametrize("fx", FIXTURE["files"]["models"], ids=lambda fx: fx["class_name"])
def test_optimizer_state_loads_from_keras_files(fx, tmp_path):
    files = FIXTURE["files"]
    x, y = np.asarray(files["x"], np.float32), np.asarray(files["y"], np.float32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.set_weights([np.asarray(w, np.float32) for w in fx["weights"]])
    model.compile(optimizer=getattr(optimizers, fx["class_name"])(**fx["kwargs"]), loss="mse",
                  metrics=[metrics.R2Score(), metrics.PearsonCorrelation(),
                           metrics.ConcordanceCorrelation(axis=0)])
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], fx["loss"], rtol=1e-5)
    # files address optimizer state by position; featherflow's variable paths lack Keras's
    # model prefix ("dense/kernel", not "sequential/dense/kernel"), so compare the layout
    assert len(model.optimizer.variables) == len(fx["saved_state_names"])
    assert [v.path.rsplit("_", 1)[-1] for v in model.optimizer.variables] == [
        p.rsplit("_", 1)[-1] for p in fx["saved_state_names"]]

    loaded = keras.models.load_model(ROOT / fx["file"])
    assert type(loaded.optimizer).__name__ == fx["class_name"]
    # the compiled metrics come back from the file's compile config
    logs = loaded.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert sorted(logs) == sorted(fx["evaluate_saved"])
    for key, value in fx["evaluate_saved"].items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
    for mine, theirs in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-7)
    more = loaded.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(more.history["loss"], fx["loss_after_load"], rtol=1e-5)
    for w, expected in zip(loaded.get_weights(), fx["final_weights"]):
        np.testing.assert_allclose(w, expected, rtol=1e-5, atol=1e-6)

    # run_eagerly=True: Keras builds the optimizer as apply_gradients does
    eager = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    eager.set_weights([np.asarray(w, np.float32) for w in fx["weights"]])
    eager.compile(optimizer=getattr(optimizers, fx["class_name"])(**fx["kwargs"]), loss="mse",
                  run_eagerly=True)
    eager_loss = eager.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(eager_loss.history["loss"], fx["loss_run_eagerly"], rtol=1e-5)

    # and featherflow's own file round-trips the state
    path = tmp_path / "again.keras"
    loaded.save(path)
    again = keras.models.load_model(path)
    for a, b in zip(loaded.optimizer.variables, again.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("mode", ["compiled", "eager"])
def test_schedule_free_train_on_batch_matches_keras(mode):
    fx = FIXTURE["schedule_free_train_on_batch"]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.set_weights([np.asarray(w, np.float32) for w in fx["weights"]])
    model.compile(optimizer=optimizers.ScheduleFreeAdamW(0.05), loss="mse",
                  run_eagerly=mode == "eager")
    x, y = np.asarray(fx["x"], np.float32), np.asarray(fx["y"], np.float32)
    losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
    np.testing.assert_allclose(losses, fx[mode], rtol=1e-5)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="clip_threshold"):
        optimizers.Adafactor(clip_threshold=0)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.ScheduleFreeAdamW(beta_1=1.0)
    with pytest.raises(ValueError, match="ns_steps"):
        optimizers.Muon(ns_steps=-1)
    assert type(optimizers.get("adafactor")).__name__ == "Adafactor"
    assert type(optimizers.get("Muon")).__name__ == "Muon"
    assert type(optimizers.get("ScheduleFreeAdamW")).__name__ == "ScheduleFreeAdamW"
