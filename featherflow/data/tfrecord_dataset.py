"""``tf.data.TFRecordDataset``: the records of one or more TFRecord files as scalar strings."""

import os

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
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
        self._filenames = _filenames_source(filenames)
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
        return _RecordIterator(_paths(self._filenames), self._cycle_length or 1,
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


def _filenames_source(filenames):
    """A dataset of file names stays a dataset; anything else becomes a list of paths."""
    if isinstance(filenames, Dataset):
        spec = filenames.element_spec
        if not isinstance(spec, structure.TensorSpec) or spec.dtype != np.dtype(object):
            raise TypeError(
                f"TFRecordDataset: a dataset of file names must have scalar tf.string "
                f"elements; received element_spec {spec!r}.")
        if spec.shape.rank not in (None, 0):
            raise TypeError(
                f"TFRecordDataset: a dataset of file names must have scalar elements; received "
                f"shape {spec.shape}. Use .unbatch() first.")
        return filenames
    if isinstance(filenames, Tensor):
        filenames = filenames.data
    if isinstance(filenames, (str, bytes, os.PathLike)):
        return [filenames]
    values = np.asarray(filenames, dtype=object).reshape(-1) if not isinstance(
        filenames, np.ndarray) else filenames.reshape(-1)
    paths = []
    for value in values:
        if isinstance(value, (str, bytes, np.str_, np.bytes_, os.PathLike)):
            paths.append(value)
        else:
            raise TypeError(
                f"The `filenames` argument must contain `tf.string` elements; received "
                f"{type(value).__name__} ({value!r}). Pass paths as str, a list of str or a "
                "dataset of strings.")
    return paths


def _paths(filenames):
    if isinstance(filenames, Dataset):
        return _dataset_paths(filenames)
    return iter(filenames)


def _dataset_paths(filenames):
    elements = filenames._iterate()
    try:
        for element in elements:
            yield element[()] if isinstance(element, np.ndarray) else element
    finally:
        close = getattr(elements, "close", None)
        if close is not None:
            close()
