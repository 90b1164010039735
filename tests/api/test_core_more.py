"""tf.approx_top_k, tf.nn.approx_max_k/approx_min_k, tf.extract_volume_patches and
tf.random_index_shuffle against TensorFlow 2.21 (tools/data_fixtures/core_more.py)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

# TF reads past its round keys for an odd number of rounds (undefined behaviour in release
# builds); featherflow refuses rounds that are odd or below 4
_SKIP = {"shuffle_bad_rounds": "TF 2.21 reads past its round keys for odd rounds"}
test_core_more_scenario, workdir = scenario_test("core_more", rtol=1e-6, atol=1e-6,
                                                 skip=_SKIP.get)


def test_volume_patches_gradient_matches_central_differences():
    x = np.random.default_rng(1).normal(size=(1, 3, 4, 3, 2))
    check_gradients(lambda v: tf.extract_volume_patches(v, [1, 2, 3, 2, 1], [1, 1, 2, 1, 1],
                                                        "SAME"), [x], rtol=1e-5, atol=1e-6)


def test_index_shuffle_is_a_permutation_and_refuses_bad_rounds():
    out = tf.random_index_shuffle(np.arange(1001, dtype=np.int64), np.array([5, 6, 7]),
                                  np.int64(1000)).numpy()
    assert sorted(out.tolist()) == list(range(1001))
    with pytest.raises(tf.errors.InvalidArgumentError, match="even number >= 4"):
        tf.random_index_shuffle(np.int64(1), np.array([1, 2, 3]), np.int64(9), rounds=3)


def test_approx_top_k_min_is_exact():
    # TF 2.21 has no CPU kernel for is_max_k=False; featherflow returns the exact k smallest,
    # as tf.math.approx_min_k does
    values, indices = tf.approx_top_k(np.array([[4.0, 1.0, 3.0]], np.float32), 2, is_max_k=False)
    assert values.numpy().tolist() == [[1.0, 3.0]] and indices.numpy().tolist() == [[1, 2]]
