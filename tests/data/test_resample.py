"""Dataset.rejection_resample: TF's construction; the kept elements are TF's in distribution."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.data import resample


def _skewed(n=4000):
    rs = np.random.RandomState(0)
    return rs.choice(2, size=n, p=[0.9, 0.1])


@pytest.mark.parametrize("initial", [[0.9, 0.1], None])
def test_reaches_the_target_distribution(initial):
    ds = tf.data.Dataset.from_tensor_slices(_skewed()).rejection_resample(
        lambda x: tf.cast(x, tf.int32), target_dist=[0.5, 0.5], initial_dist=initial, seed=1)
    pairs = list(ds.take(2000).as_numpy_iterator())
    classes = np.array([c for c, _ in pairs])
    elements = np.array([e for _, e in pairs])
    assert (classes == elements).all()
    share = np.bincount(classes, minlength=2) / len(classes)
    np.testing.assert_allclose(share, [0.5, 0.5], atol=0.05)


def test_spec_is_tf_s():
    ds = tf.data.Dataset.from_tensor_slices(np.array([0, 1, 0, 0])).rejection_resample(
        lambda x: tf.cast(x, tf.int32), target_dist=[0.5, 0.5], seed=1)
    assert ds.element_spec == (tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.int64))


def test_acceptance_rates_keep_the_most_data():
    rates, original = resample.acceptance_with_mixing(
        np.array([0.6, 0.4], np.float32), np.array([0.5, 0.5], np.float32))
    # the rarer class is never rejected; the mix draws from the untouched data 5/6 of the time
    np.testing.assert_allclose(rates, [0.0, 1.0], atol=1e-6)
    assert original == pytest.approx(0.5 / 0.6, rel=1e-5)


def test_target_equal_to_initial_returns_the_labelled_input():
    ds = tf.data.Dataset.range(4).rejection_resample(
        lambda x: tf.cast(x % 2, tf.int32), target_dist=[0.5, 0.5], initial_dist=[0.5, 0.5])
    assert [(int(c), int(e)) for c, e in ds.as_numpy_iterator()] == [(0, 0), (1, 1), (0, 2),
                                                                     (1, 3)]


def test_tuple_elements_and_bad_input():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(6), np.array([0, 1, 0, 1, 0, 1])))
    out = ds.rejection_resample(lambda x, y: tf.cast(y, tf.int32), target_dist=[0.5, 0.5],
                                initial_dist=[0.5, 0.5])
    first = next(iter(out.as_numpy_iterator()))
    assert int(first[0]) == 0 and tuple(int(v) for v in first[1]) == (0, 0)
    with pytest.raises(ValueError, match="one probability per class"):
        ds.rejection_resample(lambda x, y: y, target_dist=[0.5, 0.5], initial_dist=[1.0])
    with pytest.raises(TypeError, match="scalar integer"):
        tf.data.Dataset.range(4).rejection_resample(
            lambda x: tf.cast(x, tf.float32), target_dist=[0.3, 0.7], initial_dist=[0.5, 0.5])
