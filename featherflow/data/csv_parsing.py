"""CSV fields as TensorFlow reads them: splitting records (RFC 4180 quoting, CR/LF/CRLF line
ends, quoted fields across lines), choosing columns, and turning fields into values of the
column's dtype (the defaults of ``record_defaults``, TF's integer and ``strtod`` float rules).
Used by CsvDataset and decode_csv (csv.py)."""

import re

import numpy as np

from featherflow.autodiff.tensor import Tensor, dtype_name
from featherflow.data import files, structure
from featherflow.errors import InvalidArgumentError

_TYPES = tuple(np.dtype(t) for t in ("float32", "float64", "int32", "int64", "O"))
_INT_RANGES = {np.dtype("int32"): (-2**31, 2**31 - 1), np.dtype("int64"): (-2**63, 2**63 - 1)}
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_NAN_PAYLOAD = re.compile(rb"\s*[+-]?nan\([0-9A-Za-z_]*\)\s*", re.IGNORECASE)
_HEX_FLOAT = re.compile(rb"\s*[+-]?0[xX][0-9a-fA-F.]+([pP][+-]?\d+)?\s*")
_TERMINATOR = re.compile(rb"(\r\n|\r|\n)")


# -- defaults and values --------------------------------------------------------------------

# TensorFlow tests ``default in (tf.float32, tf.float64, tf.int32, tf.int64, tf.string)``, and a
# DType equals its enum number and its name: a bare default of 1, 2, 3, 7 or 9 (or True, 1.0,
# "int32"...) is read as that dtype, i.e. a required column of it. TF code relies on what that
# gives, so the same defaults mean the same here.
_DTYPE_ENUMS = {1: "float32", 2: "float64", 3: "int32", 7: "O", 9: "int64"}
_DTYPE_NAMES = {"float32": "float32", "float64": "float64", "int32": "int32",
                "int64": "int64", "string": "O"}


def _is_dtype(value):
    from featherflow.api.dtypes import DType

    return isinstance(value, (np.dtype, DType)) or (isinstance(value, type)
                                           and issubclass(value, np.generic))


def _dtype_alias(value):
    """The dtype TF's membership test takes a bare default for, or None."""
    if isinstance(value, str):
        name = _DTYPE_NAMES.get(value)
        return None if name is None else np.dtype(name)
    if isinstance(value, (bool, int, float, np.generic)) and not isinstance(
            value, (np.str_, np.bytes_)):
        try:
            name = _DTYPE_ENUMS.get(value) if float(value) == int(value) else None
        except (OverflowError, ValueError):
            name = None
        return None if name is None else np.dtype(name)
    return None


def record_defaults_argument(record_defaults, where, accept_dtypes=True):
    """``(dtype, default-or-None)`` per column: a dtype or an empty value makes the column
    required."""
    columns = []
    for j, item in enumerate(record_defaults):
        alias = _dtype_alias(item) if accept_dtypes else None
        if alias is not None:
            columns.append((alias, None))
            continue
        if _is_dtype(item) and accept_dtypes:
            dtype = np.dtype(item)
            if dtype not in _TYPES:
                raise ValueError(
                    f"{where}: record_defaults[{j}] is {dtype_name(dtype)}; a CSV column is "
                    "float32, float64, int32, int64 or string.")
            columns.append((dtype, None))
            continue
        if _is_dtype(item):
            raise ValueError(
                f"Attempt to convert a value ({item!r}) with an unsupported type to a Tensor "
                f"({where}: record_defaults[{j}] must be a default value such as [0] or [''], "
                "or an empty tensor of the column's dtype for a required column).")
        array = item.data if isinstance(item, Tensor) else structure.to_array(item)
        if array.dtype not in _TYPES:
            raise InvalidArgumentError(
                f"{where}: record_defaults[{j}] has dtype {dtype_name(array.dtype)}; a CSV "
                "column is float32, float64, int32, int64 or string.")
        if array.size > 1:
            raise InvalidArgumentError(
                f"There should only be 1 default per field but field {j} has {array.size} "
                f"({where}).")
        columns.append((array.dtype, array.reshape(-1)[0] if array.size else None))
    if not columns:
        raise InvalidArgumentError(f"{where}: record_defaults is empty; give one default "
                                   "(or dtype) per column.")
    return columns


def _number(field, dtype):
    """``field`` (bytes) as a Python number of ``dtype``, or None when TF would refuse it."""
    if b"_" in field:
        return None  # Python's int() and float() accept digit separators, C's do not
    if dtype.kind == "i":
        try:
            value = int(field)
        except ValueError:
            return None
        low, high = _INT_RANGES[dtype]
        return value if low <= value <= high else None
    try:
        return float(field)
    except ValueError:
        pass
    if _NAN_PAYLOAD.fullmatch(field):
        return float("nan")
    if _HEX_FLOAT.fullmatch(field):
        try:
            return float.fromhex(field.strip().decode("ascii"))
        except ValueError:
            return None
    return None


def field_value(field, column, j, where):
    """One field as a Python value of its column (bytes for strings); ``field`` is already
    without its quotes, None for an empty or NA field."""
    dtype, default = column
    if field is None:
        if default is None:
            raise InvalidArgumentError(
                f"Field {j} is required but missing in {where}! Give the column a default "
                "value to allow empty fields, in a list ([0]): a bare 1, 2, 3, 7 or 9 is read "
                "as a dtype, as TensorFlow reads it.")
        return default
    if dtype.kind == "O":
        return field
    value = _number(field, dtype)
    if value is None:
        name = "float" if dtype.kind == "f" else dtype_name(dtype)
        raise InvalidArgumentError(
            f"Field {j} in {where} is not a valid {name}: {field.decode('utf-8', 'replace')}")
    return value


def convert_field(field, column, j, where):
    """One field as a 0-d array of its column."""
    dtype = column[0]
    value = field_value(field, column, j, where)
    if dtype.kind == "O":
        return files.scalar_string(value)
    if dtype.kind == "f" and dtype.itemsize == 4 and abs(value) > _FLOAT32_MAX:
        with np.errstate(over="ignore"):  # beyond float32's range: inf, as strtof gives
            return np.array(value, dtype=dtype)
    return np.array(value, dtype=dtype)


def column_array(values, dtype):
    """A batch of one column's Python values as a 1-d array."""
    if dtype.kind == "O":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    with np.errstate(over="ignore"):
        return np.array(values, dtype=dtype)


# -- splitting records into fields ------------------------------------------------------------

def split_record(record, delim, use_quote):
    """The fields of one record (``decode_csv``'s rules: a record holds no line break
    outside quotes); an empty field is None. ``""`` has no fields."""
    if not record:
        return []
    if not use_quote or b'"' not in record:
        if b"\n" in record or b"\r" in record:
            raise InvalidArgumentError(
                "Unquoted fields cannot have quotes/CRLFs inside (a record holds one line; "
                f"received {record[:80]!r}).")
        return [f or None for f in record.split(delim)]
    fields, pos, n = [], 0, len(record)
    while True:
        if record[pos:pos + 1] == b'"':
            value, pos = _quoted(record, pos + 1)
            if pos is None:
                raise InvalidArgumentError(
                    "Quoted field has to end with quote followed by delim or end "
                    f"({record[:80]!r}).")
            if pos < n and record[pos:pos + 1] != delim:
                raise InvalidArgumentError(
                    f"Quote inside a string has to be escaped by another quote "
                    f"({record[:80]!r}).")
        else:
            end = record.find(delim, pos)
            end = n if end < 0 else end
            value = record[pos:end]
            if b'"' in value or b"\n" in value or b"\r" in value:
                raise InvalidArgumentError(
                    f"Unquoted fields cannot have quotes/CRLFs inside ({record[:80]!r}).")
            pos = end
        fields.append(value or None)
        if pos >= n:
            return fields
        pos += 1  # the delimiter
        if pos == n:
            fields.append(None)
            return fields


def _quoted(text, pos):
    """The content of a quoted field whose opening quote is just before ``pos``, and the
    position after its closing quote (None when it does not close in ``text``)."""
    parts = []
    while True:
        close = text.find(b'"', pos)
        if close < 0:
            return None, None
        parts.append(text[pos:close])
        if text[close + 1:close + 2] == b'"':
            parts.append(b'"')
            pos = close + 2
            continue
        return b"".join(parts), close + 1


def lines_of(file):
    """``(content, terminator)`` for each line of a binary file; CR, LF and CRLF end lines."""
    carry = b""
    while True:
        chunk = file.read(1 << 16)
        if not chunk:
            break
        chunk = carry + chunk
        if chunk.endswith(b"\r"):
            chunk, carry = chunk[:-1], b"\r"  # its LF may start the next chunk
        else:
            carry = b""
        pieces = _TERMINATOR.split(chunk)
        carry = pieces.pop() + carry
        for k in range(0, len(pieces), 2):
            yield pieces[k], pieces[k + 1]
    if carry:
        if carry.endswith(b"\r"):
            yield carry[:-1], b"\r"
        else:
            yield carry, b""


def file_records(lines, delim, use_quote, path):
    """The records of a CSV file as lists of fields (None for empty ones); quoted fields may
    hold line breaks."""
    for content, terminator in lines:
        if not use_quote or b'"' not in content:
            yield [f or None for f in content.split(delim)]
            continue
        text, pending = content, terminator
        fields, pos = [], 0
        while True:
            if text[pos:pos + 1] == b'"':
                value, end = _quoted(text, pos + 1)
                while end is None:
                    more = next(lines, None)
                    if more is None:
                        raise InvalidArgumentError(
                            f"Reached end of file without closing quoted field in record "
                            f"({path!r}).")
                    text += pending + more[0]
                    pending = more[1]
                    value, end = _quoted(text, pos + 1)
                pos = end
                if pos < len(text) and text[pos:pos + 1] != delim:
                    raise InvalidArgumentError(
                        f"Reached end of file without closing quoted field in record: a quote "
                        f"inside a quoted field must be doubled ({path!r}: {text[:80]!r}).")
            else:
                end = text.find(delim, pos)
                end = len(text) if end < 0 else end
                value = text[pos:end]
                if b'"' in value:
                    raise InvalidArgumentError(
                        f"Unquoted fields cannot have quotes inside ({path!r}: {text[:80]!r}). "
                        "Quote the whole field and double the quotes, or pass "
                        "use_quote_delim=False.")
                pos = end
            fields.append(value or None)
            if pos >= len(text):
                break
            pos += 1
            if pos == len(text):
                fields.append(None)
                break
        yield fields


# -- choosing the columns ---------------------------------------------------------------------

def _index_list(value, argument, where):
    if value is None:
        return None
    indices = [int(v) for v in np.asarray(value.data if isinstance(value, Tensor) else value,
                                          dtype=np.int64).reshape(-1)]
    if any(b <= a for a, b in zip(indices, indices[1:])) or (indices and indices[0] < 0):
        raise InvalidArgumentError(
            f"{argument} should be strictly increasing indices ({where}: received {indices}).")
    return indices or None


class Columns:
    """Which fields of a record become the output, and the checks on their number."""

    def __init__(self, n_out, select_cols, exclude_cols, where):
        self.n_out = n_out
        self.select = _index_list(select_cols, "select_cols", where)
        self.exclude = _index_list(exclude_cols, "exclude_cols", where)
        if self.select and self.exclude:
            raise InvalidArgumentError(
                f"Either select_cols or exclude_cols should be empty ({where}).")
        if self.select and len(self.select) != n_out:
            raise InvalidArgumentError(
                f"select_cols should match output size ({where}: {len(self.select)} columns "
                f"selected, {n_out} record_defaults).")

    def pick(self, fields, where):
        n = self.n_out
        if self.select:
            found = sum(1 for i in self.select if i < len(fields))
            if found < n:
                raise InvalidArgumentError(f"Expect {n} fields but have {found} in {where}")
            return [fields[i] for i in self.select]
        if self.exclude:
            excluded = set(self.exclude)
            fields = [f for i, f in enumerate(fields) if i not in excluded]
        if len(fields) != n:
            have = "more" if len(fields) > n else len(fields)
            raise InvalidArgumentError(f"Expect {n} fields but have {have} in {where}")
        return fields


def single_byte(field_delim, where):
    delim = field_delim.encode("utf-8") if isinstance(field_delim, str) else bytes(field_delim)
    if len(delim) != 1:
        raise InvalidArgumentError(f"field_delim should be only 1 char ({where}: received "
                                   f"{field_delim!r}).")
    return delim


def text_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)
