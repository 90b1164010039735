"""tf.bitwise, tf.sets, tf.bitcast and tf.as_string against TensorFlow 2.21
(tools/data_fixtures/bits_sets.py: 48 scenarios, values and error classes), plus the
messages featherflow adds."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_bits_sets_scenario, workdir = scenario_test("bits_sets")


def test_messages_name_what_was_expected():
    with pytest.raises(tf.errors.InvalidArgumentError, match="integer tensors.*float32"):
        tf.bitwise.bitwise_and(tf.constant([1.0]), tf.constant([2.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="sorted in row-major order"):
        tf.sets.size(tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2]))
    assert tf.sets.size(tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2]),
                        validate_indices=False).numpy().tolist() == [2]
    with pytest.raises(TypeError, match="bitcast\\(type=\\)"):
        tf.bitcast(tf.constant([1.0]), "not a dtype")
    with pytest.raises(tf.errors.InvalidArgumentError, match="fill"):
        tf.as_string(tf.constant([1]), width=3, fill="x")


def test_sets_work_on_tokens_from_tf_strings():
    words = tf.strings.split(tf.constant(["the cat sat", "a cat ran", "cat"])).to_tensor()
    assert words.shape == (3, 3)  # the short row is padded with b""
    common = tf.sets.intersection(words[:1], words[2:])
    assert common.values.numpy().tolist() == [b"cat"]
    assert tf.sets.union(words[1:2], words[2:]).values.numpy().tolist() == [b"", b"a", b"cat",
                                                                           b"ran"]


def test_bitcast_round_trips():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    back = tf.bitcast(tf.bitcast(tf.constant(x), tf.uint8), tf.float32)
    np.testing.assert_array_equal(back.numpy(), x)
