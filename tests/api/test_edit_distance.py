"""tf.edit_distance against TensorFlow 2.21 (tools/data_fixtures/edit_distance.py)."""

from tests.data.scenarios import scenario_test

test_edit_distance_scenario, workdir = scenario_test("edit_distance")
