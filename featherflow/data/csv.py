"""CSV files and records: ``tf.data.experimental.CsvDataset``, ``make_csv_dataset`` and
``tf.io.decode_csv``, with TensorFlow's parsing rules.

Fields follow RFC 4180 as TF reads it: a field may be quoted (``""`` is a quote inside it, and
it may span lines in a file), an unquoted field must not contain a quote; a record ends at
``\\n``, ``\\r\\n`` or ``\\r``; an empty line is a record of one empty field. An empty field or
one equal to ``na_value`` takes the column's default; a column whose default is empty (a dtype
or ``[]``) is required. Numbers may have spaces around them; integers are decimal, floats
accept what C's ``strtod`` does (``1e5``, ``.5``, ``inf``, ``nan``, hexadecimal ``0x1p3``).
"""

import itertools

import numpy as np

from featherflow.autodiff.tensor import Tensor, dtype_name
from featherflow.data import csv_parsing, files, structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError


class CsvDataset(Dataset):
    """The records of CSV files as tuples of scalars, one per column, as
    ``tf.data.experimental.CsvDataset``.

    ``record_defaults`` has one entry per output column: a default value (``0``, ``[0.0]``,
    ``""``) or, for a required column, its dtype (``tf.int32``). ``header=True`` skips each
    file's first line; ``select_cols`` (sorted indices) or ``exclude_cols`` choose columns.

    Example::

        >>> ds = tf.data.experimental.CsvDataset(
        ...     "iris.csv", [tf.float32, 0.0, 0.0, 0.0, tf.int32], header=True)
        >>> ds = ds.map(lambda *row: (tf.stack(row[:4]), row[4]))
    """

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None, name=None):
        super().__init__(name=name)
        self._paths = files.filenames_argument(filenames, "CsvDataset", allow_dataset=False)
        self._columns = csv_parsing.record_defaults_argument(record_defaults, "CsvDataset")
        self._compression_type = files.compression_argument(compression_type, "CsvDataset")
        self._buffer_size = buffer_size
        self._header = bool(header)
        self._delim = csv_parsing.single_byte(field_delim, "CsvDataset")
        self._use_quote = bool(use_quote_delim)
        self._na_value = csv_parsing.text_bytes(na_value)
        self._choice = csv_parsing.Columns(len(self._columns), select_cols, exclude_cols,
                                           "CsvDataset")

    def _compute_spec(self):
        return tuple(structure.TensorSpec((), dtype) for dtype, _ in self._columns)

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        return _Rows(self, self._row)

    def _picked(self, fields, where):
        picked = self._choice.pick(fields, where)
        if self._na_value:
            na = self._na_value
            picked = [None if f == na else f for f in picked]
        return picked

    def _row(self, fields, where):
        """One record's fields as the output tuple."""
        return tuple(csv_parsing.convert_field(f, c, j, where)
                     for j, (f, c) in enumerate(zip(self._picked(fields, where),
                                                    self._columns)))

    def _values(self, fields, where):
        return [csv_parsing.field_value(f, c, j, where)
                for j, (f, c) in enumerate(zip(self._picked(fields, where), self._columns))]

    def _iterate_batches(self, batch_size, drop_remainder):
        """Whole batches, each column made into one array (``batch`` on this reader): the
        same batches as stacking the rows, without a 0-d array per field."""
        return self._batches(batch_size, drop_remainder)

    def _batches(self, batch_size, drop_remainder):
        rows = _Rows(self, self._values)
        dtypes = [dtype for dtype, _ in self._columns]
        try:
            while True:
                chunk = list(itertools.islice(rows, batch_size))
                if not chunk or (drop_remainder and len(chunk) < batch_size):
                    return
                yield tuple(csv_parsing.column_array(list(values), dtype)
                            for values, dtype in zip(zip(*chunk), dtypes))
                if len(chunk) < batch_size:
                    return
        finally:
            rows.close()


class _Rows:
    """The rows of a CsvDataset's files, one file after another.

    A record that does not parse raises, and calling ``next`` again goes on with the next
    record, as TensorFlow's reader does: that is what ``ignore_errors()`` relies on. A file
    that cannot be read on (an unclosed quote, damaged compression) raises and is left.
    """

    def __init__(self, dataset, make_row):
        self._dataset = dataset
        self._make_row = make_row
        self._paths = iter(dataset._paths)
        self._path = self._file = self._records = None
        self._number = 0

    def __iter__(self):
        return self

    def _open(self, path):
        ds = self._dataset
        self._path = path
        self._file = files.open_file(path, ds._compression_type, ds._buffer_size)
        self._records = csv_parsing.file_records(csv_parsing.lines_of(self._file), ds._delim,
                                                 ds._use_quote, path)
        self._number = 0

    def __next__(self):
        ds = self._dataset
        while True:
            if self._records is None:
                self._open(next(self._paths))
            try:
                fields = next(self._records, None)
            except files.decompression_errors(self._path, ds._compression_type) as err:
                path = self._path
                self.close()
                raise files.data_loss(path, ds._compression_type, err) from None
            except InvalidArgumentError:
                self.close()
                raise
            if fields is None:
                self.close()
                continue
            self._number += 1
            if self._number == 1 and ds._header:
                continue
            return self._make_row(fields, f"record {self._number} of {self._path!r}")

    def close(self):
        """Release the open file (the rest of the files are not opened)."""
        if self._file is not None:
            self._file.close()
        self._file = self._records = None


# -- tf.io.decode_csv ---------------------------------------------------------------------------

def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, na_value="",
               select_cols=None, name=None):
    """Parse CSV records (a string tensor of any shape) into one tensor per column, each of
    the records' shape, as ``tf.io.decode_csv``.

    Example::

        >>> x, label = tf.io.decode_csv(["1.5,a", "2,b"], [[0.0], ["?"]])
        >>> x.numpy().tolist(), label.numpy().tolist()
        ([1.5, 2.0], [b'a', b'b'])
    """
    array = records.data if isinstance(records, Tensor) else structure.to_array(records)
    if array.dtype != np.dtype(object):
        raise TypeError(f"decode_csv: records must be strings, received dtype "
                        f"{dtype_name(array.dtype)}.")
    columns = csv_parsing.record_defaults_argument(record_defaults, "decode_csv",
                                                   accept_dtypes=False)
    if select_cols is not None:
        indices = [int(i) for i in np.asarray(select_cols).reshape(-1)]
        if any(b <= a for a, b in zip(indices, indices[1:])):
            raise ValueError(f"select_cols is not strictly increasing (decode_csv: received "
                             f"{indices}).")
    delim = csv_parsing.single_byte(field_delim, "decode_csv")
    na = csv_parsing.text_bytes(na_value)
    choice = csv_parsing.Columns(len(columns), select_cols, None, "decode_csv")
    outputs = [np.empty(array.shape, dtype=dtype) for dtype, _ in columns]
    flat_outputs = [out.reshape(-1) for out in outputs]
    for r, record in enumerate(array.reshape(-1)):
        where = f"record {r}"
        fields = csv_parsing.split_record(csv_parsing.text_bytes(record), delim,
                                          bool(use_quote_delim))
        if choice.select is None and len(fields) != len(columns):
            raise InvalidArgumentError(
                f"Expect {len(columns)} fields but have {len(fields)} in {where}")
        picked = choice.pick(fields, where)
        for j, (field, column) in enumerate(zip(picked, columns)):
            value = csv_parsing.convert_field(None if na and field == na else field, column, j,
                                              where)
            flat_outputs[j][r] = value[()]
    return [Tensor(out) for out in outputs]


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of CSV rows as ``OrderedDict``s of columns (or ``(features, label)`` with
    ``label_name``), as ``tf.data.experimental.make_csv_dataset``; see csv_batches.py."""
    # csv_batches builds on CsvDataset from this module; this name stays here because
    # tf.data.experimental looks make_csv_dataset up in featherflow.data.csv.
    from featherflow.data import csv_batches

    return csv_batches.make_csv_dataset(
        file_pattern, batch_size, column_names=column_names, column_defaults=column_defaults,
        label_name=label_name, select_columns=select_columns, field_delim=field_delim,
        use_quote_delim=use_quote_delim, na_value=na_value, header=header,
        num_epochs=num_epochs, shuffle=shuffle, shuffle_buffer_size=shuffle_buffer_size,
        shuffle_seed=shuffle_seed, prefetch_buffer_size=prefetch_buffer_size,
        num_parallel_reads=num_parallel_reads, sloppy=sloppy,
        num_rows_for_inference=num_rows_for_inference, compression_type=compression_type,
        ignore_errors=ignore_errors, encoding=encoding)

