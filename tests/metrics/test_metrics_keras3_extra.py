"""F-scores, R2Score, the IoU family, the rate-at-rate metrics and the correlations against
Keras 3.15.1 (tests/fixtures/keras/namespaces_extra/metrics.json, recorded by
tools/keras_fixtures/namespaces_extra.py): results after every step, state, configs,
serialization, constructor refusals, and their logged values in compile/fit/evaluate."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from featherflow import keras, metrics
from featherflow.backend import config

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras"
                      / "namespaces_extra" / "metrics.json").read_text())
SCENARIOS = {s["case"]: s for s in FIXTURE["scenarios"]}


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _arr(x):
    return None if x is None else np.asarray(x)


@pytest.mark.parametrize("case", sorted(SCENARIOS))
def test_metric_steps_match_keras(case, float64):
    fx = SCENARIOS[case]
    keras.backend.clear_session()  # auto names as in Keras's fresh session per scenario
    metric = getattr(metrics, fx["class_name"])(**fx["kwargs"])
    caught = []
    for step, expected in zip(fx["steps"], fx["results"]):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            metric.update_state(_arr(step["y_true"]), _arr(step["y_pred"]),
                                sample_weight=_arr(step["sample_weight"]))
            result = metric.result()
        caught += [str(w.message) for w in record]
        np.testing.assert_allclose(result.numpy(), expected, rtol=2e-6, atol=1e-12)
    assert sorted(set(caught)) == fx["warnings"]
    assert result.numpy().dtype.name == fx["result_dtype"]
    assert metric.get_config() == fx["config"]
    assert [v.path.rsplit("/", 1)[-1] for v in metric.variables] == fx["variables"]
    for var, value, dtype in zip(metric.variables, fx["variable_values"], fx["variable_dtypes"]):
        assert var.numpy().dtype.name == dtype
        np.testing.assert_allclose(var.numpy(), value, rtol=1e-9, atol=1e-12)
    assert type(metric).from_config(metric.get_config()).get_config() == fx["roundtrip_config"]
    assert metrics.serialize(metric) == fx["serialized"]
    assert metrics.deserialize(fx["serialized"]).get_config() == fx["config"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R2Score's fallback warning after reset
        metric.reset_state()
        np.testing.assert_allclose(metric.result().numpy(), fx["result_after_reset"])


@pytest.mark.parametrize("fx", FIXTURE["errors"], ids=lambda fx: fx["case"])
def test_metric_refusals_match_keras(fx):
    assert fx["error"] == "ValueError"
    with pytest.raises(ValueError) as err:
        metric = getattr(metrics, fx["class_name"])(**fx["kwargs"])
        metric.update_state(np.asarray(fx["y_true"]), np.asarray(fx["y_pred"]))
    assert fx["class_name"] in str(err.value)


@pytest.mark.parametrize("fx", FIXTURE["functions"], ids=lambda fx: fx["case"])
def test_correlation_functions_match_keras(fx):
    fn = getattr(metrics, fx["function"])
    value = fn(np.asarray(fx["y_true"]), np.asarray(fx["y_pred"]), axis=fx["axis"])
    np.testing.assert_allclose(value, fx["value"], rtol=1e-9)
    # as in Keras, the snake-case name resolves to the class (an instance)
    assert type(metrics.get(fx["function"])).__name__ == type(metrics.get(
        fx["function"].title().replace("_", ""))).__name__


def test_new_metrics_in_compile_fit_evaluate_match_keras():
    fit = FIXTURE["fit"]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.set_weights([np.asarray(w, np.float32) for w in fit["weights"]])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy",
                  metrics=[metrics.deserialize(m) for m in fit["metrics"]])
    x, y = np.asarray(fit["x"], np.float32), np.asarray(fit["y"], np.float32)
    xv, yv = np.asarray(fit["x_val"], np.float32), np.asarray(fit["y_val"], np.float32)
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                        validation_data=(xv, yv))
    assert sorted(history.history) == sorted(fit["history"])
    for key, values in fit["history"].items():
        np.testing.assert_allclose(history.history[key], values, rtol=2e-5, atol=2e-6,
                                   err_msg=key)
    logs = model.evaluate(xv, yv, batch_size=5, verbose=0, return_dict=True)
    assert sorted(logs) == sorted(fit["evaluate"])
    for key, value in fit["evaluate"].items():
        np.testing.assert_allclose(logs[key], value, rtol=2e-5, atol=2e-6, err_msg=key)
    for w, expected in zip(model.get_weights(), fit["final_weights"]):
        np.testing.assert_allclose(w, expected, rtol=1e-5, atol=1e-6)


def test_unbuilt_and_bad_input_errors_are_clear():
    with pytest.raises(ValueError, match="one class per pixel"):
        metrics.IoU(3, [0]).update_state([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="out of range"):
        metrics.IoU(3, [-1])
    with pytest.raises(ValueError, match="num_classes"):
        metrics.MeanIoU(0)
    with pytest.raises(ValueError, match="sample_weight"):
        metrics.IoU(3, [0]).update_state([[0, 1], [2, 1]], [[0, 1], [2, 2]], [1, 2, 3])
    f1 = metrics.F1Score()
    f1.update_state(np.eye(3), np.eye(3))
    with pytest.raises(ValueError, match=r"shape \(batch_size, 3\)"):
        f1.update_state(np.eye(4), np.eye(4))  # another number of classes
    with pytest.raises(ValueError, match=r"y_true.shape=\(2, 3\) and y_pred.shape=\(2, 2\)"):
        metrics.FBetaScore(beta=2.0).update_state(np.ones((2, 3)), np.ones((2, 2)))
    r2 = metrics.R2Score()
    r2.update_state(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"R2Score 'r2_score': .*\(batch_size, 2\)"):
        r2.update_state(np.ones((3, 1)), np.ones((3, 1)))


def test_iou_warns_for_float_weights_only_when_they_carry_a_dtype():
    # measured with Keras 3.15.1: a Python list of floats gives no warning, an array does
    metric = metrics.MeanIoU(2)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        metric.update_state([0, 1], [0, 1], sample_weight=[0.5, 1.5])
        assert not record
        metric.update_state([0, 1], [0, 1], sample_weight=np.array([0.5, 1.5]))
        assert len(record) == 1 and "integer weights" in str(record[0].message)
    # both truncated to the integer state: 0 + 1 on the diagonal, twice
    np.testing.assert_array_equal(metric.total_cm.numpy(), [[0, 0], [0, 2]])
