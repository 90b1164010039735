"""Dataset.shuffle against TF 2.21 (tools/data_fixtures/shuffle.py), and what fixtures cannot
show: the seed rule step by step, unseeded shuffles (fresh OS randomness, so only their
distribution can be checked), errors, early close, and the batch-gather path."""

import itertools
import threading

import numpy as np
import pytest

import featherflow as tf
from featherflow.backend.philox import PhiloxStream
from featherflow.data import seeds
from featherflow.data.dataset import Dataset
from featherflow.data.shuffle import shuffled
from featherflow.errors import InvalidArgumentError
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("shuffle")



def _ints(ds):
    return [int(x) for x in ds.as_numpy_iterator()]


def test_get_seed_rule():
    assert seeds.get_seed(None) == (None, None)
    assert seeds.dataset_seeds(None) == (0, 0)
    assert seeds.get_seed(5) == (seeds.DEFAULT_GRAPH_SEED, 5)
    assert seeds.get_seed(2**31 - 1) == (seeds.DEFAULT_GRAPH_SEED, 0)
    tf.random.set_seed(0)
    assert seeds.get_seed(0) == (0, 2**31 - 1)  # (0, 0) would mean "unseeded" to the kernel
    tf.random.set_seed(42)
    # TF eager's op seeds: Python's random.Random(global seed).randint(0, 2**31 - 1)
    assert seeds.get_seed(None) == (42, 478163327)
    second = seeds.get_seed(None)
    tf.random.set_seed(42)
    assert seeds.get_seed(None) == (42, 478163327)
    assert seeds.get_seed(None) == second


def test_keras_set_random_seed_sets_the_global_seed():
    tf.keras.utils.set_random_seed(9)
    a = _ints(tf.data.Dataset.range(30).shuffle(10))
    tf.random.set_seed(9)
    assert _ints(tf.data.Dataset.range(30).shuffle(10)) == a


def test_seed_generator_takes_two_samples_per_iterator():
    generator = seeds.SeedGenerator(3, 4, reshuffle=True)
    stream = PhiloxStream(3, 4)
    expected = stream.take(6).tolist()
    got = [generator.next_seeds() for _ in range(3)]
    assert got == [tuple(expected[0:2]), tuple(expected[2:4]), tuple(expected[4:6])]
    fixed = seeds.SeedGenerator(3, 4, reshuffle=False)
    assert [fixed.next_seeds() for _ in range(2)] == [(3, 4), (3, 4)]


def test_unseeded_draws_fresh_seeds():
    a = seeds.SeedGenerator(0, 0, reshuffle=True)
    b = seeds.SeedGenerator(0, 0, reshuffle=True)
    assert (a.seed, a.seed2) != (b.seed, b.seed2)
    assert (a.seed, a.seed2) != (0, 0)


def test_unseeded_orders_are_permutations_that_differ():
    orders = [_ints(tf.data.Dataset.range(60).shuffle(20)) for _ in range(3)]
    for order in orders:
        assert sorted(order) == list(range(60))
    assert orders[0] != orders[1] or orders[1] != orders[2]
    ds = tf.data.Dataset.range(60).shuffle(60)
    assert _ints(ds) != _ints(ds)  # reshuffled: equal orders have chance 1 / 60!


def test_unseeded_full_shuffle_is_uniform():
    # every permutation of 3 elements equally likely: chi-square, 5 degrees of freedom
    ds = tf.data.Dataset.range(3).shuffle(3)
    counts = dict.fromkeys(itertools.permutations(range(3)), 0)
    runs = 3000
    for _ in range(runs):
        counts[tuple(int(x) for x in ds._iterate())] += 1
    expected = runs / 6
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 35, counts  # p < 1e-5 for a uniform shuffle


def test_first_output_is_uniform_over_the_first_buffer():
    firsts = [int(next(tf.data.Dataset.range(100).shuffle(4, seed=s)._iterate()))
              for s in range(2000)]
    counts = np.bincount(firsts, minlength=100)
    assert counts[4:].sum() == 0
    assert counts[:4].min() > 400


def test_elements_are_held_not_copied():
    items = [np.arange(3) + i for i in range(9)]
    out = list(shuffled(iter(items), 4, PhiloxStream(1, 2)))
    assert sorted(id(a) for a in out) == sorted(id(a) for a in items)


def test_buffer_of_one_keeps_the_order():
    assert _ints(tf.data.Dataset.range(9).shuffle(1)) == list(range(9))


@pytest.mark.parametrize("value", [0, -1, -3])
def test_nonpositive_buffer_is_refused(value):
    with pytest.raises(InvalidArgumentError, match="buffer_size must be greater than zero"):
        tf.data.Dataset.range(5).shuffle(value)


def test_autotune_is_refused_with_a_fix():
    with pytest.raises(InvalidArgumentError, match="AUTOTUNE is not accepted"):
        tf.data.Dataset.range(5).shuffle(tf.data.AUTOTUNE)


@pytest.mark.parametrize("kwargs", [{"buffer_size": 2.5}, {"buffer_size": "10"},
                                    {"buffer_size": 3, "seed": 1.5},
                                    {"buffer_size": 3, "seed": "1"}])
def test_non_integer_arguments_are_refused(kwargs):
    with pytest.raises(TypeError, match="integer"):
        tf.data.Dataset.range(5).shuffle(**kwargs)


def test_tensor_arguments():
    ds = tf.data.Dataset.range(12)
    a = _ints(ds.shuffle(ds.cardinality(), seed=tf.constant(4)))
    assert a == _ints(ds.shuffle(12, seed=4))


class _Tracked(Dataset):
    def __init__(self, n):
        super().__init__()
        self.n, self.closed = n, 0

    def _compute_spec(self):
        return tf.data.Dataset.range(1).element_spec

    def _compute_cardinality(self):
        return self.n

    def _iterate(self):
        try:
            for i in range(self.n):
                yield np.array(i, dtype=np.int64)
        finally:
            self.closed += 1


def test_early_stop_closes_the_input():
    source = _Tracked(100)
    ds = source.shuffle(10, seed=1)
    it = iter(ds)
    next(it)
    it.close()
    assert source.closed == 1
    _ints(ds.take(3))
    assert source.closed == 2


def test_batch_gather_path_equals_the_element_path():
    x = np.arange(46, dtype=np.float32).reshape(23, 2)
    y = np.arange(23, dtype=np.int64)

    def make():
        return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(7, seed=3)

    fast = [tuple(np.asarray(v) for v in b) for b in make().batch(5).as_numpy_iterator()]
    elements = list(make().as_numpy_iterator())
    for i, (bx, by) in enumerate(fast):
        chunk = elements[5 * i:5 * i + 5]
        np.testing.assert_array_equal(bx, np.stack([e[0] for e in chunk]))
        np.testing.assert_array_equal(by, np.stack([e[1] for e in chunk]))
    assert sum(len(b[1]) for b in fast) == 23


def test_large_buffer_order_is_a_permutation_in_constant_time_per_element():
    out = list(shuffled(iter(range(200_000)), 10_000, PhiloxStream(5, 6)))
    assert sorted(out) == list(range(200_000))
    assert out[:10] != list(range(10))


def _scoped(fn):
    # what map/flat_map/interleave do around a user's function (seeds.function_scope)
    def call(*args):
        with seeds.function_scope():
            return fn(*args)
    return call


def test_shuffle_made_in_a_dataset_function_repeats_tf_order():
    # TF 2.21: tf.random.set_seed(1); range(3).flat_map(lambda i: range(10).shuffle(5)) gives
    # one order three times (the traced function's op seed 0), and leaves the eager op-seed
    # counter alone: a shuffle made afterwards is the first one of global seed 1.
    tf.random.set_seed(1)
    ds = tf.data.Dataset.range(3).flat_map(_scoped(
        lambda i: tf.data.Dataset.range(10).shuffle(5)))
    assert _ints(ds) == [2, 3, 4, 7, 0, 1, 8, 6, 9, 5] * 3
    assert _ints(tf.data.Dataset.range(10).shuffle(5)) == [1, 2, 4, 3, 6, 8, 9, 5, 7, 0]
    # two shuffles in one function: op seeds 0 and 1, the same for every input element
    tf.random.set_seed(1)
    ds = tf.data.Dataset.range(2).flat_map(_scoped(
        lambda i: tf.data.Dataset.range(10).shuffle(5).concatenate(
            tf.data.Dataset.range(10).shuffle(5))))
    assert _ints(ds) == [2, 3, 4, 7, 0, 1, 8, 6, 9, 5, 0, 5, 3, 4, 2, 9, 8, 6, 7, 1] * 2


def test_function_scopes_nest_and_are_per_thread():
    tf.random.set_seed(4)
    first_eager = 1013818839  # random.Random(4).randint(0, 2**31 - 1)
    other_thread = []
    with seeds.function_scope():
        assert seeds.get_seed(None) == (4, 0)
        with seeds.function_scope():
            assert seeds.get_seed(None) == (4, 0)
        worker = threading.Thread(target=lambda: other_thread.append(seeds.get_seed(None)))
        worker.start()
        worker.join()
        assert seeds.get_seed(None) == (4, 1)
    assert other_thread == [(4, first_eager)]
    tf.random.set_seed(4)
    with seeds.function_scope():
        seeds.get_seed(None)
    assert seeds.get_seed(None) == (4, first_eager)
