"""The sorted key/value table of a checkpoint's ``.index`` file (LevelDB's SSTable layout).

A table is data blocks, an empty meta-index block, an index block (one entry per data
block: a key at or after the block's last key -> the block's offset and size) and a 48-byte
footer (the two block handles, padding, the magic number). Each block is entries with
prefix-compressed keys (shared length, unshared length, value length, key suffix, value),
restart offsets every ``RESTART_INTERVAL`` entries, the restart count, then a trailer: one
compression byte (0: none, as TensorFlow writes checkpoint indexes) and the masked CRC32C
of the block plus that byte.
"""

import struct

from featherflow.errors import DataLossError
from featherflow.saving.tf_checkpoint import wire
from featherflow.saving.tf_checkpoint.checksum import crc32c, mask

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_SIZE = 4096
RESTART_INTERVAL = 16
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


def _unmask(masked):
    rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


class _BlockBuilder:
    def __init__(self):
        self.parts = []
        self.size = 0
        self.restarts = [0]
        self.count = 0
        self.last_key = b""

    def add(self, key, value):
        shared = 0
        if self.count % RESTART_INTERVAL == 0:
            if self.count:
                self.restarts.append(self.size)
        else:
            limit = min(len(key), len(self.last_key))
            while shared < limit and key[shared] == self.last_key[shared]:
                shared += 1
        part = (wire.varint(shared) + wire.varint(len(key) - shared) + wire.varint(len(value))
                + key[shared:] + value)
        self.parts.append(part)
        self.size += len(part)
        self.count += 1
        self.last_key = key

    def finish(self):
        tail = b"".join(_U32.pack(r) for r in self.restarts) + _U32.pack(len(self.restarts))
        return b"".join(self.parts) + tail


def _short_successor(key):
    """The shortest key >= every key starting with ``key`` (LevelDB's FindShortSuccessor)."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def _short_separator(start, limit):
    """A short key in [start, limit) (LevelDB's FindShortestSeparator)."""
    common = 0
    while common < min(len(start), len(limit)) and start[common] == limit[common]:
        common += 1
    if common < min(len(start), len(limit)):
        byte = start[common]
        if byte < 0xFF and byte + 1 < limit[common]:
            return start[:common] + bytes([byte + 1])
    return start


def build(items):
    """The bytes of a table holding ``items`` (``(key bytes, value bytes)``, sorted)."""
    out = bytearray()
    index = _BlockBuilder()

    def emit(block):
        data = block.finish()
        handle = (len(out), len(data))
        trailer = b"\x00"
        out.extend(data + trailer + _U32.pack(mask(crc32c(data + trailer))))
        return handle

    block = _BlockBuilder()
    pending = None  # (last key of the finished block, its handle)
    for key, value in items:
        if pending is not None:
            index.add(_short_separator(pending[0], key), _handle(*pending[1]))
            pending = None
        block.add(key, value)
        if block.size >= BLOCK_SIZE:
            pending = (block.last_key, emit(block))
            block = _BlockBuilder()
    if block.count:
        pending = (block.last_key, emit(block))
    if pending is not None:
        index.add(_short_successor(pending[0]), _handle(*pending[1]))
    meta_handle = emit(_BlockBuilder())
    index_handle = emit(index)
    footer = _handle(*meta_handle) + _handle(*index_handle)
    footer += b"\x00" * (FOOTER_SIZE - 8 - len(footer)) + _U64.pack(MAGIC)
    out.extend(footer)
    return bytes(out)


def _handle(offset, size):
    return wire.varint(offset) + wire.varint(size)


def _read_handle(data, pos):
    offset, pos = wire.read_varint(data, pos)
    size, pos = wire.read_varint(data, pos)
    return offset, size, pos


def _block(data, offset, size, path):
    end = offset + size
    if end + 5 > len(data):
        raise DataLossError(f"{path}: a block runs past the end of the file (truncated?).")
    contents = data[offset:end]
    kind = data[end]
    stored = _U32.unpack_from(data, end + 1)[0]
    if crc32c(data[offset:end + 1]) != _unmask(stored):
        raise DataLossError(f"{path}: block checksum mismatch at offset {offset}; the "
                            "checkpoint index is corrupted.")
    if kind != 0:
        raise DataLossError(
            f"{path}: the block at offset {offset} is compressed (type {kind}, 1 is Snappy); "
            "checkpoint indexes are written uncompressed by TensorFlow and featherflow, and "
            "compressed ones cannot be read here.")
    return contents


def _entries(block, path):
    restarts = _U32.unpack_from(block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * restarts
    if limit < 0:
        raise DataLossError(f"{path}: bad block restart count {restarts}.")
    pos, key = 0, b""
    while pos < limit:
        shared, pos = wire.read_varint(block, pos)
        unshared, pos = wire.read_varint(block, pos)
        size, pos = wire.read_varint(block, pos)
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        yield key, bytes(block[pos:pos + size])
        pos += size


def read(data, path="checkpoint index"):
    """Every ``(key, value)`` of the table in ``data``, in key order."""
    if len(data) < FOOTER_SIZE or _U64.unpack_from(data, len(data) - 8)[0] != MAGIC:
        raise DataLossError(
            f"Unable to open table file {path}: not an sstable (bad magic number). Expected a "
            "TensorFlow checkpoint '.index' file.")
    footer = data[len(data) - FOOTER_SIZE:]
    _, _, pos = _read_handle(footer, 0)
    index_offset, index_size, _ = _read_handle(footer, pos)
    items = []
    for _, handle in _entries(_block(data, index_offset, index_size, path), path):
        offset, size, _ = _read_handle(handle, 0)
        items.extend(_entries(_block(data, offset, size, path), path))
    return items
