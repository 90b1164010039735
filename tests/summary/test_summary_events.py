"""EventFileWriter: TFRecord framing, event order, metadata, queueing and flushing."""

import gc
import math
import os
import re
import struct

import numpy as np
import pytest

from featherflow.summary import _events, _proto
from featherflow.summary._events import EventFileWriter
from tests.helpers.subprocess_run import run_python

event_pb2 = pytest.importorskip("tensorboard.compat.proto.event_pb2")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")


def bitwise_masked_crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_records(path):
    """Every record's data, checking both CRCs with an independent CRC32C."""
    with open(path, "rb") as f:
        blob = f.read()
    out, pos = [], 0
    while pos < len(blob):
        header = blob[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", blob[pos + 8:pos + 12])
        assert length_crc == bitwise_masked_crc32c(header), f"bad length CRC at byte {pos}"
        data = blob[pos + 12:pos + 12 + length]
        (data_crc,) = struct.unpack("<I", blob[pos + 12 + length:pos + 16 + length])
        assert data_crc == bitwise_masked_crc32c(data), f"bad data CRC at byte {pos}"
        out.append(data)
        pos += 16 + length
    assert pos == len(blob)
    return out


def read_events(path):
    return [event_pb2.Event.FromString(r) for r in read_records(path)]


def summary_rows(events):
    """(tag, step, value, has metadata) for every summary value, in file order."""
    rows = []
    for e in events[1:]:
        for v in e.summary.value:
            value = tensor_util.make_ndarray(v.tensor)
            rows.append((v.tag, e.step, value.item() if value.size == 1 else value,
                         v.HasField("metadata")))
    return rows


def test_file_name_and_first_event(tmp_path):
    w = EventFileWriter(tmp_path / "run")
    w.close()
    name = os.path.basename(w.path)
    assert re.fullmatch(r"events\.out\.tfevents\.\d{10}\.[^.]+.*\.\d+\.\d+\.v2", name), name
    assert f".{os.getpid()}." in name
    (first,) = read_events(w.path)
    assert first.file_version == "brain.Event:2"
    assert first.source_metadata.writer == "featherflow"
    assert abs(first.wall_time - os.path.getmtime(w.path)) < 60


def test_two_writers_get_distinct_files(tmp_path):
    a = EventFileWriter(tmp_path)
    b = EventFileWriter(tmp_path)
    a.close()
    b.close()
    assert a.path != b.path
    assert len(os.listdir(tmp_path)) == 2


def per_tag(rows):
    out = {}
    for tag, step, value in rows:
        out.setdefault(tag, []).append((step, value))
    return out


@pytest.mark.parametrize("epochs", [3, 40, 300])
def test_every_tag_keeps_its_order(tmp_path, epochs):
    # Short segments take the Python path, long ones the NumPy path; both in one file.
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    layout = w.layout(["epoch_loss", "epoch_accuracy", "epoch_learning_rate"])
    expected = []
    for e in range(epochs):
        values = (1.0 / (e + 1), e / epochs, 0.1)
        w.add_row(layout, e, 1000.0 + e, values)
        expected += [(t, e, v) for t, v in zip(["epoch_loss", "epoch_accuracy",
                                                  "epoch_learning_rate"], values)]
        if e % 7 == 3:
            w.add_scalar("custom", e * 0.5, 10 * e, 1000.0 + e)
            expected.append(("custom", 10 * e, e * 0.5))
        if e % 50 == 0:
            tensor = _proto.tensor(_proto.DT_STRING, [], strings=[f"note {e}".encode()])
            w.add_value("note", tensor, _proto.summary_metadata("text"), e, 1000.0 + e)
            expected.append(("note", e, f"note {e}".encode()))
        if e == epochs // 2:
            w.flush()
    w.close()
    events = read_events(w.path)
    got = per_tag((tag, step, value) for tag, step, value, _ in summary_rows(events))
    want = per_tag(expected)
    assert sorted(got) == sorted(want)
    for tag in want:
        assert [s for s, _ in got[tag]] == [s for s, _ in want[tag]], tag
        if tag == "note":
            assert [v for _, v in got[tag]] == [v for _, v in want[tag]]
        else:
            assert [v for _, v in got[tag]] == [np.float32(v) for _, v in want[tag]], tag
    walls = {}
    for e in events[1:]:
        walls.setdefault(e.summary.value[0].tag, []).append(e.wall_time)
    assert all(w == sorted(w) for w in walls.values())


def test_layouts_sharing_a_tag_keep_its_order(tmp_path):
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    both, loss_only = w.layout(["loss", "acc"]), w.layout(["loss"])
    expected = []
    for step in range(60):
        if step % 3:
            w.add_row(both, step, 1.0, (float(step), 0.5))
        else:
            w.add_row(loss_only, step, 1.0, (float(step),))
        expected.append(step)
    w.close()
    rows = summary_rows(read_events(w.path))
    assert [s for t, s, _, _ in rows if t == "loss"] == expected
    assert [v for t, _, v, _ in rows if t == "loss"] == [float(s) for s in expected]


def test_metadata_only_on_each_tags_first_record(tmp_path):
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    layout = w.layout(["a", "b"])
    for e in range(100):
        w.add_row(layout, e, 1.0, (1.0, 2.0))
        w.add_scalar("c", 3.0, e, 1.0)
    w.close()
    rows = summary_rows(read_events(w.path))
    for tag in "abc":
        flags = [meta for t, _, _, meta in rows if t == tag]
        assert flags[0] and not any(flags[1:]), tag
    meta = read_events(w.path)[1].summary.value[0].metadata
    assert meta.plugin_data.plugin_name == "scalars"
    assert meta.plugin_data.content == b""


@pytest.mark.parametrize("n", [5, 100])
def test_step_and_value_edge_cases(tmp_path, n):
    steps = [0, 1, 127, 128, 16383, 16384, 2**21, 2**35, 2**53 + 1, 2**62, -1, -(2**40)]
    values = [0.0, -0.0, 1e-45, 3.4e38, 1e300, -1e300, math.inf, math.nan, 1.5, -2.25,
              123456.789, 7.0]
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    layout = w.layout(["v"])
    for i in range(n):
        w.add_row(layout, steps[i % len(steps)], 5.0, (values[i % len(values)],))
        w.add_scalar("m", values[i % len(values)], steps[i % len(steps)], 5.0)
    w.close()
    rows = summary_rows(read_events(w.path))
    for tag in "vm":
        got = [(s, v) for t, s, v, _ in rows if t == tag]
        want = [(steps[i % len(steps)], values[i % len(values)]) for i in range(n)]
        assert [s for s, _ in got] == [s for s, _ in want]
        with np.errstate(over="ignore"):
            want_values = np.array([v for _, v in want], dtype=np.float32)
        np.testing.assert_array_equal(np.array([v for _, v in got], np.float32), want_values)


def test_max_queue_writes_without_flush(tmp_path):
    w = EventFileWriter(tmp_path, max_queue=10, flush_secs=1e9)
    size0 = os.path.getsize(w.path)
    for i in range(9):
        w.add_scalar("x", 1.0, i)
    assert os.path.getsize(w.path) == size0
    w.add_scalar("x", 1.0, 9)
    assert len(read_records(w.path)) == 11
    w.close()


def test_flush_secs_zero_writes_every_event(tmp_path):
    w = EventFileWriter(tmp_path, flush_secs=0)
    layout = w.layout(["x"])
    w.add_row(layout, 0, 1e10, (1.0,))
    assert len(read_records(w.path)) == 2
    w.add_scalar("y", 2.0, 1)
    assert len(read_records(w.path)) == 3
    w.close()


def test_closed_writer_refuses_more(tmp_path):
    w = EventFileWriter(tmp_path)
    w.add_scalar("x", 1.0, 0)
    w.close()
    w.close()
    w.flush()
    assert len(read_records(w.path)) == 2
    with pytest.raises(RuntimeError, match="is closed; create a new writer"):
        w.add_scalar("x", 1.0, 1)
    with pytest.raises(RuntimeError, match="is closed"):
        w.add_row(w.layout(["x"]), 1, 0.0, (1.0,))


def test_pending_events_are_written_at_exit(tmp_path):
    code = (
        "from featherflow.summary._events import EventFileWriter\n"
        f"w = EventFileWriter({str(tmp_path)!r}, flush_secs=1e9)\n"
        "lay = w.layout(['loss'])\n"
        "for i in range(50):\n"
        "    w.add_row(lay, i, 1.0, (i * 0.5,))\n"
    )
    run_python(code, timeout=60)
    (path,) = [os.path.join(tmp_path, f) for f in os.listdir(tmp_path)]
    rows = summary_rows(read_events(path))
    assert [(s, v) for _, s, v, _ in rows] == [(i, i * 0.5) for i in range(50)]


def test_frame_is_a_tfrecord():
    framed = _events.frame(b"hello")
    assert framed[:8] == struct.pack("<Q", 5)
    assert struct.unpack("<I", framed[8:12])[0] == bitwise_masked_crc32c(framed[:8])
    assert framed[12:17] == b"hello"
    assert struct.unpack("<I", framed[17:])[0] == bitwise_masked_crc32c(b"hello")


def test_frame_many_equals_framing_one_by_one():
    datas = [os.urandom(n) for n in (0, 1, 5, 64, 700, 3000)] * 3
    assert bytes(_events.frame_many(datas)) == b"".join(_events.frame(d) for d in datas)
    assert bytes(_events.frame_many(datas[:2])) == b"".join(_events.frame(d) for d in datas[:2])


def test_a_dropped_writer_still_writes_its_queue(tmp_path):
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    w.add_scalar("x", 1.5, 3, 1.0)
    path = w.path
    del w
    gc.collect()
    assert [(s, v) for _, s, v, _ in summary_rows(read_events(path))] == [(3, 1.5)]


@pytest.mark.parametrize("n", [2, 300])
def test_blocks_from_a_feeder_keep_each_tags_order(tmp_path, n):
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    layout = w.layout(["loss", "acc"])
    pending = []

    def feeder():
        while pending:
            steps, values = pending.pop(0)
            w.add_rows(layout, steps, np.full(len(steps), 7.0), values)

    w.add_feeder(feeder)
    w.add_row(layout, -1, 7.0, (9.0, 9.5))  # queued before the blocks
    pending.append((np.arange(n), np.column_stack([np.arange(n) * 0.5, np.ones(n)])))
    w.flush()  # the feeder hands the block over first
    w.add_row(layout, n, 7.0, (1.0, 2.0))  # after the block: a new segment
    pending.append((np.arange(n + 1, 2 * n + 1), np.zeros((n, 2))))
    w.close()  # close flushes, so the feeder runs again
    rows = summary_rows(read_events(w.path))
    assert [s for t, s, _, _ in rows if t == "loss"] == list(range(-1, 2 * n + 1))
    assert [v for t, s, v, _ in rows if t == "loss" and 0 <= s < n] == [
        i * 0.5 for i in range(n)]
    assert all(v == 1.0 for t, s, v, _ in rows if t == "acc" and 0 <= s < n)


def test_add_rows_checks_shapes(tmp_path):
    w = EventFileWriter(tmp_path)
    layout = w.layout(["a", "b"])
    with pytest.raises(ValueError, match=r"expected values of shape \(rows, 2\)"):
        w.add_rows(layout, np.arange(3), np.zeros(3), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="one step and wall time per row"):
        w.add_rows(layout, np.arange(3), np.zeros(2), np.zeros((3, 2)))
    w.close()
    with pytest.raises(RuntimeError, match="is closed"):
        w.add_rows(layout, np.arange(1), np.zeros(1), np.zeros((1, 2)))


def test_a_failing_feeder_loses_nothing(tmp_path):
    w = EventFileWriter(tmp_path, flush_secs=1e9)
    layout = w.layout(["x"])

    def feeder():
        w.add_rows(layout, np.arange(3), np.zeros(3), np.ones((3, 1)))
        raise TypeError("bad value")

    w.add_feeder(feeder)
    w.add_row(layout, 10, 0.0, (2.0,))
    with pytest.raises(TypeError, match="bad value"):
        w.close()  # the queue is written, the file closed, then the error raised
    assert w.closed
    rows = summary_rows(read_events(w.path))
    assert sorted(s for _, s, _, _ in rows) == [0, 1, 2, 10]
