"""String ops on string tensors (object arrays of UTF-8 ``bytes``), as ``tf.strings`` has them.

Each op works elementwise over any shape and returns a featherflow Tensor; none is
differentiable (TensorFlow has no gradient for strings either). Regular expressions use
Python's ``re`` on the UTF-8 text, after ``re2_syntax`` rewrote what the two read
differently (ASCII ``\\w``, RE2's ``\\s`` and ``$``, POSIX classes).
"""

import re

import numpy as np

from featherflow.autodiff.tensor import Tensor, strings_array
from featherflow.errors import InvalidArgumentError, OutOfRangeError
from featherflow.ops import re2_syntax

_UNITS = ("BYTE", "UTF8_CHAR")
# RE2 rewrites name groups as \0..\9 and write a backslash as \\; nothing else follows a \.
_REWRITE_TOKEN = re.compile(r"\\(.)", re.DOTALL)


def string_array(value, name="input"):
    """The object array of ``bytes`` behind a string Tensor, str/bytes or (nested) list.

    Raises TypeError for a numeric tensor, as TF does when a number meets a string op.
    """
    if isinstance(value, Tensor):
        data = value.data
    elif isinstance(value, np.ndarray):
        data = value
    else:
        data = np.asarray(value, dtype=object)
        if not all(isinstance(v, (str, bytes)) for v in data.reshape(-1)):
            raise TypeError(
                f"tf.strings: '{name}' must be a string tensor, str, bytes or list of them; "
                f"received {value!r}. Convert numbers first with tf.strings.as_string.")
        return strings_array(data)
    if data.dtype.kind in "SU":
        return strings_array(data)
    if data.dtype != object or not _all_bytes(data):
        raise TypeError(
            f"tf.strings: '{name}' must be a string tensor; received a tensor of dtype "
            f"{data.dtype}. Convert it first with tf.strings.as_string.")
    return data


def _all_bytes(data):
    return all(isinstance(v, bytes) for v in data.reshape(-1))


def _map(fn, data, dtype=object):
    """``fn`` applied to every element of ``data``, as a Tensor of ``dtype``."""
    out = np.empty(data.shape, dtype=dtype)
    flat_out = out.reshape(-1)
    for i, v in enumerate(data.reshape(-1)):
        flat_out[i] = fn(v)
    return Tensor(out)


def _check_unit(unit):
    if unit not in _UNITS:
        raise InvalidArgumentError(
            f"tf.strings: unit must be one of {_UNITS}; received {unit!r}.")


def _check_encoding(encoding, op):
    if encoding.lower().replace("-", "") not in ("", "utf8"):
        raise InvalidArgumentError(
            f"tf.strings.{op}: encoding must be '' (ASCII only) or 'utf-8'; received "
            f"{encoding!r}.")
    return bool(encoding)


def lower(input, encoding="", name=None):  # noqa: A002 - TF's argument name
    """``tf.strings.lower``: ASCII letters lowered; with ``encoding='utf-8'`` every letter."""
    if _check_encoding(encoding, "lower"):
        return _map(lambda v: v.decode("utf-8", "surrogateescape").lower()
                    .encode("utf-8", "surrogateescape"), string_array(input))
    return _map(bytes.lower, string_array(input))


def upper(input, encoding="", name=None):  # noqa: A002
    """``tf.strings.upper``: ASCII letters raised; with ``encoding='utf-8'`` every letter."""
    if _check_encoding(encoding, "upper"):
        return _map(lambda v: v.decode("utf-8", "surrogateescape").upper()
                    .encode("utf-8", "surrogateescape"), string_array(input))
    return _map(bytes.upper, string_array(input))


def strip(input, name=None):  # noqa: A002
    """``tf.strings.strip``: leading and trailing ASCII whitespace removed.

    >>> tf.strings.strip(["  a b \\n"]).numpy()
    array([b'a b'], dtype=object)
    """
    return _map(bytes.strip, string_array(input))


def _char_starts(v):
    """Byte offsets where each UTF-8 character of ``v`` begins (continuation bytes skipped)."""
    return [i for i, b in enumerate(v) if b & 0xC0 != 0x80]


def length(input, unit="BYTE", name=None):  # noqa: A002
    """``tf.strings.length``: int32 lengths in bytes, or in UTF-8 characters."""
    _check_unit(unit)
    if unit == "BYTE":
        return _map(len, string_array(input), np.int32)
    return _map(lambda v: len(_char_starts(v)), string_array(input), np.int32)


def _substr_one(v, pos, size, unit, index):
    starts = _char_starts(v) if unit == "UTF8_CHAR" else None
    count = len(v) if starts is None else len(starts)
    if pos > count or pos < -count:
        raise InvalidArgumentError(
            f"pos {pos} out of range for string {v!r} at index {index}: it must be in "
            f"[{-count}, {count}] ({unit} units).")
    if pos < 0:
        pos += count
    if size < 0:
        # TF's BYTE kernel treats a negative len as "to the end"; its UTF8_CHAR one as empty.
        size = count - pos if starts is None else 0
    end = min(count, pos + size)
    if starts is None:
        return v[pos:end]
    starts = starts + [len(v)]
    return v[starts[pos]:starts[end]]


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 - TF's argument names
    """``tf.strings.substr``: ``len`` bytes (or UTF-8 characters) from ``pos``.

    A negative ``pos`` counts from the end; ``pos`` beyond either end raises
    InvalidArgumentError, as in TF. ``pos`` and ``len`` are scalars, or tensors of one shape
    that broadcasts against ``input``.
    """
    _check_unit(unit)
    data = string_array(input)
    pos_a = np.asarray(pos.data if isinstance(pos, Tensor) else pos)
    len_a = np.asarray(len.data if isinstance(len, Tensor) else len)
    if pos_a.shape != len_a.shape:
        raise InvalidArgumentError(
            f"tf.strings.substr: pos and len should have the same shape, got: "
            f"{list(pos_a.shape)} vs. {list(len_a.shape)}.")
    if pos_a.dtype.kind not in "iu" or len_a.dtype.kind not in "iu":
        raise TypeError(
            f"tf.strings.substr: pos and len must be integers; received dtypes "
            f"{pos_a.dtype} and {len_a.dtype}.")
    if pos_a.ndim == 0:
        # One window for every string: skip broadcasting the offsets.
        start, size = int(pos_a), int(len_a)
        out = np.empty(data.shape, dtype=object)
        flat = out.reshape(-1)
        for i, v in enumerate(data.reshape(-1)):
            flat[i] = _substr_one(v, start, size, unit, i)
        return Tensor(out)
    try:
        data, pos_a, len_a = np.broadcast_arrays(data, pos_a, len_a)
    except ValueError:
        raise InvalidArgumentError(
            f"tf.strings.substr: input of shape {list(data.shape)} does not broadcast with "
            f"pos of shape {list(pos_a.shape)}.") from None
    out = np.empty(data.shape, dtype=object)
    flat = out.reshape(-1)
    for i, (v, p, s) in enumerate(zip(data.reshape(-1), pos_a.reshape(-1),
                                      len_a.reshape(-1))):
        flat[i] = _substr_one(v, int(p), int(s), unit, i)
    return Tensor(out)


def _compile(pattern, op):
    if isinstance(pattern, Tensor):
        pattern = pattern.data.item()
    if isinstance(pattern, bytes):
        pattern = pattern.decode("utf-8")
    try:
        return re.compile(re2_syntax.to_python(pattern))
    except InvalidArgumentError as err:
        raise InvalidArgumentError(f"tf.strings.{op}: {err}") from None
    except re.error as err:
        raise InvalidArgumentError(
            f"tf.strings.{op}: Invalid pattern: {pattern}, error: {err}.") from None


def _text(v):
    return v.decode("utf-8", "surrogateescape")


def _rewriter(rewrite, groups):
    """RE2's rewrite string as a Python ``re.sub`` template, or None where RE2 would refuse
    it (a group the pattern lacks, an unknown escape): TF then leaves the string unchanged."""
    if isinstance(rewrite, Tensor):
        rewrite = rewrite.data.item()
    if isinstance(rewrite, bytes):
        rewrite = rewrite.decode("utf-8", "surrogateescape")
    parts = []
    last = 0
    for token in _REWRITE_TOKEN.finditer(rewrite):
        parts.append(rewrite[last:token.start()].replace("\\", "\\\\"))
        char = token.group(1)
        if char == "\\":
            parts.append("\\\\")
        elif char.isdigit() and int(char) <= groups:
            parts.append(f"\\g<{char}>")
        else:
            return None
        last = token.end()
    parts.append(rewrite[last:].replace("\\", "\\\\"))
    return "".join(parts)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """``tf.strings.regex_replace``: matches of ``pattern`` replaced by ``rewrite``, whose
    ``\\1``..``\\9`` name groups and ``\\0`` the whole match (RE2's rewrite syntax)."""
    compiled = _compile(pattern, "regex_replace")
    replace = _rewriter(rewrite, compiled.groups)
    data = string_array(input)
    if replace is None:
        return Tensor(data.copy())
    count = 0 if replace_global else 1
    return _map(lambda v: compiled.sub(replace, _text(v), count=count)
                .encode("utf-8", "surrogateescape"), data)


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """``tf.strings.regex_full_match``: bool, whether all of each string matches ``pattern``.

    >>> tf.strings.regex_full_match(["#note", "data"], "#.*").numpy()
    array([ True, False])
    """
    compiled = _compile(pattern, "regex_full_match")
    return _map(lambda v: compiled.fullmatch(_text(v)) is not None, string_array(input),
                np.bool_)


def _separator(value, name):
    if isinstance(value, Tensor):
        value = value.data.item()
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError(f"tf.strings: '{name}' must be a string; received {value!r}.")
    return value


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """``tf.strings.split`` of a scalar string: a 1-D string tensor of its pieces.

    ``sep=None`` (or ``''``) splits on runs of ASCII whitespace and drops empty pieces;
    any other separator keeps them. TF returns a RaggedTensor for a batch of strings;
    featherflow has no RaggedTensor yet, so a batch raises TypeError instead of returning a
    different type (split each element inside ``Dataset.map``, or use ``unbatch`` first).
    """
    data = string_array(input)
    if data.ndim != 0:
        raise TypeError(
            f"tf.strings.split: input of shape {list(data.shape)} would give a RaggedTensor, "
            f"which featherflow does not have yet (issue 15); split scalar strings (e.g. "
            f"one line inside Dataset.map) instead.")
    sep = None if sep is None else _separator(sep, "sep")
    pieces = data.item().split(sep or None, -1 if maxsplit is None else maxsplit)
    return Tensor(strings_array(pieces) if pieces else np.empty((0,), dtype=object))


def bytes_split(input, name=None):  # noqa: A002
    """``tf.strings.bytes_split`` of a scalar string: a 1-D tensor of its single bytes."""
    data = string_array(input)
    if data.ndim != 0:
        raise TypeError(
            f"tf.strings.bytes_split: input of shape {list(data.shape)} would give a "
            f"RaggedTensor, which featherflow does not have yet (issue 15); pass a scalar.")
    v = data.item()
    return Tensor(strings_array([v[i:i + 1] for i in range(len(v))]) if v
                  else np.empty((0,), dtype=object))


def join(inputs, separator="", name=None):
    """``tf.strings.join``: the strings of ``inputs`` joined elementwise, broadcasting
    scalars against tensors (other shapes must match, as in TF)."""
    if isinstance(inputs, (Tensor, str, bytes)):
        raise TypeError("tf.strings.join: 'inputs' must be a list of string tensors; "
                        "received a single value. Use tf.strings.reduce_join to join the "
                        "elements of one tensor.")
    arrays = []
    for i, value in enumerate(inputs):
        if isinstance(value, Tensor) and value.data.dtype != object:
            raise InvalidArgumentError(
                f"tf.strings.join: input #{i} (zero-based) was expected to be a string "
                f"tensor but is a {value.data.dtype} tensor; use tf.strings.as_string.")
        arrays.append(string_array(value, f"inputs[{i}]"))
    shapes = {a.shape for a in arrays if a.ndim}
    if len(shapes) > 1:
        first, second = sorted(shapes)[:2]
        raise InvalidArgumentError(
            f"tf.strings.join: Input shapes do not match: {list(first)} vs. {list(second)}.")
    sep = _separator(separator, "separator")
    shape = shapes.pop() if shapes else ()
    arrays = [np.broadcast_to(a, shape) for a in arrays]
    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    columns = [a.reshape(-1) for a in arrays]
    for i in range(flat.size):
        flat[i] = sep.join(column[i] for column in columns)
    return Tensor(out)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """``tf.strings.reduce_join``: strings joined along ``axis`` (all axes when None)."""
    data = string_array(inputs, "inputs")
    sep = _separator(separator, "separator")
    if axis is None:
        axes = list(range(data.ndim - 1, -1, -1))
    else:
        if isinstance(axis, Tensor):
            axis = axis.data.tolist()
        axes = []
        for a in np.atleast_1d(np.asarray(axis)).tolist():
            if not -data.ndim <= a < data.ndim:
                raise OutOfRangeError(
                    f"tf.strings.reduce_join: Invalid reduction dimension {a} for input with "
                    f"{data.ndim} dimension(s).")
            if a % data.ndim not in axes:
                axes.append(a % data.ndim)
    kept = [d for d in range(data.ndim) if d not in axes]
    # TF reduces the listed axes one after another, so the first one varies fastest within
    # each joined run: move the reduced axes last, in reverse order, and read row-major.
    moved = np.transpose(data, kept + axes[::-1])
    run = int(np.prod([data.shape[d] for d in axes], dtype=np.int64))
    out = np.empty([data.shape[d] for d in kept], dtype=object)
    flat_rows = moved.reshape(out.size, run)
    flat = out.reshape(-1)
    for i in range(flat.size):
        flat[i] = sep.join(flat_rows[i])
    if keepdims:
        out = out.reshape([1 if d in axes else data.shape[d] for d in range(data.ndim)])
    return Tensor(out)


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """``tf.strings.unsorted_segment_join``: the strings of each segment joined in input
    order; ``segment_ids`` covers the leading axes of ``inputs``, empty segments give b''."""
    data = string_array(inputs, "inputs")
    ids = np.asarray(segment_ids.data if isinstance(segment_ids, Tensor) else segment_ids)
    count = int(num_segments.data if isinstance(num_segments, Tensor) else num_segments)
    if data.shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(
            f"tf.strings.unsorted_segment_join: segment_ids of shape {list(ids.shape)} must "
            f"match the leading axes of inputs, of shape {list(data.shape)}.")
    if ids.size and (ids.min() < 0 or ids.max() >= count):
        raise InvalidArgumentError(
            f"tf.strings.unsorted_segment_join: segment_ids are not allowed to exceed "
            f"num_segments ({count}) or to have negative values; received ids in "
            f"[{ids.min()}, {ids.max()}].")
    sep = _separator(separator, "separator")
    inner = data.shape[ids.ndim:]
    rows = data.reshape((ids.size,) + inner)
    pieces = [[] for _ in range(count)]
    for row, segment in zip(rows, ids.reshape(-1).tolist()):
        pieces[segment].append(row)
    out = np.empty((count,) + inner, dtype=object)
    for segment, members in enumerate(pieces):
        if not members:
            out[segment, ...] = b""
            continue
        stacked = np.stack(members).reshape(len(members), -1)
        joined = np.empty(stacked.shape[1], dtype=object)
        joined[:] = [sep.join(column) for column in stacked.T]
        out[segment, ...] = joined.reshape(inner)
    return Tensor(out)
