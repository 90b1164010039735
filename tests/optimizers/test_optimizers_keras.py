"""Optimizers and schedules against real Keras: 5-step trajectories, state, configs."""

import numpy as np
import pytest

from featherflow import optimizers
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.optimizers import schedules
from tests.fixtures.keras_loader import load, names

OPTIMIZERS = names("optimizers")


@pytest.fixture(autouse=True)
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _rebuild_rate(cfg):
    """The fixtures built schedules from np.float64 rates (Keras then computes in float64);
    JSON turned them into Python floats, so restore the type."""
    lr = cfg["learning_rate"]
    if isinstance(lr, dict):
        lr["config"]["initial_learning_rate"] = np.float64(lr["config"]["initial_learning_rate"])
    return cfg


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_trajectory_state_and_config(name):
    fx = load(name)
    cfg = fx["config"]
    opt = optimizers.deserialize({"class_name": fx["class_name"],
                                  "config": _rebuild_rate(dict(cfg))})
    kernel = Variable(fx["w_init"], name="kernel")
    bias = Variable(fx["b_init"], name="bias")
    rates = []
    for step in range(5):
        rates.append(float(opt.learning_rate))
        opt.apply_gradients([(fx["w_grads"][step], kernel), (fx["b_grads"][step], bias)])
        np.testing.assert_allclose(kernel.numpy() - fx["w_init"],
                                   fx["w_steps"][step] - fx["w_init"], rtol=1e-5, atol=1e-12)
        np.testing.assert_allclose(bias.numpy() - fx["b_init"],
                                   fx["b_steps"][step] - fx["b_init"], rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(rates, fx["learning_rates"], rtol=1e-7)
    assert [v.path for v in opt.variables] == fx["state_names"]
    for i, var in enumerate(opt.variables):
        np.testing.assert_allclose(var.numpy(), fx[f"state{i}"], rtol=1e-6, atol=1e-12)
    got = opt.get_config()
    if isinstance(cfg["learning_rate"], dict):
        got["learning_rate"]["config"]["initial_learning_rate"] = float(
            got["learning_rate"]["config"]["initial_learning_rate"])
    assert got == fx["config"]


@pytest.mark.parametrize("name", names("schedules"))
def test_schedule_values_and_config(name):
    fx = load(name)
    sched = schedules.deserialize(fx["serialized"])
    # As for optimizers: the reference rates were np.float64 before going through JSON.
    if hasattr(sched, "initial_learning_rate"):
        sched.initial_learning_rate = np.float64(sched.initial_learning_rate)
    else:
        sched.values = [np.float64(v) for v in sched.values]
    values = [float(sched(int(s))) for s in fx["steps"]]
    np.testing.assert_allclose(values, fx["values"], rtol=1e-7)
    # Vectorized over an array of steps (for plotting a schedule).
    np.testing.assert_allclose(sched(fx["steps"]).numpy(), fx["values"], rtol=1e-7)
    assert sched.get_config() == fx["config"]
    assert schedules.serialize(sched) == fx["serialized"]
