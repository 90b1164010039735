"""The rest of ``tf.strings``' Unicode ops: ``unicode_transcode``,
``unicode_decode_with_offsets``, ``unicode_split_with_offsets``, ``unicode_script`` and
``to_hash_bucket``, plus the UTF-16-BE / UTF-32-BE encodings of ``unicode_decode``,
``unicode_split`` and ``unicode_encode``.

- Encodings: ``UTF-8``, ``UTF-16-BE``, ``UTF-32-BE`` (TensorFlow's spellings; ``UTF8`` and
  other ICU aliases of those three are accepted as ICU accepts them) for output; input may
  also be any encoding Python's codecs know (ICU names such as ``ISO-8859-1``, ``US-ASCII``,
  ``windows-1252``), as TensorFlow reads any ICU encoding.
- ``errors``: ``replace`` substitutes ``replacement_char`` for each maximal ill-formed
  subsequence (the Unicode rule ICU follows), ``ignore`` drops it, ``strict`` raises
  InvalidArgumentError. ``replace_control_characters`` replaces the C0 controls (below
  U+0020; TensorFlow keeps DEL and the C1 controls).
- Offsets are byte offsets of each character's first byte in the input (int64).
- ``unicode_script`` gives ICU's UScriptCode per code point, from a table recorded from
  TensorFlow 2.21 over every code point (featherflow/api/data/unicode_scripts.npz; -1 for
  values that are not code points).
"""

import codecs
import os
import threading

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

_UNITS = {"UTF8": "utf-8", "UTF16BE": "utf-16-be", "UTF32BE": "utf-32-be"}
_ERRORS = ("strict", "replace", "ignore")


def _codec(name, op, argument, any_codec=False):
    key = str(name).upper().replace("-", "").replace("_", "")
    if key in _UNITS:
        return _UNITS[key]
    if any_codec:
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
        raise InvalidArgumentError(f"Could not create converter for input encoding: {name}")
    raise InvalidArgumentError(
        f"tf.strings.{op}: {argument} must be one of 'UTF-8', 'UTF-16-BE', 'UTF-32-BE'; "
        f"received {name!r}")


def _check_errors(errors, op):
    if errors not in _ERRORS:
        raise ValueError(f"tf.strings.{op}: errors must be one of {_ERRORS}; received "
                         f"{errors!r}")


_SPANS = threading.local()


def _record(err):
    _SPANS.spans.append((err.start, err.end))
    return "\ufffd", err.end


codecs.register_error("featherflow_offsets", _record)


def _char_bytes(char, codec):
    if codec == "utf-8":
        return len(char.encode("utf-8", "surrogatepass"))
    if codec == "utf-16-be":
        return 4 if ord(char) > 0xFFFF else 2
    if codec == "utf-32-be":
        return 4
    return len(char.encode(codec, "replace"))


def decode_one(raw, codec, errors, replacement_char, replace_control, op):
    """(code points, byte offsets) of one string."""
    if errors == "strict":
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as err:
            raise InvalidArgumentError(
                f"tf.strings.{op}: Invalid formatting on input string ({err}); pass "
                "errors='replace' to substitute a replacement character.") from None
        spans = []
    else:
        _SPANS.spans = spans = []
        text = raw.decode(codec, "featherflow_offsets")
    points, offsets = [], []
    pos, k = 0, 0
    for char in text:
        if char == "\ufffd" and k < len(spans) and spans[k][0] == pos:
            start, end = spans[k]
            k += 1
            pos = end
            if errors == "ignore":
                continue
            points.append(replacement_char)
            offsets.append(start)
            continue
        point = ord(char)
        if replace_control and point < 32:  # C0 controls only, as TensorFlow (not DEL, C1)
            point = replacement_char
        points.append(point)
        offsets.append(pos)
        pos += _char_bytes(char, codec)
    return points, offsets


def _encode_point(point, codec, errors, replacement_char):
    if 0 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
        return chr(point).encode(codec)
    if errors == "strict":
        raise InvalidArgumentError(f"tf.strings.unicode_encode: {point} is not a valid code "
                                   "point; pass errors='replace' to substitute it")
    if errors == "ignore":
        return b""
    return chr(replacement_char).encode(codec)


def encode_points(points, codec, errors, replacement_char):
    if codec == "utf-8" and all(0 <= p <= 0x10FFFF and not 0xD800 <= p <= 0xDFFF
                                for p in points):
        return "".join(map(chr, points)).encode("utf-8")
    return b"".join(_encode_point(p, codec, errors, replacement_char) for p in points)


# -- element-wise over dense or ragged string tensors ----------------------------------------
def _strings(value):
    from featherflow.ops.strings import string_array

    return string_array(value)


def _ragged_cls():
    from featherflow.api.ragged_tensor import RaggedTensor

    return RaggedTensor


def _map_strings(value, fn):
    """Apply ``fn(bytes) -> bytes`` to every string of a dense or ragged string tensor."""
    if isinstance(value, _ragged_cls()):
        return value.with_flat_values(_map_strings(value.flat_values, fn))
    a = _strings(value)
    out = np.empty(a.shape, object)
    flat = out.reshape(-1)
    for i, s in enumerate(a.reshape(-1).tolist()):
        flat[i] = fn(s)
    return Tensor(out)


def _rows_to_ragged(a, rows, dtype):
    """A RaggedTensor with one row per string of ``a`` (shape ``a.shape + [None]``), or a
    dense 1-D tensor for a scalar ``a``."""
    if a.ndim == 0:
        return Tensor(np.asarray(rows[0], dtype))
    RaggedTensor = _ragged_cls()
    lengths = np.array([len(r) for r in rows], np.int64)
    flat = np.asarray([v for r in rows for v in r], dtype)
    if dtype is object:
        values = np.empty(len(flat), object)
        values[:] = [v for r in rows for v in r]
        flat = values
    result = RaggedTensor.from_row_lengths(Tensor(flat), Tensor(lengths))
    for dim in reversed(a.shape[1:]):
        result = RaggedTensor.from_uniform_row_length(result, dim)
    return result


def _decode_all(input, op, input_encoding, errors, replacement_char, replace_control):  # noqa: A002
    _check_errors(errors, op)
    codec = _codec(input_encoding, op, "input_encoding", any_codec=True)
    if isinstance(input, _ragged_cls()):
        points, offsets = _decode_all(input.flat_values, op, input_encoding, errors,
                                      replacement_char, replace_control)
        return input.with_flat_values(points), input.with_flat_values(offsets)
    a = _strings(input)
    decoded = [decode_one(s, codec, errors, replacement_char, replace_control, op)
               for s in a.reshape(-1).tolist()]
    return (_rows_to_ragged(a, [d[0] for d in decoded], np.int32),
            _rows_to_ragged(a, [d[1] for d in decoded], np.int64))


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """Each string's int32 code points (a RaggedTensor for a batch)."""
    return _decode_all(input, "unicode_decode", input_encoding, errors, replacement_char,
                       replace_control_characters)[0]


def unicode_decode_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                                replacement_char=65533, replace_control_characters=False,
                                name=None):
    """``(code points, byte offsets)`` of each string: the offset is where each character's
    first byte is in the input."""
    return _decode_all(input, "unicode_decode_with_offsets", input_encoding, errors,
                       replacement_char, replace_control_characters)


def _split_all(input, op, input_encoding, errors, replacement_char):  # noqa: A002
    _check_errors(errors, op)
    codec = _codec(input_encoding, op, "input_encoding", any_codec=True)
    if isinstance(input, _ragged_cls()):
        chars, offsets = _split_all(input.flat_values, op, input_encoding, errors,
                                    replacement_char)
        return input.with_flat_values(chars), input.with_flat_values(offsets)
    a = _strings(input)
    char_rows, offset_rows = [], []
    for s in a.reshape(-1).tolist():
        points, offsets = decode_one(s, codec, errors, replacement_char, False, op)
        char_rows.append([encode_points([p], codec, "replace", replacement_char)
                          for p in points])
        offset_rows.append(offsets)
    return _rows_to_ragged(a, char_rows, object), _rows_to_ragged(a, offset_rows, np.int64)


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                  name=None):
    """Each string's characters, each encoded in ``input_encoding``."""
    return _split_all(input, "unicode_split", input_encoding, errors, replacement_char)[0]


def unicode_split_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                               replacement_char=65533, name=None):
    """``(characters, byte offsets)`` of each string."""
    return _split_all(input, "unicode_split_with_offsets", input_encoding, errors,
                      replacement_char)


def unicode_transcode(input, input_encoding, output_encoding, errors="replace",  # noqa: A002
                      replacement_char=65533, replace_control_characters=False, name=None):
    """Each string re-encoded from ``input_encoding`` to ``output_encoding``."""
    _check_errors(errors, "unicode_transcode")
    source = _codec(input_encoding, "unicode_transcode", "input_encoding", any_codec=True)
    target = _codec(output_encoding, "unicode_transcode", "output_encoding")

    def one(raw):
        points, _ = decode_one(raw, source, errors, replacement_char,
                               replace_control_characters, "unicode_transcode")
        return encode_points(points, target, errors, replacement_char)

    return _map_strings(input, one)


# -- scripts --------------------------------------------------------------------------------
_SCRIPTS = None


def _script_table():
    global _SCRIPTS
    if _SCRIPTS is None:
        path = os.path.join(os.path.dirname(__file__), "data", "unicode_scripts.npz")
        with np.load(path) as f:
            _SCRIPTS = (f["starts"].astype(np.int64), f["codes"].astype(np.int32))
    return _SCRIPTS


def unicode_script(input, name=None):  # noqa: A002
    """ICU's UScriptCode (int32) of each int32 code point; -1 for a value that is not one."""
    if isinstance(input, _ragged_cls()):
        return input.with_flat_values(unicode_script(input.flat_values))
    a = np.asarray(input.data if isinstance(input, Tensor) else input)
    if a.dtype != np.int32:
        if a.dtype.kind not in "iu" or not np.can_cast(a.dtype, np.int32, "same_kind"):
            raise InvalidArgumentError(f"tf.strings.unicode_script: input must be int32 code "
                                       f"points; received {a.dtype.name}")
        a = a.astype(np.int32)
    starts, codes = _script_table()
    valid = (a >= 0) & (a <= 0x10FFFF)
    index = np.searchsorted(starts, np.where(valid, a, 0), side="right") - 1
    return Tensor(np.where(valid, codes[index], -1).astype(np.int32))


# -- hashing --------------------------------------------------------------------------------
def to_hash_bucket(string_tensor, num_buckets, name=None):
    """``Hash64(s) % num_buckets`` (TensorFlow's legacy hash; prefer
    ``to_hash_bucket_fast``), int64."""
    from featherflow.ops.hash64 import hash64

    if num_buckets < 1:
        raise InvalidArgumentError(f"tf.strings.to_hash_bucket: num_buckets must be >= 1, "
                                   f"received {num_buckets}")
    if isinstance(string_tensor, _ragged_cls()):
        return string_tensor.with_flat_values(to_hash_bucket(string_tensor.flat_values,
                                                             num_buckets))
    a = _strings(string_tensor)
    out = np.fromiter((hash64(s) % num_buckets for s in a.reshape(-1).tolist()), np.int64,
                      count=a.size)
    return Tensor(out.reshape(a.shape))
