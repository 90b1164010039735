"""Dataset.save / Dataset.load against TensorFlow 2.21, and featherflow's directory format:
written atomically, no pickle, element_spec stored beside the shards."""

import collections
import json
import os

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import DataLossError
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("CACHE_SAVE", only=("save", "load"))


def test_directory_format(tmp_path):
    path = str(tmp_path / "ds")
    tf.data.Dataset.range(6).save(path, shard_func=lambda x: x % 2)
    assert sorted(os.listdir(path)) == ["dataset_spec.json", "shard_00000.ffelem",
                                        "shard_00001.ffelem"]
    meta = json.loads(open(os.path.join(path, "dataset_spec.json")).read())
    assert meta["cardinality"] == 6 and meta["num_shards"] == 2
    assert meta["element_spec"] == {"tensor": {"shape": [], "dtype": "int64"}}


def test_failed_save_leaves_nothing(tmp_path):
    path = str(tmp_path / "ds")

    def explode(x):
        if int(x) == 3:
            raise RuntimeError("disk on fire")
        return x
    with pytest.raises(RuntimeError, match="disk on fire"):
        tf.data.Dataset.range(5).map(explode).save(path)
    assert os.listdir(tmp_path) == []


def test_namedtuple_and_bool_roundtrip(tmp_path):
    Point = collections.namedtuple("Point", ["x", "ok"])
    ds = tf.data.Dataset.from_tensor_slices(Point(np.arange(3.0, dtype=np.float16),
                                                  np.array([True, False, True])))
    ds.save(str(tmp_path / "p"))
    loaded = tf.data.Dataset.load(str(tmp_path / "p"))
    assert type(loaded.element_spec).__name__ == "Point"
    values = list(loaded.as_numpy_iterator())
    assert [(float(v.x), bool(v.ok)) for v in values] == [(0, True), (1, False), (2, True)]


def test_nested_datasets_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match="nested datasets"):
        tf.data.Dataset.range(3).window(2).save(str(tmp_path / "w"))
    assert os.listdir(tmp_path) == []


def test_will_not_replace_a_foreign_directory(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a saved dataset"):
        tf.data.Dataset.range(2).save(str(tmp_path / "mine"))


def test_damaged_shard_is_a_data_loss_error(tmp_path):
    path = str(tmp_path / "d")
    tf.data.Dataset.range(20).save(path)
    shard = os.path.join(path, "shard_00000.ffelem")
    with open(shard, "r+b") as file:
        file.truncate(os.path.getsize(shard) - 30)
    with pytest.raises(DataLossError):
        list(tf.data.Dataset.load(path))
