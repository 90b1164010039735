"""EventFileWriter: appends TensorBoard events to one ``events.out.tfevents.*`` file.

Records are framed as TFRecords: uint64 length, masked CRC32C of the length, the Event
bytes, masked CRC32C of the Event bytes.

Why the writer looks the way it does: a training callback logs three scalars per epoch,
and a small model's epoch takes ~50 microseconds, so logging must cost about a microsecond
per epoch. Queuing scalars therefore only appends a tuple to a list, and ``flush()`` turns
all queued scalars into records at once with NumPy: every event of one tag starts with the
same bytes (summary, tag, metadata, tensor header) and ends with a 4-byte float, the step
varint and the 8-byte wall time, so records are built as rows of a byte matrix and their
CRCs come from ``tail_terms``/``finish_tails`` in a few vector operations.

The queue is a list of segments:

- rows: a tuple of tags (a "layout") logged together at one step, one tuple
  ``(step, wall_time, value_0, ..., value_m-1)`` per call (a single scalar is a layout of
  one tag); each row becomes m records;
- blocks: the same for many rows at once, as NumPy arrays (``add_rows``). The TensorBoard
  callback keeps its epoch rows itself and hands them over as blocks from a feeder that
  ``flush()`` calls first (``add_feeder``), so nothing it logged is lost at close or exit;
- other events (histograms, images, text, the model graph), encoded when written and
  framed together at flush time (``frame_many``).

TensorBoard orders each tag's events by their place in the file and does not care how
different tags interleave, so rows join their layout's segment even if other segments
were started since; only a later layout sharing a tag closes a segment (see
``_open_segment``). A tag's first record in a file carries its plugin metadata; later ones
leave it out, as TensorBoard keeps the first metadata it sees for each tag of a run.
"""

import atexit
import itertools
import os
import platform
import struct
import time
import weakref

import numpy as np

from featherflow.summary import _proto
from featherflow.utils.crc32c import (
    carried_register,
    crc32c_tails,
    mask_many,
    masked_crc32c,
    masked_crc32c_many,
    masked_crc32c_tail,
    register_after,
    tail_terms,
)

_file_counter = itertools.count()
_open_writers = weakref.WeakSet()
_exit_hook = []
_pack_q = struct.Struct("<Q").pack
_pack_i = struct.Struct("<I").pack
_pack_f = struct.Struct("<f").pack
_pack_d = struct.Struct("<d").pack
# Below this many queued scalars in a segment, building records one by one in Python is
# cheaper than NumPy's fixed per-call costs.
_VECTOR_MIN = 24
# From this many queued events on, their CRCs are computed together (see frame_many).
_FRAME_MANY_MIN = 4
# Steps >= _VARINT_LIMITS[j] need more than j + 1 varint bytes.
_VARINT_LIMITS = np.array([1 << (7 * j) for j in range(1, 10)], dtype=np.uint64)
_EXACT_FLOAT_STEP = 2**53
# float32 scalar tensor as TF writes it: dtype, empty shape, then 4 bytes of tensor_content
# whose payload ends the Value (and so comes first in the per-record tail).
_SCALAR_TENSOR_HEAD = _proto.f_varint(1, _proto.DT_FLOAT) + _proto.f_bytes(2, b"") + b"\x22\x04"
_EVENTS = "events"


def _hostname():
    # os.uname gives what socket.gethostname would, without importing socket (~9 ms).
    try:
        return os.uname().nodename
    except AttributeError:  # Windows

        return platform.node()


def _f32(value):
    """float32 bytes of ``value``; out-of-range values become +-inf, as a cast would."""
    try:
        return _pack_f(value)
    except OverflowError:
        with np.errstate(over="ignore"):
            return np.float32(value).tobytes()


def frame(data):
    """One TFRecord: length, its masked CRC, the data, the data's masked CRC."""
    length = _pack_q(len(data))
    return length + _pack_i(masked_crc32c(length)) + data + _pack_i(masked_crc32c(data))


def frame_many(datas):
    """The TFRecords of many events, their CRCs computed together (bytes-like)."""
    if len(datas) < _FRAME_MANY_MIN:
        return b"".join(map(frame, datas))
    n = len(datas)
    lengths = np.fromiter(map(len, datas), dtype=np.int64, count=n)
    heads = np.empty((n, 12), dtype=np.uint8)
    heads[:, :8] = lengths.astype("<u8").view(np.uint8).reshape(n, 8)
    length_crcs = crc32c_tails(register_after(b""), heads[:, :8])
    heads[:, 8:] = length_crcs.astype("<u4").view(np.uint8).reshape(n, 4)
    crcs = masked_crc32c_many(datas).astype("<u4").view(np.uint8).reshape(n, 4)
    starts = np.cumsum(lengths + 16) - (lengths + 16)
    out = np.empty(int(lengths.sum()) + 16 * n, dtype=np.uint8)
    out[starts[:, None] + np.arange(12)] = heads
    data_at = np.repeat(starts + 12 - (np.cumsum(lengths) - lengths), lengths)
    out[np.arange(data_at.size) + data_at] = np.frombuffer(b"".join(datas), dtype=np.uint8)
    out[(starts + 12 + lengths)[:, None] + np.arange(4)] = crcs
    return out


def _varint_columns(steps_u, k):
    """The k varint bytes of every step (uint64 array), as a (n, k) uint8 array."""
    out = np.empty((steps_u.size, k), dtype=np.uint8)
    for j in range(k):
        byte = (steps_u >> np.uint64(7 * j)) & np.uint64(0x7F)
        out[:, j] = byte | np.uint64(0x80) if j < k - 1 else byte
    return out


class _ScalarSlot:
    """The constant parts of one tag's scalar records, without (0) and with (1) metadata."""

    __slots__ = ("prefixes", "states", "headers", "carried", "meta_written")

    def __init__(self, tag, description):
        metadata = _proto.summary_metadata("scalars", description=description)
        self.prefixes = []
        for meta in (None, metadata):
            value = _proto.f_bytes(1, tag)
            if meta is not None:
                value += _proto.f_bytes(9, meta)
            value += _proto.key(8, 2) + _proto.varint(len(_SCALAR_TENSOR_HEAD) + 4)
            value += _SCALAR_TENSOR_HEAD
            value_len = len(value) + 4  # the float payload completes the Value
            summary = b"\x0a" + _proto.varint(value_len) + value
            # Event field 5 (summary) { field 1 (value) { ... } }; the float comes next.
            self.prefixes.append(b"\x2a" + _proto.varint(len(summary) + 4) + summary)
        self.states = [register_after(p) for p in self.prefixes]
        self.headers = {}
        self.carried = {}
        self.meta_written = False

    def carried_register(self, tail_len):
        """What the prefix without metadata adds to a record's CRC (tails of ``tail_len``)."""
        reg = self.carried.get(tail_len)
        if reg is None:
            reg = self.carried[tail_len] = carried_register(self.states[0], tail_len)
        return reg

    def head(self, meta, step_len):
        """Length field, its masked CRC and the constant prefix of one record."""
        key = (meta, step_len)
        head = self.headers.get(key)
        if head is None:
            length = _pack_q(len(self.prefixes[meta]) + 14 + step_len)
            data = length + _pack_i(masked_crc32c(length)) + self.prefixes[meta]
            head = self.headers[key] = np.frombuffer(data, dtype=np.uint8)
        return head

    def take_meta(self):
        """1 if the next record is the tag's first in the file (it carries metadata)."""
        if self.meta_written:
            return 0
        self.meta_written = True
        return 1

    def record(self, value, step, wall):
        """One framed record, built in Python."""
        meta = self.take_meta()
        step_bytes = _proto.varint(step)
        tail = _f32(value) + b"\x10" + step_bytes + b"\x09" + _pack_d(wall)
        return (
            self.head(meta, len(step_bytes)).tobytes() + tail
            + _pack_i(masked_crc32c_tail(self.states[meta], tail))
        )


class EventFileWriter:
    """Writes events to a new file in ``logdir``; see the module docstring.

    Queued events are written when ``max_queue`` are waiting or ``flush_secs`` have passed
    since the last write (both checked as events arrive), on ``flush()`` and ``close()``,
    and at interpreter exit.

    Example::

        w = EventFileWriter("logs/train")
        w.add_scalar("loss", 0.25, step=0)
        w.close()
    """

    def __init__(self, logdir, max_queue=10000, flush_secs=2.0, filename_suffix=".v2"):
        self.logdir = str(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        now = time.time()
        name = (
            f"events.out.tfevents.{int(now):010d}.{_hostname()}.{os.getpid()}."
            f"{next(_file_counter)}{filename_suffix or ''}"
        )
        self.path = os.path.join(self.logdir, name)
        self.max_queue = int(max_queue)
        self.flush_secs = float(flush_secs)
        self._file = open(self.path, "wb")
        self._file.write(frame(_proto.file_version_event(now)))
        self._file.flush()
        self.closed = False
        self._reset_queue()
        self.queued = 0
        self._slot_ids = {}
        self._slots = []
        self._singles = {}
        self._value_heads = {}  # tag -> encoded tag field (metadata goes only in the first)
        self._feeders = []
        # Compared with time.time() (which callers read anyway for wall times).
        self.next_flush = now + self.flush_secs
        if not _exit_hook:
            atexit.register(_flush_all_at_exit)
            _exit_hook.append(True)
        _open_writers.add(self)

    def _reset_queue(self):
        self._segments = []  # (layout, rows) or (_EVENTS, event bytes), in creation order
        self._open = {}  # layout -> rows of its open segment
        self._open_by_slot = {}  # slot id -> the open layout that holds it
        self._events = None  # event bytes of the open _EVENTS segment

    def slot(self, tag, description=None):
        """The id under which scalars of ``tag`` are queued (registers the tag once)."""
        sid = self._slot_ids.get(tag)
        if sid is None:
            sid = len(self._slots)
            self._slots.append(_ScalarSlot(tag, description))
            self._slot_ids[tag] = sid
        return sid

    def layout(self, tags):
        """A layout (tuple of slot ids) for ``add_row``."""
        return tuple(self.slot(t) for t in tags)

    def add_row(self, layout, step, wall_time, values):
        """Queue one scalar per tag of ``layout``, all at ``step`` (floats in ``values``)."""
        if self.closed:
            self._raise_closed()
        rows = self._open.get(layout)
        if rows is None:
            rows = self._open_segment(layout)
        rows.append((step, wall_time, *values))
        self.queued += len(layout)
        if self.queued >= self.max_queue or wall_time >= self.next_flush:
            self.flush()

    def add_rows(self, layout, steps, wall_times, values):
        """Queue a block of rows at once: ``values[i, j]`` (float64, shape (n, m)) is the
        scalar of tag ``layout[j]`` at ``steps[i]`` (int64) and ``wall_times[i]``.

        Meant for feeders (see ``add_feeder``), which call it from ``flush()``; it does not
        flush by itself.
        """
        if self.closed:
            self._raise_closed()
        values = np.asarray(values, dtype=np.float64)
        steps = np.asarray(steps, dtype=np.int64)
        wall_times = np.asarray(wall_times, dtype=np.float64)
        if values.ndim != 2 or values.shape != (steps.size, len(layout)) or (
            wall_times.shape != steps.shape
        ):
            raise ValueError(
                f"add_rows: expected values of shape (rows, {len(layout)}) with one step and "
                f"wall time per row; received values {values.shape}, steps {steps.shape}, "
                f"wall times {wall_times.shape}"
            )
        if not steps.size:
            return
        self._close_segments_of(layout)
        self._segments.append((layout, (steps, wall_times, values)))
        self.queued += values.size

    def add_feeder(self, feeder):
        """Call ``feeder()`` at the start of every ``flush()`` (also at close and at exit),
        so a caller that keeps its own queue (the TensorBoard callback keeps its epoch rows)
        can hand it over with ``add_rows`` and lose nothing. An error a feeder raises is
        raised again once the queue is written."""
        self._feeders.append(feeder)

    def _close_segments_of(self, layout):
        """Close the open segments holding a tag of ``layout``: its next rows come later."""
        for sid in layout:
            other = self._open_by_slot.get(sid)
            if other is not None:
                del self._open[other]
                for s in other:
                    self._open_by_slot.pop(s, None)

    def _open_segment(self, layout):
        """Start a rows segment for ``layout``.

        Rows join their layout's open segment even when other segments were started since:
        only each tag's own order matters to TensorBoard. A segment still open for any tag
        of ``layout`` is closed first, so that tag's events stay in order.
        """
        self._close_segments_of(layout)
        rows = []
        self._segments.append((layout, rows))
        self._open[layout] = rows
        for sid in layout:
            self._open_by_slot[sid] = layout
        return rows

    def add_scalar(self, tag, value, step, wall_time=None, description=None):
        """Queue one scalar (``value`` a float, ``step`` an int)."""
        sid = self._slot_ids.get(tag)
        if sid is None:
            sid = self.slot(tag, description)
        layout = self._singles.get(sid)
        if layout is None:
            layout = self._singles[sid] = (sid,)
        self.add_row(layout, step, time.time() if wall_time is None else wall_time, (value,))

    def add_value(self, tag, tensor_bytes, metadata, step, wall_time=None):
        """Queue a Summary.Value; ``metadata`` goes with the tag's first event only."""
        if self.closed:
            self._raise_closed()
        head = self._value_heads.get(tag)
        if head is None:
            # The tag's first event carries the metadata; later ones start with the tag only.
            head = _proto.f_bytes(1, tag)
            self._value_heads[tag] = head
            if metadata is not None:
                head += _proto.f_bytes(9, metadata)
        if wall_time is None:
            wall_time = time.time()
        value = head + _proto.key(8, 2) + _proto.varint(len(tensor_bytes)) + tensor_bytes
        self.add_event(_proto.summary_event(wall_time, step, value), wall_time)

    def add_event(self, event, wall_time=None):
        """Queue the bytes of one Event (framed at flush time)."""
        if self.closed:
            self._raise_closed()
        if self._events is None:
            self._events = []
            self._segments.append((_EVENTS, self._events))
        self._events.append(event)
        self.queued += 1
        if self.queued >= self.max_queue or (
            (time.time() if wall_time is None else wall_time) >= self.next_flush
        ):
            self.flush()

    def flush(self):
        if self.closed:
            return
        error = None
        for feeder in self._feeders:
            try:
                feeder()
            except Exception as exc:  # noqa: BLE001 - re-raised once the queue is written
                error = error or exc
        segments = self._segments
        self._reset_queue()
        self.queued = 0
        write = self._file.write
        for kind, items in segments:
            if kind is _EVENTS:
                write(frame_many(items))
            else:
                parts = (self._row_records(kind, items) if type(items) is list
                         else self._block_records(kind, *items))
                for part in parts:
                    write(part)
        self._file.flush()
        self.next_flush = time.time() + self.flush_secs
        if error is not None:
            raise error

    def close(self):
        if not self.closed:
            try:
                self.flush()
            finally:
                self._file.close()
                self.closed = True
                _open_writers.discard(self)

    def __del__(self):
        # A writer dropped without close() (e.g. after an interrupted fit) still writes
        # what it queued.
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass

    def _raise_closed(self):
        raise RuntimeError(
            f"the event file writer for {self.logdir!r} is closed; create a new writer "
            "(featherflow.summary.create_file_writer) to log more"
        )

    def _row_records(self, layout, rows):
        """Records of a rows segment, as a list of bytes-like parts in file order."""
        if len(rows) * len(layout) < _VECTOR_MIN:
            return [self._python_records(layout, rows)]
        table = np.array(rows, dtype=np.float64)
        if np.abs(table[:, 0]).max() >= _EXACT_FLOAT_STEP:
            steps = np.array([r[0] for r in rows], dtype=np.int64)
        else:
            steps = table[:, 0].astype(np.int64)
        return self._block_records(layout, steps, table[:, 1], table[:, 2:])

    def _python_records(self, layout, rows):
        """The records of a few rows ``(step, wall_time, *values)``, built in Python."""
        slots = [self._slots[s] for s in layout]
        return b"".join(
            slot.record(value, row[0], row[1])
            for row in rows
            for slot, value in zip(slots, row[2:])
        )

    def _block_records(self, layout, steps, walls, values):
        """Records of the scalars ``values[i, j]`` of tag ``layout[j]`` at ``steps[i]``,
        ``walls[i]``, row by row, as a list of bytes-like parts in file order."""
        slots = [self._slots[s] for s in layout]
        n, m = values.shape
        parts = []
        if not all(s.meta_written for s in slots) or n * m < _VECTOR_MIN:
            # A tag's first record carries metadata: build that row (or a short block) in
            # Python.
            n_py = 1 if n * m >= _VECTOR_MIN else n
            parts.append(self._python_records(layout, [
                (step, wall, *vals) for step, wall, vals in zip(
                    steps[:n_py].tolist(), walls[:n_py].tolist(), values[:n_py].tolist())
            ]))
            if n_py == n:
                return parts
            steps, walls, values = steps[n_py:], walls[n_py:], values[n_py:]
            n -= n_py
        steps_u = np.ascontiguousarray(steps, dtype=np.int64).view(np.uint64)
        walls = np.ascontiguousarray(walls, dtype=np.float64).view(np.uint8).reshape(-1, 8)
        with np.errstate(over="ignore"):
            value_bytes = values.astype("<f4", order="C").view(np.uint8)
        step_len = np.searchsorted(_VARINT_LIMITS, steps_u, side="right") + 1
        # Rows whose steps have the same varint length form one byte matrix.
        cuts = np.flatnonzero(np.diff(step_len)) + 1
        for a, b in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [n]))):
            k = int(step_len[a])
            rows = b - a
            # A record: constant head, 4 value bytes, then step and wall time (the same for
            # every record of a row, so their CRC terms are shared), then the masked CRC.
            common = np.empty((rows, 10 + k), dtype=np.uint8)
            common[:, 0] = 0x10
            common[:, 1:1 + k] = _varint_columns(steps_u[a:b], k)
            common[:, 1 + k] = 0x09
            common[:, 2 + k:] = walls[a:b]
            payloads = value_bytes[a:b]
            # All tags' value bytes sit at the same distance from the record end: one pass.
            terms = tail_terms(payloads.reshape(rows * m, 4), after=10 + k).reshape(rows, m)
            terms ^= tail_terms(common)[:, None]
            terms ^= np.array([s.carried_register(14 + k) for s in slots], dtype=np.uint32)
            crcs = mask_many(terms).astype("<u4").view(np.uint8)  # (rows, 4 m)
            heads = [s.head(0, k) for s in slots]
            out = np.empty((rows, sum(h.size + 18 + k for h in heads)), dtype=np.uint8)
            col = 0
            for j, head in enumerate(heads):
                out[:, col:col + head.size] = head
                col += head.size
                out[:, col:col + 4] = payloads[:, 4 * j:4 * j + 4]
                out[:, col + 4:col + 14 + k] = common
                col += 14 + k
                out[:, col:col + 4] = crcs[:, 4 * j:4 * j + 4]
                col += 4
            parts.append(out)
        return parts


def _flush_all_at_exit():
    # A feeder may open another writer while handing its rows over (the TensorBoard
    # callback's validation run): flush until no writer is left unflushed.
    done = set()
    while True:
        pending = [w for w in list(_open_writers) if id(w) not in done]
        if not pending:
            return
        for writer in pending:
            done.add(id(writer))
            try:
                writer.flush()
            except Exception:  # noqa: BLE001 - at exit there is no one left to tell
                # (the file system may be gone; a feeder's complaint was raised before)
                pass
