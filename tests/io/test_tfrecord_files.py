"""tf.io.TFRecordWriter / TFRecordOptions and the record reader: framing, atomic writes,
damaged files and the optional dependencies (TensorFlow's own files:
tests/data/test_tfrecord.py)."""

import gzip
import os
import subprocess
import sys
import zlib

import numpy as np
import pytest

import featherflow as tf
from featherflow.io import tfrecord


def _write(path, records, options=None):
    with tf.io.TFRecordWriter(str(path), options) as writer:
        for record in records:
            writer.write(record)


def test_masked_crc_of_the_crc32c_check_string():
    # CRC32C("123456789") = 0xE3069283 (RFC 3720's check value), masked as TFRecord stores it
    crc = 0xE3069283
    assert tfrecord.masked_crc32c(b"123456789") == (
        ((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def test_record_framing_layout(tmp_path):
    path = tmp_path / "one.tfrecord"
    _write(path, [b"abc"])
    data = path.read_bytes()
    assert len(data) == 8 + 4 + 3 + 4
    assert int.from_bytes(data[:8], "little") == 3
    assert int.from_bytes(data[8:12], "little") == tfrecord.masked_crc32c(data[:8])
    assert data[12:15] == b"abc"
    assert int.from_bytes(data[15:], "little") == tfrecord.masked_crc32c(b"abc")


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_round_trip_large_and_empty_records(tmp_path, compression):
    rng = np.random.default_rng(0)
    records = [b"", rng.bytes(1 << 20), b"tail"] + [rng.bytes(i) for i in range(50)]
    path = tmp_path / "big.tfrecord"
    _write(path, records, compression)
    assert list(tfrecord.read_records(str(path), compression)) == records


def test_gzip_file_is_a_gzip_stream_and_several_members_read_on(tmp_path):
    path = tmp_path / "g.tfrecord.gz"
    _write(path, [b"one", b"two"], "GZIP")
    assert gzip.decompress(path.read_bytes()) == (
        tfrecord.encode_record(b"one") + tfrecord.encode_record(b"two"))
    joined = tmp_path / "joined.gz"
    joined.write_bytes(path.read_bytes() + gzip.compress(tfrecord.encode_record(b"three")))
    assert list(tfrecord.read_records(str(joined), "GZIP")) == [b"one", b"two", b"three"]


def test_options_levels_are_zlib_settings(tmp_path):
    path = tmp_path / "z.tfrecord"
    _write(path, [b"a" * 1000], tf.io.TFRecordOptions("ZLIB", compression_level=0))
    # level 0 stores: the data appears verbatim inside the zlib stream
    assert b"a" * 1000 in path.read_bytes()
    assert zlib.decompress(path.read_bytes()) == tfrecord.encode_record(b"a" * 1000)


def test_writer_replaces_the_file_only_on_close(tmp_path):
    path = tmp_path / "out.tfrecord"
    path.write_bytes(b"old")
    writer = tf.io.TFRecordWriter(str(path))
    writer.write(b"new")
    writer.flush()
    assert path.read_bytes() == b"old"
    writer.close()
    writer.close()
    assert list(tfrecord.read_records(str(path))) == [b"new"]
    assert os.listdir(tmp_path) == ["out.tfrecord"]


def test_an_exception_inside_with_leaves_no_file(tmp_path):
    path = tmp_path / "failed.tfrecord"
    with pytest.raises(RuntimeError):
        with tf.io.TFRecordWriter(str(path)) as writer:
            writer.write(b"half")
            raise RuntimeError("interrupted")
    assert os.listdir(tmp_path) == []


def test_a_killed_writer_leaves_no_file_at_path(tmp_path):
    path = tmp_path / "killed.tfrecord"
    code = (f"import os, featherflow as tf\nw = tf.io.TFRecordWriter({str(path)!r})\n"
            "w.write(b'x' * 100)\nw.flush()\nos._exit(9)\n")
    subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert not path.exists()


def test_a_dropped_writer_keeps_its_records(tmp_path):
    path = tmp_path / "dropped.tfrecord"
    writer = tf.io.TFRecordWriter(str(path))
    writer.write(b"kept")
    del writer
    assert list(tfrecord.read_records(str(path))) == [b"kept"]


def test_write_accepts_str_and_string_tensors_and_refuses_numbers(tmp_path):
    path = tmp_path / "kinds.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as writer:
        writer.write("héllo")
        writer.write(tf.constant(b"tensor"))
        writer.write(bytearray(b"ba"))
        with pytest.raises(TypeError, match="SerializeToString"):
            writer.write(5)
    assert list(tfrecord.read_records(str(path))) == ["héllo".encode(), b"tensor", b"ba"]


def test_write_after_close_says_the_writer_is_closed(tmp_path):
    writer = tf.io.TFRecordWriter(str(tmp_path / "c.tfrecord"))
    writer.close()
    with pytest.raises(ValueError, match="is closed"):
        writer.write(b"late")


def test_writer_in_a_missing_directory_names_the_path(tmp_path):
    target = tmp_path / "no" / "such" / "dir.tfrecord"
    with pytest.raises(FileNotFoundError, match="dir.tfrecord"):
        tf.io.TFRecordWriter(str(target))


def test_options_refuse_unknown_compression():
    with pytest.raises(ValueError, match='Not a valid compression_type: "BZ2"'):
        tf.io.TFRecordOptions("BZ2")
    with pytest.raises(TypeError, match="TFRecordOptions"):
        tf.io.TFRecordWriter("x.tfrecord", options=3)


def _damaged(tmp_path, mutate):
    path = tmp_path / "d.tfrecord"
    _write(path, [b"first", b"second", b"third"])
    path.write_bytes(mutate(bytearray(path.read_bytes())))
    return str(path)


def _flip(position):
    def mutate(data):
        data[position] ^= 1
        return bytes(data)
    return mutate


def test_bad_data_crc_names_file_record_and_offset(tmp_path):
    path = _damaged(tmp_path, _flip(21 + 12 + 2))  # inside the data of record 1
    records = []
    with pytest.raises(tf.errors.DataLossError) as caught:
        for record in tfrecord.read_records(path):
            records.append(record)
    assert records == [b"first"]
    message = str(caught.value)
    assert "corrupted record at 33" in message and "record 1" in message and path in message


def test_bad_length_crc_suggests_compression(tmp_path):
    path = _damaged(tmp_path, _flip(9))
    with pytest.raises(tf.errors.DataLossError, match="compression_type='GZIP'") as caught:
        list(tfrecord.read_records(path))
    assert "record 0" in str(caught.value)
    assert isinstance(caught.value, tf.errors.OpError)


def test_truncated_record_says_how_much_is_missing(tmp_path):
    path = _damaged(tmp_path, lambda data: bytes(data[:-3]))
    with pytest.raises(tf.errors.DataLossError, match="truncated record at 43 .*record 2"):
        list(tfrecord.read_records(path))


def test_plain_file_read_as_gzip_is_data_loss(tmp_path):
    path = _damaged(tmp_path, bytes)
    with pytest.raises(tf.errors.DataLossError, match="cannot decompress .* as GZIP"):
        list(tfrecord.read_records(path, "GZIP"))


def test_missing_google_crc32c_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "google_crc32c", None)
    with pytest.raises(ImportError, match=r"pip install featherflow\[tfrecord\]"):
        tf.io.TFRecordWriter("never.tfrecord")


def test_missing_protobuf_names_the_extra(monkeypatch):
    from featherflow.io import example_proto

    monkeypatch.setitem(sys.modules, "google.protobuf", None)
    with pytest.raises(ImportError, match=r"pip install featherflow\[tfrecord\]"):
        example_proto.import_protobuf()


def test_import_featherflow_loads_neither_protobuf_nor_crc32c():
    code = ("import sys, featherflow as tf\ntf.io.FixedLenFeature\ntf.data.TFRecordDataset\n"
            "print(any(m.startswith('google.protobuf') or m == 'google_crc32c' "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "False"
