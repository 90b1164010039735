"""Files for the dataset readers: ``Dataset.list_files``, the ``filenames`` argument, opening
(GZIP/ZLIB) and TensorFlow's ``num_parallel_reads`` order.

``list_files`` matches like TensorFlow's ``MatchingFiles``: ``*`` also matches names starting
with a dot and directories, the names of all patterns are sorted together, and a pattern
whose wildcards start in its first path component gives ``./``-prefixed names
(``"*.csv"`` -> ``b"./a.csv"``), as TF writes them.
"""

import glob
import gzip
import io
import os
import sys
import zlib

import numpy as np

from featherflow.autodiff.tensor import Tensor, dtype_name
from featherflow.data import interleave, structure
from featherflow.data.dataset import AUTOTUNE, Dataset
from featherflow.errors import DataLossError, InvalidArgumentError, NotFoundError

_WILDCARDS = "*?["
_THREADS_PER_CYCLE_ELEMENT = 17
_CHUNK = 1 << 16


def _as_text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _patterns(file_pattern):
    if isinstance(file_pattern, Tensor):
        file_pattern = file_pattern.data
    if isinstance(file_pattern, (str, bytes, os.PathLike)):
        return [_as_text(file_pattern)]
    values = np.asarray(file_pattern, dtype=object).reshape(-1)
    for value in values:
        if not isinstance(value, (str, bytes, np.str_, np.bytes_, os.PathLike)):
            raise TypeError(
                f"list_files: file_pattern must be a string or a list of strings; received an "
                f"element of type {type(value).__name__} ({value!r}).")
    return [_as_text(value) for value in values]


def match(pattern):
    """The names matching one glob ``pattern``, spelled as TensorFlow spells them."""
    first_wild = min((i for i in (pattern.find(c) for c in _WILDCARDS) if i >= 0),
                     default=-1)
    if first_wild < 0:
        return [pattern] if os.path.exists(pattern) else []
    hidden = {"include_hidden": True} if sys.version_info >= (3, 11) else {}
    names = glob.glob(pattern, **hidden)
    if "/" not in pattern[:first_wild]:
        names = [name if name.startswith("./") else "./" + name for name in names]
    return names


def list_files(file_pattern, shuffle=None, seed=None, name=None):
    """A dataset of the file names matching ``file_pattern`` (a glob or a list of globs), as
    scalar ``tf.string``s: sorted, then shuffled unless ``shuffle=False`` (``seed`` and
    ``tf.random.set_seed`` give TensorFlow's order).

    Example::

        >>> files = tf.data.Dataset.list_files("data/*.csv", shuffle=False)
        >>> [f.decode() for f in files.as_numpy_iterator()]
        ['data/a.csv', 'data/b.csv']
    """
    patterns = _patterns(file_pattern)
    names = sorted(n.encode("utf-8") for pattern in patterns for n in match(pattern))
    if not names:
        raise InvalidArgumentError(
            "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
            f"b'No files matched pattern: {', '.join(patterns)}' (relative patterns are "
            f"matched from the working directory {os.getcwd()!r}).")
    array = np.empty(len(names), dtype=object)
    array[:] = names
    dataset = Dataset.from_tensor_slices(array, name=name)
    if shuffle is None or shuffle:
        dataset = dataset.shuffle(len(names), seed=seed, name=name)
    return dataset


# -- the filenames argument of the readers ---------------------------------------------------

def filenames_argument(filenames, reader, allow_dataset=True):
    """A dataset of scalar strings stays a dataset; anything else becomes a list of paths."""
    if isinstance(filenames, Dataset):
        spec = filenames.element_spec
        if not allow_dataset:
            raise ValueError(
                f"{reader}: filenames must be a string or a list of strings, not a Dataset. "
                "Read a dataset of names with ds.interleave(lambda f: "
                f"tf.data.experimental.{reader}(f, ...)).")
        if not isinstance(spec, structure.TensorSpec) or spec.dtype != np.dtype(object):
            raise TypeError(
                f"The `filenames` argument must contain `tf.string` elements. Got a dataset "
                f"of {structure.describe_structure(spec)} elements ({reader}).")
        if spec.shape.rank not in (None, 0):
            raise TypeError(
                f"{reader}: a dataset of file names must have scalar elements; received "
                f"shape {spec.shape}. Use .unbatch() first.")
        return filenames
    if isinstance(filenames, Tensor):
        filenames = filenames.data
    if isinstance(filenames, (str, bytes, os.PathLike)):
        return [_as_text(filenames)]
    values = np.asarray(filenames, dtype=object).reshape(-1)
    for value in values:
        if not isinstance(value, (str, bytes, np.str_, np.bytes_, os.PathLike)):
            kind = dtype_name(structure.to_array(value).dtype)
            raise TypeError(
                f"The `filenames` argument must contain `tf.string` elements. Got `tf.{kind}` "
                f"elements ({reader}: pass a path, a list of paths or a dataset of strings).")
    return [_as_text(value) for value in values]


def paths(filenames):
    """The file names of a ``filenames_argument`` result, read afresh for a dataset."""
    if isinstance(filenames, Dataset):
        return _dataset_paths(filenames)
    return iter(filenames)


def _dataset_paths(filenames):
    elements = filenames._iterate()
    try:
        for element in elements:
            yield _as_text(element[()])
    finally:
        getattr(elements, "close", lambda: None)()


def compression_argument(compression_type, reader):
    value = "" if compression_type is None else compression_type
    if hasattr(value, "numpy"):
        value = value.numpy()
    value = _as_text(value)
    if value not in ("", "GZIP", "ZLIB"):
        raise InvalidArgumentError(
            f"{reader}: Unsupported compression_type {compression_type!r}. Expected '' (or "
            "None) for an uncompressed file, 'GZIP' or 'ZLIB'.")
    return value


def cycle_length(num_parallel_reads, reader):
    """How many files ``num_parallel_reads`` reads at once (None: one after another)."""
    if num_parallel_reads is None:
        return None
    value = int(num_parallel_reads.numpy() if hasattr(num_parallel_reads, "numpy")
                else num_parallel_reads)
    if value == AUTOTUNE:
        # TF reads with interleave(num_parallel_calls=AUTOTUNE), whose cycle is the CPU count
        # shared among 1 + 16 prefetching threads per open file: one file on most machines.
        return -(-interleave.cpu_count() // _THREADS_PER_CYCLE_ELEMENT)
    if value <= 0:
        raise ValueError(
            f"{reader}: num_parallel_reads must be a positive number of files to read at "
            f"once, tf.data.AUTOTUNE or None; received {num_parallel_reads!r}.")
    return value


# -- opening ---------------------------------------------------------------------------------

class _ZlibReader(io.RawIOBase):
    """A readable stream of the decompressed bytes of a zlib file."""

    def __init__(self, file):
        super().__init__()
        self._file = file
        self._decompressor = zlib.decompressobj()
        self._pending = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._pending:
            if self._decompressor.eof:
                return 0
            data = self._decompressor.unconsumed_tail or self._file.read(_CHUNK)
            if not data:
                raise EOFError("the compressed stream ends before its end marker")
            self._pending = self._decompressor.decompress(data, _CHUNK)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self):
        self._file.close()
        super().close()


def open_file(path, compression_type="", buffer_size=None):
    """``path`` opened for binary reading through its decompression; a missing file raises
    ``tf.errors.NotFoundError`` as TensorFlow's readers do."""
    # A binary file cannot be line-buffered (1): such tiny buffers get the default size.
    buffering = -1 if buffer_size is None or int(buffer_size) <= 1 else int(buffer_size)
    try:
        file = open(path, "rb", buffering=buffering)
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise InvalidArgumentError(f"{path}: is a directory, not a file to read") from None
    if compression_type == "GZIP":
        return gzip.GzipFile(fileobj=file, mode="rb")
    if compression_type == "ZLIB":
        return io.BufferedReader(_ZlibReader(file))
    return file


def decompression_errors(path, compression_type):
    """The exceptions a damaged compressed stream raises, to turn into DataLossError."""
    return (zlib.error, EOFError, gzip.BadGzipFile) if compression_type else ()


def data_loss(path, compression_type, err):
    return DataLossError(
        f"cannot decompress {path!r} as {compression_type}: {err}. Is compression_type right, "
        "and is the file complete?")


def interleaved(paths_iter, open_records, cycle):
    """TensorFlow's deterministic file interleave (block length 1): one record from each of
    ``cycle`` open files in turn; a file that ends frees its slot, which takes the next file
    when its turn comes back."""
    slots = [None] * cycle
    more_files = True
    turn = 0
    try:
        while more_files or any(slot is not None for slot in slots):
            if slots[turn] is None and more_files:
                path = next(paths_iter, None)
                if path is None:
                    more_files = False
                else:
                    slots[turn] = open_records(path)
            if slots[turn] is not None:
                record = next(slots[turn], _END)
                if record is _END:
                    slots[turn] = None
                else:
                    yield record
            turn = (turn + 1) % cycle
    finally:
        for slot in slots:
            if slot is not None:
                slot.close()
        getattr(paths_iter, "close", lambda: None)()


def scalar_string(value):
    element = np.empty((), dtype=object)
    element[()] = value
    return element


_END = object()
