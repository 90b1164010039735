"""HDF5 access for the savers: optional h5py, safe reads, checksummed writes, clear errors.

Reading refuses what could make h5py reach outside the file or allocate without bound
(soft/external links, external or virtual datasets, datasets declaring far more bytes than the
file stores). Writing uses the HDF5 1.8 file format, whose object headers carry checksums,
stores strings as fixed-length bytes inside those headers (as Keras 2 does) and gives every
array the CRC-32 of its bytes, so flipped bytes in a featherflow file are reported instead of
loaded. Keras and any h5py >= 2 read these files.
"""

import contextlib
import io
import math
import os
import zlib

import numpy as np

from featherflow.serialization import load_limits

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
# HDF5 attributes over this size must be split (Keras does the same: layer_names0, 1, ...)
ATTRIBUTE_LIMIT = 64512
# a dataset declaring more than this and over _BOMB_RATIO times what it stores is refused
_BOMB_FLOOR = 64 << 20
# featherflow stores each array's CRC-32 next to it; Keras ignores the attribute
CRC_ATTR = "featherflow_crc32"
_BOMB_RATIO = 1000


class CorruptFileError(ValueError):
    """A file that cannot be read as the format its name or content announce."""


def require_h5py():
    """Import h5py, or explain how to install it."""
    try:
        import h5py  # lazy optional dependency: h5py (the [h5] extra)
    except ImportError:
        raise ImportError(
            "Reading and writing .h5, .weights.h5 and .keras files needs h5py, which is not "
            "installed. Install the extra: pip install featherflow[h5]  (or pip install h5py)."
        ) from None
    return h5py


def sniff(path):
    """What ``path`` holds, from its first bytes: 'hdf5', 'zip', 'dir', 'missing', 'empty'..."""
    if os.path.isdir(path):
        return "dir"
    if not os.path.exists(path):
        return "missing"
    with open(path, "rb") as f:
        head = f.read(8)
        if not head:
            return "empty"
        if head == HDF5_SIGNATURE:
            return "hdf5"
        if head[:4] == ZIP_SIGNATURE:
            return "zip"
        # HDF5 allows a user block of 512, 1024, 2048... bytes before the signature
        offset = 512
        size = os.path.getsize(path)
        while offset + 8 <= size:
            f.seek(offset)
            if f.read(8) == HDF5_SIGNATURE:
                return "hdf5"
            offset *= 2
    return "unknown"


def open_for_read(source, path_label):
    """An h5py File opened read-only; a :class:`CorruptFileError` saying why it cannot be."""
    h5py = require_h5py()
    try:
        return h5py.File(source, "r")
    except OSError as err:
        raise CorruptFileError(
            f"Cannot read '{path_label}' as an HDF5 file: it is truncated or corrupted "
            f"(h5py: {err}). If a program stopped while writing it, use an earlier copy; "
            "featherflow writes atomically, so its own interrupted saves keep the previous file."
        ) from None


@contextlib.contextmanager
def reading(label):
    """Turn the errors h5py raises on damaged structures into a :class:`CorruptFileError`."""
    try:
        yield
    except (OSError, RuntimeError, KeyError) as err:
        text = str(err.args[0]) if err.args else str(err)
        if isinstance(err, KeyError) and "Unable to" not in text:
            raise
        raise CorruptFileError(
            f"Cannot read '{label}': the file is truncated or corrupted (h5py: {text}). Use an "
            "earlier copy; featherflow's own interrupted saves leave the previous file intact."
        ) from None


# HDF5 files whose data is expected to be at most this many bytes are built in memory first
IN_MEMORY_WRITE_LIMIT = 1 << 30
# HDF5 1.8 format: checksummed metadata, large attributes; readable by h5py >= 2
_LIBVER = ("v108", "v108")


def in_memory_write_limit():
    """Bytes up to which HDF5 files are built in memory (``FEATHERFLOW_H5_IN_MEMORY_BYTES``)."""
    text = os.environ.get("FEATHERFLOW_H5_IN_MEMORY_BYTES")
    if text is None:
        return IN_MEMORY_WRITE_LIMIT
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"FEATHERFLOW_H5_IN_MEMORY_BYTES must be a whole number of bytes, received {text!r}."
        ) from None


@contextlib.contextmanager
def writing(path, size_hint=0):
    """An h5py File to fill; on a clean exit its bytes are in ``path``.

    Files of up to :func:`in_memory_write_limit` bytes (``size_hint``) are built in a memory
    buffer and written to ``path`` with ordinary Python writes, so a full disk, a quota or a
    file-size limit is an ``OSError`` from ``write``: the HDF5 library never meets a failing
    write (a failure while it flushes its metadata can abort the process). The cost is one
    copy of the file in memory. Bigger files are written by HDF5 directly (the caller's
    free-space check is then the protection).
    """
    h5py = require_h5py()
    if size_hint > in_memory_write_limit():
        with h5py.File(path, "w", libver=_LIBVER) as f:
            yield f
        return
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver=_LIBVER) as f:
        yield f
    with open(path, "wb") as out:
        out.write(buffer.getbuffer())


def _decode(value):
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    return str(value) if isinstance(value, np.str_) else value


def read_str_attr(obj, name):
    """A string attribute as ``str`` (files store ``str`` or ``bytes``), or None."""
    if name not in obj.attrs:
        return None
    value = obj.attrs[name]
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    return _decode(value)


def read_str_list_attr(obj, name):
    """A list-of-strings attribute, joining Keras's ``name0``, ``name1``... chunks."""
    if name in obj.attrs:
        chunks = [obj.attrs[name]]
    else:
        chunks = []
        i = 0
        while f"{name}{i}" in obj.attrs:
            chunks.append(obj.attrs[f"{name}{i}"])
            i += 1
    out = []
    for chunk in chunks:
        arr = np.asarray(chunk)
        if arr.dtype.kind == "f" and arr.size == 0:
            continue  # Keras writes an empty float array for "no weights"
        out.extend(_decode(v) for v in arr.reshape(-1))
    return out


def write_str_attr(obj, name, value):
    """A UTF-8 string attribute, stored as fixed-length bytes as Keras 2 does.

    Fixed-length strings live in the object header, which the HDF5 1.8 format checksums;
    h5py's variable-length strings would go to the unchecksummed global heap.
    """
    obj.attrs[name] = np.bytes_(value.encode("utf-8"))


def write_str_list_attr(obj, name, values):
    """Store a list of strings (fixed-length bytes), split into ``name0, name1, ...`` when over
    the HDF5 attribute limit, as Keras does."""
    if not values:
        obj.attrs[name] = np.asarray([], dtype=np.float64)
        return
    encoded = np.asarray([v.encode("utf-8") for v in values])
    if encoded.itemsize > ATTRIBUTE_LIMIT:
        raise ValueError(
            f"Cannot store a name of {encoded.itemsize} bytes: HDF5 attributes hold at most "
            f"{ATTRIBUTE_LIMIT} bytes. Use shorter layer names."
        )
    n_chunks = 1
    chunks = [encoded]
    while any(c.nbytes > ATTRIBUTE_LIMIT for c in chunks):
        n_chunks += 1
        chunks = np.array_split(encoded, n_chunks)
    if n_chunks == 1:
        obj.attrs[name] = encoded
        return
    for i, chunk in enumerate(chunks):
        obj.attrs[f"{name}{i}"] = chunk


def _crc(array):
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return zlib.crc32(np.ascontiguousarray(little).tobytes())


def write_array(group, name, value):
    """A contiguous dataset (as Keras writes) with the CRC-32 of its bytes as an attribute."""
    value = np.asarray(value)
    ds = group.create_dataset(name, data=value)
    ds.attrs[CRC_ATTR] = np.uint32(_crc(value))
    return ds


def get_group(parent, path, label):
    """A sub-group by ``a/b/c`` path, refusing links that could leave the file."""
    h5py = require_h5py()
    current = parent
    for part in path.split("/"):
        if not part:
            continue
        if part not in current:
            raise CorruptFileError(f"{label}: the file has no group '{path}'.")
        kind = current.get(part, getclass=True, getlink=True)
        if kind in (h5py.SoftLink, h5py.ExternalLink):
            raise CorruptFileError(
                f"{label}: '{path}' is an HDF5 {kind.__name__}; featherflow only reads data "
                "stored inside the file itself."
            )
        current = current[part]
        if not isinstance(current, h5py.Group):
            raise CorruptFileError(f"{label}: '{path}' should be a group, found a dataset.")
    return current


def read_array(group, name, label):
    """The dataset at ``group[name]`` (``name`` may contain ``/``) as a :class:`StoredArray`,
    checked for safety (links, external data, dtype, declared against stored size) but not
    read yet."""
    h5py = require_h5py()
    if "/" in name:
        sub, name = name.rsplit("/", 1)
        group = get_group(group, sub, label)
    if name not in group:
        raise CorruptFileError(f"{label}: the file has no dataset '{name}' in '{group.name}'.")
    kind = group.get(name, getclass=True, getlink=True)
    if kind in (h5py.SoftLink, h5py.ExternalLink):
        raise CorruptFileError(
            f"{label}: dataset '{name}' is an HDF5 {kind.__name__}; featherflow only reads data "
            "stored inside the file itself."
        )
    ds = group[name]
    if not isinstance(ds, h5py.Dataset):
        raise CorruptFileError(f"{label}: '{name}' in '{group.name}' should be a dataset.")
    if ds.external or ds.is_virtual:
        raise CorruptFileError(
            f"{label}: dataset '{name}' keeps its data outside the file (external or virtual "
            "dataset); featherflow refuses to follow it."
        )
    if ds.dtype.kind not in "biuf":
        raise CorruptFileError(
            f"{label}: dataset '{name}' holds {ds.dtype} values, not numbers."
        )
    if ds.dtype.itemsize > 16 or ds.dtype.subdtype is not None:
        raise CorruptFileError(
            f"{label}: dataset '{name}' holds {ds.dtype} values, not plain numbers."
        )
    declared = math.prod(ds.shape) * ds.dtype.itemsize if ds.shape else ds.dtype.itemsize
    return StoredArray(ds, f"{group.name}/{name}", label, declared)


class StoredArray:
    """A dataset checked for safety but not read yet: its shape and dtype come from the file's
    header, so a loader compares them with the model's weight before any data is allocated.

    ``read()`` (or ``np.asarray``) reads it, charging its bytes to the loading budget and
    checking featherflow's CRC-32.
    """

    def __init__(self, dataset, path, label, nbytes):
        self._dataset = dataset
        self.path = path
        self.label = label
        self.nbytes = nbytes
        self.shape = tuple(dataset.shape)
        self.dtype = dataset.dtype
        self.ndim = len(self.shape)
        self._value = None

    def read(self, charge=True):
        """The array (read once); ``charge=False`` when the memory was budgeted already (the
        model's own weight of this shape exists)."""
        if self._value is not None:
            return self._value
        if charge:
            stored = self._dataset.id.get_storage_size()
            if self.nbytes > _BOMB_FLOOR and self.nbytes > _BOMB_RATIO * max(stored, 1):
                raise CorruptFileError(
                    f"{self.label}: dataset '{self.path}' declares shape {self.shape} "
                    f"({self.dtype}, {self.nbytes} bytes) but the file stores {stored} bytes "
                    "for it; refusing to allocate it (a corrupted or malicious file)."
                )
            load_limits.charge(self.nbytes, f"dataset '{self.path}' of shape {self.shape} "
                                            f"({self.dtype})")
        try:
            array = np.asarray(self._dataset[()])
            crc = self._dataset.attrs.get(CRC_ATTR)
        except (OSError, RuntimeError, KeyError, ValueError) as err:
            raise CorruptFileError(
                f"{self.label}: the data of '{self.path}' is corrupted (h5py: {err}). The file "
                "was damaged after it was written; use an earlier copy."
            ) from None
        if array.shape != self.shape or array.dtype.kind not in "biuf":
            raise CorruptFileError(
                f"{self.label}: '{self.path}' declared shape {self.shape} but read "
                f"{array.shape} ({array.dtype}); the file is corrupted."
            )
        if crc is not None and int(crc) != _crc(array):
            raise CorruptFileError(
                f"{self.label}: the data of '{self.path}' does not match the checksum written "
                "with it: the file was damaged after it was saved. Use an earlier copy."
            )
        self._value = array
        return array

    def __array__(self, dtype=None, copy=None):
        array = self.read()
        return array if dtype is None else array.astype(dtype)

    def __repr__(self):
        return f"<StoredArray {self.path!r} shape={self.shape} dtype={self.dtype}>"
