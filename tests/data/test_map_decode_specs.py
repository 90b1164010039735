"""Dataset.map's element_spec for decoders (images, raw bytes, tensor protos, WAV) against
TF 2.21's traced one (tools/data_fixtures/map_decode_specs.py): the sizes known only from
the data are None, whatever the first element's size."""

from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("map_decode_specs")
