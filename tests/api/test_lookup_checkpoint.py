"""Lookup tables in tf.train.Checkpoint against TF 2.21 (tools/lookup_checkpoint_fixtures.py):
featherflow restores TF's checkpoint into fresh tables and answers as TF's restored tables do;
featherflow writes the same tensors and object graph as TF (a MutableHashTable's rows in its
own order: TF's are in its hash map's order); and TF restored featherflow's checkpoint
(featherflow_written/, recorded in tf_read.json) into the same state as from its own."""

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow.saving.tf_checkpoint import wire

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import lookup_checkpoint_fixtures as fixtures  # noqa: E402

ROOT = fixtures.ROOT
EXPECTED = json.loads((ROOT / "expected.json").read_text())
# a MutableHashTable exports in its hash map's order, which is TF's own
UNORDERED = ("words", "vectors", "names", "unsaved", "module/table")


def _tensors(prefix):
    reader = tf.train.load_checkpoint(prefix)
    return {key: fixtures.record(reader.get_tensor(key))
            for key, _ in tf.train.list_variables(prefix)
            if key not in (fixtures.GRAPH_KEY, "save_counter/.ATTRIBUTES/VARIABLE_VALUE")}


def _graph(prefix):
    nodes = wire.decode_object_graph(tf.train.load_checkpoint(prefix).get_tensor(
        fixtures.GRAPH_KEY))
    return [{"children": [list(c) for c in node["children"]],
             "attributes": [list(a) for a in node["attributes"]]} for node in nodes]


def _rows(keys, values):
    """A table's saved rows as sorted (key, value row) pairs."""
    n = keys["shape"][0]
    width = len(values["value"]) // n if n else 0
    return sorted((keys["value"][i], values["value"][i * width:(i + 1) * width])
                  for i in range(n))


def _same_tensors(actual, expected):
    assert sorted(actual) == sorted(expected)
    for key, want in expected.items():
        table = key.split("/.ATTRIBUTES/")[0]
        if table in UNORDERED and key.endswith("-keys"):
            values = key[:-len("keys")] + "values"
            assert _rows(actual[key], actual[values]) == _rows(want, expected[values]), key
            assert actual[key]["shape"] == want["shape"], key
        elif not (table in UNORDERED and key.endswith("-values")):
            assert actual[key] == want, key


def test_featherflow_restores_tfs_checkpoint():
    tables = fixtures.fresh(tf)
    tf.train.Checkpoint(**tables).read(str(ROOT / EXPECTED["prefix"])).assert_consumed()
    assert fixtures.observe(tf, tables) == EXPECTED["restored"]


def test_featherflow_builds_the_same_tables():
    assert fixtures.observe(tf, fixtures.build(tf)) == EXPECTED["built"]


def test_featherflow_writes_tfs_keys_graph_and_buckets(tmp_path):
    prefix = tf.train.Checkpoint(**fixtures.build(tf)).write(str(tmp_path / "ckpt"))
    assert _graph(prefix) == EXPECTED["graph"]
    _same_tensors(_tensors(prefix), EXPECTED["tensors"])


def test_tf_restored_featherflows_checkpoint(tmp_path):
    read = json.loads((ROOT / "featherflow_written" / "tf_read.json").read_text())
    assert read["restored"] == EXPECTED["restored"]
    # the committed featherflow checkpoint is what featherflow writes today
    prefix = tf.train.Checkpoint(**fixtures.build(tf)).write(str(tmp_path / "ckpt"))
    assert _tensors(prefix) == read["tensors"]
    assert _tensors(str(ROOT / "featherflow_written" / "ckpt")) == read["tensors"]


def test_a_table_of_other_dtypes_is_refused_and_nothing_changes(tmp_path):
    prefix = str(tmp_path / "copy")
    for suffix in (".index", ".data-00000-of-00001"):
        shutil.copy(ROOT / "tf" / f"ckpt{suffix}", prefix + suffix)
    words = tf.lookup.experimental.MutableHashTable(tf.string, tf.float32, -1.0)
    words.insert(tf.constant(["kept"]), tf.constant([1.0]))
    v = tf.Variable(3.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="words/.ATTRIBUTES/table-values"):
        tf.train.Checkpoint(words=words, v=v).read(prefix)
    assert words.size().numpy() == 1 and float(v.numpy()) == 3.0


def test_a_dense_table_with_other_key_shape_is_refused():
    pairs = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, [0.0, 0.0],
                                                  empty_key=-1, deleted_key=-2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[n, 1\]"):
        tf.train.Checkpoint(pairs=pairs).read(str(ROOT / EXPECTED["prefix"]))
    assert pairs.size().numpy() == 0


def test_dense_buckets_follow_tfs_probing():
    # keys 3 and 11 share bucket 3 of 8: 11 goes one further; a removal leaves deleted_key
    table = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, -1.0, empty_key=-1,
                                                  deleted_key=-2, initial_num_buckets=8)
    table.insert(tf.constant([3, 11, 4], tf.int64), tf.constant([1.0, 2.0, 3.0]))
    table.remove(tf.constant([4], tf.int64))
    keys, values = table.export()
    np.testing.assert_array_equal(keys.numpy()[:, 0], [-1, -1, -1, 3, 11, -2, -1, -1])
    np.testing.assert_array_equal(values.numpy()[:, 0], [0, 0, 0, 1, 2, 3, 0, 0])
