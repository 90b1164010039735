"""Scenarios of ``Dataset.shuffle`` (featherflow/data/shuffle.py): TF 2.21's exact order for
seeded pipelines (``seed=``, ``tf.random.set_seed``, ``keras.utils.set_random_seed``), epoch
after epoch, and its errors. Every scenario starts with no global seed (common.run)."""

import numpy as np

_RS = np.random.RandomState(11)
_FEATURES = _RS.normal(size=(23, 3)).astype(np.float32)
_LABELS = _RS.randint(0, 4, size=23).astype(np.int32)
_WORDS = [f"w{i}".encode() for i in range(17)]


def _ints(ds):
    return [int(x) for x in ds.as_numpy_iterator()]


def _values(ds):
    return list(ds.as_numpy_iterator())


def _epochs(ds, count):
    return [_ints(ds) for _ in range(count)]


def _range_seeded(n, buffer_size, seed, reshuffle=True, epochs=2):
    return lambda tf: _epochs(tf.data.Dataset.range(n).shuffle(
        buffer_size, seed=seed, reshuffle_each_iteration=reshuffle), epochs)


def _global(global_seed, n, buffer_size, seed=None, epochs=1):
    def scenario(tf):
        tf.random.set_seed(global_seed)
        return _epochs(tf.data.Dataset.range(n).shuffle(buffer_size, seed=seed), epochs)
    return scenario


def _tutorial_take5(tf):
    tf.random.set_seed(42)
    return _ints(tf.data.Dataset.range(2000).shuffle(1000).take(5))


def _two_shuffles(tf):
    # each shuffle without a seed takes the next op seed of the global seed
    tf.random.set_seed(42)
    first = tf.data.Dataset.range(20).shuffle(5)
    second = tf.data.Dataset.range(20).shuffle(5)
    return [_ints(first), _ints(second), _ints(first)]


def _set_seed_resets_counter(tf):
    tf.random.set_seed(3)
    a = _ints(tf.data.Dataset.range(15).shuffle(6))
    b = _ints(tf.data.Dataset.range(15).shuffle(6))
    tf.random.set_seed(3)
    return [a, b, _ints(tf.data.Dataset.range(15).shuffle(6))]


def _keras_seed(tf):
    tf.keras.utils.set_random_seed(5)
    return _epochs(tf.data.Dataset.range(30).shuffle(10), 2)


def _keras_seed_op_seed(tf):
    tf.keras.utils.set_random_seed(5)
    return _ints(tf.data.Dataset.range(30).shuffle(10, seed=8))


def _take_then_full(tf):
    ds = tf.data.Dataset.range(20).shuffle(6, seed=9)
    first = _ints(ds.take(3))
    return [first, _ints(ds), [int(x) for x in ds]]


def _two_live_iterators(tf):
    # the seeds are taken when an iterator is made, not at its first element
    ds = tf.data.Dataset.range(12).shuffle(5, seed=4)
    first, second = iter(ds), iter(ds)
    b = [int(x) for x in second]
    a = [int(x) for x in first]
    return [a, b]


def _nested_live_iterators(tf):
    # an iterator makes its input's iterator at its first element, as TF's shuffle does
    ds = tf.data.Dataset.range(12).shuffle(4, seed=1).shuffle(3, seed=2)
    first, second = iter(ds), iter(ds)
    b = [int(x) for x in second]
    return [[int(x) for x in first], b]


def _repeat(reshuffle, count=3):
    return lambda tf: _ints(tf.data.Dataset.range(10).shuffle(
        4, seed=5, reshuffle_each_iteration=reshuffle).repeat(count))


def _checksum(values):
    a = np.asarray(values, dtype=np.int64)
    return int((a * np.arange(1, len(a) + 1, dtype=np.int64)).sum() % 1_000_000_007)


def _large(tf):
    values = _ints(tf.data.Dataset.range(50_000).shuffle(3000, seed=17))
    return [values[:100], values[-100:], _checksum(values), sorted(values) == list(range(50_000))]


def _unseeded_is_permutation(tf):
    values = _ints(tf.data.Dataset.range(40).shuffle(15))
    return [sorted(values), len(values)]


def _shuffle_all(tf):
    ds = tf.data.Dataset.range(25)
    return _epochs(ds.shuffle(ds.cardinality(), seed=2), 2)


def _slices_shuffle_batch(drop):
    return lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_FEATURES, _LABELS)).shuffle(10, seed=6).batch(4, drop_remainder=drop))


def _slices_shuffle_batch_epochs(tf):
    ds = tf.data.Dataset.from_tensor_slices({"x": _FEATURES, "y": _LABELS}).shuffle(
        23, seed=1).batch(5)
    return [_values(ds), _values(ds)]


def _batch_repeat(tf):
    ds = tf.data.Dataset.range(11).shuffle(4, seed=12).batch(3).repeat(2)
    return [x.tolist() for x in ds.as_numpy_iterator()]


def _zip_same_seed(tf):
    a = tf.data.Dataset.range(30).shuffle(8, seed=21)
    b = tf.data.Dataset.range(30).shuffle(8, seed=21)
    return _values(tf.data.Dataset.zip((a, b)))


def _errors_buffer(value):
    return lambda tf: tf.data.Dataset.range(5).shuffle(value, seed=1)


def _set_seed_between_epochs(tf):
    # the dataset's seed generator was made with it: a later set_seed does not restart it
    tf.random.set_seed(5)
    ds = tf.data.Dataset.range(15).shuffle(6)
    first = _ints(ds)
    tf.random.set_seed(5)
    return [first, _ints(ds), _ints(tf.data.Dataset.range(15).shuffle(6))]


def _with_options_shares_generator(tf):
    ds = tf.data.Dataset.range(14).shuffle(5, seed=2)
    options = tf.data.Options()
    options.experimental_deterministic = True
    return [_ints(ds), _ints(ds.with_options(options)), _ints(ds.prefetch(2))]


def _negative_global(tf):
    tf.random.set_seed(-12345)
    return _ints(tf.data.Dataset.range(20).shuffle(7))


SCENARIOS = {
    # seed= only: the default graph seed pairs with it; two passes reshuffle (or not)
    "seed1_n10_b3": _range_seeded(10, 3, 1),
    "seed1_n10_b3_fixed": _range_seeded(10, 3, 1, reshuffle=False),
    "seed42_n20_b5": _range_seeded(20, 5, 42),
    "seed42_n20_b5_fixed": _range_seeded(20, 5, 42, reshuffle=False),
    "buffer_larger_than_data": _range_seeded(20, 100, 7),
    "buffer_equals_data": _range_seeded(16, 16, 8),
    "buffer_one_less": _range_seeded(16, 15, 8),
    "buffer_one_is_identity": _range_seeded(7, 1, 3),
    "buffer_two": _range_seeded(12, 2, 3, epochs=3),
    "seed0": _range_seeded(30, 10, 0),
    "seed_maxint32_wraps_to_0": _range_seeded(30, 10, 2**31 - 1),
    "seed_large": _range_seeded(33, 8, 2**40 + 5),
    "seed_negative": _range_seeded(16, 4, -3),
    "buffer_50_of_50": _range_seeded(50, 50, 12345, epochs=3),
    "buffer_64_of_1000": _range_seeded(1000, 64, 99, epochs=2),
    "large_50000_b3000": _large,
    # the global seed, with and without an op seed
    "tutorial_set_seed_42_take5": _tutorial_take5,
    "global_7": _global(7, 20, 5, epochs=3),
    "global_42_op_3": _global(42, 20, 5, seed=3),
    "global_0_op_0": _global(0, 20, 5, seed=0),
    "global_0_no_op": _global(0, 20, 5),
    "global_negative": _negative_global,
    "global_reshuffle_false": lambda tf: (tf.random.set_seed(8), _epochs(
        tf.data.Dataset.range(20).shuffle(6, reshuffle_each_iteration=False), 2))[1],
    "set_seed_between_epochs": _set_seed_between_epochs,
    "two_shuffles_op_counter": _two_shuffles,
    "set_seed_restarts_op_counter": _set_seed_resets_counter,
    "keras_set_random_seed": _keras_seed,
    "keras_set_random_seed_op_seed": _keras_seed_op_seed,
    # iterations: each iterator made from the dataset takes the next seeds
    "take_then_full_then_for": _take_then_full,
    "two_live_iterators": _two_live_iterators,
    "nested_two_live_iterators": _nested_live_iterators,
    "shuffle_repeat": _repeat(True),
    "shuffle_repeat_fixed": _repeat(False),
    "shuffle_repeat_forever_take": lambda tf: _ints(tf.data.Dataset.range(12).shuffle(
        30, seed=7).repeat().take(60)),
    "repeat_then_shuffle": lambda tf: _ints(tf.data.Dataset.range(10).repeat(3).shuffle(
        4, seed=5)),
    "shuffle_batch_repeat": _batch_repeat,
    "with_options_and_prefetch_share_seeds": _with_options_shares_generator,
    "reshuffle_none_is_true": lambda tf: _epochs(tf.data.Dataset.range(12).shuffle(
        5, seed=3, reshuffle_each_iteration=None), 2),
    "nested_shuffles": lambda tf: _ints(tf.data.Dataset.range(20).shuffle(5, seed=1).shuffle(
        3, seed=2)),
    "shuffle_all_cardinality_tensor": _shuffle_all,
    "shuffle_unknown_cardinality_constant": lambda tf: _epochs(tf.data.Dataset.range(
        18).shuffle(tf.data.UNKNOWN_CARDINALITY, seed=4), 2),
    "zip_same_seed": _zip_same_seed,
    "unseeded_is_permutation": _unseeded_is_permutation,
    # elements of every kind are held and moved whole
    "slices_tuple_batch": _slices_shuffle_batch(False),
    "slices_tuple_batch_drop": _slices_shuffle_batch(True),
    "slices_dict_batch_two_epochs": _slices_shuffle_batch_epochs,
    "strings": lambda tf: _values(tf.data.Dataset.from_tensor_slices(_WORDS).shuffle(
        6, seed=3)),
    "batched_then_shuffled": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _FEATURES).batch(4).shuffle(3, seed=2)),
    "map_then_shuffle": lambda tf: _values(tf.data.Dataset.range(15).map(
        lambda x: (x, x * 2)).shuffle(5, seed=10)),
    "filter_then_shuffle": lambda tf: _ints(tf.data.Dataset.range(40).filter(
        lambda x: x % 3 == 0).shuffle(4, seed=10)),
    "empty": lambda tf: _ints(tf.data.Dataset.range(0).shuffle(5, seed=1)),
    "empty_repeat_forever": lambda tf: _ints(tf.data.Dataset.range(0).shuffle(
        5, seed=1).repeat()),
    # structure
    "cardinality_finite": lambda tf: int(tf.data.Dataset.range(20).shuffle(5).cardinality()),
    "cardinality_infinite": lambda tf: int(tf.data.Dataset.range(3).repeat().shuffle(
        5).cardinality()),
    "cardinality_unknown": lambda tf: int(tf.data.Dataset.range(9).filter(
        lambda x: x > 2).shuffle(5).cardinality()),
    "element_spec": lambda tf: tf.data.Dataset.from_tensor_slices(
        (_FEATURES, _LABELS)).shuffle(5).element_spec,
    # refused arguments
    "buffer_zero": _errors_buffer(0),
    "buffer_autotune": _errors_buffer(-1),
    "buffer_minus_three": _errors_buffer(-3),
    "buffer_float": _errors_buffer(2.5),
    "seed_float": lambda tf: tf.data.Dataset.range(5).shuffle(3, seed=1.5),
}
