"""tf.RaggedTensor beyond the recorded scenarios: gradients against central differences
(featherflow.testing.check_gradients, float64, atol 1e-6 / rtol 1e-5), error messages that
name the argument, and the dispatch leaving dense calls alone."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from featherflow.testing import check_gradients

LENGTHS = [2, 0, 3, 2]
VALUES = np.array([0.5, -1.0, 2.0, 3.5, -0.25, 4.0, 1.5])


def _ragged(values):
    return tf.RaggedTensor.from_row_lengths(values, LENGTHS)


@pytest.mark.parametrize("fn", [
    lambda rt: tf.reduce_sum(rt * rt + 3.0 * rt, axis=1),
    lambda rt: tf.reduce_mean(rt, axis=1)[::2],
    lambda rt: tf.reduce_sum(tf.exp(rt), axis=0),
    lambda rt: tf.reduce_max(rt, axis=1)[tf.constant([0, 2, 3])],
    lambda rt: rt.to_tensor(default_value=0.5),
    lambda rt: rt[:, 1:].flat_values * 2.0,
    lambda rt: tf.concat([rt, tf.square(rt)], axis=1).flat_values,
    lambda rt: tf.stack([rt, rt], axis=1).flat_values,
    lambda rt: (rt + tf.constant([[1.0], [2.0], [3.0], [4.0]])).flat_values,
    lambda rt: tf.gather(rt, [3, 0, 0]).flat_values,
    lambda rt: tf.ragged.map_flat_values(tf.math.tanh, rt).flat_values,
], ids=["square_sum", "mean", "exp_sum0", "max", "to_tensor", "slice", "concat", "stack",
        "broadcast", "gather", "map_flat_values"])
def test_gradients_match_central_differences(fn):
    check_gradients(lambda v: fn(_ragged(v)), [VALUES])


def test_gradient_reaches_a_dense_operand_broadcast_onto_rows():
    col = np.array([[1.0], [2.0], [3.0], [4.0]])
    check_gradients(lambda v, c: (_ragged(v) * c).flat_values, [VALUES, col])


def test_gradient_of_rank2_to_tensor():
    flat = np.arange(7, dtype=np.float64) / 3.0
    check_gradients(lambda v: tf.RaggedTensor.from_nested_row_lengths(
        v, [[2, 0, 1], [3, 0, 4]]).to_tensor(default_value=-1.0), [flat])


def test_errors_name_the_argument():
    with pytest.raises(InvalidArgumentError, match="row_splits must start at 0"):
        tf.RaggedTensor.from_row_splits([1, 2], [1, 2])
    with pytest.raises(InvalidArgumentError, match="row_lengths must be >= 0"):
        tf.RaggedTensor.from_row_lengths([1, 2], [3, -1])
    with pytest.raises(InvalidArgumentError, match="value_rowids must be"):
        tf.RaggedTensor.from_value_rowids([1, 2], [1, 0])
    with pytest.raises(TypeError, match="'row_splits' must be an integer tensor"):
        tf.RaggedTensor.from_row_splits([1, 2], [0.0, 2.0])
    with pytest.raises(ValueError, match="Cannot index into an inner ragged dimension"):
        _ragged(VALUES)[:, 0]
    with pytest.raises(InvalidArgumentError, match="row partitions differ"):
        tf.ragged.constant([[1, 2], [3]]) + tf.ragged.constant([[1], [2, 3]])
    with pytest.raises(ValueError, match="ragged_rank must be in"):
        tf.RaggedTensorSpec([None, None], tf.int32, ragged_rank=2)


def test_dense_calls_are_untouched_by_the_dispatch():
    # the wrappers send dense calls to the original function unchanged
    assert tf.add(1, 2).numpy() == 3
    assert tf.reduce_sum(tf.constant([[1, 2], [3, 4]]), axis=1).numpy().tolist() == [3, 7]
    assert tf.math.add is tf.add
    assert tf.concat([tf.constant([1]), tf.constant([2])], 0).numpy().tolist() == [1, 2]


def test_repr_and_spec_text():
    rt = tf.ragged.constant([["a", "b"], []])
    assert repr(rt) == "<tf.RaggedTensor [[b'a', b'b'], []]>"
    spec = tf.data.Dataset.from_tensor_slices(_ragged(VALUES)).element_spec
    assert repr(spec) == "RaggedTensorSpec(TensorShape([None]), tf.float64, 0, tf.int64)"
    assert spec.is_compatible_with(tf.RaggedTensorSpec([3], tf.float64, 0))


def test_ragged_batches_feed_an_embedding_through_to_tensor():
    ds = tf.data.Dataset.from_tensor_slices(["a b", "c", "a c b"]).map(tf.strings.split)
    lookup = tf.keras.layers.StringLookup(vocabulary=["a", "b", "c"])
    batches = [lookup(b.to_tensor()) for b in ds.ragged_batch(2)]
    assert batches[0].numpy().tolist() == [[1, 2], [3, 0]]


def test_pipeline_steps_that_need_dense_elements_say_so(tmp_path):
    ds = tf.data.Dataset.from_tensors(tf.ragged.constant([[1, 2], [], [3]]))
    with pytest.raises(TypeError, match="`padded_batch` is only supported .*ragged_batch"):
        ds.padded_batch(2)
    # save and load keep RaggedTensor components, as TF's
    ds.save(str(tmp_path / "saved"))
    assert [r.to_list() for r in tf.data.Dataset.load(str(tmp_path / "saved"))] == [
        [[1, 2], [], [3]]]
    assert [r.to_list() for r in ds.cache().repeat(2)] == [[[1, 2], [], [3]]] * 2
