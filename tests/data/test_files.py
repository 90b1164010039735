"""list_files, TextLineDataset and FixedLengthRecordDataset against TF 2.21 (the lf_, tl_ and
fl_ scenarios of tools/data_fixtures/sources_files.py), and what fixtures cannot show: unseeded
shuffles, messages, chunk boundaries, damaged compressed files and closing files early."""

import gzip
import os

import pytest

import featherflow as tf
from featherflow.data import files
from featherflow.data.interleave import cpu_count
from featherflow.errors import DataLossError, InvalidArgumentError, NotFoundError
from tests.data.scenarios import scenario_test


def _autotune_recorded_here(name):
    if "autotune" in name and cpu_count() > 17:
        return "recorded on a machine where AUTOTUNE reads one file at a time"
    return None


test_tf_scenario, workdir = scenario_test("sources_files", prefixes=("lf_", "tl_", "fl_"),
                                         skip=_autotune_recorded_here)



def _write(path, data):
    path.write_bytes(data)
    return str(path)


def test_list_files_unseeded_is_a_permutation_that_changes(tmp_path):
    for i in range(8):
        _write(tmp_path / f"f{i}.txt", b"")
    ds = tf.data.Dataset.list_files(str(tmp_path / "*.txt"))
    orders = {tuple(ds.as_numpy_iterator()) for _ in range(6)}
    expected = sorted(str(tmp_path / f"f{i}.txt").encode() for i in range(8))
    assert all(sorted(order) == expected for order in orders)
    assert len(orders) > 1


def test_list_files_no_match_names_pattern_and_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidArgumentError) as info:
        tf.data.Dataset.list_files("data/*.csv")
    assert "No files matched pattern: data/*.csv" in str(info.value)
    assert str(tmp_path) in str(info.value)


def test_missing_file_is_not_found_and_file_not_found(tmp_path):
    ds = tf.data.TextLineDataset(str(tmp_path / "nope.txt"))
    with pytest.raises(NotFoundError):
        list(ds)
    with pytest.raises(FileNotFoundError):
        list(ds)


def test_lines_across_read_chunks(tmp_path):
    lines = [(b"x" * n) for n in (1, 70000, 0, 3, 140000)]
    path = _write(tmp_path / "long.txt", b"\r\n".join(lines) + b"\n")
    assert list(tf.data.TextLineDataset(path).as_numpy_iterator()) == lines


def test_truncated_gzip_is_data_loss(tmp_path):
    data = gzip.compress(b"".join(b"line %d\n" % i for i in range(5000)))
    path = _write(tmp_path / "cut.txt.gz", data[: len(data) // 2])
    with pytest.raises(DataLossError, match="GZIP"):
        list(tf.data.TextLineDataset(path, compression_type="GZIP"))


def test_concatenated_gzip_members_are_read_in_turn(tmp_path):
    path = _write(tmp_path / "two.gz", gzip.compress(b"a\nb\n") + gzip.compress(b"c\n"))
    assert list(tf.data.TextLineDataset(path, compression_type="GZIP")
                .as_numpy_iterator()) == [b"a", b"b", b"c"]


def test_stopping_early_closes_the_file(tmp_path, monkeypatch):
    path = _write(tmp_path / "a.txt", b"1\n2\n3\n")
    opened = []
    real_open = files.open_file

    def spy(*args, **kwargs):
        file = real_open(*args, **kwargs)
        opened.append(file)
        return file

    monkeypatch.setattr(files, "open_file", spy)
    it = iter(tf.data.TextLineDataset([path, path], num_parallel_reads=2))
    next(it)
    it.close()
    assert opened and all(f.closed for f in opened)


def test_fixed_length_body_error_says_lengths(tmp_path):
    path = _write(tmp_path / "r.bin", bytes(10))
    with pytest.raises(InvalidArgumentError) as info:
        list(tf.data.FixedLengthRecordDataset(path, 4, header_bytes=1))
    assert "body length 9 bytes" in str(info.value) and "(4 bytes)" in str(info.value)


def test_fixed_length_large_file_in_records(tmp_path):
    data = os.urandom(3 * 100003)
    path = _write(tmp_path / "big.bin", b"H" + data + b"FF")
    records = list(tf.data.FixedLengthRecordDataset(path, 3, header_bytes=1, footer_bytes=2)
                   .as_numpy_iterator())
    assert len(records) == 100003 and b"".join(records) == data


def test_readers_are_exported_on_tf_data():
    assert tf.data.TextLineDataset.__name__ == "TextLineDataset"
    assert tf.data.FixedLengthRecordDataset.__name__ == "FixedLengthRecordDataset"
