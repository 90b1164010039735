"""tf.lookup against TensorFlow 2.21 (tools/data_fixtures/lookup.py: 60 scenarios: lookups on
dense/ragged/sparse keys, out-of-vocabulary buckets, text-file parsing and its errors, mutable
and dense tables), and a text pipeline that uses a vocabulary table."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_lookup_scenario, workdir = scenario_test("lookup")


def test_python_list_keys_are_accepted():
    # TensorFlow's StaticHashTable.lookup(["c", "a"]) is an AttributeError ('list' object has
    # no attribute 'dtype'); featherflow converts the list to the table's key dtype
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "c"], [1, 3]), -1)
    assert table.lookup(["c", "a", "b"]).numpy().tolist() == [3, 1, -1]


def test_vocabulary_table_in_a_dataset_map(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("the\ncat\nsat\n")
    table = tf.lookup.StaticVocabularyTable(
        tf.lookup.TextFileInitializer(str(vocab), tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
                                      tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER), 2)
    ds = tf.data.Dataset.from_tensor_slices(["the cat", "a cat sat"]).map(
        lambda s: table.lookup(tf.strings.split(s)))
    rows = [r.tolist() for r in ds.as_numpy_iterator()]
    assert rows[0] == [0, 1] and rows[1][1:] == [1, 2] and rows[1][0] in (3, 4)


def test_tables_keep_their_state_after_a_failed_call():
    m = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1)
    m.insert(tf.constant(["a"]), tf.constant([1], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expected shape"):
        m.insert(tf.constant(["b", "c"]), tf.constant([2], tf.int64))
    assert m.size().numpy() == 1
    d = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, 0, -1, initial_num_buckets=4)
    d.insert(tf.constant([1, 2], tf.int64), tf.constant([10, 20], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="empty_key"):
        d.insert(tf.constant([3, 0], tf.int64), tf.constant([30, 0], tf.int64))
    assert d.size().numpy() == 2 and d.lookup(tf.constant([3], tf.int64)).numpy()[0] == -1
    # TF's buckets: each key at its own value mod 4, the free ones holding empty_key 0
    np.testing.assert_array_equal(d.export()[0].numpy()[:, 0], [0, 1, 2, 0])
