"""Dataset.unbatch and Dataset.rebatch against TensorFlow 2.21."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("UNBATCH")


def test_unbatch_keeps_string_rows_as_arrays():
    ds = tf.data.Dataset.from_tensors(tf.constant([["a", "b"], ["c", "d"]])).unbatch()
    rows = list(ds.as_numpy_iterator())
    assert [r.tolist() for r in rows] == [[b"a", b"b"], [b"c", b"d"]]


def test_unbatch_run_time_mismatch_names_components():
    first = tf.data.Dataset.from_tensors((np.zeros(2), np.zeros(2)))
    ds = first.concatenate(tf.data.Dataset.from_tensors((np.zeros(3), np.zeros(2))))
    with pytest.raises(InvalidArgumentError, match="Component 0 had size 3 but component 1"):
        list(ds.unbatch())


def test_rebatch_slices_across_input_batches():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(10)).batch(3).rebatch([4, 2])
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0, 1, 2, 3], [4, 5],
                                                            [6, 7, 8, 9]]


def test_rebatch_dict_and_bad_sizes():
    ds = tf.data.Dataset.from_tensor_slices({"a": np.arange(5)}).batch(2).rebatch(5)
    assert [b["a"].tolist() for b in ds.as_numpy_iterator()] == [[0, 1, 2, 3, 4]]
    with pytest.raises(ValueError, match="positive integer"):
        tf.data.Dataset.range(4).batch(2).rebatch([2, 0])


def test_rebatch_run_time_mismatch():
    first = tf.data.Dataset.from_tensors((np.zeros(2), np.zeros(2)))
    ds = first.concatenate(tf.data.Dataset.from_tensors((np.zeros(3), np.zeros(2))))
    with pytest.raises(InvalidArgumentError, match=r"sizes \[3, 2\]"):
        list(ds.rebatch(2))
