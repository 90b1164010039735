"""``tf.data.experimental.make_csv_dataset``: CSV files as batches of named columns.

Column names come from the header (or ``column_names``); column types, unless given, are
inferred from the first ``num_rows_for_inference`` rows as TensorFlow does: the narrowest of
int32, int64, float32, float64 and string that every value of the column fits, read with
Python's ``csv`` module. The pipeline is TensorFlow's: the file names (shuffled with
``shuffle_seed`` unless ``shuffle=False``), ``num_parallel_reads`` files read in turn, a
shuffle buffer of ``shuffle_buffer_size`` rows, ``repeat(num_epochs)``, batches (the last one
dropped when ``num_epochs=None`` repeats forever, so every batch is full), each batch an
``OrderedDict`` of columns, with the label column split off when ``label_name`` is given.
"""

import collections
import csv as csv_module
import gzip
import os

import numpy as np

from featherflow.data import files
from featherflow.data.csv import CsvDataset
from featherflow.data.dataset import AUTOTUNE, UNKNOWN, Dataset

_INFERRED = ("int32", "int64", "float32", "float64", "string")


def _fits(text, kind):
    try:
        if kind == "int32":
            return np.int32(text) == np.int64(text)
        if kind == "int64":
            np.int64(text)
            return True
        if kind in ("float32", "float64"):
            with np.errstate(over="ignore"):  # too large becomes inf: not this type
                return bool(np.dtype(kind).type(text) < np.inf)
    except (ValueError, OverflowError):
        return False
    return True


def infer_type(text, na_value, previous):
    """The narrowest column type that ``text`` and the values before it (``previous``, the
    type so far or None) fit; empty and NA values say nothing."""
    if text in ("", na_value):
        return previous
    allowed = _INFERRED if previous is None else _INFERRED[_INFERRED.index(previous):]
    return next(kind for kind in allowed if _fits(text, kind))


def _file_names(file_pattern):
    patterns = file_pattern if isinstance(file_pattern, list) else [file_pattern]
    if not patterns:
        raise ValueError("Argument `file_pattern` should not be empty.")
    names = sorted(name for p in patterns for name in files.match(os.fspath(p)))
    if not names:
        raise ValueError(f"No files match `file_pattern` {file_pattern} (relative patterns are "
                         f"matched from the working directory {os.getcwd()!r}).")
    return names


def _opener(compression_type, encoding):
    if compression_type in (None, ""):
        return lambda name: open(name, encoding=encoding, newline="")
    if compression_type == "GZIP":
        return lambda name: gzip.open(name, "rt", encoding=encoding, newline="")
    if compression_type == "ZLIB":
        raise ValueError(f"`compression_type` {compression_type} is not supported for probing "
                         "columns: pass column_names and column_defaults.")
    raise ValueError(f"Received unknown `compression_type` {compression_type}. Expected: GZIP, "
                     "ZLIB or '' (empty string).")


def _reader(file, field_delim, use_quote_delim):
    return csv_module.reader(file, delimiter=field_delim, quoting=csv_module.QUOTE_MINIMAL
                             if use_quote_delim else csv_module.QUOTE_NONE)


def _column_names(names, open_file, field_delim, use_quote_delim):
    header = None
    for name in names:
        with open_file(name) as file:
            row = next(_reader(file, field_delim, use_quote_delim), None)
        if row is None:
            raise ValueError(f"Failed when reading the header line of {name}. Is it an empty "
                             "file?")
        if header is None:
            header = row
        elif row != header:
            raise ValueError(
                f"All input CSV files should have the same column names in the header row. "
                f"File {name} has different column names ({row} instead of {header}).")
    return header


def _column_indices(select_columns, column_names):
    index = {n: i for i, n in enumerate(column_names)}
    result = []
    for v in select_columns:
        if isinstance(v, int):
            if not 0 <= v < len(column_names):
                raise ValueError(
                    f"Column index {v} specified in `select_columns` should be >= 0 and < "
                    f"{len(column_names)}, which is the number of columns.")
            result.append(v)
        elif v in index:
            result.append(index[v])
        else:
            raise ValueError(f"Column {v} specified in `select_columns` must be of one of the "
                             f"columns: {list(column_names)}.")
    if len(set(result)) != len(result):
        duplicates = sorted({column_names[i] for i in result if result.count(i) > 1})
        raise ValueError(f"The `select_columns` argument contains duplicate columns: "
                         f"{duplicates}.")
    return sorted(result)


def _inferred_defaults(names, n_columns, open_file, field_delim, use_quote_delim, na_value,
                       header, num_rows, selected):
    selected = range(n_columns) if selected is None else selected
    kinds = [None] * len(selected)
    seen = 0
    for name in names:
        with open_file(name) as file:
            rows = _reader(file, field_delim, use_quote_delim)
            if header:
                next(rows, None)
            for number, row in enumerate(rows, start=2 if header else 1):
                if num_rows is not None and seen >= num_rows:
                    break
                if len(row) != n_columns:
                    raise ValueError(
                        f"Problem inferring types: CSV row {number} of {name} has {len(row)} "
                        f"number of fields. Expected: {n_columns}.")
                kinds = [infer_type(row[c], na_value, k) for c, k in zip(selected, kinds)]
                seen += 1
        if num_rows is not None and seen >= num_rows:
            break
    return [[""] if (k or "string") == "string" else np.zeros(1, dtype=k) for k in kinds]


class _FileRows(Dataset):
    """The rows of the CSV files a dataset of file names gives, ``cycle`` files read in turn
    (TensorFlow's order for ``num_parallel_reads``)."""

    def __init__(self, names, reader, cycle, spec):
        super().__init__([names])
        self._names, self._reader, self._cycle, self._row_spec = names, reader, cycle, spec

    def _compute_spec(self):
        return self._row_spec

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        return files.interleaved(files.paths(self._names),
                                 lambda path: self._reader(path)._iterate(), self._cycle)


class _Features(Dataset):
    """Batches of columns (a tuple) as an OrderedDict by column name, the label apart."""

    def __init__(self, input_dataset, column_names, label_name):
        super().__init__([input_dataset])
        self._input, self._names, self._label = input_dataset, column_names, label_name

    def _pack(self, columns):
        features = collections.OrderedDict(zip(self._names, columns))
        if self._label is None:
            return features
        label = features.pop(self._label)
        return features, label

    def _compute_spec(self):
        return self._pack(self._input.element_spec)

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _iterate(self):
        it = self._input._iterate()
        try:
            for columns in it:
                yield self._pack(columns)
        finally:
            getattr(it, "close", lambda: None)()


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of rows of CSV files as ``OrderedDict`` of columns, or ``(features, label)``.

    Example::

        >>> ds = tf.data.experimental.make_csv_dataset(
        ...     "titanic.csv", batch_size=32, label_name="survived", num_epochs=1)
        >>> features, label = next(iter(ds))
        >>> list(features)[:3], label.shape
        (['sex', 'age', 'n_siblings_spouses'], TensorShape([32]))
    """
    names = _file_names(file_pattern)
    cycle = 1 if num_parallel_reads is None else files.cycle_length(num_parallel_reads,
                                                                    "make_csv_dataset")
    array = np.empty(len(names), dtype=object)
    array[:] = [n.encode("utf-8") for n in names]
    filenames = Dataset.from_tensor_slices(array)
    if shuffle:
        filenames = filenames.shuffle(len(names), shuffle_seed)
    if column_names is None or column_defaults is None:
        open_file = _opener(compression_type, encoding)
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is "
                             "provided.")
        column_names = _column_names(names, open_file, field_delim, use_quote_delim)
    column_names = list(column_names)
    if len(column_names) != len(set(column_names)):
        duplicates = sorted({n for n in column_names if column_names.count(n) > 1})
        raise ValueError(f"Either `column_names` argument or CSV header row contains "
                         f"duplicate column names: {duplicates}.")
    selected = None if select_columns is None else _column_indices(select_columns,
                                                                   column_names)
    if column_defaults is None:
        column_defaults = _inferred_defaults(
            names, len(column_names), open_file, field_delim, use_quote_delim, na_value,
            header, num_rows_for_inference, selected)
    if selected is not None and len(column_defaults) != len(selected):
        raise ValueError(
            f"If specified, `column_defaults` and `select_columns` must have the same length: "
            f"`column_defaults` has length {len(column_defaults)}, `select_columns` has "
            f"length {len(selected)}.")
    if selected is not None and len(column_names) > len(selected):
        column_names = [column_names[i] for i in selected]
    if label_name is not None and label_name not in column_names:
        raise ValueError(f"`label_name` provided must be one of the columns: {column_names}. "
                         f"Received: {label_name}.")
    def reader(path):
        rows = CsvDataset(path, record_defaults=column_defaults, field_delim=field_delim,
                          use_quote_delim=use_quote_delim, na_value=na_value,
                          select_cols=selected, header=header,
                          compression_type=compression_type)
        return rows.ignore_errors() if ignore_errors else rows

    row_spec = reader(names[0]).element_spec
    dataset = _FileRows(filenames, reader, cycle, row_spec)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)
    dataset = _Features(dataset, column_names, label_name)
    return dataset.prefetch(AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size)


