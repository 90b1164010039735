"""TensorFlow's TensorBundle: a checkpoint's ``<prefix>.index`` and ``<prefix>.data-*`` files.

The index is a sorted table (:mod:`table`): the empty key holds a BundleHeaderProto, every
other key a BundleEntryProto (dtype, shape, shard, offset and size in the data file, masked
CRC32C of the bytes). The data file is the tensors' raw little-endian bytes back to back; a
string tensor is the varint lengths of its elements, the masked CRC32C of the lengths as
little-endian uint32, then the strings; its entry's CRC covers the uint32 lengths, that
checksum and the strings (what TensorFlow's writer hashes, not the bytes on disk).

Example::

    >>> reader = tf.train.load_checkpoint("ckpt-1")
    >>> reader.get_tensor("v/.ATTRIBUTES/VARIABLE_VALUE")
"""

import math
import os
import struct

import numpy as np

from featherflow.errors import DataLossError, InvalidArgumentError, NotFoundError
from featherflow.saving.atomic import atomic_path
from featherflow.saving.tf_checkpoint import table, wire
from featherflow.saving.tf_checkpoint.checksum import crc32c, mask
from featherflow.serialization import load_limits

_U32 = struct.Struct("<I")
# what decoding costs per string element beyond its bytes, at the peak: its length, the
# checksum's packed copy of it, the bytes object, the list and object-array slots (147 bytes
# measured by tracemalloc for 2 million empty strings)
_STRING_OVERHEAD = 160


def data_path(prefix, shard=0, num_shards=1):
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def index_path(prefix):
    return f"{prefix}.index"


# -- encoding tensors -------------------------------------------------------------------------
def _string_items(array):
    items = []
    for item in array.ravel().tolist():
        if isinstance(item, str):
            item = item.encode("utf-8")
        elif not isinstance(item, (bytes, bytearray)):
            raise InvalidArgumentError(
                f"A string tensor holds {type(item).__name__} {item!r}; expected bytes or str.")
        items.append(bytes(item))
    return items


def _string_checksums(items):
    """``(masked CRC of the lengths, masked CRC the entry stores)`` of a string tensor."""
    fixed = b"".join(_U32.pack(len(item)) for item in items)
    length_crc = _U32.pack(mask(crc32c(fixed)))
    return length_crc, mask(crc32c(fixed + length_crc + b"".join(items)))


def encode_tensor(value):
    """``(dtype enum, shape, bytes, entry CRC)`` of a NumPy array as a bundle stores it."""
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        items = _string_items(array)
        length_crc, entry_crc = _string_checksums(items)
        data = b"".join(wire.varint(len(item)) for item in items) + length_crc + b"".join(items)
        return wire.ENUM_OF_DTYPE["string"], array.shape, data, entry_crc
    name = array.dtype.name
    if name not in wire.ENUM_OF_DTYPE:
        raise InvalidArgumentError(
            f"Cannot write a {name} tensor to a TensorFlow checkpoint; the dtypes a checkpoint "
            f"holds are {', '.join(sorted(wire.ENUM_OF_DTYPE))}.")
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    data = little.tobytes()
    return wire.ENUM_OF_DTYPE[name], array.shape, data, mask(crc32c(data))


def write_bundle(prefix, tensors, shards=None):
    """Write ``{key: array}`` as ``<prefix>.index`` + ``<prefix>.data-<i>-of-<n>``, one data
    file per list of keys in ``shards`` (default: all in one).

    The data files go first and the index last, each replaced atomically, so a reader never
    sees an index whose tensors are not on disk.
    """
    shards = shards if shards is not None else [list(tensors)]
    entries = []
    files = []
    for shard_id, keys in enumerate(shards):
        offset = 0
        chunks = []
        for key in keys:
            dtype_enum, shape, data, crc = encode_tensor(tensors[key])
            entries.append((key.encode("utf-8"),
                            wire.entry(dtype_enum, shape, offset, len(data), crc, shard_id)))
            chunks.append(data)
            offset += len(data)
        files.append(chunks)
    folder = os.path.dirname(os.path.abspath(prefix))
    os.makedirs(folder, exist_ok=True)
    for shard_id, chunks in enumerate(files):
        with atomic_path(data_path(prefix, shard_id, len(files))) as tmp, open(tmp, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
    items = [(b"", wire.header(len(files)))] + sorted(entries)
    with atomic_path(index_path(prefix)) as tmp, open(tmp, "wb") as f:
        f.write(table.build(items))


# -- reading ----------------------------------------------------------------------------------
def _decode_strings(data, count, key, stored_crc):
    pos = 0
    lengths = []
    for _ in range(count):
        length, pos = wire.read_varint(data, pos)
        lengths.append(length)
    length_crc = bytes(data[pos:pos + 4])
    pos += 4
    out = []
    for length in lengths:
        out.append(bytes(data[pos:pos + length]))
        pos += length
    if pos != len(data) or _string_checksums(out) != (length_crc, stored_crc):
        raise DataLossError(f"Checksum does not match for string tensor '{key}'; the "
                            "checkpoint's data file is corrupted.")
    return out


class CheckpointReader:
    """The tensors of one checkpoint, as ``tf.train.load_checkpoint`` returns.

    Example::

        >>> reader = tf.train.load_checkpoint("ckpts/ckpt-3")
        >>> reader.get_variable_to_shape_map()["v/.ATTRIBUTES/VARIABLE_VALUE"]
        [2, 2]
    """

    def __init__(self, prefix):
        self._prefix = os.fspath(prefix)
        path = index_path(self._prefix)
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except (FileNotFoundError, NotADirectoryError):
            raise NotFoundError(
                f"Unsuccessful TensorSliceReader constructor: Failed to find any matching files "
                f"for {self._prefix}. Expected the checkpoint files {path} and "
                f"{data_path(self._prefix)}; pass the prefix a save returned (e.g. "
                "'ckpts/ckpt-1'), or a folder with a 'checkpoint' file.") from None
        items = table.read(raw, path)
        if not items or items[0][0] != b"":
            raise DataLossError(f"{path}: the checkpoint index has no header entry.")
        header = wire.decode_header(items[0][1])
        if header["endianness"] != 0:
            raise DataLossError(f"{path}: big-endian checkpoints cannot be read.")
        self._num_shards = header["num_shards"] or 1
        self._entries = {key.decode("utf-8"): wire.decode_entry(value)
                         for key, value in items[1:]}
        self._shards = {}
        self._charged = 0  # bytes of decoded tensors charged to the loading budget

    @property
    def prefix(self):
        return self._prefix

    def keys(self):
        return sorted(self._entries)

    def has_tensor(self, tensor_str):
        return tensor_str in self._entries

    def _entry(self, key):
        try:
            return self._entries[key]
        except KeyError:
            raise NotFoundError(f"Key {key} not found in checkpoint") from None

    def dtype_name(self, key):
        code = self._entry(key)["dtype"]
        return wire.DTYPE_OF_ENUM.get(code) or wire.TYPE_NAMES.get(code, f"dtype {code}")

    def get_variable_to_shape_map(self):
        return {key: list(entry["shape"] or ()) for key, entry in self._entries.items()}

    def get_variable_to_dtype_map(self):
        from featherflow.api import dtypes  # cycle: featherflow.api imports the saving layer

        out = {}
        for key in self._entries:
            name = self.dtype_name(key)
            out[key] = dtypes.as_dtype(name) if name in wire.ENUM_OF_DTYPE else name
        return out

    def _shard_path(self, shard):
        return data_path(self._prefix, shard, self._num_shards)

    def _shard_size(self, shard):
        path = self._shard_path(shard)
        if shard in self._shards:
            return len(self._shards[shard])
        try:
            return os.path.getsize(path)
        except OSError:
            raise NotFoundError(
                f"{path} not found: the checkpoint's data file is missing (its index "
                f"{index_path(self._prefix)} exists). Copy both files.") from None

    def _shard_bytes(self, shard):
        if shard not in self._shards:
            path = self._shard_path(shard)
            try:
                with open(path, "rb") as f:
                    self._shards[shard] = f.read()
            except FileNotFoundError:
                raise NotFoundError(
                    f"{path} not found: the checkpoint's data file is missing (its index "
                    f"{index_path(self._prefix)} exists). Copy both files.") from None
        return self._shards[shard]

    def release(self):
        """Drop the data files read so far (a deferred restore reads them again)."""
        self._shards.clear()
        self._charged = 0

    def _check_entry(self, key):
        """Refuse an entry whose shape, size or place cannot be what its data file holds,
        before reading or allocating anything; return ``(entry, shape, element count)``."""
        entry = self._entry(key)
        path = index_path(self._prefix)
        if entry["sliced"]:
            raise InvalidArgumentError(
                f"Tensor '{key}' is stored in slices (a partitioned variable); featherflow "
                "reads whole tensors only.")
        shape = entry["shape"] or ()
        if any(dim < 0 for dim in shape):
            raise DataLossError(
                f"{path}: tensor '{key}' declares the shape {list(shape)}, with a negative "
                "dimension; a saved tensor's shape is fully known. The index is corrupted.")
        count = math.prod(shape)
        name = self.dtype_name(key)
        size = entry["size"]
        if name == "string":
            # every element takes at least one byte (its length), plus a 4-byte checksum
            if count + 4 > size and count:
                raise DataLossError(
                    f"{path}: string tensor '{key}' declares {count} elements of shape "
                    f"{list(shape)} but stores {size} bytes, too few for that many (each "
                    "element needs at least one byte). The index is corrupted; refusing to "
                    "read it.")
        elif name in wire.ENUM_OF_DTYPE:
            expected = count * np.dtype(name).itemsize
            if expected != size:
                raise DataLossError(
                    f"Invalid size in bundle entry: key {key}; stored size {size}; expected "
                    f"size {expected} ({name} of shape {list(shape)}). The index of "
                    f"{self._prefix} is corrupted; refusing to read the tensor.")
        if not 0 <= entry["shard_id"] < self._num_shards:
            raise DataLossError(
                f"{path}: tensor '{key}' is in data file {entry['shard_id']} but the "
                f"checkpoint has {self._num_shards}. The index is corrupted.")
        available = self._shard_size(entry["shard_id"])
        if entry["offset"] + size > available:
            raise DataLossError(
                f"Tensor '{key}' runs past the end of its data file: it declares bytes "
                f"{entry['offset']} to {entry['offset'] + size} but "
                f"{self._shard_path(entry['shard_id'])} has {available} bytes (truncated, or "
                "from another save). Copy the checkpoint's files again.")
        return entry, shape, count

    def raw_bytes(self, key):
        entry, _, _ = self._check_entry(key)
        data = self._shard_bytes(entry["shard_id"])
        start, size = entry["offset"], entry["size"]
        chunk = data[start:start + size]
        if len(chunk) != size:
            raise DataLossError(f"Tensor '{key}' runs past the end of its data file.")
        if self.dtype_name(key) != "string" and mask(crc32c(chunk)) != entry["crc32c"]:
            raise DataLossError(
                f"Checksum does not match: stored {entry['crc32c']} vs. calculated on the "
                f"restored bytes {mask(crc32c(chunk))} for tensor '{key}'.")
        return chunk

    def _files_size(self):
        sizes = [self._shard_size(shard) for shard in range(self._num_shards)]
        return sum(sizes) + os.path.getsize(index_path(self._prefix))

    def get_tensor(self, tensor_str):
        """The tensor under ``tensor_str`` as a NumPy array (strings as bytes objects).

        The entry is checked first (shape against stored size, place inside its data file)
        and what decoding it costs is charged to the loading budget
        (:func:`featherflow.saving.set_load_limits`), so a crafted index cannot make the read
        allocate more than the files hold.
        """
        key = tensor_str
        entry, shape, count = self._check_entry(key)
        name = self.dtype_name(key)
        cost = entry["size"] + (count * _STRING_OVERHEAD if name == "string" else 0)
        what = f"tensor '{key}' ({name}, shape {list(shape)})"
        if load_limits.active():  # inside a model load or restore that has its own budget
            load_limits.charge(cost, what)
        else:  # this reader's reads so far share one budget
            with load_limits.loading(f"checkpoint {self._prefix!r}",
                                     self._files_size()) as budget:
                budget.used = self._charged
                load_limits.charge(cost, what)
                self._charged = budget.used
        chunk = self.raw_bytes(key)
        if name == "string":
            items = _decode_strings(chunk, count, key, entry["crc32c"])
            if not shape:
                return items[0]
            array = np.empty(count, dtype=object)
            array[:] = items
            return array.reshape(shape)
        if name == "bfloat16":
            bits = np.frombuffer(chunk, "<u2").astype(np.uint32) << 16
            return bits.view(np.float32).reshape(shape)
        if name not in wire.ENUM_OF_DTYPE:
            raise InvalidArgumentError(
                f"Tensor '{key}' has dtype {name}, which has no NumPy value (TensorFlow stores "
                "iterator and resource state this way).")
        array = np.frombuffer(chunk, np.dtype(name).newbyteorder("<")).astype(name)
        array = array.reshape(shape)
        return array[()] if not shape else array

    def debug_string(self):
        lines = [f"{key} ({self.dtype_name(key)}) {list(e['shape'] or ())}"
                 for key, e in sorted(self._entries.items())]
        return ("\n".join(lines) + "\n").encode("utf-8")
