"""tf.io.serialize_tensor / parse_tensor and decode_raw beyond the recorded scenarios
(tests/data/test_tfrecord.py compares their bytes and values with TensorFlow's)."""

import numpy as np
import pytest

import featherflow as tf


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int16", "int32", "int64",
                                   "uint8", "uint16", "uint32", "uint64", "bool", "float16",
                                   "complex128"])
def test_round_trip_every_numeric_dtype(dtype):
    values = np.arange(-3, 9).reshape(3, 4) % 7
    array = values.astype(dtype)
    record = tf.io.serialize_tensor(tf.constant(array))
    assert record.shape == () and isinstance(record.numpy(), bytes)
    back = tf.io.parse_tensor(record, np.dtype(dtype))
    assert back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back.numpy(), array)


def test_parse_accepts_bytes_and_scalar_tensors():
    record = tf.io.serialize_tensor(tf.constant([[b"a"], [b"b"]]))
    for value in (record, record.numpy()):
        assert tf.io.parse_tensor(value, tf.string).numpy().tolist() == [[b"a"], [b"b"]]


def test_errors_name_what_to_pass():
    record = tf.io.serialize_tensor(tf.constant([1.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Pass out_type=float32"):
        tf.io.parse_tensor(record, tf.int64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="serialize_tensor"):
        tf.io.parse_tensor(b"\xff\xff", tf.float32)
    with pytest.raises(TypeError, match="one record"):
        tf.io.parse_tensor([record.numpy()], tf.float32)


def test_decode_raw_reads_string_tensors_of_any_shape():
    raw = np.arange(4, dtype=np.int32).tobytes()
    records = tf.constant(np.array([[raw], [raw]], dtype=object))
    decoded = tf.io.decode_raw(records, tf.int32)
    assert decoded.shape == (2, 1, 4) and decoded.dtype == np.int32
    np.testing.assert_array_equal(decoded.numpy()[1, 0], [0, 1, 2, 3])


def test_decode_raw_errors_name_sizes_and_fix():
    with pytest.raises(tf.errors.InvalidArgumentError, match="element 1 has size 2 != 4.*"
                                                             "fixed_length"):
        tf.io.decode_raw([b"abcd", b"ab"], tf.uint8)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out_type must be one of"):
        tf.io.decode_raw(b"abcd", tf.string)
    with pytest.raises(TypeError, match="input_bytes must hold tf.string"):
        tf.io.decode_raw(np.zeros(3), tf.uint8)
