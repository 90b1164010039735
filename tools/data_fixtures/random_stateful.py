# ruff: noqa: E501 - a table of one-line cases
"""Stateful tf.random ops and tf.random.Generator from TF 2.21 eager: the values a seeded
program draws (global seed + op seed -> the kernel's Philox state, kept per op and seed pair
and cleared by set_seed)."""

import numpy as np

LOGITS = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32))


def _seq(tf, *calls):
    return [c() for c in calls]


SCENARIOS = {
    "uniform_global": lambda tf: (tf.random.set_seed(1), [tf.random.uniform([5]), tf.random.uniform([5])])[1],
    "uniform_op_seed_repeats": lambda tf: (tf.random.set_seed(1), [tf.random.uniform([3], seed=7), tf.random.uniform([3], seed=7), tf.random.uniform([3], seed=8)])[1],
    "uniform_reset_by_set_seed": lambda tf: (tf.random.set_seed(1), tf.random.uniform([3], seed=7), tf.random.set_seed(1), tf.random.uniform([3], seed=7))[3],
    "uniform_op_seed_only": lambda tf: [tf.random.uniform([4], seed=3), tf.random.uniform([4], seed=3)],
    "uniform_range": lambda tf: (tf.random.set_seed(5), tf.random.uniform([2, 3], minval=-2.0, maxval=3.0))[1],
    "uniform_f64": lambda tf: (tf.random.set_seed(5), tf.random.uniform([5], dtype=tf.float64, seed=2))[1],
    "uniform_f16": lambda tf: (tf.random.set_seed(5), tf.random.uniform([5], dtype=tf.float16, seed=2))[1],
    "uniform_int32": lambda tf: (tf.random.set_seed(5), [tf.random.uniform([7], 0, 10, dtype=tf.int32, seed=2), tf.random.uniform([7], -5, 1000, dtype=tf.int32, seed=2)])[1],
    "uniform_int64": lambda tf: (tf.random.set_seed(5), tf.random.uniform([5], -3, 2**40, dtype=tf.int64, seed=4))[1],
    "normal": lambda tf: (tf.random.set_seed(5), [tf.random.normal([2, 3]), tf.random.normal([3], mean=1.0, stddev=2.0, seed=3)])[1],
    "normal_odd": lambda tf: (tf.random.set_seed(9), tf.random.normal([5], seed=1))[1],
    "normal_f64": lambda tf: (tf.random.set_seed(9), tf.random.normal([5], dtype=tf.float64, seed=1))[1],
    "truncated_normal": lambda tf: (tf.random.set_seed(3), tf.random.truncated_normal([4, 4], seed=2))[1],
    "truncated_normal_f64": lambda tf: (tf.random.set_seed(3), tf.random.truncated_normal([6], mean=2.0, stddev=0.5, dtype=tf.float64, seed=2))[1],
    "shuffle": lambda tf: (tf.random.set_seed(3), [tf.random.shuffle(tf.range(10), seed=4), tf.random.shuffle(tf.range(10), seed=4)])[1],
    "shuffle_rows": lambda tf: (tf.random.set_seed(3), tf.random.shuffle(tf.reshape(tf.range(12), [4, 3])))[1],
    "categorical": lambda tf: (tf.random.set_seed(3), [tf.random.categorical(LOGITS, 8, seed=1), tf.random.categorical(LOGITS, 3, seed=1)])[1],
    "categorical_int32": lambda tf: (tf.random.set_seed(4), tf.random.categorical(LOGITS, 5, dtype=tf.int32))[1],
    "mixed_order": lambda tf: (tf.random.set_seed(11), [tf.random.uniform([2]), tf.random.normal([2]), tf.random.uniform([2], seed=1), tf.random.uniform([2])])[1],
    # -- Generator --------------------------------------------------------------------
    "gen_from_seed": lambda tf: (lambda g: [g.normal([3]), g.normal([3]), g.uniform([4]), g.state])(tf.random.Generator.from_seed(1)),
    "gen_from_seed_big": lambda tf: (lambda g: [g.uniform([3]), g.state])(tf.random.Generator.from_seed(2**70 + 12345)),
    "gen_uniform_range": lambda tf: (lambda g: [g.uniform([3], minval=-1.0, maxval=4.0), g.uniform([2], dtype=tf.float64)])(tf.random.Generator.from_seed(7)),
    "gen_uniform_int": lambda tf: (lambda g: [g.uniform([5], 0, 10, dtype=tf.int32), g.uniform([3], -7, 2**35, dtype=tf.int64), g.state])(tf.random.Generator.from_seed(7)),
    "gen_full_int": lambda tf: (lambda g: [g.uniform_full_int([3], dtype=tf.int64), g.uniform_full_int([3], dtype=tf.int32), g.uniform_full_int([2], dtype=tf.uint32)])(tf.random.Generator.from_seed(8)),
    "gen_truncated": lambda tf: (lambda g: [g.truncated_normal([6]), g.state])(tf.random.Generator.from_seed(8)),
    "gen_odd_normal": lambda tf: (lambda g: [g.normal([5]), g.normal([1]), g.state])(tf.random.Generator.from_seed(3)),
    "gen_split": lambda tf: (lambda g: [[s.state for s in g.split(2)], g.state, g.split(1)[0].normal([2])])(tf.random.Generator.from_seed(5)),
    "gen_make_seeds": lambda tf: (lambda g: [g.make_seeds(2), g.state])(tf.random.Generator.from_seed(5)),
    "gen_from_state": lambda tf: (lambda g: [g.normal([3]), g.state])(tf.random.Generator.from_state([4, 5, 6], tf.random.Algorithm.PHILOX)),
    "gen_from_key_counter": lambda tf: (lambda g: [g.normal([2]), g.state])(tf.random.Generator.from_key_counter(9, [3, 4], "philox")),
    "gen_reset": lambda tf: (lambda g: (g.normal([3]), g.reset_from_seed(1), [g.normal([3]), g.state])[2])(tf.random.Generator.from_seed(4)),
    "gen_skip": lambda tf: (lambda g: (g.skip(10), [g.normal([2]), g.state])[1])(tf.random.Generator.from_seed(4)),
    "gen_binomial": lambda tf: (lambda g: [g.binomial([4], counts=[10.0, 20.0, 5.0, 1.0], probs=0.4)])(tf.random.Generator.from_seed(4)),
    "create_rng_state": lambda tf: [tf.random.create_rng_state(5, "philox"), tf.random.create_rng_state(2**65 + 3, 1)],
    "algorithm": lambda tf: [tf.random.Algorithm.PHILOX.value, tf.random.Algorithm.THREEFRY.value, tf.random.Algorithm.AUTO_SELECT.value],
    # -- stateless distributions and seed utilities -------------------------------------------
    "fold_in": lambda tf: [tf.random.fold_in([1, 2], 3), tf.random.fold_in(tf.constant([7, 9], tf.int64), 100)],
    "split": lambda tf: [tf.random.split([1, 2]), tf.random.split([1, 2], num=3)],
    "stateless_categorical": lambda tf: tf.random.stateless_categorical(LOGITS, 6, seed=[4, 2]),
    "stateless_binomial": lambda tf: tf.random.stateless_binomial([5], seed=[1, 2], counts=[10.0, 20.0, 3.0, 50.0, 1.0], probs=0.3),
    "stateless_poisson": lambda tf: tf.random.stateless_poisson([6], seed=[3, 4], lam=[0.5, 3.0, 30.0, 1.0, 10.0, 100.0]),
    "stateless_gamma": lambda tf: tf.random.stateless_gamma([5], seed=[5, 6], alpha=[0.5, 1.0, 2.0, 5.0, 20.0]),
    "stateless_parameterized_truncated_normal": lambda tf: tf.random.stateless_parameterized_truncated_normal([5], seed=[7, 8], means=0.5, stddevs=2.0, minvals=-1.0, maxvals=3.0),
}

IMG = np.random.default_rng(2).uniform(0, 1, (4, 5, 6, 3)).astype(np.float32)
SCENARIOS.update({
    "image_random_flip": lambda tf: (tf.random.set_seed(6), [tf.image.random_flip_left_right(IMG), tf.image.random_flip_up_down(IMG[0], seed=3), tf.image.random_flip_left_right(IMG, seed=3)])[1],
    "image_random_color": lambda tf: (tf.random.set_seed(6), [tf.image.random_brightness(IMG[0], 0.3), tf.image.random_contrast(IMG[0], 0.5, 1.5, seed=2), tf.image.random_saturation(IMG[0], 0.5, 1.5, seed=2), tf.image.random_hue(IMG[0], 0.2)])[1],
    "image_random_crop": lambda tf: (tf.random.set_seed(6), [tf.image.random_crop(IMG, [2, 3, 4, 3]), tf.image.random_crop(IMG[0], [2, 2, 3], seed=5)])[1],
})

BOXES = np.array([[[0.1, 0.2, 0.6, 0.7]]], np.float32)
SCENARIOS.update({
    "image_sample_distorted_box": lambda tf: (tf.random.set_seed(6), [tf.image.sample_distorted_bounding_box([40, 50, 3], BOXES, seed=3, min_object_covered=0.3) for _ in range(3)])[1],
    "image_sample_distorted_box_other": lambda tf: (tf.random.set_seed(2), [tf.image.sample_distorted_bounding_box([64, 32, 3], BOXES, seed=9, area_range=(0.2, 0.9), max_attempts=5) for _ in range(3)])[1],
})

SCENARIOS.update({
    "gamma": lambda tf: (tf.random.set_seed(6), [tf.random.gamma([4], [0.5, 1.0, 2.5, 30.0], seed=1), tf.random.gamma([2, 3], 1.5, beta=2.0)])[1],
    "gamma_f64": lambda tf: (tf.random.set_seed(6), tf.random.gamma([5], [[0.2], [7.0]], dtype=tf.float64, seed=2))[1],
    "poisson": lambda tf: (tf.random.set_seed(6), [tf.random.poisson([3], [0.5, 3.0, 9.9, 10.0, 40.0, 500.0], seed=1), tf.random.poisson([6], 4.0, dtype=tf.int32)])[1],
    "poisson_f64": lambda tf: (tf.random.set_seed(6), tf.random.poisson([4], tf.constant([2.0, 25.0], tf.float64), dtype=tf.float64, seed=3))[1],
    "stateless_gamma_more": lambda tf: tf.random.stateless_gamma([3, 2], seed=[1, 9], alpha=[0.7, 4.0], beta=[1.0, 3.0]),
    "stateless_poisson_more": lambda tf: tf.random.stateless_poisson([2, 3], seed=[2, 9], lam=[1.0, 15.0, 80.0], dtype=tf.float32),
})

SCENARIOS.update({
    "gen_binomial_shape_error": lambda tf: tf.random.Generator.from_seed(11).binomial([3, 2], counts=[[5.0, 40.0]], probs=[[0.9, 0.3]]),
    "gen_binomial_more": lambda tf: (lambda g: [g.binomial([3, 1, 2], counts=[[5.0, 40.0]], probs=[[0.9, 0.3]]), g.binomial([2], counts=7.0, probs=0.75), g.state])(tf.random.Generator.from_seed(11)),
    "stateless_binomial_more": lambda tf: tf.random.stateless_binomial([2, 3], seed=[5, 1], counts=[3.0, 30.0, 200.0], probs=[0.2, 0.6, 0.95]),
})

TRUE = np.array([[3], [40], [0]], np.int64)
TRUE2 = np.array([[1, 7], [2, 30]], np.int64)
SCENARIOS.update({
    "log_uniform_candidates": lambda tf: [tf.random.log_uniform_candidate_sampler(TRUE, 1, 6, True, 100, seed=42) for _ in range(3)],
    "log_uniform_candidates_global": lambda tf: (tf.random.set_seed(3), tf.random.log_uniform_candidate_sampler(TRUE2, 2, 5, False, 50))[1],
    "uniform_candidates": lambda tf: (tf.random.set_seed(3), [tf.random.uniform_candidate_sampler(TRUE, 1, 4, True, 10, seed=1), tf.random.uniform_candidate_sampler(TRUE2, 2, 6, False, 1000, seed=2)])[1],
    "all_candidates_range_error": lambda tf: tf.random.all_candidate_sampler(TRUE, 1, 5, True),
    "all_candidates": lambda tf: tf.random.all_candidate_sampler(TRUE, 1, 41, True),
    "accidental_hits": lambda tf: tf.nn.compute_accidental_hits(TRUE2, tf.constant([7, 2, 30, 5], tf.int64), 2),
    "candidates_range_error": lambda tf: tf.random.uniform_candidate_sampler(TRUE, 1, 4, True, 3, seed=1),
})
