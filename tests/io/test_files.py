"""tf.io.read_file / write_file / matching_files (TF 2.21's results and errors)."""

import numpy as np
import pytest

import featherflow as tf


def test_write_then_read_round_trips_bytes(tmp_path):
    path = tmp_path / "sub" / "a.bin"
    tf.io.write_file(str(path), tf.constant(b"\x00\xffhello"))
    contents = tf.io.read_file(str(path))
    assert contents.shape == () and contents.numpy() == b"\x00\xffhello"
    assert [p.name for p in path.parent.iterdir()] == ["a.bin"]  # no temporary file left


def test_read_missing_file_is_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        tf.io.read_file(str(tmp_path / "nope"))


def test_matching_files_sorted(tmp_path):
    for name in ("b.txt", "a.txt", "c.csv"):
        (tmp_path / name).write_text("x")
    got = tf.io.matching_files(str(tmp_path / "*.txt")).numpy()
    assert [name.decode() for name in got] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    assert tf.io.matching_files(str(tmp_path / "*.none")).numpy().shape == (0,)


def test_read_file_inside_dataset_map(tmp_path):
    for index in range(3):
        (tmp_path / f"{index}.txt").write_bytes(bytes([65 + index]))
    files = tf.data.Dataset.from_tensor_slices([str(tmp_path / f"{i}.txt") for i in range(3)])
    assert list(files.map(tf.io.read_file).as_numpy_iterator()) == [b"A", b"B", b"C"]
    assert np.asarray(tf.io.read_file(str(tmp_path / "0.txt")).numpy()) == b"A"
