"""tf.random.learned_unigram_candidate_sampler (tf.nn's too) and
tf.random.stateless_parameterized_truncated_normal against TensorFlow 2.21
(tools/data_fixtures/random_extra.py): the same draws for the same seeds, the learned counts
carried between calls, TF's errors."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_random_extra_scenario, workdir = scenario_test("random_extra", rtol=1e-6, atol=1e-7)


def test_learned_counts_reset_by_set_seed():
    tc = tf.constant([[1]], tf.int64)
    tf.random.set_seed(3)
    first = tf.random.learned_unigram_candidate_sampler(tc, 1, 2, False, 4, seed=9)
    later = tf.random.learned_unigram_candidate_sampler(tc, 1, 2, False, 4, seed=9)
    assert later.true_expected_count.numpy()[0, 0] == pytest.approx(2 * 2 / 5)
    tf.random.set_seed(3)
    again = tf.random.learned_unigram_candidate_sampler(tc, 1, 2, False, 4, seed=9)
    np.testing.assert_array_equal(again.sampled_candidates.numpy(),
                                  first.sampled_candidates.numpy())
    assert again.true_expected_count.numpy()[0, 0] == pytest.approx(0.5)
    tf.random.set_seed(None)


def test_truncated_normal_stays_in_bounds():
    out = tf.random.stateless_parameterized_truncated_normal(
        [200, 3], seed=[4, 2], means=[0.0, 2.0, -5.0], stddevs=[1.0, 0.1, 3.0],
        minvals=[-0.5, 1.9, -6.0], maxvals=[0.5, np.inf, 20.0]).numpy()
    assert out.dtype == np.float32 and out.shape == (200, 3)
    assert (out[:, 0] >= -0.5).all() and (out[:, 0] <= 0.5).all()
    assert (out[:, 1] >= 1.9).all() and (out[:, 2] >= -6.0).all() and (out[:, 2] <= 20).all()
    assert abs(out[:, 2].mean() - -5.0) > 0.5  # truncation at -6 moves the mean up


def test_truncated_normal_errors_name_the_problem():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid parameters"):
        tf.random.stateless_parameterized_truncated_normal([2], [1, 2], stddevs=0.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="end with broadcasted shape"):
        tf.random.stateless_parameterized_truncated_normal([3, 2], [1, 2], means=[0.0, 1, 2])
