"""Dataset.snapshot: written once by a complete pass, read back after, never half-written."""

import os

import numpy as np
import pytest

import featherflow as tf


def test_first_pass_writes_later_passes_read(tmp_path):
    calls = []

    def record(x):
        calls.append(int(x))
        return x * 2

    path = tmp_path / "snap"
    ds = tf.data.Dataset.range(5).map(record).snapshot(str(path))
    assert [int(x) for x in ds] == [0, 2, 4, 6, 8]
    assert calls == [0, 0, 1, 2, 3, 4]  # the map's spec (one element), then the pass
    calls.clear()
    again = tf.data.Dataset.range(5).map(record).snapshot(str(path))
    assert [int(x) for x in again] == [0, 2, 4, 6, 8]
    assert calls == [0]  # only the spec peek: the elements came from the snapshot
    assert os.path.isdir(path)


def test_gzip_and_structures(tmp_path):
    ds = tf.data.Dataset.from_tensor_slices(({"a": np.arange(3)}, ["x", "y", "z"]))
    snap = ds.snapshot(str(tmp_path / "s"), compression="GZIP")
    first = list(snap.as_numpy_iterator())
    assert first == list(snap.as_numpy_iterator())
    assert first[2][1] == b"z" and int(first[2][0]["a"]) == 2


def test_failed_first_pass_leaves_nothing(tmp_path):
    def boom(x):
        if int(x) == 3:
            raise ValueError("bad element")
        return x

    path = tmp_path / "snap"
    with pytest.raises(ValueError, match="bad element"):
        list(tf.data.Dataset.range(5).map(boom).snapshot(str(path)))
    assert not path.exists()


def test_bad_compression():
    with pytest.raises(ValueError, match="compression"):
        tf.data.Dataset.range(3).snapshot("/tmp/x", compression="SNAPPY")
