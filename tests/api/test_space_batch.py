"""tf.space_to_batch(_nd), tf.batch_to_space(_nd), required_space_to_batch_paddings and
tf.nn.with_space_to_batch against TensorFlow 2.21 (tools/data_fixtures/space_batch.py: values,
gradients, errors; atrous convolutions built with it equal conv2d's dilations)."""

from tests.data.scenarios import scenario_test

test_space_batch_scenario, workdir = scenario_test("space_batch", rtol=1e-5, atol=1e-5)
