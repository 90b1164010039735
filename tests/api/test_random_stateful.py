"""Stateful tf.random ops and tf.random.Generator against TF 2.21 eager
(tools/data_fixtures/random_stateful.py): seeded programs draw TF's numbers.

Tolerance rtol 1e-6 / atol 1e-6: uniform and integer values are bit-equal; normal values go
through log/sin/cos, whose last float32 bit may differ between NumPy and TF's Eigen.
"""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_random_stateful_scenario, workdir = scenario_test("random_stateful", rtol=1e-6, atol=1e-6)


def test_set_seed_restarts_every_kernel():
    tf.random.set_seed(3)
    first = [tf.random.uniform([2], seed=1).numpy(), tf.random.normal([2]).numpy()]
    tf.random.set_seed(3)
    again = [tf.random.uniform([2], seed=1).numpy(), tf.random.normal([2]).numpy()]
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])


def test_bad_input():
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="2-D"):
        tf.random.categorical([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="Philox"):
        tf.random.Generator.from_seed(1, alg="threefry")
    with pytest.raises(ValueError, match="shape \\[2\\]"):
        tf.random.fold_in([1, 2, 3], 4)
