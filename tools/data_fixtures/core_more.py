# ruff: noqa: E501 - a table of one-line scenarios
"""tf.approx_top_k, tf.nn.approx_max_k/approx_min_k, tf.extract_volume_patches (values and
gradients) and tf.random_index_shuffle, recorded from TensorFlow 2.21 on the CPU."""

import numpy as np

_rng = np.random.default_rng(8)
M = _rng.normal(size=(3, 7)).astype(np.float32)
TIES = np.array([[1.0, 3.0, 3.0, 2.0, 3.0]], np.float32)
V = np.arange(2 * 4 * 5 * 6 * 2, dtype=np.float32).reshape(2, 4, 5, 6, 2) / 10.0


def _topk(**kw):
    def scenario(tf):
        x = tf.constant(kw.pop("x", M))
        with tf.GradientTape() as tape:
            tape.watch(x)
            values, indices = tf.approx_top_k(x, **kw)
            loss = tf.reduce_sum(values * values)
        return [values, indices, tape.gradient(loss, x)]
    return scenario


def _patches(ksizes, strides, padding, x=V):
    def scenario(tf):
        v = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(v)
            out = tf.extract_volume_patches(v, ksizes, strides, padding)
            weights = tf.reshape(tf.range(tf.size(out), dtype=tf.float32) / 100.0, tf.shape(out))
            loss = tf.reduce_sum(out * weights)
        return [out, tape.gradient(loss, v)]
    return scenario


def _shuffle(index, seed, max_index, dtype=np.int64, seed_dtype=np.int64, **kw):
    return lambda tf: tf.random_index_shuffle(tf.constant(index, dtype), tf.constant(seed, seed_dtype), tf.constant(max_index, dtype), **kw)


SCENARIOS = {
    "topk_default": _topk(k=3),
    "topk_axis0": _topk(k=2, reduction_dimension=0),
    "topk_axis_last_positive": _topk(k=2, reduction_dimension=1),
    "topk_3d_last": lambda tf: list(tf.approx_top_k(tf.constant(M.reshape(3, 7, 1).repeat(2, axis=2).transpose(0, 2, 1).copy()), 2)),
    "topk_f16": lambda tf: list(tf.approx_top_k(tf.constant(M.astype(np.float16)), 2)),
    "topk_ties": _topk(x=TIES, k=3),
    "topk_recall_args": _topk(k=4, recall_target=0.5, aggregate_to_topk=False),
    "topk_f64": lambda tf: list(tf.approx_top_k(tf.constant(M.astype(np.float64)), 2)),
    "topk_k_too_big": lambda tf: list(tf.approx_top_k(tf.constant(M), 9)),
    "nn_approx_max_k": lambda tf: list(tf.nn.approx_max_k(tf.constant(M), 2)),
    "nn_alias": lambda tf: [tf.nn.approx_max_k is tf.math.approx_max_k, tf.nn.approx_min_k is tf.math.approx_min_k],
    "patches_valid": _patches([1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "VALID"),
    "patches_same": _patches([1, 2, 3, 2, 1], [1, 2, 2, 3, 1], "SAME"),
    "patches_same_odd": _patches([1, 3, 3, 3, 1], [1, 1, 1, 1, 1], "SAME", V[:1, :3, :4, :3]),
    "patches_big_kernel_valid": _patches([1, 5, 1, 1, 1], [1, 1, 1, 1, 1], "VALID"),
    "patches_bad_ksizes": _patches([2, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"),
    "patches_bad_rank": lambda tf: tf.extract_volume_patches(tf.constant(V[0]), [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"),
    "patches_int": lambda tf: tf.extract_volume_patches(tf.constant(np.arange(2 * 3 * 3 * 1).reshape(1, 2, 3, 3, 1).astype(np.int32)), [1, 1, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"),
    "shuffle_scalar": _shuffle(3, [1, 2, 3], 9),
    "shuffle_vector": _shuffle(list(range(10)), [1, 2, 3], 9),
    "shuffle_int32_rounds": _shuffle([0, 1, 2, 3, 4, 5], [7, 8, 9], 5, np.int32, np.int32, rounds=6),
    "shuffle_big": _shuffle([0, 1, 12345, 99999999], [4, 5, 6], 10 ** 9),
    "shuffle_huge": _shuffle([0, 5, 2 ** 40], [11, 12, 13], 2 ** 62 + 7),
    "shuffle_seed_matrix": _shuffle([1, 2, 3], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], 20),
    "shuffle_max_vector": _shuffle([1, 2, 3], [1, 2, 3], [5, 50, 50000]),
    "shuffle_uint32_seed": _shuffle([0, 1, 2], [2 ** 32 - 1, 2 ** 31, 5], 30000, np.uint64, np.uint32),
    "shuffle_negative_seed": _shuffle([0, 1, 2], [-1, -7, 3], 70000),
    "shuffle_max_zero": _shuffle([0], [1, 2, 3], 0),
    "shuffle_max_power_of_two": _shuffle([0, 1, 65535, 65536], [3, 3, 3], 65536),
    "shuffle_bad_rounds": _shuffle(1, [1, 2, 3], 9, rounds=3),
    "shuffle_bad_seed_shape": _shuffle([1, 2], [1, 2], 9),
}
