"""tf.debugging.enable_check_numerics / disable_check_numerics, log device placement and the
tf.config settings against TensorFlow 2.21 (tools/data_fixtures/tf_core2.py): the error class
and TF's report (op, output, dtype, shape, count of bad elements) for Log, Sqrt and Exp; integer
ops unchecked; everything back to normal after disabling."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_numerics_scenario, workdir = scenario_test("tf_core2", prefixes=["numerics_", "config_"])


def test_checks_backprop_outputs_of_primitives_and_costs_nothing_when_off():
    from featherflow.autodiff.function import Function

    plain = Function.__call__
    tf.debugging.enable_check_numerics()
    try:
        assert Function.__call__ is not plain
        x = tf.Variable([1.0, 0.0])
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sqrt(x + 1.0))
        assert np.isfinite(tape.gradient(y, x).numpy()).all()
        with pytest.raises(tf.errors.InvalidArgumentError, match='op "Log"'):
            tf.math.log(x - 1.0)
    finally:
        tf.debugging.disable_check_numerics()
    assert Function.__call__ is plain


def test_logical_cpus_split():
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        assert [d.name for d in tf.config.list_logical_devices("CPU")] == [
            "/device:CPU:0", "/device:CPU:1"]
        assert len(tf.config.get_logical_device_configuration(cpu)) == 2
    finally:
        tf.config.set_logical_device_configuration(cpu, None)
    assert len(tf.config.list_logical_devices("CPU")) == 1
    with pytest.raises(ValueError, match="PhysicalDevice"):
        tf.config.set_logical_device_configuration("CPU:0", [])
