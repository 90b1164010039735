"""The tf.data base against real TensorFlow (tools/data_fixtures/core.py)."""

from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("core")
