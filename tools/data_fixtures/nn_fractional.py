# ruff: noqa: E501 - a table of one-line scenarios
"""tf.nn.fractional_max_pool / fractional_avg_pool recorded from TensorFlow 2.21 eagerly:
outputs, both pooling sequences and the gradients for seeded calls (random and pseudo-random
sequences, overlapping or not, every dtype, the ratio's forms), the structure of unseeded
calls (their sequences are fresh randomness) and the refusals."""

import numpy as np

_rng = np.random.default_rng(4)
X = _rng.normal(size=(1, 9, 11, 2)).astype(np.float32)
TIES = np.repeat(np.repeat(np.arange(12, dtype=np.float32).reshape(1, 3, 4, 1), 3, axis=1), 3, axis=2)
INTS = _rng.integers(-20, 20, size=(1, 8, 7, 2)).astype(np.int32)


def _pool(kind, x, ratio, dtype=np.float32, grad=True, **kw):
    def scenario(tf):
        v = tf.constant(x, dtype)
        fn = tf.nn.fractional_max_pool if kind == "max" else tf.nn.fractional_avg_pool
        if not grad:
            return list(fn(v, ratio, **kw))
        weights = tf.constant(np.linspace(-1.0, 2.0, 500).astype(dtype))
        with tf.GradientTape() as tape:
            tape.watch(v)
            out, rows, cols = fn(v, ratio, **kw)
            flat = tf.reshape(out, [-1])
            loss = tf.reduce_sum(flat * weights[:tf.size(flat)])
        return [out, rows, cols, tape.gradient(loss, v)]
    return scenario


def _unseeded(kind):
    def scenario(tf):
        fn = tf.nn.fractional_max_pool if kind == "max" else tf.nn.fractional_avg_pool
        out, rows, cols = fn(tf.constant(X), [1.0, 1.7, 1.4, 1.0])
        diff_r, diff_c = np.diff(rows.numpy()), np.diff(cols.numpy())
        return [out.shape.as_list(), sorted(set(diff_r.tolist())), sorted(set(diff_c.tolist())), int(rows.numpy()[-1]), int(cols.numpy()[-1]), rows.dtype.name]
    return scenario


def _global_seed(tf):
    tf.random.set_seed(11)
    first = tf.nn.fractional_max_pool(tf.constant(X), [1.0, 1.3, 1.9, 1.0], seed=3)
    second = tf.nn.fractional_max_pool(tf.constant(X), [1.0, 1.3, 1.9, 1.0], seed=3)
    return [first[1], first[2], second[1], second[2]]


def _repeated(tf):
    a = [tf.nn.fractional_avg_pool(tf.constant(X), [1.0, 1.5, 1.5, 1.0], seed=8)[1] for _ in range(3)]
    b = tf.nn.fractional_avg_pool(tf.constant(X[:, :7]), [1.0, 1.5, 1.5, 1.0], seed=8)[1]
    return a + [b]


SCENARIOS = {
    "max_random": _pool("max", X, [1.0, 1.44, 1.73, 1.0], seed=7),
    "max_pseudo": _pool("max", X, [1.0, 1.44, 1.73, 1.0], seed=7, pseudo_random=True),
    "max_overlapping": _pool("max", X, [1.0, 1.6, 1.3, 1.0], seed=9, overlapping=True),
    "max_pseudo_overlapping": _pool("max", X, [1.0, 2.2, 2.7, 1.0], seed=2, pseudo_random=True, overlapping=True),
    "max_scalar_ratio": _pool("max", X, 1.5, seed=4),
    "max_integer_ratio": _pool("max", X, [1, 3, 2, 1], seed=4),
    "max_f64": _pool("max", X, [1.0, 1.8, 1.2, 1.0], np.float64, seed=12),
    "max_int32": _pool("max", INTS, [1.0, 1.5, 1.5, 1.0], np.int32, grad=False, seed=13),
    "max_ties": _pool("max", TIES, [1.0, 1.5, 2.5, 1.0], seed=5),
    "avg_random": _pool("avg", X, [1.0, 1.44, 1.73, 1.0], seed=7),
    "avg_pseudo": _pool("avg", X, [1.0, 1.44, 1.73, 1.0], seed=7, pseudo_random=True),
    "avg_overlapping": _pool("avg", X, [1.0, 1.6, 1.3, 1.0], seed=9, overlapping=True),
    "avg_pseudo_overlapping": _pool("avg", X, [1.0, 2.2, 2.7, 1.0], seed=2, pseudo_random=True, overlapping=True),
    "avg_f64": _pool("avg", X, [1.0, 1.8, 1.2, 1.0], np.float64, seed=12),
    "avg_int32": _pool("avg", INTS, [1.0, 1.5, 1.5, 1.0], np.int32, grad=False, seed=13),
    "avg_int64_overlapping": _pool("avg", INTS, [1.0, 1.5, 1.5, 1.0], np.int64, grad=False, seed=14, overlapping=True),
    "max_unseeded": _unseeded("max"),
    "avg_unseeded": _unseeded("avg"),
    "global_seed": _global_seed,
    "repeated_calls": _repeated,
    "ratio_first_not_one": _pool("max", X, [2.0, 1.5, 1.5, 1.0], grad=False, seed=1),
    "ratio_below_one": _pool("avg", X, [1.0, 0.5, 1.5, 1.0], grad=False, seed=1),
    "ratio_not_a_number": _pool("max", X, "1.5", grad=False, seed=1),
    "ratio_three_long": _pool("max", X, [1.0, 1.5, 1.0], grad=False, seed=1),
    "not_4d": _pool("max", X[0], [1.0, 1.5, 1.5, 1.0], grad=False, seed=1),
    "max_ratio_short_forms": lambda tf: [[t.shape.as_list() for t in tf.nn.fractional_max_pool(tf.constant(X), r, seed=2)] for r in ([1.0], [1.0, 1.0], 2, (1.0, 2.5, 1.5, 1.0))],
    "avg_scalar_ratio": _pool("avg", X, 1.5, grad=False, seed=1),
    "avg_short_ratio": _pool("avg", X, [1.0, 1.0], grad=False, seed=1),
    "avg_channel_ratio": _pool("avg", X, [1.0, 1.5, 1.5, 2.0], grad=False, seed=1),
    "ratio_above_size": _pool("max", X, [1.0, 10.0, 1.5, 1.0], grad=False, seed=1),
    "float16_refused": _pool("max", X, [1.0, 1.5, 1.5, 1.0], np.float16, grad=False, seed=1),
}
