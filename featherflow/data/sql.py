"""``tf.data.experimental.SqlDataset``: the rows of a SQL query, read with Python's sqlite3.

As TensorFlow's, it reads SQLite only (``driver_name="sqlite"``; any other driver is an
``InvalidArgumentError``), opens the database and runs the query at every pass, and gives
one tuple per row, each column converted to its entry of ``output_types``: ``tf.string``
(the text's UTF-8 bytes), the signed and unsigned integers up to 64 (``uint32``/``uint64``
are refused, as TF refuses them), ``tf.bool`` (non-zero is True) and ``tf.float64``.
``tf.float32`` is refused as TF refuses it. A query that SQLite cannot prepare is TF's
``UnknownError`` and a column count that differs from ``output_types`` an
``InvalidArgumentError``, both when iterating, as in TF.

Example::

    >>> ds = tf.data.experimental.SqlDataset(
    ...     "sqlite", "people.db", "SELECT name, age FROM people", (tf.string, tf.int32))
"""

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError, UnknownError

_ALLOWED = ("string", "int8", "int16", "int32", "int64", "uint8", "uint16", "bool", "float64")


class SqlDataset(Dataset):
    """Rows of ``query`` on the SQLite database ``data_source_name``, as tuples of
    ``output_types``."""

    def __init__(self, driver_name, data_source_name, query, output_types):
        super().__init__()
        driver = _text(driver_name)
        if driver != "sqlite":
            raise InvalidArgumentError(
                f"The database type, {driver}, is not supported by SqlDataset. The set of "
                "supported databases is: {'sqlite'}.")
        self._single = not isinstance(output_types, (tuple, list))
        types = [output_types] if self._single else list(output_types)
        self._specs = [structure.TensorSpec((), t) for t in types]
        for spec in self._specs:
            if spec.dtype.name not in _ALLOWED:
                raise InvalidArgumentError(
                    "Each element of `output_types_` must be one of: DT_STRING, DT_INT8, "
                    "DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_BOOL, DT_DOUBLE; "
                    f"received {spec.dtype.name}.")
        self._source = _text(data_source_name)
        self._query = _text(query)

    def _compute_cardinality(self):
        return UNKNOWN

    def _compute_spec(self):
        return self._specs[0] if self._single else tuple(self._specs)

    def _iterate(self):
        import sqlite3  # the standard library's; loaded by the first pass only

        connection = sqlite3.connect(self._source)
        try:
            try:
                cursor = connection.execute(self._query)
            except sqlite3.Error as err:
                raise UnknownError(f"Prepare() failed: {err}: {self._query}") from None
            columns = len(cursor.description or ())
            if columns != len(self._specs):
                raise InvalidArgumentError(
                    f"The number of columns in query ({columns}) must match the number of "
                    f"elements in output_types ({len(self._specs)}).")
            for row in cursor:
                values = tuple(_convert(v, s.dtype.name) for v, s in zip(row, self._specs))
                yield values[0] if self._single else values
        finally:
            connection.close()


def _text(value):
    value = value.numpy() if hasattr(value, "numpy") else value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _convert(value, dtype):
    if dtype == "string":
        out = np.empty((), object)
        out[()] = value if isinstance(value, bytes) else str(
            "" if value is None else value).encode("utf-8")
        return out
    if dtype == "bool":
        return np.array(bool(value))
    if dtype == "float64":
        return np.array(0.0 if value is None else float(value), np.float64)
    return np.array(0 if value is None else int(value), dtype)
