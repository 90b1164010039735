"""Summary writers and the default-writer state, as ``tf.summary`` has them."""

import contextlib

from featherflow.summary._events import EventFileWriter

# TF writes after 10 queued events or 120 s. Writing in larger batches is what keeps
# logging cheap here (see _events.py), and a short time limit keeps TensorBoard current.
DEFAULT_MAX_QUEUE = 10000
DEFAULT_FLUSH_MILLIS = 2000


class _State:
    """The current default writer, default step and recording condition."""

    __slots__ = ("writer", "step", "record")

    def __init__(self):
        self.writer = None
        self.step = None
        self.record = True


state = _State()


class SummaryWriter:
    """Writes summaries for TensorBoard to one event file in ``logdir``.

    Made by ``create_file_writer``; ``featherflow.summary.scalar`` and friends write to the
    writer made default with ``as_default()`` or ``set_as_default()``.

    Example::

        writer = tf.summary.create_file_writer("logs/run1")
        with writer.as_default():
            for step in range(100):
                tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
        writer.close()
    """

    def __init__(self, logdir, max_queue=None, flush_millis=None, filename_suffix=None):
        if max_queue is not None and int(max_queue) < 0:
            raise ValueError(
                f"create_file_writer: max_queue must be >= 0; received {max_queue!r}"
            )
        if flush_millis is not None and float(flush_millis) < 0:
            raise ValueError(
                f"create_file_writer: flush_millis must be >= 0; received {flush_millis!r}"
            )
        self._events = EventFileWriter(
            logdir,
            max_queue=DEFAULT_MAX_QUEUE if max_queue is None else max(int(max_queue), 1),
            flush_secs=(DEFAULT_FLUSH_MILLIS if flush_millis is None else flush_millis) / 1000,
            filename_suffix=".v2" if filename_suffix is None else filename_suffix,
        )

    @property
    def logdir(self):
        return self._events.logdir

    @property
    def path(self):
        """The event file this writer appends to."""
        return self._events.path

    @property
    def closed(self):
        return self._events.closed

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Make this the default writer (and ``step`` the default step) inside a ``with``.

        The previous writer and step come back on exit, and this writer is flushed.
        """
        previous = state.writer, state.step
        state.writer = self
        if step is not None:
            state.step = step
        try:
            yield self
        finally:
            state.writer, state.step = previous
            self.flush()

    def set_as_default(self, step=None):
        """Make this the default writer (and ``step`` the default step) from now on."""
        state.writer = self
        if step is not None:
            state.step = step

    def flush(self):
        """Write queued events to the file."""
        self._events.flush()

    def close(self):
        """Flush and close the file; the writer cannot be used afterwards."""
        self._events.close()
        if state.writer is self:
            state.writer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<SummaryWriter logdir={self.logdir!r}>"


class NoopSummaryWriter:
    """A writer that writes nothing (``create_noop_writer``), e.g. on non-chief workers."""

    @contextlib.contextmanager
    def as_default(self, step=None):
        previous = state.writer, state.step
        state.writer = None
        if step is not None:
            state.step = step
        try:
            yield self
        finally:
            state.writer, state.step = previous

    def set_as_default(self, step=None):
        state.writer = None
        if step is not None:
            state.step = step

    def flush(self):
        pass

    def close(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None):
    """A ``SummaryWriter`` for ``logdir``, as ``tf.summary.create_file_writer``.

    Args:
        logdir: directory for the event file (created if missing).
        max_queue: most events kept in memory before they are written (default 10000).
        flush_millis: longest time, in ms, between writes while events arrive (default 2000).
        filename_suffix: appended to the event file name (default ".v2").
        name: accepted for compatibility with TensorFlow; unused.
    """
    del name
    return SummaryWriter(logdir, max_queue, flush_millis, filename_suffix)


def create_noop_writer():
    """A writer that writes nothing, as ``tf.summary.create_noop_writer``."""
    return NoopSummaryWriter()


def flush(writer=None, name=None):
    """Flush ``writer`` (default: the default writer), as ``tf.summary.flush``."""
    del name
    writer = state.writer if writer is None else writer
    if writer is not None:
        writer.flush()


@contextlib.contextmanager
def record_if(condition):
    """Record summaries only while ``condition`` (a bool or a callable returning one) holds."""
    previous = state.record
    state.record = condition
    try:
        yield
    finally:
        state.record = previous


def should_record_summaries():
    """Whether a summary written now would be recorded (a default writer exists, and the
    ``record_if`` condition holds)."""
    if state.writer is None:
        return False
    record = state.record
    return bool(record() if callable(record) else record)
