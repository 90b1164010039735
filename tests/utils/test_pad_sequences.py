"""keras.utils.pad_sequences: Keras 3.15.1's results (recorded by hand from Keras; small)."""

import numpy as np
import pytest

import featherflow as tf

SEQS = [[1, 2, 3], [4, 5], [6], []]


def test_defaults_pad_and_cut_in_front():
    np.testing.assert_array_equal(tf.keras.utils.pad_sequences(SEQS),
                                  [[1, 2, 3], [0, 4, 5], [0, 0, 6], [0, 0, 0]])
    out = tf.keras.utils.pad_sequences(SEQS, maxlen=2)
    np.testing.assert_array_equal(out, [[2, 3], [4, 5], [0, 6], [0, 0]])
    assert out.dtype == np.int32


def test_post_and_value_and_float():
    out = tf.keras.utils.pad_sequences(SEQS, maxlen=2, padding="post", truncating="post",
                                       value=-1, dtype="float32")
    np.testing.assert_array_equal(out, [[1, 2], [4, 5], [6, -1], [-1, -1]])
    assert out.dtype == np.float32


def test_vectors_and_errors():
    out = tf.keras.utils.pad_sequences([np.ones((2, 3)), np.ones((1, 3))], dtype="float32")
    assert out.shape == (2, 2, 3) and out[1, 0].sum() == 0
    with pytest.raises(ValueError, match="non-iterable"):
        tf.keras.utils.pad_sequences([1, 2])
    with pytest.raises(ValueError, match="Padding type"):
        tf.keras.utils.pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="dtype=object"):
        tf.keras.utils.pad_sequences([["a"]], value="x")
