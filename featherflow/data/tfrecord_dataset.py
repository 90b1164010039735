"""``tf.data.TFRecordDataset``: the records of one or more TFRecord files as scalar strings."""

import os

import numpy as np

from featherflow.data import files, structure
from featherflow.data.dataset import AUTOTUNE, UNKNOWN, Dataset
from featherflow.io import tfrecord


class TFRecordDataset(Dataset):
    """The records of TFRecord files, each a scalar ``tf.string``, as ``tf.data.TFRecordDataset``.

    ``filenames`` is a path, a list of paths, a string tensor or a dataset of scalar strings
    (e.g. ``Dataset.list_files``), read afresh on every pass. With ``num_parallel_reads=n``
    the records of ``n`` files alternate, one record from each in turn, in TensorFlow's order;
    otherwise the files follow one another.

    Example::

        >>> ds = tf.data.TFRecordDataset(["a.tfrecord", "b.tfrecord"])
        >>> ds = ds.map(lambda record: tf.io.parse_single_example(record, description))
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        self._filenames = files.filenames_argument(filenames, "TFRecordDataset")
        super().__init__(
            inputs=[self._filenames] if isinstance(self._filenames, Dataset) else [], name=name)
        self._compression_type = tfrecord.TFRecordOptions.get_compression_type_string(
            compression_type)
        self._buffer_size = buffer_size
        self._cycle_length = _cycle_length(num_parallel_reads)

    def _compute_spec(self):
        return structure.TensorSpec((), "string")

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        return _RecordIterator(files.paths(self._filenames), self._cycle_length or 1,
                               self._compression_type, self._buffer_size)


class _RecordIterator:
    """The records of a sequence of files, ``cycle_length`` files at a time.

    TensorFlow's deterministic interleave with block_length=1: a slot whose file ends is
    emptied and the turn passes on; it takes the next file when its turn comes back (one
    slot reads the files one after another). A damaged file raises and is dropped: calling
    ``next`` again goes on with the other files, as TensorFlow's reader does under
    ``ignore_errors``.
    """

    def __init__(self, paths, cycle_length, compression_type, buffer_size):
        self._paths = paths
        self._slots = [None] * cycle_length
        self._more_files = True
        self._turn = 0
        self._compression_type = compression_type
        self._buffer_size = buffer_size

    def __iter__(self):
        return self

    def __next__(self):
        slots = self._slots
        while self._more_files or any(slot is not None for slot in slots):
            turn = self._turn
            if slots[turn] is None and self._more_files:
                path = next(self._paths, None)
                if path is None:
                    self._more_files = False
                else:
                    slots[turn] = tfrecord.read_records(path, self._compression_type,
                                                        self._buffer_size)
            self._turn = (turn + 1) % len(slots)
            if slots[turn] is None:
                continue
            try:
                record = next(slots[turn], None)
            except BaseException:
                slots[turn] = None
                raise
            if record is None:
                slots[turn] = None
                continue
            return _scalar(record)
        raise StopIteration

    def close(self):
        """Close the open files (and the pass over a dataset of file names)."""
        for slot in self._slots:
            if slot is not None:
                slot.close()
        self._slots = [None] * len(self._slots)
        self._more_files = False
        close = getattr(self._paths, "close", None)
        if close is not None:
            close()


def _scalar(record):
    element = np.empty((), dtype=object)
    element[()] = record
    return element


def _cycle_length(num_parallel_reads):
    if num_parallel_reads is None:
        return None
    value = int(num_parallel_reads.numpy() if hasattr(num_parallel_reads, "numpy")
                else num_parallel_reads)
    if value == AUTOTUNE:
        return os.cpu_count() or 1
    if value <= 0:
        raise ValueError(
            f"TFRecordDataset: num_parallel_reads must be a positive number of files to read "
            f"at once, tf.data.AUTOTUNE or None; received {num_parallel_reads!r}.")
    return value


