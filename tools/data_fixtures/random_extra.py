# ruff: noqa: E501 - a table of one-line scenarios
"""tf.random.learned_unigram_candidate_sampler (and tf.nn's) and
tf.random.stateless_parameterized_truncated_normal, recorded from TensorFlow 2.21 eagerly.

The learned sampler's kernel keeps its counts between calls (per attributes and seeds, also
unseeded), so scenarios that call it repeatedly show the learning; unseeded draws are random,
so those scenarios keep only the expected counts (which depend on the counts alone)."""

import numpy as np


def _learned(tf, classes, num_sampled, unique, range_max, seed, calls=1, num_true=None):
    tc = tf.constant(classes, tf.int64)
    out = []
    for _ in range(calls):
        out.append(list(tf.random.learned_unigram_candidate_sampler(tc, num_true or len(classes[0]), num_sampled, unique, range_max, seed=seed)))
    return out


def _learned_unseeded(tf):
    tc = tf.constant([[2, 4]], tf.int64)
    out = []
    for _ in range(3):
        sampled, true_expected, sampled_expected = tf.random.learned_unigram_candidate_sampler(tc, 2, 3, False, 5)
        out.append([true_expected, sampled.shape.as_list(), sampled.dtype.name])
    return out


def _learned_global_seed(tf):
    tf.random.set_seed(7)
    tc = tf.constant([[0], [2]], tf.int64)
    first = [list(tf.random.learned_unigram_candidate_sampler(tc, 1, 4, True, 8)) for _ in range(2)]
    tf.random.set_seed(7)
    again = list(tf.random.learned_unigram_candidate_sampler(tc, 1, 4, True, 8))
    return [first, again]


def _learned_nn(tf):
    return list(tf.nn.learned_unigram_candidate_sampler(tf.constant([[1, 1, 3]], tf.int64), 3, 6, False, 4, seed=21))


def _ptn(shape, seed, dtype=np.float32, **params):
    def scenario(tf):
        kw = {k: (tf.constant(v, dtype) if dtype is not None else v) for k, v in params.items()}
        return tf.random.stateless_parameterized_truncated_normal(shape, seed, **kw)
    return scenario


SCENARIOS = {
    "learned_basic": lambda tf: _learned(tf, [[1], [3]], 5, False, 6, seed=3, calls=3),
    "learned_unique": lambda tf: _learned(tf, [[0, 5], [5, 2]], 4, True, 7, seed=11, calls=3),
    "learned_bigger": lambda tf: _learned(tf, [[9, 9, 3], [1, 0, 9]], 20, False, 12, seed=5, calls=2),
    "learned_unique_all": lambda tf: _learned(tf, [[2]], 5, True, 5, seed=2),
    "learned_unseeded": _learned_unseeded,
    "learned_global_seed": _learned_global_seed,
    "learned_nn_alias": _learned_nn,
    "learned_same_function": lambda tf: tf.nn.learned_unigram_candidate_sampler is tf.random.learned_unigram_candidate_sampler,
    "learned_out_of_range": lambda tf: _learned(tf, [[6]], 2, False, 6, seed=1),
    "learned_too_small": lambda tf: _learned(tf, [[1]], 6, True, 5, seed=1),
    "learned_num_true": lambda tf: _learned(tf, [[1, 2]], 2, False, 6, seed=1, num_true=1),
    "ptn_defaults": lambda tf: tf.random.stateless_parameterized_truncated_normal([3, 4], seed=[1, 2]),
    "ptn_defaults_f64": _ptn([5], [3, 4], np.float64, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0),
    "ptn_defaults_f16": _ptn([7], [3, 4], np.float16, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0),
    "ptn_randn_branch": _ptn([6], [5, 6], means=1.0, stddevs=2.0, minvals=-10.0, maxvals=3.0),
    "ptn_uniform_branch": _ptn([9], [7, 8], means=0.0, stddevs=1.0, minvals=0.5, maxvals=0.9),
    "ptn_exponential_branch": _ptn([9], [9, 1], means=0.0, stddevs=1.0, minvals=2.5, maxvals=np.inf),
    "ptn_exponential_f64": _ptn([5], [9, 1], np.float64, means=0.0, stddevs=1.0, minvals=2.5, maxvals=6.0),
    "ptn_upper_tail": _ptn([6], [2, 2], means=0.0, stddevs=1.0, minvals=-np.inf, maxvals=-3.0),
    "ptn_below_mean": _ptn([6], [2, 3], means=5.0, stddevs=0.5, minvals=1.0, maxvals=4.2),
    "ptn_batches": _ptn([4, 3], [4, 4], means=[0.0, 5.0, -1.0], stddevs=[1.0, 0.5, 2.0], minvals=[-1.0, 5.5, -10.0], maxvals=[1.0, 6.0, 10.0]),
    "ptn_broadcast": _ptn([2, 2, 3], [6, 7], means=[[0.0], [3.0]], stddevs=1.0, minvals=[-0.5, 0.0, 1.0], maxvals=[0.5, 2.0, 4.0]),
    "ptn_batches_f64": _ptn([3, 2], [4, 5], np.float64, means=[0.0, 1.0], stddevs=[1.0, 3.0], minvals=[-0.2, 2.0], maxvals=[0.4, 9.0]),
    "ptn_python_lists": lambda tf: tf.random.stateless_parameterized_truncated_normal([2, 2], [1, 1], means=[0.0, 1.0], stddevs=[1.0, 2.0], minvals=[-1.0, 0.0], maxvals=[1.0, 3.0]),
    "ptn_invalid_stddev": _ptn([3], [1, 2], stddevs=-1.0, means=0.0, minvals=-1.0, maxvals=1.0),
    "ptn_invalid_bounds": _ptn([3], [1, 2], minvals=1.0, maxvals=1.0, means=0.0, stddevs=1.0),
    "ptn_both_infinite": _ptn([3], [1, 2], minvals=-np.inf, maxvals=np.inf, means=0.0, stddevs=1.0),
    "ptn_shape_mismatch": _ptn([2, 4], [1, 2], means=[0.0, 1.0, 2.0], stddevs=1.0, minvals=-1.0, maxvals=1.0),
    "ptn_dtype_mismatch": lambda tf: tf.random.stateless_parameterized_truncated_normal([2], [1, 2], means=tf.constant(0.0, tf.float64)),
    "ptn_empty": _ptn([0, 3], [1, 2], means=[0.0, 1.0, 2.0], stddevs=1.0, minvals=-1.0, maxvals=3.0),
}
