"""Dataset.group_by_window and bucket_by_sequence_length against TensorFlow 2.21."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("GROUPING")


def test_key_must_be_int64_and_the_error_says_so():
    ds = tf.data.Dataset.range(4).group_by_window(lambda x: tf.cast(x, tf.int32),
                                                  lambda k, w: w, window_size=2)
    with pytest.raises(ValueError, match=r"tf\.int64.*int32.*tf\.cast"):
        list(ds)


def test_full_windows_come_out_before_more_input_is_read():
    seen = []

    def key(x):
        seen.append(int(x))
        return x % 2
    ds = tf.data.Dataset.range(6).group_by_window(key, lambda k, w: w.batch(2), window_size=2)
    it = ds.as_numpy_iterator()
    assert next(it).tolist() == [0, 2]
    assert seen == [0, 1, 2]


def test_bucket_docstring_example():
    ds = tf.data.Dataset.range(1, 8).map(lambda x: tf.fill([x], x))
    ds = ds.bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2])
    assert [b.shape for b in ds.as_numpy_iterator()] == [(2, 2), (2, 4), (2, 6), (1, 7)]


def test_bucket_boundaries_must_increase():
    with pytest.raises(ValueError, match="increasing"):
        tf.data.Dataset.range(3).bucket_by_sequence_length(lambda x: 1, [5, 3], [1, 1, 1])


def test_window_size_func_gets_the_key():
    sizes = {0: 1, 1: 3}
    ds = tf.data.Dataset.from_tensor_slices(np.array([1, 0, 1, 1, 0], np.int64))
    ds = ds.group_by_window(lambda x: x, lambda k, w: w.batch(5),
                            window_size_func=lambda k: np.int64(sizes[int(k)]))
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0], [1, 1, 1], [0]]
