"""tf.nn.fractional_max_pool / fractional_avg_pool against TensorFlow 2.21
(tools/data_fixtures/nn_fractional.py): the same pooling sequences for the same seeds, the
outputs and gradients, the checks of each wrapper."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

test_nn_fractional_scenario, workdir = scenario_test("nn_fractional", rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize("overlapping", [False, True])
def test_gradients_match_central_differences(pool, overlapping):
    fn = tf.nn.fractional_max_pool if pool == "max" else tf.nn.fractional_avg_pool
    x = np.random.default_rng(2).normal(size=(1, 7, 6, 2))
    check_gradients(lambda v: fn(v, [1.0, 1.4, 1.7, 1.0], overlapping=overlapping, seed=3)[0],
                    [x], rtol=1e-5, atol=1e-6)


def test_unseeded_sequences_vary_and_stay_valid():
    x = np.zeros((1, 50, 50, 1), np.float32)
    seen = set()
    for _ in range(4):
        _, rows, _ = tf.nn.fractional_max_pool(x, [1.0, 1.3, 1.3, 1.0])
        diff = np.diff(rows.numpy())
        assert rows.numpy()[-1] == 50 and set(diff) <= {1, 2}
        seen.add(tuple(rows.numpy()))
    assert len(seen) > 1
