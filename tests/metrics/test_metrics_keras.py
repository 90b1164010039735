"""Every metric against real Keras: results after two batches, state, config and reset."""

import numpy as np
import pytest

from featherflow import metrics
from featherflow.backend import config
from tests.fixtures.keras_loader import load, names


@pytest.fixture(autouse=True)
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


@pytest.mark.parametrize("name", names("metrics"))
def test_metric_matches_keras(name):
    fx = load(name)
    metric = getattr(metrics, fx["class_name"]).from_config(fx["config"])
    results = []
    for b in range(2):
        sw = fx.get(f"sample_weight{b}")
        if f"values{b}" in fx:
            metric.update_state(fx[f"values{b}"], sample_weight=sw)
        else:
            metric.update_state(fx[f"y_true{b}"], fx[f"y_pred{b}"], sample_weight=sw)
        results.append(float(metric.result()))
    np.testing.assert_allclose(results, fx["results"], rtol=1e-6, atol=1e-12)
    assert metric.get_config() == fx["config"]
    assert [v.path.rsplit("/", 1)[-1] for v in metric.variables] == fx["variables"]
    for i, var in enumerate(metric.variables):
        np.testing.assert_allclose(var.numpy(), fx[f"var{i}"], rtol=1e-6, atol=1e-12)
    metric.reset_state()
    assert float(metric.result()) == float(fx["result_after_reset"])
