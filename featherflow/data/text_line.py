"""``tf.data.TextLineDataset``: the lines of text files as scalar strings."""

from featherflow.data import files, structure
from featherflow.data.dataset import UNKNOWN, Dataset


def read_lines(path, compression_type="", buffer_size=None):
    """The lines of one file as TensorFlow reads them: split at ``\\n``, every ``\\r``
    dropped (so ``\\r\\n`` ends a line too), no empty line after a final newline."""
    file = files.open_file(path, compression_type, buffer_size)
    try:
        for line in file:
            if line.endswith(b"\n"):
                line = line[:-1]
            if b"\r" in line:
                line = line.replace(b"\r", b"")
            yield line
    except files.decompression_errors(path, compression_type) as err:
        raise files.data_loss(path, compression_type, err) from None
    finally:
        file.close()


class TextLineDataset(Dataset):
    """The lines of one or more text files, each a scalar ``tf.string`` without its line
    ending, as ``tf.data.TextLineDataset``.

    ``filenames`` is a path, a list of paths or a dataset of scalar strings (e.g.
    ``Dataset.list_files``); ``compression_type`` is ``""``, ``"GZIP"`` or ``"ZLIB"``. With
    ``num_parallel_reads=n`` the lines of ``n`` files alternate, in TensorFlow's order.

    Example::

        >>> ds = tf.data.TextLineDataset("train.txt").skip(1)    # skip a header line
        >>> ds = ds.map(lambda line: tf.strings.split(line, ","))
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        self._filenames = files.filenames_argument(filenames, "TextLineDataset")
        super().__init__(
            inputs=[self._filenames] if isinstance(self._filenames, Dataset) else [], name=name)
        self._compression_type = files.compression_argument(compression_type,
                                                            "TextLineDataset")
        self._buffer_size = buffer_size
        self._cycle_length = files.cycle_length(num_parallel_reads, "TextLineDataset")

    def _compute_spec(self):
        return structure.TensorSpec((), "string")

    def _compute_cardinality(self):
        return UNKNOWN

    def _lines(self, path):
        return (files.scalar_string(line)
                for line in read_lines(path, self._compression_type, self._buffer_size))

    def _iterate(self):
        paths = files.paths(self._filenames)
        if self._cycle_length is None:
            return self._sequential(paths)
        return files.interleaved(paths, self._lines, self._cycle_length)

    def _sequential(self, paths):
        try:
            for path in paths:
                lines = self._lines(path)
                try:
                    yield from lines
                finally:
                    lines.close()
        finally:
            getattr(paths, "close", lambda: None)()
