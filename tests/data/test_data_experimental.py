"""The rest of tf.data / tf.data.experimental against TF 2.21
(tools/data_fixtures/data_experimental.py): IteratorSpec, NumpyIterator, from_list, at,
Reducer + group_by_reducer, pad_to_cardinality, Optional + OptionalSpec, RandomDataset, the
options classes and their type checks, SHARD_HINT, tables from datasets, Example parsing and
SqlDataset."""

from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("data_experimental")


def test_debug_mode_runs_parallel_transformations_in_the_consumer_thread(monkeypatch):
    import threading

    import featherflow as tf
    from featherflow.data import debug_mode

    monkeypatch.setattr(debug_mode, "_ENABLED", False)
    tf.data.experimental.enable_debug_mode()
    assert debug_mode.enabled()
    threads = []

    def record(x):
        threads.append(threading.current_thread().name)
        return x

    ds = tf.data.Dataset.range(6).map(record, num_parallel_calls=3, deterministic=False)
    ds = ds.interleave(lambda x: tf.data.Dataset.from_tensors(x), cycle_length=2,
                       num_parallel_calls=2).prefetch(2)
    assert [int(x) for x in ds] == list(range(6))
    assert set(threads) == {threading.current_thread().name}
