"""``tf.lookup``: key -> value tables, as TensorFlow's eager tables.

- Initializers: ``KeyValueTensorInitializer(keys, values)`` and
  ``TextFileInitializer(filename, key_dtype, key_index, value_dtype, value_index, ...)``
  (``TextFileIndex.WHOLE_LINE`` = -2, ``LINE_NUMBER`` = -1, or a column split by
  ``delimiter``), reading files as TensorFlow's kernel does: an empty line, a missing column, a
  field that does not parse, or a ``vocab_size`` larger than the file is an error; a smaller
  ``vocab_size`` keeps the first lines; ``value_index_offset`` is added to line numbers.
- ``StaticHashTable(initializer, default_value)``: ``lookup`` (also ``table[keys]``) on
  Tensors, RaggedTensors (their flat values) and SparseTensors (their values), ``size``,
  ``export``. Duplicate keys with different values are TensorFlow's FailedPreconditionError.
- ``StaticVocabularyTable(initializer, num_oov_buckets)``: ids from the table, and for keys not
  in it ``vocab size + Fingerprint64(as_string(key)) % num_oov_buckets`` (TensorFlow's
  ``string_to_hash_bucket_fast``), so out-of-vocabulary ids equal TensorFlow's.
- ``experimental.MutableHashTable`` (``insert``, ``remove``, ``lookup``, ``export``, ``size``;
  vector values) and ``experimental.DenseHashTable`` (``empty_key``/``deleted_key``, ``erase``,
  ``insert_or_assign``; vector keys). ``DenseHashTable`` keeps TensorFlow's buckets, key for
  key (lookup_buckets.py), so its ``export`` equals TensorFlow's.
- ``tf.train.Checkpoint`` saves a mutable table as TensorFlow does (``<path>/.ATTRIBUTES/
  table-keys`` and ``table-values``: its entries, or a dense table's buckets) and restores
  TensorFlow's; a static table is a node with its ``_initializer`` and no values, as in TF.

Tables hold NumPy arrays and Python dicts; ``lookup`` is one vectorised pass over the keys
(no per-key Python call for tables built from a vocabulary).
"""

import os
import types

import numpy as np

from featherflow.api import lookup_buckets
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "StaticVocabularyTable",
           "TextFileIndex", "TextFileInitializer", "experimental"]

_KEY_DTYPES = ("int32", "int64", "string")


def _dt(dtype):
    """The tf.dtypes.DType of a dtype-like value."""
    from featherflow.api.dtypes import as_dtype

    return as_dtype(dtype)


def _np(dtype):
    dt = _dt(dtype)
    return np.dtype(object) if dt.name == "string" else np.dtype(dt.as_numpy_dtype)


def _dtype_of_array(a):
    return _dt("string" if a.dtype.kind == "O" or a.dtype.kind in "SU" else a.dtype.name)


def _array(value, dtype=None):
    """``value`` as a NumPy array (strings as object arrays of bytes, Python ints as int32),
    converted to ``dtype`` when given; a string/number mismatch is a TypeError."""
    a = np.asarray(value.data if isinstance(value, Tensor) else as_array(value))
    if dtype is not None:
        want = _np(dtype)
        if a.dtype != want:
            if (want.kind == "O") != (a.dtype.kind == "O"):
                raise TypeError(f"expected {_dt(dtype).name} values, received "
                                f"{_dtype_of_array(a).name}")
            a = a.astype(want)
    return a


def _convert(value, dtype, what):
    """``convert_to_tensor(value, dtype)`` as TensorFlow: a tensor of another dtype is a
    ValueError naming the argument; Python values take the dtype."""
    want = _dt(dtype)
    if isinstance(value, (Tensor, np.ndarray)):
        a = np.asarray(value.data if isinstance(value, Tensor) else value)
        if a.dtype.kind in "SU":
            a = as_array(a)
        if _dtype_of_array(a) != want:
            raise ValueError(f"{what}: Tensor conversion requested dtype {want.name} for Tensor "
                             f"with dtype {_dtype_of_array(a).name}")
        return a
    try:
        return _array(value, want)
    except (TypeError, ValueError) as err:
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {want.name}") \
            from err


class TextFileIndex:
    """Which part of a line a ``TextFileInitializer`` reads: the whole line or its number."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


def _is_integer(dt):
    return dt.is_integer


class _Initializer:
    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = _dt(key_dtype)
        self._value_dtype = _dt(value_dtype)

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return self._value_dtype

    def initialize(self, table):
        """Fill ``table`` (a static table) with this initializer's entries."""
        keys, values = self._entries()
        table._import(keys, values)

    def _checkpoint_children(self):
        # a node of its own in TF's object graph, with nothing saved
        return []


class KeyValueTensorInitializer(_Initializer):
    """Table entries from two equal-length 1-D tensors (or lists) of keys and values."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        k = _array(keys, key_dtype)
        v = _array(values, value_dtype)
        self._keys, self._values = k, v
        super().__init__(_dtype_of_array(k), _dtype_of_array(v))

    def _entries(self):
        k, v = self._keys.reshape(-1), self._values
        if v.shape[:1] != k.shape[:1] or v.ndim != 1:
            raise InvalidArgumentError(
                f"Expected shape {list(k.shape)} for value, got {list(v.shape)}")
        return k, v


def _parse_field(token, dtype, line_number, offset):
    name = dtype.name
    if name == "string":
        return token
    text = token.decode("utf-8", "replace")
    try:
        if name in ("int32", "int64"):
            value = int(text.strip(), 10)
            limit = 2 ** 31 if name == "int32" else 2 ** 63
            if not -limit <= value < limit:
                raise ValueError(text)
            return value + offset if name == "int32" else value
        if name in ("float32", "float64"):
            return float(text)
    except ValueError:
        raise InvalidArgumentError(
            f"Field {text} in line {line_number} is not a valid {name}.") from None
    raise InvalidArgumentError(f"Data type {name} not supported.")


class TextFileInitializer(_Initializer):
    """Table entries from a text file, one per line (see the module docstring)."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None, value_index_offset=0):
        if isinstance(filename, Tensor):
            filename = filename.data.item()
        filename = os.fspath(filename.decode() if isinstance(filename, bytes) else filename)
        key_dt, value_dt = _dt(key_dtype), _dt(value_dtype)
        if key_index < -2:
            raise ValueError(f"`key_index` should be >= -2, received: {key_index}.")
        if key_index == TextFileIndex.LINE_NUMBER and key_dt.name != "int64":
            raise ValueError(f"`key_dtype` must be int64 if `key_index` is "
                             f"{TextFileIndex.LINE_NUMBER}, received: {key_dt}")
        if key_index == TextFileIndex.WHOLE_LINE and not (key_dt.is_integer
                                                          or key_dt.name == "string"):
            raise ValueError(f"`key_dtype` should be either integer or string for whole "
                             f"line, received: {key_dt}")
        if value_index < -2:
            raise ValueError(f"`value_index` should be >= -2, received: {value_index}")
        if value_index == TextFileIndex.LINE_NUMBER and value_dt.name != "int64":
            raise ValueError(f"`value_dtype` must be int64 for `value_index` "
                             f"{TextFileIndex.LINE_NUMBER}, received: {value_dt}")
        if value_index == TextFileIndex.WHOLE_LINE and value_dt.name != "string":
            raise ValueError(f"`value_dtype` must be string for `value_index` "
                             f"{TextFileIndex.WHOLE_LINE}, received: {value_dt}")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"`vocab_size` should be > 0, received: {vocab_size}")
        self._filename = filename
        self._key_index, self._value_index = key_index, value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._offset = value_index_offset
        super().__init__(key_dt, value_dt)

    def _entries(self):
        path = self._filename
        if not os.path.exists(path):
            raise NotFoundError(f"{path}; No such file or directory")
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
        if self._vocab_size is not None:
            if len(lines) < self._vocab_size:
                raise InvalidArgumentError(
                    f"Invalid vocab_size in {path}: expected {self._vocab_size} but got "
                    f"{len(lines)}")
            lines = lines[:self._vocab_size]
        delimiter = self._delimiter.encode() if isinstance(self._delimiter, str) \
            else self._delimiter
        columns = max(self._key_index, self._value_index) + 1
        keys, values = [], []
        for number, line in enumerate(lines):
            if not line:
                raise InvalidArgumentError(
                    f"Invalid content in {path}: empty line found at line {number}.")
            tokens = line.split(delimiter) if columns > 0 else []
            if columns > 0 and len(tokens) < columns:
                raise InvalidArgumentError(
                    f"Invalid number of columns in {path} line {number} "
                    f"({line.decode('utf-8', 'replace')}) : expected at least {columns} got "
                    f"{len(tokens)}")
            for index, dtype, out in ((self._key_index, self._key_dtype, keys),
                                      (self._value_index, self._value_dtype, values)):
                if index == TextFileIndex.LINE_NUMBER:
                    out.append(number + self._offset)
                else:
                    token = line if index == TextFileIndex.WHOLE_LINE else tokens[index]
                    out.append(_parse_field(token, dtype, number, self._offset))
        k = np.empty(len(keys), object) if self._key_dtype.name == "string" \
            else np.asarray(keys, _np(self._key_dtype))
        if self._key_dtype.name == "string":
            k[:] = keys
        v = np.empty(len(values), object) if self._value_dtype.name == "string" \
            else np.asarray(values, _np(self._value_dtype))
        if self._value_dtype.name == "string":
            v[:] = values
        return k, v


# -- the key index: dict for any keys, one vectorised pass per lookup --------------------------
def _index_of(index, flat_keys):
    """Positions of ``flat_keys`` in ``index`` (a dict key -> row), -1 where absent."""
    get = index.get
    return np.fromiter((get(k, -1) for k in flat_keys.tolist()), np.int64,
                       count=flat_keys.size)


def _apply(keys, fn):
    """Run ``fn`` (flat NumPy keys -> result rows) on a Tensor, RaggedTensor or SparseTensor,
    keeping its structure."""
    from featherflow.api.ragged_tensor import RaggedTensor
    from featherflow.api.sparse_tensor import SparseTensor

    if isinstance(keys, RaggedTensor):
        return keys.with_flat_values(_apply(keys.flat_values, fn))
    if isinstance(keys, SparseTensor):
        return SparseTensor(keys.indices, _apply(keys.values, fn), keys.dense_shape)
    a = _array(keys)
    out = fn(a.reshape(-1))
    return Tensor(out.reshape(a.shape + out.shape[1:]))


def _keys_dtype(keys):
    from featherflow.api.ragged_tensor import RaggedTensor
    from featherflow.api.sparse_tensor import SparseTensor

    if isinstance(keys, RaggedTensor):
        return _keys_dtype(keys.flat_values)
    if isinstance(keys, SparseTensor):
        return _keys_dtype(keys.values)
    return _dtype_of_array(_array(keys))


class _Table:
    """What every table shares: dtypes, the key check, ``__getitem__``."""

    def __init__(self, key_dtype, value_dtype, name):
        self._key_dtype = _dt(key_dtype)
        self._value_dtype = _dt(value_dtype)
        self._name = name

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return self._value_dtype

    @property
    def name(self):
        return self._name

    def _check_keys(self, keys, expected=None):
        got = _keys_dtype(keys)
        want = expected or self._key_dtype
        if got != want:
            if isinstance(keys, (Tensor, np.ndarray)) or hasattr(keys, "flat_values") \
                    or hasattr(keys, "dense_shape"):
                raise TypeError(f"Dtype of argument `keys` must be {want!s}, received: "
                                f"{got!s}")
        return keys

    def _coerce_keys(self, keys):
        """Python lists take the table's key dtype; tensors must already have it."""
        if isinstance(keys, (list, tuple, int, bytes, str)):
            return Tensor(_array(keys, self._key_dtype))
        return self._check_keys(keys)

    def __getitem__(self, keys):
        return self.lookup(keys)


def _convert_default(value, dtype):
    want = _dt(dtype)
    if isinstance(value, (Tensor, np.ndarray)):
        return _convert(value, want, "default_value")
    a = as_array(value)
    if (a.dtype.kind == "O") != (want.name == "string") or (
            want.is_integer and a.dtype.kind == "f"):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {want.name}")
    return a.astype(_np(want))


class StaticHashTable(_Table):
    """An immutable table filled once by its initializer; absent keys map to
    ``default_value``."""

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        if not isinstance(initializer, _Initializer):
            raise TypeError(f"StaticHashTable: `initializer` must be a "
                            f"tf.lookup.KeyValueTensorInitializer or TextFileInitializer; "
                            f"received {type(initializer).__name__}")
        super().__init__(initializer.key_dtype, initializer.value_dtype, None)
        self._initializer = initializer
        self._default = _convert_default(default_value, self._value_dtype)
        if self._default.ndim:
            raise ValueError(f"Shapes {tuple(self._default.shape)} and () are not compatible "
                             "(StaticHashTable's `default_value` must be a scalar)")
        self._index = {}
        self._keys = np.empty(0, _np(self._key_dtype))
        self._values = np.empty(0, _np(self._value_dtype))
        initializer.initialize(self)

    def _import(self, keys, values):
        index = {}
        kept = []
        for row, (k, v) in enumerate(zip(keys.tolist(), values.tolist())):
            seen = index.get(k)
            if seen is None:
                index[k] = len(kept)
                kept.append(row)
            elif values[kept[seen]] != v:
                shown = k.decode("utf-8", "replace") if isinstance(k, bytes) else k
                raise FailedPreconditionError(
                    f"HashTable has different value for same key. Key {shown} has "
                    f"{values[kept[seen]]} and trying to add value {v}")
        self._index = index
        self._keys = keys[kept]
        self._values = values[kept]

    @property
    def default_value(self):
        return Tensor(self._default.copy())

    def size(self, name=None):
        return Tensor(np.asarray(len(self._index), np.int64))

    def lookup(self, keys, name=None):
        keys = self._coerce_keys(keys)
        values, default = self._values, self._default

        def find(flat):
            rows = _index_of(self._index, flat)
            out = np.full(rows.shape, default, values.dtype) if values.dtype.kind != "O" \
                else np.array([default.item()] * rows.size, object)
            hit = rows >= 0
            out[hit] = values[rows[hit]]
            return out

        return _apply(keys, find)

    def export(self, name=None):
        return Tensor(self._keys.copy()), Tensor(self._values.copy())

    def _checkpoint_children(self):
        # TF saves no values for a static table (its initializer rebuilds it), only the node
        return [("_initializer", self._initializer)]


class StaticVocabularyTable(_Table):
    """Vocabulary ids from an initializer (int64 values), with ``num_oov_buckets`` hashed ids
    after them for unknown keys. Without an initializer every key is hashed."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        if name:
            name = name.rstrip("/")
        if initializer is not None:
            lookup_key_dtype = _dt(lookup_key_dtype or initializer.key_dtype)
            if initializer.key_dtype.name not in ("int64", "string"):
                raise TypeError(f"Invalid `key_dtype`, expected one of (tf.int64, tf.string), "
                                f"but got {initializer.key_dtype}.")
            if initializer.key_dtype.is_integer != lookup_key_dtype.is_integer:
                kind = "integer" if lookup_key_dtype.is_integer else "non-integer"
                raise TypeError(f"Invalid `key_dtype`, expected {kind} but got "
                                f"{initializer.key_dtype}.")
            if initializer.value_dtype.name != "int64":
                raise TypeError(f"Invalid `value_dtype`, expected {_dt('int64')} but got "
                                f"{initializer.value_dtype}.")
            self._table = StaticHashTable(initializer, default_value=-1)
        else:
            lookup_key_dtype = _dt("string")
            self._table = None
            name = name or "hash_bucket"
        if not lookup_key_dtype.is_integer and lookup_key_dtype.name != "string":
            raise TypeError(f"Invalid `key_dtype`, expected integer or string, got "
                            f"{lookup_key_dtype}")
        self._num_oov_buckets = int(num_oov_buckets)
        super().__init__(lookup_key_dtype, "int64", name.split("/")[-1] if name else None)

    def _checkpoint_children(self):
        return [] if self._table is None else [("_initializer", self._table._initializer)]

    def size(self, name=None):
        known = 0 if self._table is None else len(self._table._index)
        return Tensor(np.asarray(known + self._num_oov_buckets, np.int64))

    def lookup(self, keys, name=None):
        from featherflow.api.core_bits import as_string
        from featherflow.ops.fingerprint import fingerprint64

        keys = self._coerce_keys(keys)
        table = self._table
        buckets = self._num_oov_buckets
        known = 0 if table is None else len(table._index)

        def ids(flat):
            if flat.dtype.kind != "O" and table is not None and flat.dtype != table._keys.dtype:
                flat = flat.astype(table._keys.dtype)
            out = np.full(flat.shape, -1, np.int64) if table is None else \
                _index_of(table._index, flat)
            if table is not None:
                hit = out >= 0
                out[hit] = table._values[out[hit]]
            missing = np.flatnonzero(out < 0)
            if missing.size:
                texts = flat[missing] if flat.dtype.kind == "O" else \
                    as_string(Tensor(flat[missing])).data
                out[missing] = [known + int(fingerprint64(t)) % buckets for t in texts.tolist()]
            return out

        return _apply(keys, ids)


def _own(row):
    """A value row the table keeps: a copy of an array row; a scalar (a string's bytes, a
    NumPy number) as it is, since it cannot change."""
    return row.copy() if isinstance(row, np.ndarray) else row


class MutableHashTable(_Table):
    """A table that ``insert`` and ``remove`` change; values may be vectors (the shape of
    ``default_value``)."""

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True, experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, None)
        self._default = _convert_default(default_value, self._value_dtype)
        if self._default.ndim > 1:
            raise InvalidArgumentError(f"Default value must be a vector, got shape "
                                       f"{list(self._default.shape)}")
        self._checkpoint = checkpoint
        self._entries = {}

    @property
    def _value_shape(self):
        return self._default.shape

    def size(self, name=None):
        return Tensor(np.asarray(len(self._entries), np.int64))

    def _rows(self, keys, values):
        k = _convert(keys, self._key_dtype, "keys")
        v = _convert(values, self._value_dtype, "values")
        flat = k.reshape(-1)
        expect = k.shape + self._value_shape
        if v.shape != expect:
            raise InvalidArgumentError(
                f"Expected shape {list(expect)} for value, got {list(v.shape)}")
        return flat, v.reshape((flat.size,) + self._value_shape)

    def insert(self, keys, values, name=None):
        flat, rows = self._rows(keys, values)
        for key, row in zip(flat.tolist(), rows):
            self._entries[key] = _own(row)

    def remove(self, keys, name=None):
        self._check_keys(keys)
        for key in _array(keys).reshape(-1).tolist():
            self._entries.pop(key, None)

    def lookup(self, keys, dynamic_default_values=None, name=None):
        if not hasattr(keys, "flat_values") and not hasattr(keys, "dense_shape"):
            keys = Tensor(_convert(keys, self._key_dtype, "keys"))
        entries, shape = self._entries, self._default.shape
        # a 0-d array put into an object array would stay an array: its item goes in
        default = self._default[()] if not shape else self._default
        dtype = _np(self._value_dtype)

        def find(flat):
            out = np.empty((flat.size,) + shape, dtype)
            defaults = None if dynamic_default_values is None else \
                _array(dynamic_default_values, self._value_dtype).reshape(
                    (flat.size,) + shape)
            for i, key in enumerate(flat.tolist()):
                row = entries.get(key)
                out[i] = row if row is not None else (default if defaults is None
                                                      else defaults[i])
            return out

        return _apply(keys, find)

    def export(self, name=None):
        keys = list(self._entries)
        k = np.empty(len(keys), object) if self._key_dtype.name == "string" \
            else np.asarray(keys, _np(self._key_dtype))
        if self._key_dtype.name == "string":
            k[:] = keys
        v = np.asarray([self._entries[key] for key in keys], _np(self._value_dtype)).reshape(
            (len(keys),) + self._value_shape)
        return Tensor(k), Tensor(v)

    # -- tf.train.Checkpoint: TF's "table" attribute, saved as <key>-keys and <key>-values --
    def _checkpoint_children(self):
        return []

    def _table_tensors(self):
        keys, values = self.export()
        return keys.data, values.data

    def _check_table(self, keys, values):
        expect = (len(keys),) + self._value_shape
        if keys.ndim != 1 or values.shape != expect:
            raise InvalidArgumentError(
                f"MutableHashTable: the checkpoint holds keys of shape {list(keys.shape)} and "
                f"values of shape {list(values.shape)}; this table needs [n] keys and values "
                f"[n{''.join(', ' + str(d) for d in self._value_shape)}] (the shape of its "
                "default_value). Create it with the default_value shape it was saved with.")

    def _restore_table(self, keys, values):
        self._entries = {key: _own(row) for key, row in zip(keys.tolist(), values)}


class DenseHashTable(MutableHashTable):
    """A mutable table over open-addressed buckets: ``empty_key`` and ``deleted_key`` mark
    free buckets and may not be inserted; the bucket count starts at ``initial_num_buckets``
    (2**17 by default; a power of two >= 4) and doubles past a load of 0.8. Keys may be
    vectors (the shape of ``empty_key``). The buckets are TensorFlow's, key for key
    (api/lookup_buckets.py), so ``export`` and checkpoints equal TensorFlow's."""

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key,
                 initial_num_buckets=None, name="MutableDenseHashTable", checkpoint=True,
                 experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value, name=name,
                         checkpoint=checkpoint)
        self._empty = _convert_default(empty_key, self._key_dtype)
        self._deleted = _convert_default(deleted_key, self._key_dtype)
        if self._empty.shape != self._deleted.shape:
            raise InvalidArgumentError(
                f"Empty and deleted keys must have same shape, got shapes: "
                f"{list(self._empty.shape)} and {list(self._deleted.shape)}")
        if np.array_equal(self._empty, self._deleted):
            raise InvalidArgumentError("Empty and deleted keys cannot be equal")
        buckets = 2 ** 17 if initial_num_buckets is None else int(initial_num_buckets)
        if buckets < 4 or buckets & (buckets - 1):
            raise InvalidArgumentError(
                f"Number of buckets must be at least 4 and a power of 2, got: {buckets}")
        width = int(np.prod(self._value_shape)) if self._value_shape else 1
        self._buckets = lookup_buckets.Buckets(
            tuple(self._empty.reshape(-1).tolist()), tuple(self._deleted.reshape(-1).tolist()),
            buckets, width, _np(self._value_dtype))

    @property
    def _num_buckets(self):
        return self._buckets.num_buckets

    def size(self, name=None):
        return Tensor(np.asarray(self._buckets.count, np.int64))

    def _key_rows(self, keys, what="keys"):
        """``keys`` as a list of key tuples (checked against the reserved keys) and the
        leading shape they had."""
        k = _convert(keys, self._key_dtype, what)
        key_ndim = self._empty.ndim
        if k.shape[k.ndim - key_ndim:] != self._empty.shape or k.ndim < key_ndim:
            raise InvalidArgumentError(
                f"Expected key shape {list(self._empty.shape)} (the shape of empty_key) in "
                f"the last dimensions of `keys`, got {list(k.shape)}")
        lead = k.shape[:k.ndim - key_ndim]
        rows = [tuple(r) for r in k.reshape(-1, max(self._empty.size, 1)).tolist()]
        empty, deleted = self._buckets.empty, self._buckets.deleted
        for row in rows:
            if row == empty:
                raise InvalidArgumentError("Using the empty_key as a table key is not allowed")
            if row == deleted:
                raise InvalidArgumentError(
                    "Using the deleted_key as a table key is not allowed")
        return rows, lead

    def insert(self, keys, values, name=None):
        rows, lead = self._key_rows(keys)
        v = _convert(values, self._value_dtype, "values")
        expect = lead + self._value_shape
        if v.shape != expect:
            raise InvalidArgumentError(
                f"Expected shape {list(expect)} for value, got {list(v.shape)}")
        self._buckets.insert(rows, v.reshape(len(rows), self._buckets.width))

    insert_or_assign = insert

    def erase(self, keys, name=None):
        rows, _ = self._key_rows(keys)
        self._buckets.remove(rows)

    remove = erase

    def lookup(self, keys, name=None):
        rows, lead = self._key_rows(keys)
        buckets = self._buckets
        out = np.empty((len(rows), buckets.width), buckets.value_dtype)
        default = self._default.reshape(-1)
        for i, row in enumerate(rows):
            bucket = buckets.find(row)
            out[i] = buckets.values[bucket] if bucket >= 0 else default
        return Tensor(out.reshape(lead + self._value_shape))

    def export(self, name=None):
        """(keys ``[buckets, key size]``, values ``[buckets, value size]``), one row per
        bucket, as TensorFlow's: free buckets hold ``empty_key``, removed ones
        ``deleted_key`` and their old value."""
        keys, values = self._table_tensors()
        return Tensor(keys), Tensor(values)

    def _table_tensors(self):
        buckets = self._buckets
        dtype = _np(self._key_dtype)
        width = max(self._empty.size, 1)
        if dtype.kind == "O":
            keys = np.empty((buckets.num_buckets, width), object)
            keys[...] = [list(row) for row in buckets.keys]
        else:
            keys = np.asarray(buckets.keys, dtype).reshape(buckets.num_buckets, width)
        return keys, buckets.values.copy()

    def _check_table(self, keys, values):
        width = max(self._empty.size, 1)
        if keys.ndim != 2 or keys.shape[1] != width or values.shape != (
                keys.shape[0], self._buckets.width):
            raise InvalidArgumentError(
                f"DenseHashTable: the checkpoint's buckets have shapes {list(keys.shape)} "
                f"(keys) and {list(values.shape)} (values); this table needs [n, {width}] and "
                f"[n, {self._buckets.width}]. Create it with the key and value shapes it was "
                "saved with.")
        n = len(keys)
        if n < 4 or n & (n - 1):
            raise InvalidArgumentError(
                f"DenseHashTable: a checkpoint's bucket count must be a power of 2 of at "
                f"least 4; the saved table-keys have {n} rows.")

    def _restore_table(self, keys, values):
        self._buckets.restore(keys.tolist(), values)


experimental = types.ModuleType(
    "featherflow.lookup.experimental", "``tf.lookup.experimental``: the mutable tables.")
experimental.DenseHashTable = DenseHashTable
experimental.MutableHashTable = MutableHashTable
experimental.__all__ = ["DenseHashTable", "MutableHashTable"]
