# ruff: noqa: E501 - a table of one-line scenarios
"""tf.nn's sharded embedding lookups, embedding_lookup_sparse / safe_embedding_lookup_sparse,
nce_loss and sampled_softmax_loss (values and gradients), recorded from TensorFlow 2.21
eagerly. The default candidate sampler's draws follow the global seed set in each scenario."""

import numpy as np

RNG = np.random.default_rng(7)
W = RNG.standard_normal((30, 6)).astype("float32")
B = (RNG.standard_normal(30) * 0.1).astype("float32")
X = RNG.standard_normal((5, 6)).astype("float32")
Y1 = np.array([[1], [4], [9], [0], [29]], "int64")
Y2 = np.array([[1, 2], [4, 0], [9, 9], [0, 3], [29, 28]], "int64")


def _loss_and_grads(tf, fn, shards=False, **kw):
    w = [tf.Variable(W[:15]), tf.Variable(W[15:])] if shards else tf.Variable(W)
    b = tf.Variable(B)
    x = tf.Variable(X)
    with tf.GradientTape() as tape:
        per_example = fn(tf, w, b, x, **kw)
        total = tf.reduce_sum(per_example)
    grads = tape.gradient(total, (w if shards else [w]) + [b, x])
    return [per_example] + [tf.convert_to_tensor(g) for g in grads]


def _nce(tf, w, b, x, labels=Y1, **kw):
    return tf.nn.nce_loss(w, b, tf.constant(labels), x, num_classes=30, **kw)


def _ssm(tf, w, b, x, labels=Y1, **kw):
    return tf.nn.sampled_softmax_loss(w, b, tf.constant(labels), x, num_classes=30, **kw)


def _given(tf):
    return (tf.constant([3, 1, 7, 29], tf.int64), tf.constant([[0.5], [0.25], [0.1], [0.3], [0.05]]),
            tf.constant([0.2, 0.5, 0.125, 0.05]))


def _seeded(seed, fn):
    def run(tf):
        tf.random.set_seed(seed)
        return fn(tf)
    return run


def _sparse_ids(tf):
    return tf.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2], [3, 0]],
                           tf.constant([3, 7, 1, 3, 3, 0], tf.int64), [4, 3])


def _sparse_w(tf):
    return tf.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2], [3, 0]],
                           tf.constant([1.0, 2.0, 0.5, 1.5, 1.0, 3.0]), [4, 3])


SCENARIOS = {
    "lookup_single": lambda tf: tf.nn.embedding_lookup(tf.constant(W), tf.constant([[0, 5], [29, 5]])),
    "lookup_div_shards_even": lambda tf: tf.nn.embedding_lookup([tf.constant(W[:10]), tf.constant(W[10:20]), tf.constant(W[20:])],
                                                                tf.constant([0, 9, 10, 19, 20, 29, 15])),
    "lookup_div_shards_uneven": lambda tf: tf.nn.embedding_lookup([tf.constant(W[:8]), tf.constant(W[8:15]), tf.constant(W[15:22]), tf.constant(W[22:29])],
                                                                  tf.constant([[0, 7], [8, 14], [15, 28]])),
    "lookup_max_norm": lambda tf: tf.nn.embedding_lookup(tf.constant(W), tf.constant([1, 2, 3]), max_norm=1.0),
    "lookup_max_norm_shards": lambda tf: tf.nn.embedding_lookup([tf.constant(W[:15]), tf.constant(W[15:])], tf.constant([[1, 20]]), max_norm=0.5),
    "lookup_gradient_shards": lambda tf: (lambda a, b: (lambda tape_out: tape_out)(
        _grad_shards(tf, a, b)))(W[:15], W[15:]),
    "lookup_sparse_combiners": lambda tf: [tf.nn.embedding_lookup_sparse(tf.constant(W), _sparse_ids(tf), None, combiner=c)
                                           for c in ("sum", "mean", "sqrtn")],
    "lookup_sparse_weighted": lambda tf: [tf.nn.embedding_lookup_sparse(tf.constant(W), _sparse_ids(tf), _sparse_w(tf), combiner=c)
                                          for c in ("sum", "mean", "sqrtn")],
    "lookup_sparse_max_norm_shards": lambda tf: tf.nn.embedding_lookup_sparse([tf.constant(W[:15]), tf.constant(W[15:])], _sparse_ids(tf),
                                                                              _sparse_w(tf), max_norm=1.0),
    "lookup_sparse_bad_combiner": lambda tf: tf.nn.embedding_lookup_sparse(tf.constant(W), _sparse_ids(tf), None, combiner="max"),
    "safe_lookup_default_zero": lambda tf: tf.nn.safe_embedding_lookup_sparse(
        tf.constant(W), tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([3, -1, 5], tf.int64), [3, 2])),
    "safe_lookup_default_id": lambda tf: tf.nn.safe_embedding_lookup_sparse(
        tf.constant(W), tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([3, -1, 5], tf.int64), [3, 2]),
        combiner="sum", default_id=7),
    "safe_lookup_weights": lambda tf: tf.nn.safe_embedding_lookup_sparse(
        tf.constant(W), tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 0]], tf.constant([3, 4, 6, 5], tf.int64), [3, 2]),
        tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 0]], tf.constant([1.0, -2.0, 0.0, 2.0]), [3, 2]), combiner="mean"),
    "safe_lookup_rank3": lambda tf: tf.nn.safe_embedding_lookup_sparse(
        tf.constant(W), tf.SparseTensor([[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 0]], tf.constant([3, 4, 6, 5], tf.int64), [2, 2, 2]),
        combiner="sqrtn"),
    "nce_given_samples": lambda tf: _loss_and_grads(tf, _nce, num_sampled=4, sampled_values=_given(tf)),
    "nce_given_accidental_hits": lambda tf: _loss_and_grads(tf, _nce, num_sampled=4, sampled_values=_given(tf),
                                                            remove_accidental_hits=True),
    "nce_seeded": _seeded(11, lambda tf: _loss_and_grads(tf, _nce, num_sampled=6)),
    "nce_seeded_shards": _seeded(12, lambda tf: _loss_and_grads(tf, _nce, shards=True, num_sampled=6)),
    "nce_num_true_2": _seeded(13, lambda tf: _loss_and_grads(tf, _nce, labels=Y2, num_sampled=5, num_true=2)),
    "ssm_given_samples": lambda tf: _loss_and_grads(tf, _ssm, num_sampled=4, sampled_values=_given(tf)),
    "ssm_given_no_hit_removal": lambda tf: _loss_and_grads(tf, _ssm, num_sampled=4, sampled_values=_given(tf),
                                                           remove_accidental_hits=False),
    "ssm_seed_argument": lambda tf: _loss_and_grads(tf, _ssm, num_sampled=8, seed=5),
    "ssm_seeded_global": _seeded(14, lambda tf: _loss_and_grads(tf, _ssm, num_sampled=8)),
    "ssm_num_true_2_shards": _seeded(15, lambda tf: _loss_and_grads(tf, _ssm, shards=True, labels=Y2, num_sampled=5,
                                                                    num_true=2)),
}


def _grad_shards(tf, a, b):
    va, vb = tf.Variable(a), tf.Variable(b)
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(tf.nn.embedding_lookup([va, vb], tf.constant([1, 1, 20, 29])) * 2.0)
    ga, gb = tape.gradient(out, [va, vb])
    return [tf.convert_to_tensor(ga), tf.convert_to_tensor(gb)]
