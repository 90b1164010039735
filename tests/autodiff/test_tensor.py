"""Tensor: operators with broadcasting, comparisons, indexing, NumPy interop, dtypes."""

import operator

import numpy as np
import pytest

import featherflow as tf


def t(values, dtype=None):
    return tf.constant(values, dtype=dtype)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.pow])
def test_arithmetic_operators_broadcast_like_numpy(op):
    a = np.array([[1.0, 2.0, 3.0]], np.float32)
    b = np.array([[2.0], [4.0]], np.float32)
    for x, y in [(t(a), t(b)), (t(a), b), (a, t(b)), (t(a), 2.0), (3, t(b))]:
        out = op(x, y)
        assert isinstance(out, tf.Tensor)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.numpy(), op(np.asarray(x, np.float32),
                                                   np.asarray(y, np.float32)), rtol=1e-6)


def test_matmul_neg_abs_operators():
    a = t([[1.0, -2.0]])
    np.testing.assert_array_equal((a @ [[1.0], [1.0]]).numpy(), [[-1.0]])
    np.testing.assert_array_equal((np.array([[2.0, 0.0]], np.float32) @ t([[1.0], [3.0]]))
                                  .numpy(), [[2.0]])
    np.testing.assert_array_equal((-a).numpy(), [[-1.0, 2.0]])
    np.testing.assert_array_equal(abs(a).numpy(), [[1.0, 2.0]])
    assert (+a) is a


def test_numpy_operand_on_the_left_gives_a_tensor():
    x = t([1.0, 2.0])
    for out in (np.ones(2) + x, np.float64(2.0) * x, np.float32(2.0) - x, np.ones(2) / x):
        assert isinstance(out, tf.Tensor)
        assert out.dtype == np.float32


def test_comparisons_give_bool_tensors():
    x = t([1.0, 2.0, 3.0])
    np.testing.assert_array_equal((x > 1.5).numpy(), [False, True, True])
    np.testing.assert_array_equal((x <= 2).numpy(), [True, True, False])
    np.testing.assert_array_equal((x == [1.0, 0.0, 3.0]).numpy(), [True, False, True])
    np.testing.assert_array_equal((x != 2.0).numpy(), [True, False, True])
    assert (x == None) is False  # noqa: E711 - as tf.Tensor.__eq__
    assert (x != None) is True  # noqa: E711
    np.testing.assert_array_equal(((x > 1) & (x < 3)).numpy(), [False, True, False])
    np.testing.assert_array_equal((~(x > 1)).numpy(), [True, False, False])


def test_basic_and_advanced_indexing_with_gradients():
    v = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
    with tf.GradientTape() as tape:
        parts = [v[1], v[:, 1:3], v[..., -1], v[None, 0, ::2], v[[0, 0, 2]],
                 v[[0, 2], [1, 1]], v[v > 9.0], v[tf.constant([2])]]
        y = tf.add_n([tf.reduce_sum(p) for p in parts])
    expected = np.zeros((3, 4), np.float32)
    expected[1] += 1
    expected[:, 1:3] += 1
    expected[..., -1] += 1
    expected[0, ::2] += 1
    expected[0] += 2
    expected[2] += 2
    expected[[0, 2], [1, 1]] += 1
    expected[v.numpy() > 9] += 1
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), expected)
    np.testing.assert_array_equal(v[1:, 2].numpy(), [6.0, 10.0])


def test_index_error_names_the_shape():
    with pytest.raises(IndexError, match=r"\(2,\)"):
        t([1.0, 2.0])[5]


def test_numpy_interop():
    x = t([[1.0, 2.0]])
    assert isinstance(np.asarray(x), np.ndarray)
    np.testing.assert_array_equal(np.asarray(x), [[1.0, 2.0]])
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert np.exp(x).shape == (1, 2)
    assert float(t(2.5)) == 2.5 and int(t(3)) == 3
    assert isinstance(x.numpy(), np.ndarray)
    assert x.shape == (1, 2) and x.shape.as_list() == [1, 2] and x.ndim == 2
    assert len(x) == 1 and [r.shape for r in x] == [(2,)]
    assert f"{t(1.5):.2f}" == "1.50"
    assert "shape=(1, 2)" in repr(x)


def test_bool_of_a_tensor():
    assert bool(t([1.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t([1.0, 2.0]))


def test_incompatible_shapes_error_names_both_shapes_and_op():
    for fn, op in [(lambda a, b: a + b, "add"), (lambda a, b: a * b, "multiply"),
                   (tf.maximum, "maximum"), (lambda a, b: a - b, "subtract")]:
        with pytest.raises(ValueError, match=rf"{op}: incompatible shapes \(3,\) and \(2,\)"):
            fn(t([1.0, 2.0, 3.0]), t([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"matmul: incompatible shapes \(2, 3\) and \(2, 3\)"):
        tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))
    with pytest.raises(ValueError, match=r"concat: shapes \[\(2, 3\), \(3, 2\)\]"):
        tf.concat([tf.ones((2, 3)), tf.ones((3, 2))], axis=0)
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4,\)"):
        tf.reshape(tf.ones((2, 3)), (4,))


def test_int_and_float_mix_gives_float32():
    i = t([1, 2])
    assert i.dtype == np.int32
    assert (i * 0.5).dtype == np.float32
    assert (i + t([0.5, 0.5])).dtype == np.float32
    assert (i + 1).dtype == np.int32
    assert (i / i).dtype == np.float32
