# ruff: noqa: E501 - a table of one-line scenarios
"""tf.random.fixed_unigram_candidate_sampler (also tf.nn's), recorded from TensorFlow 2.21
eagerly with op seeds: unigrams and vocab files, distortion, reserved ids, shards, unique or
not, repeated calls (the kernel's stream advances), errors."""

VOCAB = "w0,5\nw1,1\nw2,12\nw3,3\nw4,0.5\nw5,8\n"


def setup(tf, workdir):
    with open("vocab.csv", "w") as f:
        f.write(VOCAB)


def _call(tf, **kw):
    args = dict(true_classes=tf.constant([[1], [4]], tf.int64), num_true=1, num_sampled=6,
                unique=False, range_max=6)
    args.update(kw)
    return list(tf.random.fixed_unigram_candidate_sampler(**args))


U = [5.0, 1.0, 12.0, 3.0, 0.5, 8.0]

SCENARIOS = {
    "unigrams": lambda tf: _call(tf, unigrams=U, seed=3),
    "unigrams_unique": lambda tf: _call(tf, unigrams=U, unique=True, num_sampled=4, seed=4),
    "vocab_file": lambda tf: _call(tf, vocab_file="vocab.csv", seed=5),
    "distortion": lambda tf: _call(tf, unigrams=U, distortion=0.75, seed=6, num_sampled=12),
    "reserved_ids": lambda tf: _call(tf, unigrams=U[:4], num_reserved_ids=2, seed=7),
    "shards": lambda tf: _call(tf, unigrams=U + [2.0, 9.0], num_shards=2, shard=1, range_max=4,
                               true_classes=tf.constant([[1]], tf.int64), seed=8),
    "repeated_calls": lambda tf: [_call(tf, unigrams=U, seed=9)[0] for _ in range(3)],
    "nn_alias": lambda tf: list(tf.nn.fixed_unigram_candidate_sampler(tf.constant([[2]], tf.int64), 1, 3, True, 6,
                                                                      unigrams=U, seed=10)),
    "range_mismatch": lambda tf: _call(tf, unigrams=U, range_max=7, seed=1),
    "both_sources": lambda tf: _call(tf, unigrams=U, vocab_file="vocab.csv", seed=1),
    "no_source": lambda tf: _call(tf, seed=1),
}
