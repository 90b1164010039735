"""Dataset.flat_map and Dataset.interleave against TensorFlow 2.21 (its round-robin order,
sequential and threaded), and the threaded variant's behaviour."""

import threading
import time

import pytest

import featherflow as tf
from featherflow.data.interleave import cpu_count
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("INTERLEAVE")
# transformations chained (window in interleave, padded_batch then unbatch, ...)
test_tf_composed_scenario = group_test("COMPOSED")
# the tf.data.experimental transformation-function forms of these transformations
test_tf_experimental_scenario = group_test("EXPERIMENTAL")


def _slow(x, n=3, delay=0.04):
    def wait(v):
        time.sleep(delay)
        return v
    return tf.data.Dataset.range(n).map(lambda v: wait(v) + x * 10)


def _run(ds):
    start = time.perf_counter()
    values = [int(v) for v in ds]
    return values, time.perf_counter() - start


def test_threaded_interleave_reads_ahead_in_parallel_and_keeps_the_order():
    source = tf.data.Dataset.range(4)
    sequential, slow = _run(source.interleave(_slow, cycle_length=4))
    threaded, fast = _run(source.interleave(_slow, cycle_length=4, num_parallel_calls=4))
    assert threaded == sequential
    assert fast < 0.7 * slow, (fast, slow)


def test_nondeterministic_gives_every_element():
    ds = tf.data.Dataset.range(4).interleave(_slow, cycle_length=2, num_parallel_calls=2,
                                             deterministic=False)
    assert sorted(int(v) for v in ds) == sorted(x * 10 + v for x in range(4) for v in range(3))


def test_closing_early_stops_the_worker_threads():
    before = threading.active_count()
    it = iter(tf.data.Dataset.range(8).interleave(_slow, cycle_length=4,
                                                  num_parallel_calls=4))
    next(it)
    it.close()
    assert threading.active_count() <= before


def test_map_func_must_return_a_dataset():
    with pytest.raises(TypeError, match="must return a Dataset"):
        list(tf.data.Dataset.range(2).flat_map(lambda x: x * 2))


def test_inner_error_reaches_the_consumer_with_its_class():
    def bad(x):
        raise KeyError("no such shard")
    with pytest.raises(KeyError, match="no such shard"):
        list(tf.data.Dataset.range(2).interleave(bad, cycle_length=2))


def test_default_cycle_length_is_the_cpu_count():
    n = cpu_count()
    ds = tf.data.Dataset.range(n + 1).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(2))
    expected = list(range(n)) * 2 + [n, n]
    assert [int(v) for v in ds] == expected
