"""Whole-batch map: the results and order of TensorFlow's per-element pipeline, and the
check that decides when a function may run on a batch."""

import numpy as np

import featherflow as tf
from featherflow.data import vectorize
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("vectorize")

_ELEMENT = (np.zeros((3, 4), np.uint8), np.array(2, np.int64))
_VECTOR = np.ones(6, np.float32)


def test_elementwise_functions_are_recognised():
    assert vectorize.is_elementwise(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y), _ELEMENT)
    assert vectorize.is_elementwise(lambda x: tf.nn.relu(x * 2.0 - 1.0), _VECTOR)
    assert vectorize.is_elementwise(lambda x: x - np.arange(6, dtype=np.float32), _VECTOR)


def test_functions_that_see_the_whole_element_are_not():
    assert not vectorize.is_elementwise(lambda x: x / tf.reduce_max(x), _VECTOR)
    assert not vectorize.is_elementwise(lambda x: tf.reshape(x, [-1]), _VECTOR)
    assert not vectorize.is_elementwise(lambda x: x * float(len(x)), _VECTOR)
    assert not vectorize.is_elementwise(lambda x: x * x.shape[0], _VECTOR)
    assert not vectorize.is_elementwise(lambda x: x * tf.cast(tf.size(x), tf.float32), _VECTOR)
    assert not vectorize.is_elementwise(lambda x: x + 1 if x[0] > 0 else x, _VECTOR)
    assert not vectorize.is_elementwise(lambda x: tf.constant(x.numpy() * 2), _VECTOR)
    # a constant with more dims than the element would broadcast differently on a batch
    assert not vectorize.is_elementwise(lambda x: x + np.ones((2, 6), np.float32), _VECTOR)
    # element ranks that differ would not line up once a batch dim is in front
    assert not vectorize.is_elementwise(
        lambda x, y: x * tf.cast(y, tf.float32), (_VECTOR, np.array(3, np.int64)))
    # a constant output does not come from the input
    assert not vectorize.is_elementwise(lambda x: tf.constant(1.0), _VECTOR)


def test_strings_keep_the_per_element_path():
    assert not vectorize.is_elementwise(lambda s: s, np.array(b"a", dtype=object))


def test_batched_path_is_taken_and_calls_the_function_once_per_batch():
    calls = []

    def scale(x):
        calls.append(1)
        return x * 2.0

    ds = tf.data.Dataset.from_tensor_slices(np.ones((64, 5), np.float32)).map(scale).batch(16)
    out = list(ds.as_numpy_iterator())
    assert [o.shape for o in out] == [(16, 5)] * 4
    assert len(calls) < 64
    np.testing.assert_array_equal(out[0], 2.0)
    # the trace, one verifying element, then one call per batch
    assert len(calls) <= 2 + 4


def test_probe_is_cleared_after_a_failed_trace():
    from featherflow.autodiff import state

    assert not vectorize.is_elementwise(lambda x: 1 / 0, _VECTOR)
    assert state.probe is None and state.recording == 0
