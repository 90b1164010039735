"""tf.math.sobol_sample against TensorFlow 2.21 (tools/data_fixtures/sobol.py)."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_sobol_scenario, workdir = scenario_test("sobol", rtol=0, atol=0)


def test_points_are_stratified():
    # 2^k Sobol points put one point in each of 2^k equal cells of every dimension
    points = tf.math.sobol_sample(20, 63, skip=0, dtype=tf.float64).numpy()
    first = np.vstack([np.zeros((1, 20)), points])  # the sequence's point 0 is the origin
    for column in first.T:
        assert sorted((column * 64).astype(int).tolist()) == list(range(64))


def test_dimensions_past_the_shipped_table_name_the_limit():
    with pytest.raises(tf.errors.InvalidArgumentError, match="first 1111 dimensions"):
        tf.math.sobol_sample(1112, 2)
