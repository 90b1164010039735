"""Numbers to strings and back, as ``tf.strings.to_number``, ``tf.strings.as_string`` and
``tf.strings.format`` do them: the same accepted spellings, printf formats and summaries."""

import re

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array, strings_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops.strings import string_array

_TO_NUMBER_TYPES = ("float32", "float64", "int32", "int64")
# What TF's string-to-number parsers accept once ASCII whitespace is stripped: decimal and
# hexadecimal floats (strtod's spellings, no '_' separators), inf/infinity/nan in any case.
_FLOAT = re.compile(
    rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan"
    rb"|0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?\d+)?)", re.IGNORECASE)
_INT = re.compile(rb"[+-]?\d+")
_FILLS = ("", "-", "0", " ", "+")


def _parse_float(text):
    if b"_" not in text and text.isascii():
        # Python's float reads every decimal spelling strtod does (and, once '_' and
        # non-ASCII digits are excluded, nothing more): the fast path.
        try:
            return float(text)
        except ValueError:
            pass
    if not _FLOAT.fullmatch(text):
        return None
    if b"x" in text or b"X" in text:
        return float.fromhex(text.decode("ascii"))
    return float(text)


def to_number(string_tensor, out_type="float32", name=None):
    """``tf.strings.to_number``: parse each string as ``out_type`` (float32 by default).

    A string that is not a number of that type (``'abc'``, ``'1.5'`` for an int, an int out
    of range) raises InvalidArgumentError, as TF's StringToNumber op does.

    >>> tf.strings.to_number(["1.5", " 2 "]).numpy()
    array([1.5, 2. ], dtype=float32)
    """
    dtype = np.dtype(out_type)
    if dtype.name not in _TO_NUMBER_TYPES:
        raise TypeError(
            f"tf.strings.to_number: out_type must be one of {_TO_NUMBER_TYPES}; received "
            f"{dtype.name}.")
    data = string_array(string_tensor, "string_tensor")
    is_float = dtype.kind == "f"
    low, high = (None, None) if is_float else (int(np.iinfo(dtype).min),
                                               int(np.iinfo(dtype).max))
    values = []
    for i, raw in enumerate(data.reshape(-1)):
        text = raw.strip()
        if is_float:
            value = _parse_float(text)
        else:
            value = int(text) if b"_" not in text and _INT.fullmatch(text) else None
            if value is not None and not low <= value <= high:
                value = None
        if value is None:
            raise InvalidArgumentError(
                f"StringToNumberOp could not correctly convert string: "
                f"{raw.decode('utf-8', 'replace')} (element {i}; out_type={dtype.name}).")
        values.append(value)
    # Out-of-range floats become inf, as strtof gives them.
    with np.errstate(over="ignore"):
        return Tensor(np.array(values, dtype=dtype).reshape(data.shape))


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",
              name=None):  # noqa: A002 - TF's argument name
    """``tf.strings.as_string``: each number as printf would write it (floats ``%f``,
    ``%e`` with ``scientific``, ``%g`` with ``shortest``; bools ``true``/``false``).

    >>> tf.strings.as_string([1.5, 2.0], precision=1).numpy()
    array([b'1.5', b'2.0'], dtype=object)
    """
    if isinstance(input, (str, bytes)):
        return Tensor(strings_array(input))
    # Python numbers convert as tf.constant would (floats to float32).
    data = input.data if isinstance(input, Tensor) else as_array(input)
    if data.dtype.kind in "OSU":
        return Tensor(string_array(input))
    if fill not in _FILLS:
        raise InvalidArgumentError(
            f'tf.strings.as_string: Fill argument not supported: "{fill}"; use one of '
            f"{_FILLS[1:]}.")
    if scientific and shortest:
        raise InvalidArgumentError(
            "tf.strings.as_string: Cannot select both scientific and shortest notation.")
    spec = "%" + fill + (str(width) if width > -1 else "")
    kind = data.dtype.kind
    if kind == "b":
        spec += "s"
        convert = _bool_word
    elif kind in "iu":
        if precision > -1:
            raise InvalidArgumentError(
                f"tf.strings.as_string: precision not supported for datatype {data.dtype}.")
        if scientific or shortest:
            raise InvalidArgumentError(
                f"tf.strings.as_string: scientific and shortest format not supported for "
                f"datatype {data.dtype}.")
        spec += "d"
        convert = int
    elif kind == "f":
        spec += (f".{precision}" if precision > -1 else "") + (
            "e" if scientific else "g" if shortest else "f")
        convert = float
    else:
        raise TypeError(
            f"tf.strings.as_string: cannot format a tensor of dtype {data.dtype}; expected "
            f"a number, bool or string tensor.")
    out = np.empty(data.shape, dtype=object)
    flat = out.reshape(-1)
    for i, v in enumerate(data.reshape(-1)):
        flat[i] = (spec % convert(v)).encode("ascii")
    return Tensor(out)


def _bool_word(value):
    return "true" if value else "false"


def _scalar_text(value, dtype):
    """One element as TF's tensor summaries print it: the shortest round-tripping float
    (6 then 9 digits for float32, 15 then 17 for float64), bools as 1/0, strings quoted."""
    if dtype.kind == "O":
        return '"' + value.decode("utf-8", "replace") + '"'
    if dtype.kind == "b":
        return "1" if value else "0"
    if dtype.kind == "f":
        short, full = (15, 17) if dtype.itemsize == 8 else (6, 9)
        text = f"{float(value):.{short}g}"
        if dtype.type(float(text)) != value and not np.isnan(value):
            text = f"{float(value):.{full}g}"
        return text
    return str(int(value))


def _summarize(data, summarize, depth=0):
    """The nested-bracket text of an array, eliding the middle of long dimensions."""
    if data.ndim == 0:
        return _scalar_text(data.item() if data.dtype.kind != "f" else data[()], data.dtype)
    n = data.shape[0]
    if summarize >= 0 and n > 2 * summarize:
        indices = list(range(summarize)) + [None] + list(range(n - summarize, n))
    else:
        indices = list(range(n))
    parts = ["..." if i is None else _summarize(data[i, ...], summarize, depth + 1)
             for i in indices]
    if data.ndim == 1:
        return "[" + " ".join(parts) + "]"
    joiner = "\n" * (data.ndim - 1) + " " * (depth + 1)
    return "[" + joiner.join(parts) + "]"


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """``tf.strings.format``: ``template`` with each ``placeholder`` replaced by the next
    input printed as TF prints tensors (the first and last ``summarize`` entries of each
    dimension; all of them when ``summarize`` is -1).

    >>> tf.strings.format("x={}", tf.constant([1, 2])).numpy()
    b'x=[1 2]'
    """
    if isinstance(inputs, (list, tuple)):
        values = list(inputs)
    else:
        values = [inputs]
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(values):
        raise ValueError(
            f"tf.strings.format: the template expects {len(pieces) - 1} tensors, but the "
            f"inputs has {len(values)}; make the placeholders ({placeholder!r}) match the "
            f"inputs.")
    text = [pieces[0]]
    for value, piece in zip(values, pieces[1:]):
        if isinstance(value, Tensor):
            data = value.data
        elif isinstance(value, (str, bytes)):
            data = strings_array(value)
        else:
            # Python values convert as tf.constant would (floats to float32).
            data = as_array(value)
        if data.dtype.kind in "SUO":
            data = string_array(data)
        text.append(_summarize(data, summarize))
        text.append(piece)
    return Tensor(strings_array("".join(text)))
