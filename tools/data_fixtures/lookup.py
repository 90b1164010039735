# ruff: noqa: E501 - a table of one-line scenarios
"""tf.lookup's tables and initializers, recorded from TensorFlow 2.21 eagerly: lookups on
dense, ragged and sparse keys, out-of-vocabulary hash buckets, text-file parsing and its
errors, mutable and dense tables. Exports are compared sorted by key (TensorFlow's order is its
hash map's)."""

import numpy as np

_FILES = {
    "vocab.txt": b"apple\nbanana\ncherry\n",
    "vocab_no_newline.txt": b"one\ntwo\nthree",
    "vocab_crlf.txt": b"x\r\ny\r\n",
    "kv.tsv": b"a\t10\nb\t20\nc\t30\n",
    "kv.csv": b"7,seven,7.5\n8,eight,8.25\n",
    "kv64.csv": b"7,seven,7.5\n8,eight,8.25\n",
    "empty_line.txt": b"a\n\nb\n",
    "short_row.tsv": b"a\t1\nb\n",
    "bad_int.tsv": b"a\tone\n",
    "dupes.txt": b"a\nb\na\n",
}


def setup(tf, workdir):
    for name, data in _FILES.items():
        with open(name, "wb") as f:
            f.write(data)


def _sorted_export(table):
    keys, values = table.export()
    keys, values = np.asarray(keys.numpy()), np.asarray(values.numpy())
    order = np.argsort(keys, kind="stable")
    return [keys[order], values[order]]


def _kv(tf, keys=("a", "b", "c"), values=(1, 2, 3), default=-1):
    return tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(list(keys), list(values)),
                                     default)


def _file_table(tf, name, key_dtype, key_index, value_dtype, value_index, default=-1, **kw):
    init = tf.lookup.TextFileInitializer(name, key_dtype, key_index, value_dtype, value_index, **kw)
    return tf.lookup.StaticHashTable(init, default)


def _vocab(tf, buckets=3, **kw):
    init = tf.lookup.TextFileInitializer("vocab.txt", tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
                                         tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER, **kw)
    return tf.lookup.StaticVocabularyTable(init, buckets)


def _dense(tf):
    d = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, default_value=-1, empty_key=0,
                                              deleted_key=-1, initial_num_buckets=8)
    d.insert(tf.constant([5, 6, 7], tf.int64), tf.constant([50, 60, 70], tf.int64))
    d.erase(tf.constant([6], tf.int64))
    d.insert_or_assign(tf.constant([7, 9], tf.int64), tf.constant([71, 90], tf.int64))
    return d


def _dense_export(tf):
    keys, values = _dense(tf).export()
    k, v = keys.numpy(), values.numpy()
    live = (k != 0) & (k != -1)
    order = np.argsort(k[live])
    return [keys.shape, k[live][order], v[live][order]]


def _dense_grows(tf):
    d = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, default_value=0., empty_key=-5,
                                              deleted_key=-6, initial_num_buckets=4)
    d.insert(tf.range(1, 11, dtype=tf.int64), tf.range(10, dtype=tf.float32) / 2)
    return [d.size(), d.export()[0].shape, d.lookup(tf.constant([3, 11], tf.int64))]


def _mutable(tf):
    m = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    m.insert(tf.constant(["x", "y", "z"]), tf.constant([1, 2, 3], tf.int64))
    m.insert(tf.constant(["y"]), tf.constant([20], tf.int64))
    m.remove(tf.constant(["x", "not there"]))
    return [m.lookup(tf.constant([["x", "y"], ["z", "q"]])), m.size(), _sorted_export(m), m.name]


def _mutable_vectors(tf):
    m = tf.lookup.experimental.MutableHashTable(tf.int64, tf.float32, default_value=[0., -1.])
    m.insert(tf.constant([1, 2], tf.int64), tf.constant([[1., 2.], [3., 4.]]))
    return [m.lookup(tf.constant([2, 9, 1], tf.int64)),
            m.lookup(tf.constant([9], tf.int64), dynamic_default_values=tf.constant([[7., 8.]])),
            m.export()[1].shape]


SCENARIOS = {
    "text_file_index": lambda tf: [tf.lookup.TextFileIndex.WHOLE_LINE, tf.lookup.TextFileIndex.LINE_NUMBER],
    "kv_initializer_dtypes": lambda tf: [str(d) for d in (
        tf.lookup.KeyValueTensorInitializer(["a"], [1]).key_dtype,
        tf.lookup.KeyValueTensorInitializer(["a"], [1]).value_dtype,
        tf.lookup.KeyValueTensorInitializer([1, 2], [0.5, 1.5]).key_dtype,
        tf.lookup.KeyValueTensorInitializer([1, 2], [0.5, 1.5]).value_dtype,
        tf.lookup.KeyValueTensorInitializer(tf.constant([1], tf.int64), tf.constant(["v"])).value_dtype)],
    "static_lookup_dense": lambda tf: [_kv(tf).lookup(tf.constant([["a", "z"], ["c", "b"]])),
                                       _kv(tf).size(), _kv(tf).default_value, _kv(tf).name],
    "static_getitem": lambda tf: _kv(tf)[tf.constant(["b", "q"])],
    "static_lookup_ragged": lambda tf: _kv(tf).lookup(tf.ragged.constant([["a"], ["b", "z", "c"], []])).to_list(),
    "static_lookup_sparse": lambda tf: (lambda s: [s.indices, s.values, s.dense_shape])(
        _kv(tf).lookup(tf.sparse.from_dense(tf.constant([["a", ""], ["", "c"]])))),
    "static_export_sorted": lambda tf: _sorted_export(_kv(tf)),
    "static_int_keys_float_values": lambda tf: _kv(tf, [3, 1, 2], [0.5, 1.5, 2.5], default=-1.).lookup(tf.constant([1, 4, 3])),
    "static_int64_keys_string_values": lambda tf: tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(tf.constant([10, 20], tf.int64), tf.constant(["ten", "twenty"])),
        "?").lookup(tf.constant([20, 30], tf.int64)),
    "static_duplicate_same_value": lambda tf: _kv(tf, ["a", "a", "b"], [1, 1, 2]).size(),
    "static_duplicate_conflict": lambda tf: _kv(tf, ["a", "a"], [1, 2]),
    "static_length_mismatch": lambda tf: _kv(tf, ["a", "b"], [1]),
    "static_wrong_key_dtype": lambda tf: _kv(tf).lookup(tf.constant([1])),
    "static_default_wrong_type": lambda tf: _kv(tf, default=0.5),
    "static_default_string_for_int": lambda tf: _kv(tf, default="x"),
    "static_default_not_scalar": lambda tf: _kv(tf, default=[1, 2]),
    "file_vocab_line_numbers": lambda tf: _file_table(tf, "vocab.txt", tf.string, -2, tf.int64, -1).lookup(
        tf.constant(["banana", "apple", "cherry", "kiwi"])),
    "file_no_trailing_newline": lambda tf: _file_table(tf, "vocab_no_newline.txt", tf.string, -2, tf.int64, -1).size(),
    "file_crlf": lambda tf: _sorted_export(_file_table(tf, "vocab_crlf.txt", tf.string, -2, tf.int64, -1)),
    "file_columns_tsv": lambda tf: _file_table(tf, "kv.tsv", tf.string, 0, tf.int64, 1).lookup(tf.constant(["c", "a", "q"])),
    # one table per scenario: TensorFlow shares a file table's resource by file name and
    # columns (not dtypes), and its tables outlive their scenario: the float64 one reads a copy
    "file_columns_csv_int_keys": lambda tf: _file_table(tf, "kv.csv", tf.int64, 0, tf.string, 1, default="?", delimiter=",").lookup(
        tf.constant([8, 7, 1], tf.int64)),
    "file_columns_csv_float32": lambda tf: _file_table(tf, "kv.csv", tf.string, 1, tf.float32, 2, default=0., delimiter=",").lookup(
        tf.constant(["seven", "eight"])),
    "file_columns_csv_float64": lambda tf: _file_table(tf, "kv64.csv", tf.string, 1, tf.float64, 2, default=0., delimiter=",").lookup(
        tf.constant(["eight"])),
    "file_line_number_keys": lambda tf: _file_table(tf, "vocab.txt", tf.int64, -1, tf.string, -2, default="").lookup(
        tf.constant([0, 2, 5], tf.int64)),
    "file_value_offset": lambda tf: _file_table(tf, "vocab.txt", tf.string, -2, tf.int64, -1, value_index_offset=10).lookup(
        tf.constant(["apple", "cherry"])),
    "file_int32_values_offset": lambda tf: _file_table(tf, "kv.tsv", tf.string, 0, tf.int32, 1, value_index_offset=5).lookup(
        tf.constant(["a", "b"])),
    "file_vocab_size_truncates": lambda tf: _file_table(tf, "vocab.txt", tf.string, -2, tf.int64, -1, vocab_size=2).size(),
    "file_vocab_size_too_big": lambda tf: _file_table(tf, "vocab.txt", tf.string, -2, tf.int64, -1, vocab_size=5),
    "file_vocab_size_zero": lambda tf: _file_table(tf, "vocab.txt", tf.string, -2, tf.int64, -1, vocab_size=0),
    "file_empty_line": lambda tf: _file_table(tf, "empty_line.txt", tf.string, -2, tf.int64, -1),
    "file_short_row": lambda tf: _file_table(tf, "short_row.tsv", tf.string, 0, tf.int64, 1),
    "file_bad_int": lambda tf: _file_table(tf, "bad_int.tsv", tf.string, 0, tf.int64, 1),
    "file_duplicates": lambda tf: _file_table(tf, "dupes.txt", tf.string, -2, tf.int64, -1),
    "file_missing": lambda tf: _file_table(tf, "no_such_file.txt", tf.string, -2, tf.int64, -1),
    "file_line_number_needs_int64": lambda tf: _file_table(tf, "vocab.txt", tf.int32, -1, tf.string, -2),
    "file_whole_line_value_needs_string": lambda tf: _file_table(tf, "vocab.txt", tf.string, -1, tf.int64, -2),
    "vocab_oov_buckets": lambda tf: [_vocab(tf).lookup(tf.constant(["apple", "cherry", "zzz", "yyy", "banana", "", "kiwi", "Apple"])),
                                     _vocab(tf).size()],
    "vocab_many_buckets": lambda tf: _vocab(tf, buckets=1000).lookup(tf.constant([f"w{i}" for i in range(40)])),
    "vocab_ragged": lambda tf: _vocab(tf).lookup(tf.strings.split(tf.constant(["apple pie", "banana split now"]))).to_list(),
    "vocab_int64_keys": lambda tf: [
        tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(tf.constant([5, 7], tf.int64), tf.constant([0, 1], tf.int64)), 4).lookup(
            tf.constant([5, 6, 7, 100, -3, 123456789], tf.int64))],
    "vocab_int32_lookup_key_dtype": lambda tf: tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer(tf.constant([5, 7], tf.int64), tf.constant([0, 1], tf.int64)), 4,
        lookup_key_dtype=tf.int32).lookup(tf.constant([7, 8], tf.int32)),
    "vocab_no_initializer": lambda tf: [tf.lookup.StaticVocabularyTable(None, 5).lookup(tf.constant(["a", "b", "c"])),
                                        tf.lookup.StaticVocabularyTable(None, 5).size()],
    "vocab_zero_buckets": lambda tf: _vocab(tf, buckets=0),
    "vocab_int32_values_refused": lambda tf: tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(["a"], [0]), 1),
    "vocab_int32_keys_refused": lambda tf: tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer([1], tf.constant([0], tf.int64)), 1),
    "mutable_table": _mutable,
    "mutable_vector_values": _mutable_vectors,
    "mutable_wrong_value_shape": lambda tf: tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1).insert(
        tf.constant(["a", "b"]), tf.constant([1], tf.int64)),
    "mutable_python_keys": lambda tf: (lambda m: [m.insert([1, 2], [3, 4]), m.lookup([2, 5])])(
        tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, -1))[1],
    "mutable_lookup_wrong_dtype": lambda tf: tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, -1).lookup(
        tf.constant([1], tf.int32)),
    "mutable_remove_wrong_dtype": lambda tf: tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, -1).remove(
        tf.constant([1], tf.int32)),
    "mutable_wrong_value_dtype": lambda tf: tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, -1).insert(
        tf.constant([1], tf.int64), tf.constant([1.5])),
    "mutable_matrix_default_refused": lambda tf: tf.lookup.experimental.MutableHashTable(tf.int64, tf.float32, [[0., 1.]]),
    "dense_string_keys_export": lambda tf: (lambda d: [d.insert(tf.constant(["a"]), tf.constant([1], tf.int64)), d.export()][1])(
        tf.lookup.experimental.DenseHashTable(tf.string, tf.int64, -1, "", "<del>", initial_num_buckets=4)),
    "dense_vector_values_export_shape": lambda tf: [x.shape for x in tf.lookup.experimental.DenseHashTable(
        tf.int64, tf.float32, [0., 0.], 0, -1, initial_num_buckets=4).export()],
    "dense_buckets_not_power_of_two": lambda tf: tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, 0, -1, initial_num_buckets=6),
    "dense_buckets_too_few": lambda tf: tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, 0, -1, initial_num_buckets=2),
    "mutable_wrong_key_dtype": lambda tf: tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1).insert(
        tf.constant([1]), tf.constant([1], tf.int64)),
    "dense_table": lambda tf: [_dense(tf).lookup(tf.constant([5, 6, 7, 9, 3], tf.int64)), _dense(tf).size(), _dense(tf).name],
    "dense_export": _dense_export,
    "dense_grows": _dense_grows,
    "dense_empty_key_refused": lambda tf: _dense(tf).insert(tf.constant([0], tf.int64), tf.constant([1], tf.int64)),
    "dense_deleted_key_refused": lambda tf: _dense(tf).insert(tf.constant([-1], tf.int64), tf.constant([1], tf.int64)),
    "dense_same_empty_deleted": lambda tf: tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, 0, 0),
}
