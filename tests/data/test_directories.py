"""keras.utils.text_dataset_from_directory against Keras 3.15.1: files, order, labels, splits."""

from tests.data.scenarios import scenario_test

test_keras_scenario, workdir = scenario_test("directories")
