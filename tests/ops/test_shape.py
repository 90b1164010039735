"""ops.reshape, concat, indexing, padding, creation, sort...: values and TF semantics (TF 2.21)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.ops import indexing as indexing_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops import reverse as reverse_ops
from featherflow.ops import tiling as tiling_ops

RNG = np.random.default_rng(0)
A = RNG.normal(size=(2, 3, 4)).astype(np.float32)
B = RNG.normal(size=(3, 4)).astype(np.float32)


def same(t, expected):
    np.testing.assert_array_equal(np.asarray(t), expected)


def test_reshape_transpose_expand_squeeze():
    same(tf.reshape(A, (4, -1)), A.reshape(4, -1))
    same(tf.reshape(A, [None, 12]), A.reshape(-1, 12))
    same(tf.transpose(A), A.transpose())
    same(tf.transpose(A, [1, 0, 2]), A.transpose(1, 0, 2))
    same(reshape_ops.matrix_transpose(A), A.transpose(0, 2, 1))
    assert tf.expand_dims(B, -1).shape == (3, 4, 1)
    assert tf.expand_dims(B, 0).shape == (1, 3, 4)
    assert tf.squeeze(np.zeros((1, 2, 1), np.float32), axis=[-1]).shape == (1, 2)
    assert tf.squeeze(np.zeros((1, 2, 1), np.float32)).shape == (2,)
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected a dimension of 1, got 2"):
        tf.squeeze(np.zeros((1, 2)), axis=1)
    with pytest.raises(ValueError, match="not a permutation"):
        tf.transpose(A, [0, 0, 1])
    with pytest.raises(ValueError, match="out of range"):
        tf.expand_dims(B, 5)


def test_concat_stack_split_unstack():
    same(tf.concat([B, B[:1]], axis=0), np.concatenate([B, B[:1]]))
    same(tf.concat([B, B], axis=-1), np.concatenate([B, B], -1))
    assert tf.concat([[1, 2], [3.5]], 0).dtype == np.float32
    same(tf.stack([B, B], axis=-1), np.stack([B, B], -1))
    parts = tf.split(A, [1, -1], axis=1)
    assert [p.shape for p in parts] == [(2, 1, 4), (2, 2, 4)]
    parts = tf.split(A, 2, axis=2)
    same(parts[1], A[:, :, 2:])
    rows = tf.unstack(A, axis=1)
    assert len(rows) == 3 and rows[2].shape == (2, 4)
    same(rows[2], A[:, 2])
    with pytest.raises(ValueError, match="3 equal parts"):
        tf.split(A, 3, axis=2)
    with pytest.raises(ValueError, match="same shape"):
        tf.stack([B, A])


def test_gather_variants():
    same(tf.gather(A, [2, 0, 2], axis=1), A[:, [2, 0, 2]])
    idx = np.array([[0, 2], [1, 1]])
    expected = np.stack([A[0][:, idx[0]], A[1][:, idx[1]]])
    same(tf.gather(A, idx, axis=2, batch_dims=1), expected)
    same(tf.gather(A, [[0, 2], [1, 1]], axis=1, batch_dims=1),
         np.stack([A[0][[0, 2]], A[1][[1, 1]]]))
    same(tf.gather_nd(A, [[0, 1], [1, 2]]), np.stack([A[0, 1], A[1, 2]]))
    same(tf.nn.embedding_lookup(B, [[2, 0]]), B[[[2, 0]]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[0, 3\)"):
        tf.gather(B, [3])


def test_boolean_mask_with_axis():
    same(tf.boolean_mask(A, [True, False, True], axis=1), A[:, [0, 2]])
    mask = np.array([[True, False, True], [False, False, True]])
    same(tf.boolean_mask(A, mask), A[mask])
    with pytest.raises(ValueError, match="does not match"):
        tf.boolean_mask(A, [True, False, True])


def test_pad_modes():
    same(tf.pad(B, [[1, 1], [2, 0]], mode="REFLECT"), np.pad(B, [(1, 1), (2, 0)], "reflect"))
    same(tf.pad(B, [[1, 2], [0, 1]], mode="SYMMETRIC"),
         np.pad(B, [(1, 2), (0, 1)], "symmetric"))
    same(tf.pad(B, [[1, 0], [0, 1]], constant_values=7),
         np.pad(B, [(1, 0), (0, 1)], constant_values=7))
    with pytest.raises(ValueError, match="2 non-negative"):
        tf.pad(B, [[1, 1]])
    with pytest.raises(ValueError, match="REFLECT"):
        tf.pad(B, [[1, 1], [1, 1]], mode="WRAP")


def test_tile_repeat_roll_reverse_broadcast():
    same(tf.tile(B, [2, 1]), np.tile(B, (2, 1)))
    with pytest.raises(ValueError, match="one entry per axis"):
        tf.tile(B, [2])
    same(tiling_ops.repeat(B, [1, 0, 2], axis=0), np.repeat(B, [1, 0, 2], axis=0))
    same(tiling_ops.repeat([[1, 2], [3, 4]], 2), [1, 1, 2, 2, 3, 3, 4, 4])
    same(reverse_ops.roll(B, shift=[1, -1], axis=[0, 1]), np.roll(B, (1, -1), (0, 1)))
    same(tf.reverse(B, [0]), B[::-1])
    same(tf.broadcast_to([1.0, 2.0], [3, 2]), [[1, 2]] * 3)
    with pytest.raises(ValueError, match=r"\(2,\) to \(3,\)"):
        tf.broadcast_to([1.0, 2.0], [3])


def test_scatter_ops():
    out = indexing_ops.tensor_scatter_nd_update(B, [[0, 1], [2, 3]], [9.0, 8.0])
    expected = B.copy()
    expected[0, 1], expected[2, 3] = 9, 8
    same(out, expected)
    expected = B.copy()
    expected[0, 1] += 17
    same(indexing_ops.tensor_scatter_nd_add(B, [[0, 1], [0, 1]], [9.0, 8.0]), expected)
    same(indexing_ops.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [5]), [0, 4, 0, 2, 0])


def test_sort_argsort_top_k_unique_follow_tf_tie_order():
    v = np.array([3.0, 1.0, 3.0, 2.0, 1.0], np.float32)
    values, indices = tf.math.top_k(v, k=3)
    same(values, [3, 3, 2])
    same(indices, [0, 2, 3])  # ties keep the lower index first, as TF
    assert tf.math.top_k(v, 2).indices.dtype == np.int32
    same(tf.sort(v, direction="DESCENDING"), [3, 3, 2, 1, 1])
    same(tf.argsort(v, direction="DESCENDING"), [0, 2, 3, 1, 4])
    same(tf.argsort(v), [1, 4, 3, 0, 2])
    vals, idx = tf.unique([4, 1, 4, 2, 1])
    same(vals, [4, 1, 2])
    same(idx, [0, 1, 0, 2, 1])


def test_creation_functions_and_dtypes():
    assert tf.zeros((2, 3)).dtype == np.float32
    assert tf.ones([2]).dtype == np.float32
    assert tf.zeros([2], dtype=tf.int32).dtype == np.int32
    assert tf.zeros_like([1.5]).dtype == np.float32
    assert tf.ones_like([[1, 2]]).dtype == np.int32
    assert tf.ones_like(B, dtype=tf.float64).dtype == np.float64
    same(tf.fill([2, 2], 1.5), np.full((2, 2), 1.5))
    assert tf.fill([2], 1.5).dtype == np.float32
    same(tf.eye(2, batch_shape=[3]), np.broadcast_to(np.eye(2), (3, 2, 2)))
    r = tf.range(5)
    assert r.dtype == np.int32 and r.numpy().tolist() == [0, 1, 2, 3, 4]
    assert tf.range(0.0, 1.0, 0.25).dtype == np.float32
    same(tf.range(1, 2.5, 0.5), [1.0, 1.5, 2.0])
    same(tf.linspace(0.0, 1.0, 5), [0, 0.25, 0.5, 0.75, 1.0])
    assert tf.linspace(0.0, 1.0, 5).dtype == np.float32
    same(tf.shape(A), [2, 3, 4])
    assert tf.shape(A).dtype == np.int32
    assert int(tf.size(A)) == 24 and int(tf.rank(A)) == 3


def test_one_hot_axis_values_and_dtype():
    same(tf.one_hot([0, 2, -1, 5], 3, axis=0), [[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]])
    same(tf.one_hot([[1], [0]], 2, on_value=5.0, off_value=-1.0), [[[-1, 5]], [[5, -1]]])
    assert tf.one_hot([1], 2).dtype == np.float32
    assert tf.one_hot([1], 2, on_value=3, off_value=0).dtype == np.int32


def test_meshgrid():
    xs, ys = tf.meshgrid([1, 2, 3], [4, 5])
    same(xs, [[1, 2, 3], [1, 2, 3]])
    same(ys, [[4, 4, 4], [5, 5, 5]])
