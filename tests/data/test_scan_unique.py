"""Dataset.scan, take_while and unique against TensorFlow 2.21."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("SCAN_UNIQUE")


def test_scan_state_dtype_change_is_refused_with_the_fix():
    ds = tf.data.Dataset.range(3).scan(np.int64(0), lambda s, x: (tf.cast(s, tf.float32), x))
    with pytest.raises(TypeError, match="initial state"):
        list(ds)


def test_scan_must_return_a_pair():
    with pytest.raises(TypeError, match=r"pair \(new_state, output\)"):
        list(tf.data.Dataset.range(2).scan(np.int64(0), lambda s, x: s + x))


def test_take_while_stops_reading_the_input():
    read = []

    def note(x):
        read.append(int(x))
        return x
    ds = tf.data.Dataset.range(100).map(note).take_while(lambda x: x < 2)
    assert [int(x) for x in ds] == [0, 1]
    assert read == [0, 1, 2]


def test_unique_messages():
    with pytest.raises(TypeError, match="tf.int32, tf.int64 or tf.string"):
        tf.data.Dataset.from_tensor_slices(np.zeros(2, np.float32)).unique()
    with pytest.raises(InvalidArgumentError, match="single tensors"):
        tf.data.Dataset.from_tensor_slices(([1], [2])).unique()


def test_unique_keeps_first_occurrence_order_over_many():
    values = np.random.default_rng(0).integers(0, 50, 2000)
    out = [int(x) for x in tf.data.Dataset.from_tensor_slices(values).unique()]
    assert out == list(dict.fromkeys(values.tolist()))
