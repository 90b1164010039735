"""More of tf.nn against TensorFlow 2.21 (tools/data_fixtures/nn_extra.py); rtol 1e-5 for
convolutions and LRN powers (float32 sums in another order)."""

from tests.data.scenarios import scenario_test

test_nn_extra_scenario, workdir = scenario_test("nn_extra", rtol=1e-5, atol=1e-6)
