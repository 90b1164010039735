"""TFRecord files, tf.train.Example and tf.io parsing against real TensorFlow
(tools/data_fixtures/tfrecord.py; TensorFlow's own files in tests/fixtures/tf/data/tfrecord/)."""

from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("tfrecord")
