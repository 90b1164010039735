# ruff: noqa: E501 - a table of one-line scenarios
"""The rest of ``tf.data`` / ``tf.data.experimental`` against TF 2.21: IteratorSpec,
NumpyIterator, from_list, at, Reducer + group_by_reducer, pad_to_cardinality, Optional +
get_next_as_optional + OptionalSpec, RandomDataset, the options classes, SHARD_HINT,
table_from_dataset / index_table_from_dataset / DatasetInitializer, parse_example_dataset /
make_batched_features_dataset and SqlDataset."""

import os
import sqlite3

import numpy as np


def setup(tf, workdir):
    with sqlite3.connect(os.path.join(workdir, "people.db")) as db:
        db.execute("CREATE TABLE people (name TEXT, age INTEGER, height REAL, ok INTEGER)")
        db.executemany("INSERT INTO people VALUES (?, ?, ?, ?)",
                       [("ann", 31, 1.62, 1), ("bob", 42, 1.80, 0), ("cy", 7, 1.21, 1)])
    for shard in range(2):
        with tf.io.TFRecordWriter(os.path.join(workdir, f"ex-{shard}.tfrecord")) as writer:
            for i in range(3):
                value = shard * 3 + i
                example = tf.train.Example(features=tf.train.Features(feature={
                    "x": tf.train.Feature(float_list=tf.train.FloatList(value=[value, value / 2])),
                    "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[value % 2])),
                    "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"t"] * (value % 3))),
                }))
                writer.write(example.SerializeToString())


def _all(ds):
    return list(ds.as_numpy_iterator())


def _features(tf):
    return {"x": tf.io.FixedLenFeature([2], tf.float32), "label": tf.io.FixedLenFeature([], tf.int64),
            "tags": tf.io.VarLenFeature(tf.string)}


def _dense(d):
    return {k: (tf_sparse_dense(v) if hasattr(v, "dense_shape") else v) for k, v in d.items()}


def tf_sparse_dense(v):
    return [v.indices, v.values, v.dense_shape]


def _sum_reducer(tf):
    return tf.data.experimental.Reducer(
        init_func=lambda key: np.int64(0),
        reduce_func=lambda state, x: state + x,
        finalize_func=lambda state: state * 10)


def _lengths_reducer(tf):
    return tf.data.experimental.Reducer(
        init_func=lambda key: (key, np.int64(0), tf.constant(0.0)),
        reduce_func=lambda state, x: (state[0], state[1] + 1, state[2] + tf.cast(x, tf.float32)),
        finalize_func=lambda key, count, total: {"key": key, "mean": total / tf.cast(count, tf.float32)})


def _optional_scenario(tf):
    it = iter(tf.data.Dataset.range(2))
    first = it.get_next_as_optional()
    it.get_next()
    last = tf.data.experimental.get_next_as_optional(it)
    opt = tf.experimental.Optional.from_value({"a": tf.constant(1), "b": tf.constant([1.0, 2.0])})
    empty = tf.experimental.Optional.empty(tf.TensorSpec([2], tf.int32))
    return [bool(first.has_value()), first.get_value(), bool(last.has_value()),
            bool(opt.has_value()), opt.get_value(), opt.element_spec, empty.element_spec,
            bool(empty.has_value()), type(first.element_spec).__name__, first.element_spec]


def _options_scenario(tf):
    options = tf.data.Options()
    options.autotune.enabled = False
    options.autotune.cpu_budget = 2
    options.experimental_optimization.map_parallelization = False
    options.threading.private_threadpool_size = 3
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = tf.data.Dataset.range(3).with_options(options)
    got = ds.options()
    return [got.autotune.enabled, got.autotune.cpu_budget, got.experimental_optimization.map_parallelization,
            got.threading.private_threadpool_size, int(got.experimental_distribute.auto_shard_policy),
            got.autotune.ram_budget, got.experimental_optimization.map_fusion,
            type(got.autotune).__name__ == "AutotuneOptions",
            isinstance(got.autotune, tf.data.experimental.AutotuneOptions),
            isinstance(got.threading, tf.data.experimental.ThreadingOptions),
            isinstance(got.threading, tf.data.ThreadingOptions),
            isinstance(got.experimental_distribute, tf.data.experimental.DistributeOptions),
            isinstance(got.experimental_optimization, tf.data.experimental.OptimizationOptions),
            [a.value for a in (tf.data.experimental.AutotuneAlgorithm.DEFAULT, tf.data.experimental.AutotuneAlgorithm.HILL_CLIMB,
                              tf.data.experimental.AutotuneAlgorithm.GRADIENT_DESCENT, tf.data.experimental.AutotuneAlgorithm.MAX_PARALLELISM,
                              tf.data.experimental.AutotuneAlgorithm.STAGE_BASED)]]


def _set(tf, group, name, value):
    options = tf.data.Options()
    setattr(getattr(options, group) if group else options, name, value)
    return "set"


def _table_from_dataset(tf):
    pairs = tf.data.Dataset.from_tensor_slices((["cat", "dog", "emu"], tf.constant([10, 20, 30], tf.int64)))
    table = tf.data.experimental.table_from_dataset(pairs, default_value=-1)
    init = tf.data.experimental.DatasetInitializer(pairs)
    static = tf.lookup.StaticHashTable(init, -7)
    return [table.lookup(tf.constant(["dog", "cat", "yak"])), table.size(), static.lookup(tf.constant(["emu", "x"])),
            init.key_dtype.name, init.value_dtype.name]


def _index_table(tf):
    keys = tf.data.Dataset.from_tensor_slices(["b", "a", "c"])
    table = tf.data.experimental.index_table_from_dataset(keys)
    oov = tf.data.experimental.index_table_from_dataset(keys, num_oov_buckets=2)
    return [table.lookup(tf.constant(["a", "c", "zz"])), table.size(),
            oov.lookup(tf.constant(["a", "zz", "q"])), oov.size()]


def _sql(tf, query, types):
    return _all(tf.data.experimental.SqlDataset("sqlite", "people.db", query, types))


def _sql_spec(tf):
    return tf.data.experimental.SqlDataset("sqlite", "people.db", "SELECT name, age FROM people", (tf.string, tf.int32)).element_spec


SCENARIOS = {
    # -- tf.data.IteratorSpec / NumpyIterator ---------------------------------------------------
    "iterator_spec": lambda tf: [tf.data.IteratorSpec(tf.TensorSpec([2], tf.int32)) == tf.data.IteratorSpec(tf.TensorSpec([2], tf.int32)),
                                 tf.data.IteratorSpec(tf.TensorSpec([2], tf.int32)) == tf.data.IteratorSpec(tf.TensorSpec([3], tf.int32)),
                                 tf.type_spec_from_value(iter(tf.data.Dataset.range(3))) == tf.data.IteratorSpec(tf.TensorSpec([], tf.int64)),
                                 type(tf.type_spec_from_value(iter(tf.data.Dataset.range(3)))).__name__,
                                 repr(tf.data.IteratorSpec(tf.TensorSpec([2], tf.int32)))],
    "numpy_iterator": lambda tf: [isinstance(tf.data.Dataset.range(3).as_numpy_iterator(), tf.data.NumpyIterator),
                                  list(tf.data.Dataset.range(3).as_numpy_iterator()), next(tf.data.Dataset.range(3).as_numpy_iterator())],
    # -- from_list / at ---------------------------------------------------------------------------
    "from_list_tuples": lambda tf: (lambda ds: [ds.element_spec, _all(ds), int(ds.cardinality())])(tf.data.experimental.from_list([(1, "a"), (2, "b"), (3, "c")])),
    "from_list_dicts": lambda tf: (lambda ds: [ds.element_spec, _all(ds)])(tf.data.experimental.from_list([{"x": [1.0, 2.0], "y": 1}, {"x": [3.0, 4.0], "y": 0}])),
    "from_list_scalars": lambda tf: (lambda ds: [ds.element_spec, _all(ds)])(tf.data.experimental.from_list([1, 2, 3])),
    "from_list_empty": lambda tf: tf.data.experimental.from_list([]),
    "from_list_mismatch": lambda tf: tf.data.experimental.from_list([(1, 2), (3,)]),
    "at_range_map_batch": lambda tf: [tf.data.experimental.at(tf.data.Dataset.range(10), 3),
                                      tf.data.experimental.at(tf.data.Dataset.range(10).map(lambda x: x * x), 4),
                                      tf.data.experimental.at(tf.data.Dataset.range(10).batch(3), 3),
                                      tf.data.experimental.at(tf.data.Dataset.from_tensor_slices(([1, 2], ["a", "b"])), 1)],
    "at_out_of_range": lambda tf: tf.data.experimental.at(tf.data.Dataset.range(3), 5),
    "at_negative": lambda tf: tf.data.experimental.at(tf.data.Dataset.range(3), -1),
    "at_filter_refused": lambda tf: tf.data.experimental.at(tf.data.Dataset.range(5).filter(lambda x: x > 1), 0),
    # -- group_by_reducer -----------------------------------------------------------------------
    "group_by_reducer_sum": lambda tf: _all(tf.data.Dataset.range(10).apply(tf.data.experimental.group_by_reducer(lambda x: x % 3, _sum_reducer(tf)))),
    "group_by_reducer_structured": lambda tf: (lambda ds: [ds.element_spec, _all(ds)])(tf.data.Dataset.from_tensor_slices(tf.constant([5, 1, 4, 2, 8], tf.int64)).apply(tf.data.experimental.group_by_reducer(lambda x: x % 2, _lengths_reducer(tf)))),
    "group_by_reducer_key_dtype": lambda tf: _all(tf.data.Dataset.range(4).apply(tf.data.experimental.group_by_reducer(lambda x: tf.cast(x % 2, tf.int32), _sum_reducer(tf)))),
    "group_by_reducer_key_order": lambda tf: _all(tf.data.Dataset.from_tensor_slices(tf.constant([5, 3, 9, 3, -2, 100], tf.int64)).apply(tf.data.experimental.group_by_reducer(lambda x: x, tf.data.experimental.Reducer(lambda key: key, lambda s, x: s, lambda s: s)))),
    # -- pad_to_cardinality ---------------------------------------------------------------------
    "pad_to_cardinality": lambda tf: (lambda ds: [ds.element_spec, _all(ds), int(ds.cardinality())])(tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]}).apply(tf.data.experimental.pad_to_cardinality(4))),
    "pad_to_cardinality_mask_key": lambda tf: _all(tf.data.Dataset.from_tensor_slices({"a": [1]}).apply(tf.data.experimental.pad_to_cardinality(2, mask_key="m"))),
    "pad_to_cardinality_too_small": lambda tf: _all(tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3]}).apply(tf.data.experimental.pad_to_cardinality(2))),
    "pad_to_cardinality_not_dict": lambda tf: tf.data.Dataset.range(2).apply(tf.data.experimental.pad_to_cardinality(3)),
    "pad_to_cardinality_unknown": lambda tf: tf.data.Dataset.range(4).filter(lambda x: x > 0).map(lambda x: {"a": x}).apply(tf.data.experimental.pad_to_cardinality(5)),
    # -- Optional -------------------------------------------------------------------------------
    "optional": _optional_scenario,
    "optional_empty_get": lambda tf: tf.experimental.Optional.empty(tf.TensorSpec([], tf.int32)).get_value(),
    "optional_spec": lambda tf: [tf.OptionalSpec(tf.TensorSpec([], tf.int32)) == tf.OptionalSpec(tf.TensorSpec([], tf.int32)), repr(tf.OptionalSpec(tf.TensorSpec([], tf.int32))),
                                 tf.experimental.Optional.from_value(3).element_spec,
                                 type(tf.type_spec_from_value(tf.experimental.Optional.from_value(3))).__name__],
    # -- RandomDataset --------------------------------------------------------------------------
    "random_dataset_seeded": lambda tf: [tf.data.experimental.RandomDataset(seed=42).element_spec, _all(tf.data.experimental.RandomDataset(seed=42).take(4)),
                                         int(tf.data.experimental.RandomDataset(seed=1).cardinality())],
    "random_dataset_rerandomize": lambda tf: (lambda ds: [_all(ds.take(3)), _all(ds.take(3))])(tf.data.experimental.RandomDataset(seed=7, rerandomize_each_iteration=True)),
    "random_dataset_no_rerandomize": lambda tf: (lambda ds: [_all(ds.take(3)), _all(ds.take(3))])(tf.data.experimental.RandomDataset(seed=7)),
    "dataset_random_seeded": lambda tf: _all(tf.data.Dataset.random(seed=5).take(3)),
    # -- options --------------------------------------------------------------------------------
    "options_classes": _options_scenario,
    "options_bad_type_bool": lambda tf: _set(tf, "autotune", "enabled", 3),
    "options_bad_type_int": lambda tf: _set(tf, "threading", "private_threadpool_size", "8"),
    "options_bad_type_deterministic": lambda tf: _set(tf, None, "deterministic", "yes"),
    "options_bad_policy": lambda tf: _set(tf, "experimental_distribute", "auto_shard_policy", 2),
    "options_unknown_name": lambda tf: _set(tf, "autotune", "speed", 1),
    "options_autotune_algorithm": lambda tf: _set(tf, "autotune", "autotune_algorithm", tf.data.experimental.AutotuneAlgorithm.HILL_CLIMB),
    "options_autotune_algorithm_bad": lambda tf: _set(tf, "autotune", "autotune_algorithm", 1),
    "options_cpu_budget_float": lambda tf: _set(tf, "autotune", "cpu_budget", 1.5),
    "options_threading_float": lambda tf: _set(tf, "threading", "max_intra_op_parallelism", 2.0),
    "options_optimization_int": lambda tf: _set(tf, "experimental_optimization", "map_fusion", 1),
    "options_standalone": lambda tf: [tf.data.experimental.AutotuneOptions().enabled, tf.data.experimental.ThreadingOptions().private_threadpool_size,
                                      tf.data.experimental.OptimizationOptions().apply_default_optimizations, tf.data.experimental.DistributeOptions().num_devices],
    "shard_hint": lambda tf: tf.data.experimental.SHARD_HINT,
    # -- tables from datasets -------------------------------------------------------------------
    "table_from_dataset": _table_from_dataset,
    "index_table_from_dataset": _index_table,
    "table_from_dataset_not_pairs": lambda tf: tf.data.experimental.table_from_dataset(tf.data.Dataset.range(3)),
    "dataset_initializer_not_pairs": lambda tf: tf.data.experimental.DatasetInitializer(tf.data.Dataset.range(3)),
    # -- parsing Examples -----------------------------------------------------------------------
    "parse_example_dataset": lambda tf: (lambda ds: [ds.element_spec, [_dense(b) for b in ds]])(tf.data.TFRecordDataset(["ex-0.tfrecord", "ex-1.tfrecord"]).batch(4).apply(tf.data.experimental.parse_example_dataset(_features(tf)))),
    "make_batched_features_dataset": lambda tf: (lambda ds: [ds.element_spec, [_dense(b) for b in ds]])(tf.data.experimental.make_batched_features_dataset("ex-*.tfrecord", 4, _features(tf), num_epochs=1, shuffle=False)),
    "make_batched_features_dataset_label": lambda tf: (lambda ds: [ds.element_spec, [(_dense(f), label) for f, label in ds]])(tf.data.experimental.make_batched_features_dataset(["ex-0.tfrecord"], 2, _features(tf), label_key="label", num_epochs=1, shuffle=False, drop_final_batch=True)),
    "make_batched_features_dataset_bad_label": lambda tf: tf.data.experimental.make_batched_features_dataset(["ex-0.tfrecord"], 2, _features(tf), label_key="nope", num_epochs=1, shuffle=False),
    # -- SqlDataset -----------------------------------------------------------------------------
    "sql_rows": lambda tf: _sql(tf, "SELECT name, age, height, ok FROM people ORDER BY age", (tf.string, tf.int32, tf.float64, tf.bool)),
    "sql_spec": _sql_spec,
    "sql_int64_float32": lambda tf: _sql(tf, "SELECT age, height FROM people WHERE age > 10", (tf.int64, tf.float32)),
    "sql_bad_driver": lambda tf: _sql(tf, "SELECT age FROM people", (tf.int32,)),
    "sql_bad_query": lambda tf: _sql(tf, "SELECT nope FROM people", (tf.int32,)),
    "sql_wrong_column_count": lambda tf: _sql(tf, "SELECT name, age FROM people", (tf.string,)),
}
SCENARIOS["sql_bad_driver"] = lambda tf: _all(tf.data.experimental.SqlDataset("mysql", "people.db", "SELECT age FROM people", (tf.int32,)))
