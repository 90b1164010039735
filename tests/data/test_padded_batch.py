"""Dataset.padded_batch against TensorFlow 2.21 (tools/data_fixtures/transformations.py),
and its errors."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import DataLossError
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("PADDED")


def _ragged(lengths):
    ds = None
    for n in lengths:
        d = tf.data.Dataset.from_tensors(np.arange(n, dtype=np.int64) + 1)
        ds = d if ds is None else ds.concatenate(d)
    return ds


def test_pads_each_batch_to_its_own_longest():
    out = list(_ragged([1, 3, 2, 2]).padded_batch(2).as_numpy_iterator())
    assert [b.shape for b in out] == [(2, 3), (2, 2)]
    np.testing.assert_array_equal(out[0], [[1, 0, 0], [1, 2, 3]])


def test_too_small_padded_shape_names_the_sizes():
    with pytest.raises(DataLossError, match=r"shape \[4\].*padded shape is \[3\]"):
        list(_ragged([1, 4]).padded_batch(2, padded_shapes=[3]))


def test_padding_value_dtype_error_says_the_fix():
    with pytest.raises(TypeError, match=r"dtype int32 was given.*dtype int64.*tf.constant"):
        _ragged([1]).padded_batch(1, padding_values=0)


def test_structure_mismatch_of_padded_shapes():
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((2, 3)), np.zeros(2)))
    with pytest.raises(ValueError, match="structure of the elements"):
        ds.padded_batch(2, padded_shapes=([3],))


def test_string_padding_and_nested_dict_spec():
    ds = tf.data.Dataset.from_tensors({"s": tf.constant(["a"]), "n": np.int64(1)})
    ds = ds.concatenate(tf.data.Dataset.from_tensors({"s": tf.constant(["b", "c"]),
                                                      "n": np.int64(2)}))
    (batch,) = ds.padded_batch(4, padding_values={"s": "-", "n": np.int64(0)})
    assert batch["s"].numpy().tolist() == [[b"a", b"-"], [b"b", b"c"]]
    assert tuple(ds.padded_batch(4).element_spec["s"].shape) == (None, None)


def test_unknown_rank_needs_padded_shapes():
    spec_less = tf.data.Dataset.range(1)
    spec_less._spec = tf.TensorSpec(None, tf.int64)
    with pytest.raises(ValueError, match="unknown rank"):
        spec_less.padded_batch(2)
