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
        paths = _paths(self._filenames)
        if self._cycle_length is None:
            return self._sequential(paths)
        return self._interleaved(paths)

    def _records(self, path):
        return tfrecord.read_records(path, self._compression_type, self._buffer_size)

    def _sequential(self, paths):
        for path in paths:
            for record in self._records(path):
                yield _scalar(record)

    def _interleaved(self, paths):
        # TensorFlow's deterministic interleave with block_length=1: a slot whose file ends
        # is emptied and the turn passes on; it takes the next file when its turn comes back
        slots = [None] * self._cycle_length
        paths = iter(paths)
        more_files = True
        turn = 0
        try:
            while more_files or any(slot is not None for slot in slots):
                if slots[turn] is None and more_files:
                    path = next(paths, None)
                    if path is None:
                        more_files = False
                    else:
                        slots[turn] = self._records(path)
                if slots[turn] is not None:
                    record = next(slots[turn], None)
                    if record is None:
                        slots[turn] = None
                    else:
                        yield _scalar(record)
                turn = (turn + 1) % self._cycle_length
        finally:
            for slot in slots:
                if slot is not None:
                    slot.close()


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
        return (element[()] if isinstance(element, np.ndarray) else element
                for element in filenames._iterate())
    return iter(filenames)
