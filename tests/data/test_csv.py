"""CsvDataset, tf.io.decode_csv and make_csv_dataset against TF 2.21 (the csv_, dc_ and mk_
scenarios of tools/data_fixtures/sources_files.py), and what fixtures cannot show: record
positions in messages, chunk boundaries, type inference step by step and a model fed by it."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.data import csv as csv_reader
from featherflow.data import csv_parsing
from featherflow.data.csv_batches import infer_type
from featherflow.data.interleave import cpu_count
from featherflow.errors import InvalidArgumentError
from tests.data.scenarios import scenario_test


def _autotune_recorded_here(name):
    if "autotune" in name and cpu_count() > 17:
        return "recorded on a machine where AUTOTUNE reads one file at a time"
    return None


test_tf_scenario, workdir = scenario_test("sources_files", prefixes=("csv_", "dc_", "mk_"),
                                         skip=_autotune_recorded_here)



def _write(path, data):
    path.write_bytes(data)
    return str(path)


def test_error_names_file_record_and_field(tmp_path):
    path = _write(tmp_path / "a.csv", b"1,2\n3,x\n")
    with pytest.raises(InvalidArgumentError) as info:
        list(tf.data.experimental.CsvDataset(path, [0, 0]))
    message = str(info.value)
    assert "Field 1" in message and "record 2" in message and "a.csv" in message
    assert "not a valid int32: x" in message


def test_records_across_read_chunks(tmp_path):
    # CRLF and a quoted multi-line field straddling the 64 KiB read boundary
    head = b"p," + b"y" * (65536 - 3) + b"\r\n"
    body = b'q,"multi\r\nline ' + b"z" * 70000 + b'"\r\nr,end\r'
    path = _write(tmp_path / "big.csv", head + body)
    rows = list(tf.data.experimental.CsvDataset(path, ["", ""]).as_numpy_iterator())
    assert [r[0] for r in rows] == [b"p", b"q", b"r"]
    assert rows[0][1] == b"y" * (65536 - 3)
    assert rows[1][1] == b"multi\r\nline " + b"z" * 70000 and rows[2][1] == b"end"


def test_unclosed_quote_at_end_of_file(tmp_path):
    path = _write(tmp_path / "q.csv", b'1,"open\n2,3\n')
    with pytest.raises(InvalidArgumentError, match="without closing quoted field"):
        list(tf.data.experimental.CsvDataset(path, [0, ""]))


def test_split_record_rules():
    split = csv_parsing.split_record
    assert split(b"a,,b", b",", True) == [b"a", None, b"b"]
    assert split(b'"x,y",""', b",", True) == [b"x,y", None]
    assert split(b"a,", b",", True) == [b"a", None]
    assert split(b"", b",", True) == []
    with pytest.raises(InvalidArgumentError, match="escaped by another quote"):
        split(b'"a"b', b",", True)


def test_decode_csv_keeps_records_shape_and_message_has_index():
    a, b = csv_reader.decode_csv(np.array([["1,x", "2,y"]], dtype=object), [[0], ["?"]])
    assert a.numpy().shape == (1, 2) and a.numpy().tolist() == [[1, 2]]
    assert b.numpy().tolist() == [[b"x", b"y"]]
    with pytest.raises(InvalidArgumentError, match="record 1"):
        csv_reader.decode_csv(["1,x", "oops,y"], [[0], [""]])


def test_type_inference_widens_only():
    steps = []
    kind = None
    for text in ["", "3", "2147483648", "1.5", "", "1e40", "2", "abc", "4"]:
        kind = infer_type(text, "", kind)
        steps.append(kind)
    assert steps == [None, "int32", "int64", "float32", "float32", "float64", "float64",
                     "string", "string"]
    assert infer_type("NA", "NA", "int32") == "int32"


def test_make_csv_dataset_feeds_a_model(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5},{i % 2}" for i in range(40))
    path = _write(tmp_path / "train.csv", ("a,b,label\n" + rows + "\n").encode())
    ds = tf.data.experimental.make_csv_dataset(path, batch_size=8, label_name="label",
                                               num_epochs=1, shuffle=False)
    ds = ds.map(lambda features, label: (tf.stack([tf.cast(features["a"], tf.float32),
                                                   features["b"]], axis=1), label))
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 5 and batches[0][0].shape == (8, 2)
    assert batches[0][1].tolist() == [0, 1, 0, 1, 0, 1, 0, 1]


def test_make_csv_dataset_forever_has_full_batches(tmp_path):
    path = _write(tmp_path / "t.csv", b"x\n1\n2\n3\n")
    ds = tf.data.experimental.make_csv_dataset(path, batch_size=2, shuffle=False)
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY
    it = iter(ds)
    assert [next(it)["x"].numpy().tolist() for _ in range(3)] == [[1, 2], [3, 1], [2, 3]]


def test_batches_of_columns_equal_stacked_rows(tmp_path):
    rows = [f'{i},{i * 0.25},"s,{i}",{2 ** 33 + i}' for i in range(23)]
    path = _write(tmp_path / "b.csv", ("\n".join(rows) + "\n").encode())
    ds = tf.data.experimental.CsvDataset(path, [0, 0.0, "", tf.int64])
    for drop in (False, True):
        fast = list(ds.batch(5, drop_remainder=drop).as_numpy_iterator())
        slow = list(ds.map(lambda *row: row).batch(5, drop_remainder=drop).as_numpy_iterator())
        assert len(fast) == len(slow) == (4 if drop else 5)
        for a, b in zip(fast, slow):
            for x, y in zip(a, b):
                assert x.dtype == y.dtype and x.tolist() == y.tolist()
