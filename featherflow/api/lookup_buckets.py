"""The open-addressed buckets of ``tf.lookup.experimental.DenseHashTable``, laid out as
TensorFlow's ``MutableDenseHashTable`` lays them out.

TensorFlow saves a DenseHashTable as its raw bucket arrays and restores them as they are, so
a key must sit in the bucket TensorFlow's probe would look in: the key's hash (the key
itself for integers, ``Hash64`` for strings, ``Hash64Combine`` over the elements of a
vector key) masked to the bucket count, then quadratic probing (``+1, +2, +3, ...``). An
insert takes the first bucket on that path that holds the key or is empty or deleted; a
remove writes ``deleted_key`` and leaves the value; when an insert would take the table
past a load of 0.8 the bucket count doubles and the live buckets are re-inserted in bucket
order. With the same inserts and removes the buckets therefore equal TensorFlow's, and a
checkpoint moves between the two libraries in either direction.
"""

import numpy as np

from featherflow.errors import InvalidArgumentError
from featherflow.ops.hash64 import hash64

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7800
MAX_LOAD = 0.8


def _hash_scalar(key):
    if isinstance(key, bytes):
        return hash64(key)
    return int(key) & _MASK


def hash_key(row):
    """TensorFlow's ``HashKey`` of one key (a tuple of its elements)."""
    if len(row) == 1:
        return _hash_scalar(row[0])
    result = 0
    for element in row:
        b = _hash_scalar(element)
        result = (result ^ ((b + _GOLDEN + (result << 10) + (result >> 4)) & _MASK)) & _MASK
    return result


class Buckets:
    """``num_buckets`` key rows (tuples) and value rows (NumPy), ``empty``/``deleted`` the
    marker keys (tuples)."""

    def __init__(self, empty, deleted, num_buckets, value_width, value_dtype):
        self.empty = empty
        self.deleted = deleted
        self.width = value_width
        self.value_dtype = value_dtype
        self.count = 0
        self._allocate(num_buckets)

    def _allocate(self, num_buckets):
        self.keys = [self.empty] * num_buckets
        self.values = self._zeros(num_buckets)

    def _zeros(self, n):
        if self.value_dtype.kind == "O":
            out = np.empty((n, self.width), object)
            out[...] = b""
            return out
        return np.zeros((n, self.width), self.value_dtype)

    @property
    def num_buckets(self):
        return len(self.keys)

    def find(self, row):
        """The bucket holding ``row``, or -1."""
        keys = self.keys
        mask = len(keys) - 1
        bucket = hash_key(row) & mask
        probes = 0
        while True:
            held = keys[bucket]
            if held == row:
                return bucket
            if held == self.empty:
                return -1
            probes += 1
            if probes >= len(keys):
                return -1
            bucket = (bucket + probes) & mask

    def _place(self, row, value):
        keys = self.keys
        mask = len(keys) - 1
        bucket = hash_key(row) & mask
        probes = 0
        while True:
            held = keys[bucket]
            if held == row:
                self.values[bucket] = value
                return
            if held == self.empty or held == self.deleted:
                keys[bucket] = row
                self.values[bucket] = value
                self.count += 1
                return
            probes += 1
            if probes >= len(keys):
                raise InvalidArgumentError("Internal error in MutableDenseHashTable insert")
            bucket = (bucket + probes) & mask

    def insert(self, rows, values):
        """Insert ``rows`` (a list of key tuples) with ``values`` (``[n, width]``), growing
        first as TensorFlow does: by the number of keys given, new or not."""
        wanted = self.count + len(rows)
        size = self.num_buckets
        if wanted > MAX_LOAD * size:
            while wanted > MAX_LOAD * size:
                size *= 2
            self._rebucket(size)
        for row, value in zip(rows, values):
            self._place(row, value)

    def _rebucket(self, size):
        old_keys, old_values = self.keys, self.values
        self._allocate(size)
        self.count = 0
        for row, value in zip(old_keys, old_values):
            if row != self.empty and row != self.deleted:
                self._place(row, value)

    def remove(self, rows):
        for row in rows:
            bucket = self.find(row)
            if bucket >= 0:
                self.keys[bucket] = self.deleted
                self.count -= 1

    def restore(self, keys, values):
        """Take saved bucket arrays (``[n, key size]``, ``[n, width]``) as they are."""
        n = len(keys)
        self.keys = [tuple(k) for k in keys]
        self.values = np.array(values, self.value_dtype).reshape(n, self.width)
        self.count = sum(1 for k in self.keys if k != self.empty and k != self.deleted)
