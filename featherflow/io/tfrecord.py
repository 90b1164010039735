"""TFRecord files: ``tf.io.TFRecordWriter``, ``tf.io.TFRecordOptions`` and the record reader.

A TFRecord file is a sequence of records, each framed as TensorFlow frames it (all
little-endian)::

    uint64 length | uint32 masked_crc32c(length) | data[length] | uint32 masked_crc32c(data)

where ``masked(crc) = ((crc >> 15 | crc << 17) + 0xa282ead8) mod 2**32``. A compressed file
(``GZIP`` or ``ZLIB``) is that byte stream through zlib, as TensorFlow writes it. CRC32C
comes from ``google-crc32c`` (the ``tfrecord`` extra), imported on first use.
"""

import os
import struct
import uuid
import zlib

from featherflow.errors import DataLossError, NotFoundError

EXTRA_HINT = "pip install featherflow[tfrecord]"
COMPRESSION_TYPES = ("", "ZLIB", "GZIP")
_MASK_DELTA = 0xA282EAD8
_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_HEADER_SIZE = 12
# TensorFlow's zlib settings for TFRecord files; with them our compressed bytes are TF's
_DEFAULT_MEM_LEVEL = 9
_DEFAULT_WINDOW_BITS = 15
_GZIP_WINDOW_OFFSET = 16
_COMPRESSED_CHUNK = 256 * 1024


def _crc32c_value():
    try:
        # lazy optional dependency: only TFRecord files need CRC32C
        import google_crc32c
    except ImportError as err:
        raise ImportError(
            f"TFRecord files need the google-crc32c package for their checksums ({err}). "
            f"Install it with: {EXTRA_HINT}") from None
    return google_crc32c.value


def masked_crc32c(data, crc32c=None):
    """TensorFlow's masked CRC32C of ``data`` (the checksum stored in a TFRecord);
    ``crc32c`` is google-crc32c's ``value``, looked up when not given."""
    crc = (crc32c or _crc32c_value())(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def encode_record(data, crc32c=None):
    """One record's bytes as they appear in an uncompressed TFRecord file."""
    crc = crc32c or _crc32c_value()
    length = _LENGTH.pack(len(data))
    return b"".join((length, _CRC.pack(masked_crc32c(length, crc)), data,
                     _CRC.pack(masked_crc32c(data, crc))))


class TFRecordOptions:
    """How a TFRecord file is compressed, as ``tf.io.TFRecordOptions``.

    Example::

        >>> options = tf.io.TFRecordOptions(compression_type="GZIP")
        >>> with tf.io.TFRecordWriter("data.tfrecord.gz", options) as writer:
        ...     writer.write(b"record")
    """

    compression_type_map = {"": "", "ZLIB": "ZLIB", "GZIP": "GZIP"}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        self.compression_type = _check_compression_type(compression_type)
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options):
        """``""``, ``"ZLIB"`` or ``"GZIP"`` for options given as None, a string or options."""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return _check_compression_type(options)

    def _compressor(self):
        """A zlib compressor with TensorFlow's settings, or None for an uncompressed file."""
        if not self.compression_type:
            return None
        window_bits = self.window_bits or _DEFAULT_WINDOW_BITS
        if self.compression_type == "GZIP" and window_bits < _GZIP_WINDOW_OFFSET:
            window_bits += _GZIP_WINDOW_OFFSET
        return zlib.compressobj(
            zlib.Z_DEFAULT_COMPRESSION if self.compression_level is None
            else self.compression_level,
            zlib.DEFLATED if self.compression_method is None else self.compression_method,
            window_bits,
            _DEFAULT_MEM_LEVEL if self.mem_level is None else self.mem_level,
            zlib.Z_DEFAULT_STRATEGY if self.compression_strategy is None
            else self.compression_strategy)

    def __repr__(self):
        return f"TFRecordOptions(compression_type={self.compression_type!r})"


def _check_compression_type(compression_type):
    value = "" if compression_type is None else compression_type
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if hasattr(value, "numpy"):
        value = value.numpy()
        value = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if value not in COMPRESSION_TYPES:
        raise ValueError(
            f'Not a valid compression_type: "{compression_type}". Expected one of "" (or '
            'None) for no compression, "ZLIB" or "GZIP".')
    return value


def as_options(options, argument="options"):
    """A TFRecordOptions from None, a compression string or TFRecordOptions."""
    if isinstance(options, TFRecordOptions):
        return options
    if options is None or isinstance(options, (str, bytes)):
        return TFRecordOptions(options)
    raise TypeError(
        f"{argument} must be a tf.io.TFRecordOptions, a compression type string (\"\", "
        f"\"ZLIB\", \"GZIP\") or None; received {type(options).__name__}.")


def record_bytes(record):
    """The bytes of a record given as bytes, str (UTF-8) or a scalar string tensor."""
    if isinstance(record, (bytes, bytearray, memoryview)):
        return bytes(record)
    if isinstance(record, str):
        return record.encode("utf-8")
    value = record.numpy() if hasattr(record, "numpy") else record
    if isinstance(value, bytes):
        return value
    raise TypeError(
        f"TFRecordWriter.write takes one record as bytes (or str); received "
        f"{type(record).__name__}. Serialize it first, e.g. "
        "writer.write(example.SerializeToString()).")


class TFRecordWriter:
    """Writes records to a TFRecord file, as ``tf.io.TFRecordWriter``.

    The records go to a temporary file beside ``path`` that replaces ``path`` on ``close()``:
    a writer that fails or is killed never leaves a half-written file at ``path``. An
    exception inside ``with`` discards what was written.

    Example::

        >>> with tf.io.TFRecordWriter("data.tfrecord") as writer:
        ...     writer.write(tf.train.Example().SerializeToString())
    """

    def __init__(self, path, options=None):
        # None until the file opens, so __del__ of a writer that failed here has nothing to do
        self._file = None
        self._path = os.fspath(path)
        self._options = as_options(options)
        self._crc = _crc32c_value()
        self._compressor = self._options._compressor()
        directory, name = os.path.split(os.path.abspath(self._path))
        self._temp_path = os.path.join(directory, f".{name}.{uuid.uuid4().hex[:12]}.tmp")
        try:
            # kept open across write calls; close() or _abort() closes it
            self._file = open(self._temp_path, "wb")
        except FileNotFoundError:
            raise NotFoundError(
                f"{self._path}; No such file or directory: TFRecordWriter cannot create it "
                "(create its directory first).") from None
        except OSError as err:
            raise type(err)(
                err.errno, f"TFRecordWriter cannot create {self._path!r}: {err.strerror} "
                "(does its directory exist and is it writable?)") from None

    def write(self, record):
        """Append one record (bytes)."""
        self._check_open("write")
        data = encode_record(record_bytes(record), self._crc)
        if self._compressor is not None:
            data = self._compressor.compress(data)
        self._file.write(data)

    def flush(self):
        """Push buffered records to the temporary file (``path`` appears on ``close``)."""
        self._check_open("flush")
        if self._compressor is not None:
            self._file.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self):
        """Finish the file and move it to ``path``. Closing twice is harmless."""
        if self._file is None:
            return
        file, self._file = self._file, None
        try:
            if self._compressor is not None:
                file.write(self._compressor.flush(zlib.Z_FINISH))
            file.flush()
            os.fsync(file.fileno())
        except BaseException:
            file.close()
            _remove(self._temp_path)
            raise
        file.close()
        os.replace(self._temp_path, self._path)

    def _abort(self):
        if self._file is not None:
            file, self._file = self._file, None
            file.close()
            _remove(self._temp_path)

    def _check_open(self, method):
        if self._file is None:
            raise ValueError(
                f"TFRecordWriter.{method}: the writer of {self._path!r} is closed. Open a new "
                "writer to write another file.")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.close()
        else:
            self._abort()
        return False

    def __del__(self):
        # a writer dropped without close() keeps its records, as TensorFlow's does
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            self._abort()


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class _Inflater:
    """``read(n)`` over a zlib or gzip stream (several gzip members follow one another)."""

    def __init__(self, file, window_bits):
        self._file = file
        self._window_bits = window_bits
        self._decompressor = zlib.decompressobj(window_bits)
        # decompressed bytes not yet read start at _position (compacted now and then)
        self._buffer = bytearray()
        self._position = 0

    def read(self, size):
        while len(self._buffer) - self._position < size and self._inflate_more():
            pass
        start = self._position
        out = bytes(self._buffer[start:start + size])
        self._position = min(start + size, len(self._buffer))
        return out

    def _inflate_more(self):
        """Decompress one more piece into the buffer; False at the end of the file."""
        decompressor = self._decompressor
        if decompressor.unconsumed_tail:
            data = decompressor.unconsumed_tail
        elif decompressor.eof and decompressor.unused_data:
            data = decompressor.unused_data
            self._decompressor = decompressor = zlib.decompressobj(self._window_bits)
        else:
            data = self._file.read(_COMPRESSED_CHUNK)
            if not data:
                return False
        if self._position > _COMPRESSED_CHUNK:
            del self._buffer[:self._position]
            self._position = 0
        self._buffer += decompressor.decompress(data, _COMPRESSED_CHUNK)
        return True


def read_records(path, compression_type="", buffer_size=None):
    """Yield the records of one TFRecord file, checking every CRC.

    Raises ``tf.errors.DataLossError`` naming the file, the record's index and its byte
    offset (in the uncompressed stream) for a damaged or truncated record. A file that ends
    inside a record's 12-byte header ends the records there, as TensorFlow reads it (a
    writer may still be appending).
    """
    compression_type = _check_compression_type(compression_type)
    crc = _crc32c_value()
    path = _decode_path(path)
    buffering = -1 if buffer_size is None or int(buffer_size) <= 0 else int(buffer_size)
    try:
        file = open(path, "rb", buffering=buffering)
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None
    with file:
        source = file
        if compression_type:
            window_bits = _DEFAULT_WINDOW_BITS + (
                _GZIP_WINDOW_OFFSET if compression_type == "GZIP" else 0)
            source = _Inflater(file, window_bits)
        yield from _framed_records(source, path, compression_type, crc)


def _framed_records(source, path, compression_type, crc):
    offset, index = 0, 0
    while True:
        header = _read(source, _HEADER_SIZE, path, index, offset, compression_type)
        if len(header) < _HEADER_SIZE:
            return
        length_bytes = header[:8]
        if _CRC.unpack_from(header, 8)[0] != masked_crc32c(length_bytes, crc):
            hint = " (is this even a TFRecord file?" + (
                " If it is compressed, pass compression_type='GZIP' or 'ZLIB'.)"
                if not compression_type else ")")
            raise DataLossError(
                f"corrupted record at {offset} in {path!r} (record {index}): the CRC of its "
                f"length does not match{hint}")
        (length,) = _LENGTH.unpack(length_bytes)
        body = _read(source, length + 4, path, index, offset, compression_type)
        if len(body) < length + 4:
            raise DataLossError(
                f"truncated record at {offset} in {path!r} (record {index}): its header "
                f"announces {length} bytes of data and a 4-byte CRC, the file has "
                f"{len(body)} bytes left. The file was cut short (an interrupted copy or "
                "write?).")
        data = body[:length]
        if _CRC.unpack_from(body, length)[0] != masked_crc32c(data, crc):
            raise DataLossError(
                f"corrupted record at {offset + _HEADER_SIZE} in {path!r} (record {index}, "
                f"starting at byte {offset}): the CRC of its {length} bytes of data does not "
                "match; the file is damaged.")
        yield data
        offset += _HEADER_SIZE + length + 4
        index += 1


def _read(source, size, path, index, offset, compression_type):
    try:
        return source.read(size)
    except zlib.error as err:
        raise DataLossError(
            f"cannot decompress {path!r} as {compression_type} at record {index} (byte "
            f"{offset} of the uncompressed stream): {err}. Is compression_type right?"
        ) from None


def _decode_path(path):
    if isinstance(path, bytes):
        return path.decode("utf-8")
    return os.fspath(path)
