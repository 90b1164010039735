"""Dataset.window against TensorFlow 2.21: windows are datasets (DatasetSpec), turned into
tensors with flat_map."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.data import structure
from featherflow.data.nested import DatasetSpec
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("WINDOW")


def test_windows_are_datasets_with_known_cardinality():
    windows = list(tf.data.Dataset.range(5).window(2)._iterate())
    assert [int(w.cardinality()) for w in windows] == [2, 2, 1]
    assert [[int(x) for x in w] for w in windows] == [[0, 1], [2, 3], [4]]


def test_tuple_window_is_a_tuple_of_datasets():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(3), np.arange(3) * 2.0)).window(3)
    (first,) = list(ds._iterate())
    assert isinstance(first, tuple) and all(isinstance(d, tf.data.Dataset) for d in first)
    assert ds.element_spec[1] == DatasetSpec(tf.TensorSpec((), tf.float64))
    assert repr(ds.element_spec[0]) == (
        "DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorShape([]))")


def test_window_of_infinite_input_stays_lazy():
    ds = tf.data.Dataset.range(3).repeat().window(4, shift=1).flat_map(lambda w: w.batch(4))
    assert [b.tolist() for b in ds.take(2).as_numpy_iterator()] == [[0, 1, 2, 0], [1, 2, 0, 1]]


@pytest.mark.skipif(not isinstance(structure.to_tensors(tf.data.Dataset.range(1)),
                                   tf.data.Dataset),
                    reason="needs structure.to_tensors to pass Dataset leaves through "
                           "(lead-owned)")
def test_iterating_windows_directly():
    assert [[int(x) for x in w] for w in tf.data.Dataset.range(3).window(2)] == [[0, 1], [2]]
