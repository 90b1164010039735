"""Variable: in-place updates, trainable, name, dtype, shape checks, snapshots."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError


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
    v.assign_add(np.array([1, 1]))
    np.testing.assert_array_equal(v.numpy(), [2.5, 3.5])
    with pytest.raises(ValueError, match=r"requested dtype float32 for Tensor with dtype float64"):
        v.assign(tf.constant(np.array([1.0, 2.0])))  # tensors are not converted, as in TF
    with pytest.raises(TypeError, match="fraction"):
        tf.Variable([1, 2]).assign([1.5, 2.0])


@pytest.mark.parametrize("op", ["assign", "assign_add", "assign_sub"])
def test_shape_mismatch_error_names_both_shapes(op):
    v = tf.Variable(np.zeros((2, 3)), name="kernel")
    with pytest.raises(ValueError, match=r"kernel.*[(\[]2, 3[)\]].*[(\[]4,?[)\]]"):
        getattr(v, op)(np.zeros(4))
    with pytest.raises(ValueError, match="kernel"):  # no broadcasting of scalars, as in TF
        getattr(v, op)(1.0)


def test_assign_add_mismatch_is_invalid_argument_error():
    with pytest.raises(InvalidArgumentError, match=r"shapes must be equal"):
        tf.Variable(np.zeros(3)).assign_add(np.zeros(2))


def test_read_value_false_returns_none():
    v = tf.Variable([1.0])
    assert v.assign([2.0], read_value=False) is None
    assert v.assign_sub([1.0], read_value=False) is None
    assert v.assign_add([1.0]) is v


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


def test_assign_after_forward_copies_only_the_held_buffer():
    x = tf.constant([1.0, 2.0])
    w = tf.Variable([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(w * x)
    held = w.data
    w.assign([10.0, 20.0])
    assert w.data is not held  # the Multiply node saved the old array: copy-on-write
    np.testing.assert_array_equal(held, [3.0, 4.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 4.0])
    del tape, y
    buffer = w.data
    w.assign([1.0, 1.0])
    w[0].assign(5.0)
    w.scatter_nd_add([[1]], [1.0])
    assert w.data is buffer  # nothing holds it any more: updates stay in place
    np.testing.assert_array_equal(w.numpy(), [5.0, 2.0])


def test_a_training_step_updates_weights_in_place():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    buffers = [v.data for v in model.trainable_variables]
    model.train_on_batch(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32))
    assert all(v.data is b for v, b in zip(model.trainable_variables, buffers))


def test_slice_assignment_and_scatter_updates():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    assert v[0, 1].assign(2.0) is v
    v[:, 2].assign([1.0, 2.0])
    v[1:].assign_add([[1.0, 1.0, 1.0]])
    v[..., 0].assign_sub(3.0)
    v.scatter_nd_update([[0, 0]], [9.0])
    np.testing.assert_array_equal(v.numpy(), [[9.0, 2.0, 1.0], [-2.0, 1.0, 3.0]])
    with pytest.raises(InvalidArgumentError, match=r"Cannot broadcast input shape \[3\]"):
        v[:, 0].assign([1.0, 2.0, 3.0])
    with pytest.raises(AttributeError, match="scatter_nd_update"):
        v[np.array([True, False])].assign(np.zeros((1, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match=r"indices\[0\] = \[2, 0\]"):
        v.scatter_nd_sub([[2, 0]], [1.0])


def test_a_slice_is_a_differentiable_value():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        s = tf.reduce_sum(v[:, 1] * v[:, 1])
    np.testing.assert_array_equal(tape.gradient(s, v).numpy(), [[0.0, 4.0], [0.0, 8.0]])
