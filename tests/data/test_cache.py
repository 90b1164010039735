"""Dataset.cache against TensorFlow 2.21 (memory and file; a first pass stopped early keeps
nothing), and featherflow's cache file: written atomically, checked when read."""

import os
import warnings

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import DataLossError
from tests.data.transformation_scenarios import group_test

test_tf_scenario = group_test("CACHE_SAVE", only="cache")


def _counting(calls, n=3):
    def note(x):
        calls.append(int(x))
        return x
    return tf.data.Dataset.range(n).map(note)


def test_memory_cache_reads_input_once():
    calls = []
    ds = _counting(calls).cache()
    assert [int(x) for x in ds] == [0, 1, 2]
    assert [int(x) for x in ds] == [0, 1, 2]
    assert calls == [0, 1, 2]


def test_early_stop_warns_and_leaves_no_file(tmp_path):
    prefix = str(tmp_path / "c")
    ds = _counting([]).cache(prefix)
    it = iter(ds)
    next(it)
    with pytest.warns(UserWarning, match="stopped before its end"):
        it.close()
    assert os.listdir(tmp_path) == []
    assert [int(x) for x in ds] == [0, 1, 2]
    assert os.listdir(tmp_path) == ["c.ffcache"]


def test_file_cache_survives_a_new_dataset_and_keeps_nested_values(tmp_path):
    prefix = str(tmp_path / "nested")
    data = ({"s": np.array([b"a", b"bcd"], dtype=object)}, np.arange(6.0).reshape(2, 3))
    first = list(tf.data.Dataset.from_tensor_slices(data).cache(prefix).as_numpy_iterator())
    calls = []
    again = tf.data.Dataset.from_tensor_slices(data).map(
        lambda d, x: (calls.append(1), (d, x))[1]).cache(prefix)
    assert again.element_spec is not None  # featherflow runs the map once to learn its spec
    calls.clear()
    second = list(again.as_numpy_iterator())
    assert calls == []
    assert second[1][0]["s"] == b"bcd"
    np.testing.assert_array_equal(second[1][1], first[1][1])


def test_truncated_cache_file_is_a_data_loss_error(tmp_path):
    prefix = str(tmp_path / "t")
    ds = tf.data.Dataset.range(50).cache(prefix)
    list(ds)
    path = prefix + ".ffcache"
    with open(path, "r+b") as file:
        file.truncate(os.path.getsize(path) - 20)
    with pytest.raises(DataLossError, match="cut short"):
        list(ds)


def test_other_spec_error_names_the_file(tmp_path):
    prefix = str(tmp_path / "o")
    list(tf.data.Dataset.range(2).cache(prefix))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"o\.ffcache.*another filename"):
            list(tf.data.Dataset.from_tensor_slices([1.0]).cache(prefix))
