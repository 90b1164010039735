"""ops.math: values and TensorFlow semantics (expected numbers checked against TF 2.21)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.backend import config
from featherflow.ops import math as M
from featherflow.testing import check_gradients

RNG = np.random.default_rng(0)
A = RNG.normal(size=(2, 3, 4)).astype(np.float32)
B = RNG.normal(size=(3, 4)).astype(np.float32)


def close(t, expected, **kw):
    np.testing.assert_allclose(np.asarray(t), expected, **{"rtol": 1e-5, "atol": 1e-6, **kw})


@pytest.mark.parametrize("name,ref", [
    ("exp", np.exp), ("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh),
    ("square", np.square), ("abs", np.abs), ("negative", np.negative), ("sign", np.sign),
])
def test_top_level_unary_values(name, ref):
    close(getattr(tf, name)(B), ref(B))
    assert getattr(tf, name)(B).dtype == np.float32


@pytest.mark.parametrize("name,ref,lo", [
    ("log", np.log, 0.1), ("sqrt", np.sqrt, 0.0), ("log1p", np.log1p, 0.0),
    ("expm1", np.expm1, -1.0), ("rsqrt", lambda x: 1 / np.sqrt(x), 0.1),
    ("reciprocal", np.reciprocal, 0.1), ("tan", np.tan, -1.0), ("atan", np.arctan, -3.0),
    ("sinh", np.sinh, -2.0), ("cosh", np.cosh, -2.0), ("asin", np.arcsin, -0.9),
    ("acos", np.arccos, -0.9),
])
def test_math_unary_values(name, ref, lo):
    x = np.linspace(lo, 0.9 if name in ("asin", "acos") else 2.0, 7).astype(np.float32)
    close(getattr(tf.math, name)(x), ref(x), rtol=2e-6)


def test_erf_is_exact_to_double_precision():
    import math

    x = np.linspace(-6, 6, 2001)
    expected = np.array([math.erf(v) for v in x])
    with_float64 = M.erf_array(x)
    assert np.max(np.abs(with_float64 - expected)) < 1e-15


def test_float_only_ops_turn_ints_and_lists_into_floatx():
    for fn in (tf.exp, tf.sqrt, tf.sigmoid, tf.math.log, tf.nn.relu, tf.nn.softmax):
        assert fn([1, 2]).dtype == np.float32
    # a float64 array keeps its dtype, as in TF (tf.exp(np.float64 array) is float64)
    assert tf.exp(np.array([1.0], np.float64)).dtype == np.float64
    assert tf.square([1, 2]).dtype == np.int32  # defined on ints: stays int, as in TF


def test_binary_ops_keep_the_tensor_dtype():
    x = tf.constant([1.0, 2.0])
    for y in (2, 2.0, np.float64(2.0), np.array([2.0, 3.0]), [1, 2]):
        for fn in (tf.add, tf.subtract, tf.multiply, tf.divide, tf.maximum, tf.minimum, tf.pow):
            assert fn(x, y).dtype == np.float32, (fn.__name__, y)
            assert fn(y, x).dtype == np.float32, (fn.__name__, y)


def test_divide_of_integers_gives_floatx():
    close(tf.divide([1, 2], [2, 4]), [0.5, 0.5])
    assert tf.divide([1, 2], [2, 4]).dtype == np.float32


def test_floormod_floordiv_round_cast_follow_tf():
    close(tf.math.floormod([-3.0, 3.0, 5.5], [2.0, -2.0, 2.0]), [1.0, -1.0, 1.5])
    close(tf.math.floordiv([-3.0, 3.0, 5.5], [2.0, -2.0, 2.0]), [-2.0, -2.0, 2.0])
    close(tf.round([0.5, 1.5, 2.5, -0.5]), [0.0, 2.0, 2.0, -0.0])  # half to even
    np.testing.assert_array_equal(tf.cast([-1.7, 1.7, 2.5], tf.int32).numpy(), [-1, 1, 2])
    np.testing.assert_array_equal(tf.cast([0.0, 0.3], tf.bool).numpy(), [False, True])


def test_reductions_with_axes_and_keepdims():
    for fn, ref in [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max),
                    (tf.reduce_min, np.min), (tf.reduce_prod, np.prod)]:
        for axis in (None, 0, -1, [0, 2], (1,)):
            for keep in (False, True):
                ax = tuple(axis) if isinstance(axis, list) else axis
                out = fn(A, axis=axis, keepdims=keep)
                close(out, ref(A, axis=ax, keepdims=keep), rtol=1e-5)
                assert out.dtype == np.float32
    close(tf.reduce_logsumexp(A, axis=1), np.log(np.exp(A).sum(axis=1)), rtol=1e-5)
    close(tf.math.reduce_variance(B, axis=0), B.var(axis=0), rtol=1e-5)
    close(tf.math.reduce_std(B), B.std(), rtol=1e-5)
    close(tf.math.reduce_euclidean_norm(B), np.sqrt((B * B).sum()), rtol=1e-5)


def test_integer_reductions_keep_int_like_tf():
    out = tf.reduce_mean([1, 2, 4])
    assert out.dtype == np.int32 and int(out) == 2
    assert int(tf.reduce_mean([-1, -2])) == -1  # truncates toward zero
    out = tf.reduce_sum([[1, 2], [3, 4]], axis=0)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.numpy(), [4, 6])


def test_axis_out_of_range_error():
    with pytest.raises(ValueError, match=r"axis 2 is out of range.*rank 2"):
        tf.reduce_sum(B, axis=2)


def test_reduce_any_all_count_nonzero_argmax():
    np.testing.assert_array_equal(tf.reduce_any([[True, False], [False, False]], axis=1)
                                  .numpy(), [True, False])
    np.testing.assert_array_equal(tf.reduce_all([[True, True], [False, True]], axis=0).numpy(),
                                  [False, True])
    np.testing.assert_array_equal(tf.math.count_nonzero([[0, 1], [2, 0]], axis=0).numpy(),
                                  [1, 1])
    out = tf.argmax([[1, 5], [7, 2]])  # axis=None means 0 in TF
    np.testing.assert_array_equal(out.numpy(), [1, 0])
    assert out.dtype == np.int64
    np.testing.assert_array_equal(tf.argmin([[1, 5], [7, 2]], axis=1).numpy(), [0, 1])


def test_cumsum_variants():
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    close(tf.cumsum(x, axis=1), [[1, 3, 6]])
    close(tf.cumsum(x, axis=1, exclusive=True), [[0, 1, 3]])
    close(tf.cumsum(x, axis=1, reverse=True), [[6, 5, 3]])
    close(tf.cumsum(x, axis=1, exclusive=True, reverse=True), [[5, 3, 0]])


def test_matmul_variants():
    close(tf.matmul(B, B, transpose_b=True), B @ B.T, rtol=1e-5)
    close(tf.matmul(B, B, transpose_a=True), B.T @ B, rtol=1e-5)
    close(tf.matmul(A, B.T), A @ B.T, rtol=1e-5)
    close(tf.linalg.matvec(B, B[0]), B @ B[0], rtol=1e-5)
    close(tf.tensordot(A, B, axes=[[1, 2], [0, 1]]), np.tensordot(A, B, axes=([1, 2], [0, 1])),
          rtol=1e-5)
    close(tf.tensordot(B, B.T, axes=1), B @ B.T, rtol=1e-5)


def test_einsum_explicit_implicit_and_ellipsis():
    close(M.einsum("ij,jk", B[:, :3], B), B[:, :3] @ B, rtol=1e-5)
    close(M.einsum("...ij,jk->...ik", A, B.T), A @ B.T, rtol=1e-5)
    close(M.einsum("bij->bji", A), A.transpose(0, 2, 1))
    with pytest.raises(ValueError, match="einsum 'ij,jk->ik'"):
        M.einsum("ij,jk->ik", B, B)


def test_einsum_repeated_letters_get_diagonal_gradients():
    x = tf.Variable(np.eye(3, dtype=np.float32))
    with tf.GradientTape() as tape:
        y = M.einsum("ii->i", x)
    close(y, [1.0, 1.0, 1.0])
    close(tape.gradient(y, x), np.eye(3))
    rng = np.random.default_rng(0)
    for eq, shapes in (("ii->", [(3, 3)]), ("ii,i->i", [(3, 3), (3,)]),
                       ("bii->bi", [(2, 3, 3)]), ("...ii->...", [(2, 3, 3)]),
                       ("iji,j->i", [(3, 2, 3), (2,)]), ("ij,jj->i", [(2, 3), (3, 3)])):
        check_gradients(lambda *ts, eq=eq: M.einsum(eq, *ts),
                        [rng.normal(size=s) for s in shapes])


def test_where_select_and_indices():
    close(tf.where([True, False], [1.0, 2.0], [3.0, 4.0]), [1.0, 4.0])
    close(tf.where(np.array([[True], [False]]), 1.0, B[:2]), np.where([[True], [False]], 1.0,
                                                                     B[:2]))
    idx = tf.where([[True, False], [False, True]])
    np.testing.assert_array_equal(idx.numpy(), [[0, 0], [1, 1]])
    assert idx.dtype == np.int64
    with pytest.raises(ValueError, match="both x and y"):
        tf.where([True], [1.0])


def test_clip_norms_and_normalize():
    close(tf.clip_by_value(B, -0.5, 0.5), np.clip(B, -0.5, 0.5))
    close(M.clip_by_norm(B, 1.0), B / np.sqrt((B * B).sum()), rtol=1e-5)
    rows = np.sqrt((B * B).sum(axis=1, keepdims=True))
    close(M.clip_by_norm(B, 1.0, axes=[1]), B / np.maximum(rows, 1.0), rtol=1e-5)
    close(M.clip_by_norm(B * 0.01, 1.0), B * 0.01)
    clipped, norm = M.clip_by_global_norm([B, None, A], 2.0)
    total = np.sqrt((B * B).sum() + (A * A).sum())
    close(norm, total, rtol=1e-5)
    close(clipped[0], B * 2.0 / total, rtol=1e-5)
    assert clipped[1] is None
    close(tf.math.l2_normalize(B, axis=1), B / rows, rtol=1e-5)
    close(M.norm(A), np.linalg.norm(A.ravel()), rtol=1e-5)
    close(M.norm(B, ord=1, axis=0), np.abs(B).sum(axis=0), rtol=1e-5)
    close(M.norm(B, ord=np.inf), np.abs(B).max(), rtol=1e-5)
    close(M.norm(B, ord="fro", axis=[0, 1]), np.linalg.norm(B), rtol=1e-5)


def test_segments_top_k_membership_and_confusion():
    close(tf.math.segment_sum(B, [0, 0, 2]), [B[0] + B[1], np.zeros(4), B[2]])
    close(tf.math.unsorted_segment_sum(B, [2, -1, 0], 3), [B[2], np.zeros(4), B[0]])
    np.testing.assert_array_equal(
        tf.math.in_top_k([0, 1, 2], [[1.0, 2.0, 2.0], [3.0, 3.0, 1.0], [0.0, 0.0, 0.0]], 1)
        .numpy(), [False, True, True])
    np.testing.assert_array_equal(
        tf.math.confusion_matrix([0, 1, 2, 1], [0, 2, 2, 1], num_classes=4).numpy(),
        [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]])


def test_xlogy_divide_no_nan_squared_difference_add_n():
    close(tf.math.xlogy([0.0, 1.0, 2.0], [0.0, 2.0, 3.0]), [0.0, np.log(2), 2 * np.log(3)])
    close(tf.math.divide_no_nan([1.0, 2.0], [0.0, 4.0]), [0.0, 0.5])
    close(tf.math.squared_difference(B, 1.0), (B - 1) ** 2)
    close(tf.add_n([B, B, B]), 3 * B)
    with pytest.raises(ValueError, match="non-empty"):
        tf.add_n([])


def test_floatx_float64_changes_defaults():
    config.set_floatx("float64")
    try:
        assert tf.constant(1.0).dtype == np.float64
        assert tf.constant([1.0, 2.0]).dtype == np.float64
        assert tf.exp([1, 2]).dtype == np.float64
        assert tf.zeros((2,)).dtype == np.float64
        assert tf.divide(1, 2).dtype == np.float64
        x = tf.Variable([1.0])
        assert (x * 2).dtype == np.float64
    finally:
        config.set_floatx("float32")
    assert tf.constant(1.0).dtype == np.float32
    # lists and Python floats become floatx; a float64 array stays float64 (TF's rule).
    # TF would convert the list to float32 and refuse float32 + float64: featherflow
    # promotes to float64 instead (docs/tensors.md, "Known differences")
    assert tf.add([1.5], [1.0]).dtype == np.float32
    assert tf.add([1.5], np.array([1.0], np.float64)).dtype == np.float64
    assert tf.constant(np.zeros(2, np.float64)).dtype == np.float64
    assert tf.constant([1, 2]).dtype == np.int32  # integer values stay int, as in TF
    with pytest.raises(ValueError, match="float16"):
        config.set_floatx("int32")
