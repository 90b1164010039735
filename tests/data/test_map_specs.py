"""Dataset.map's element_spec against TF 2.21's traced one (tools/data_fixtures/map_specs.py):
featherflow replays static shapes through the ops it recorded on the first element
(featherflow/data/tracing.py)."""

from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("map_specs")
