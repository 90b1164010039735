"""tf.math special functions and the remaining tf.math names against TensorFlow 2.21.

Tolerance rtol 2e-5 / atol 1e-6: featherflow evaluates the special functions in float64
(series, recurrences, asymptotic expansions, continued fractions) and rounds once to the
input type; TensorFlow's Eigen kernels evaluate float32 inputs in float32, so float32 results
differ by a few ulps (lgamma near its zeros, digamma, the Bessel functions past x = 20).
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

# TensorFlow 2.21 registers ApproxTopK with is_max_k=False only for XLA devices (the CPU
# kernel is missing); featherflow returns the exact k smallest, as approx_max_k's CPU kernel
# does for the largest.
_SKIP = {"approx_min_k": "TF 2.21 has no CPU kernel for approx_min_k (NotFoundError)"}

test_math_special_scenario, workdir = scenario_test("math_special", rtol=2e-5, atol=1e-6,
                                                    skip=_SKIP.get)


@pytest.mark.parametrize("fn", [
    lambda x: tf.math.lgamma(x + 1.0), lambda x: tf.math.digamma(x + 1.0),
    lambda x: tf.math.bessel_i1e(x), lambda x: tf.math.bessel_i0e(x),
    lambda x: tf.math.cumulative_logsumexp(x, axis=1),
    lambda x: tf.math.cumprod(x, axis=1, exclusive=True, reverse=True),
    lambda x: tf.math.unsorted_segment_mean(x, np.array([1, 0, 1]), 3),
    lambda x: tf.math.unsorted_segment_max(x, np.array([1, 0, 1]), 2),
])
def test_gradients_match_central_differences(fn):
    x = np.random.default_rng(3).uniform(0.2, 3.0, (3, 4))
    check_gradients(fn, [x], rtol=1e-5, atol=1e-6)


def test_bad_input():
    with pytest.raises(TypeError, match="float tensor"):
        tf.math.lgamma(tf.constant([1, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="permutation"):
        tf.math.invert_permutation([0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="sorted"):
        tf.math.segment_max(np.ones(3, np.float32), np.array([1, 0, 1]))
    with pytest.raises(TypeError, match="one dtype"):
        tf.math.igamma(tf.constant(1.0), tf.constant(1.0, tf.float64))
