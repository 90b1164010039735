"""Parallel map and prefetch: order, overlap, errors and clean shutdown."""

import threading
import time

import numpy as np
import pytest

import featherflow as tf


def _threads(prefix):
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


def test_parallel_map_keeps_order_and_runs_on_several_threads():
    seen = set()

    def slow(x):
        seen.add(threading.get_ident())
        time.sleep(0.002)
        return x * 2

    out = list(tf.data.Dataset.range(40).map(slow, num_parallel_calls=4).as_numpy_iterator())
    assert out == [2 * i for i in range(40)]
    assert len(seen) > 1


def test_nondeterministic_map_yields_every_element_once():
    def jitter(x):
        time.sleep(0.004 if int(x) % 3 == 0 else 0.0)
        return x

    ds = tf.data.Dataset.range(60).map(jitter, num_parallel_calls=4, deterministic=False)
    out = list(ds.as_numpy_iterator())
    assert sorted(out) == list(range(60))
    assert out != list(range(60))  # the slow ones were overtaken


def test_options_deterministic_false_applies_to_map():
    options = tf.data.Options()
    options.deterministic = False

    def jitter(x):
        time.sleep(0.004 if int(x) % 3 == 0 else 0.0)
        return x

    ds = tf.data.Dataset.range(60).map(jitter, num_parallel_calls=4).with_options(options)
    assert sorted(ds.as_numpy_iterator()) == list(range(60))


def test_worker_error_reaches_consumer_with_index_and_function_name():
    def parse(x):
        if int(x) == 7:
            raise ValueError("bad record")
        return x

    ds = tf.data.Dataset.range(20).map(parse, num_parallel_calls=3)
    with pytest.raises(ValueError, match="bad record") as info:
        list(ds)
    note = " ".join(getattr(info.value, "__notes__", [])) or str(info.value)
    assert "element 7" in note and "parse" in note


def test_map_changing_structure_is_refused_with_the_index():
    ds = tf.data.Dataset.range(5).map(lambda x: (x, x) if int(x) == 3 else x)
    with pytest.raises(TypeError, match="element 3"):
        list(ds)


def test_map_changing_dtype_is_refused():
    ds = tf.data.Dataset.range(5).map(lambda x: tf.cast(x, tf.float32) if int(x) else x)
    with pytest.raises(TypeError, match="same structure and dtypes"):
        list(ds)


def test_prefetch_runs_ahead_while_consumer_works():
    produced = []

    def record(x):
        produced.append(int(x))
        return x

    it = iter(tf.data.Dataset.range(10).map(record).prefetch(3))
    next(it)
    deadline = time.time() + 2
    while len(produced) < 4 and time.time() < deadline:
        time.sleep(0.01)
    # one element consumed, three more waiting in the buffer (and maybe one in hand)
    assert 4 <= len(produced) <= 5
    it.close()


def test_prefetch_overlaps_producer_and_consumer_time():
    def slow(x):
        time.sleep(0.01)
        return x

    ds = tf.data.Dataset.range(20).map(slow)
    start = time.perf_counter()
    for _ in ds.prefetch(2):
        time.sleep(0.01)
    overlapped = time.perf_counter() - start
    # serial would be 20 * (0.01 + 0.01) = 0.4 s; overlapped about half of that
    assert overlapped < 0.36


def test_prefetch_error_reaches_consumer():
    def parse(x):
        if int(x) == 4:
            raise KeyError("missing")
        return x

    got = []
    with pytest.raises(KeyError):
        for x in tf.data.Dataset.range(10).map(parse).prefetch(2):
            got.append(int(x))
    assert got == [0, 1, 2, 3]


def test_closing_an_iterator_stops_background_threads():
    before = len(_threads("tf.data"))
    it = iter(tf.data.Dataset.range(10 ** 6).map(
        lambda x: x, num_parallel_calls=2).prefetch(4))
    next(it)
    assert len(_threads("tf.data")) > before
    it.close()
    deadline = time.time() + 2
    while len(_threads("tf.data")) > before and time.time() < deadline:
        time.sleep(0.01)
    assert len(_threads("tf.data")) == before


def test_abandoned_iterator_is_cleaned_up():
    import gc

    before = len(_threads("tf.data.prefetch"))
    for _ in range(3):
        for x in tf.data.Dataset.range(100).prefetch(2):
            if int(x) == 5:
                break
    gc.collect()
    deadline = time.time() + 2
    while len(_threads("tf.data.prefetch")) > before and time.time() < deadline:
        time.sleep(0.01)
    assert len(_threads("tf.data.prefetch")) == before


def test_map_receives_tensors_and_may_call_tf_ops():
    def fn(image, label):
        assert isinstance(image, tf.Tensor)
        return tf.cast(image, tf.float32) / 255.0, tf.one_hot(label, 3)

    x = np.arange(2 * 4, dtype=np.uint8).reshape(2, 4)
    out = list(tf.data.Dataset.from_tensor_slices((x, [0, 2])).map(fn).as_numpy_iterator())
    np.testing.assert_allclose(out[1][0], x[1] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(out[1][1], [0, 0, 1])


def test_from_tensor_slices_errors_name_the_problem():
    with pytest.raises(ValueError, match="same size in their first dimension"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="from_tensors"):
        tf.data.Dataset.from_tensor_slices(5)
    with pytest.raises(TypeError, match="Dataset"):
        tf.data.Dataset.from_tensor_slices(tf.data.Dataset.range(3))


def test_two_passes_are_independent():
    ds = tf.data.Dataset.range(3).map(lambda x: x + 1)
    a, b = iter(ds), iter(ds)
    assert [int(next(a)), int(next(b)), int(next(a))] == [1, 1, 2]
