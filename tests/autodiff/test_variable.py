"""Variable: in-place updates, trainable, name, dtype, shape checks, snapshots."""

import numpy as np
import pytest

import featherflow as tf


def test_assign_family_updates_in_place():
    v = tf.Variable([1.0, 2.0], name="w")
    buffer = v.data
    assert v.assign([3.0, 4.0]) is v
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
    assert v.data is buffer  # references held by layers and optimizers stay valid
    assert v.dtype == np.float32


def test_assign_keeps_dtype_and_converts_values():
    v = tf.Variable(np.zeros(2, np.float32))
    v.assign(np.array([1.5, 2.5], np.float64))
    assert v.dtype == np.float32
    v.assign_add(1)  # a scalar broadcasts
    np.testing.assert_array_equal(v.numpy(), [2.5, 3.5])


@pytest.mark.parametrize("op", ["assign", "assign_add", "assign_sub"])
def test_shape_mismatch_error_names_both_shapes(op):
    v = tf.Variable(np.zeros((2, 3)), name="kernel")
    with pytest.raises(ValueError, match=r"kernel.*\(2, 3\).*\(4,\)"):
        getattr(v, op)(np.zeros(4))


def test_name_trainable_and_default_dtypes():
    v = tf.Variable(1.0, name="bias", trainable=False)
    assert v.name == "bias" and not v.trainable
    v.trainable = True
    assert v.trainable
    assert tf.Variable(1.0).dtype == np.float32
    assert tf.Variable(1).dtype == np.int32
    assert tf.Variable([1.0], dtype=tf.float64).dtype == np.float64
    assert tf.Variable(lambda: np.ones(3)).shape == (3,)


def test_numpy_is_a_copy_and_ops_read_a_snapshot():
    v = tf.Variable([1.0, 2.0])
    a = v.numpy()
    r = tf.reshape(v, (2, 1))
    i = tf.identity(v)
    s = v[0]
    c = tf.cast(v, tf.float32)
    v.assign([5.0, 6.0])
    np.testing.assert_array_equal(a, [1.0, 2.0])
    np.testing.assert_array_equal(r.numpy(), [[1.0], [2.0]])
    np.testing.assert_array_equal(i.numpy(), [1.0, 2.0])
    assert float(s) == 1.0
    np.testing.assert_array_equal(c.numpy(), [1.0, 2.0])


def test_variable_in_ops_and_gradient():
    v = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul(v, [[3.0], [4.0]]))
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [[3.0, 4.0]])
    assert float(y) == 11.0


def test_constant_of_a_variable_or_array_is_a_copy():
    v = tf.Variable([1.0, 2.0])
    a = np.array([1.0, 2.0], np.float32)
    c, c2, c3 = tf.constant(v), tf.constant(a), tf.constant(a, shape=(2, 1))
    v.assign([5.0, 6.0])
    a[...] = 0
    np.testing.assert_array_equal(c.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(c2.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(c3.numpy(), [[1.0], [2.0]])
