"""``tf.data.FixedLengthRecordDataset``: fixed-size binary records of files as scalar strings."""

import os

import numpy as np

from featherflow.data import files, structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.errors import DataLossError, InvalidArgumentError


def _count(value, argument, minimum):
    if value is None:
        return 0
    raw = value.numpy() if hasattr(value, "numpy") else value
    number = int(np.asarray(raw))
    if number < minimum:
        raise InvalidArgumentError(
            f"FixedLengthRecordDataset: `{argument}` must be "
            f"{'positive' if minimum else 'non-negative'}, received {number}.")
    return number


class FixedLengthRecordDataset(Dataset):
    """Records of ``record_bytes`` bytes from binary files, after ``header_bytes`` and before
    ``footer_bytes`` of each file, as ``tf.data.FixedLengthRecordDataset``.

    An uncompressed file whose body is not a whole number of records is refused before its
    first record, with InvalidArgumentError; a compressed one raises DataLossError where its
    last, incomplete record starts.

    Example::

        >>> ds = tf.data.FixedLengthRecordDataset("cifar/data_batch_1.bin", 1 + 32 * 32 * 3)
        >>> ds = ds.map(lambda r: tf.io.decode_raw(r, tf.uint8))
    """

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None, num_parallel_reads=None, name=None):
        self._filenames = files.filenames_argument(filenames, "FixedLengthRecordDataset")
        super().__init__(
            inputs=[self._filenames] if isinstance(self._filenames, Dataset) else [], name=name)
        self._record_bytes = _count(record_bytes, "record_bytes", 1)
        self._header_bytes = _count(header_bytes, "header_bytes", 0)
        self._footer_bytes = _count(footer_bytes, "footer_bytes", 0)
        self._buffer_size = buffer_size
        self._compression_type = files.compression_argument(compression_type,
                                                            "FixedLengthRecordDataset")
        self._cycle_length = files.cycle_length(num_parallel_reads, "FixedLengthRecordDataset")

    def _compute_spec(self):
        return structure.TensorSpec((), "string")

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        paths = files.paths(self._filenames)
        if self._cycle_length is None:
            return self._sequential(paths)
        return files.interleaved(paths, self._records, self._cycle_length)

    def _sequential(self, paths):
        try:
            for path in paths:
                records = self._records(path)
                try:
                    yield from records
                finally:
                    records.close()
        finally:
            getattr(paths, "close", lambda: None)()

    def _body_error(self, path, body, error=InvalidArgumentError):
        return error(
            f"Excluding the header ({self._header_bytes} bytes) and footer "
            f"({self._footer_bytes} bytes), input file \"{path}\" has body length {body} bytes, "
            f"which is not an exact multiple of the record length ({self._record_bytes} "
            "bytes). Check record_bytes, header_bytes and footer_bytes against the file's "
            "layout.")

    def _records(self, path):
        size, header, footer = self._record_bytes, self._header_bytes, self._footer_bytes
        compression = self._compression_type
        if not compression:
            try:
                body = os.path.getsize(path) - header - footer
            except FileNotFoundError:
                body = None  # open_file below raises NotFoundError
            if body is not None and (body < 0 or body % size):
                raise self._body_error(path, body)
        file = files.open_file(path, compression, self._buffer_size)
        try:
            if header and len(file.read(header)) < header:
                raise self._body_error(path, -footer, DataLossError if compression
                                       else InvalidArgumentError)
            # Keep ``footer`` bytes back: they are only known to be the footer at the end.
            pending, done = b"", 0
            while True:
                chunk = file.read(max(size * 256, 1 << 16))
                if not chunk:
                    break
                pending += chunk
                usable = (len(pending) - footer) // size * size
                for start in range(0, usable, size):
                    yield files.scalar_string(pending[start:start + size])
                if usable > 0:
                    pending = pending[usable:]
                    done += usable
            if len(pending) != footer:
                raise self._body_error(path, done + len(pending) - footer, DataLossError)
        except files.decompression_errors(path, compression) as err:
            raise files.data_loss(path, compression, err) from None
        finally:
            file.close()
