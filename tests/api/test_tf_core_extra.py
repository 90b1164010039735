"""TensorFlow's top-level odds and ends against TF 2.21 (tools/data_fixtures/tf_core_extra.py)."""

from tests.data.scenarios import scenario_test

test_tf_core_extra_scenario, workdir = scenario_test("tf_core_extra", rtol=1e-6, atol=1e-7)
