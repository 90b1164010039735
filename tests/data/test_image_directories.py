"""keras.utils.image_dataset_from_directory against Keras 3.15.1: files, order, labels,
splits and resized pixels (float32 resize arithmetic: atol 1e-3 on a 0-255 scale)."""

import pytest

from tests.data.scenarios import scenario_test

pytest.importorskip("PIL", reason="image decoding needs Pillow (featherflow[image])")

test_keras_scenario, workdir = scenario_test("image_directories", rtol=1e-5, atol=1e-3)
