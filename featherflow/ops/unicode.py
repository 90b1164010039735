"""UTF-8 strings to code points and characters and back, one scalar string at a time (what
``TextVectorization`` and ``Dataset.map`` functions call); ``tf.strings.unicode_*`` on batches,
offsets and other encodings are ``featherflow/api/strings_unicode.py``."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, strings_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops.strings import string_array

_REPLACEMENT = 0xFFFD
_ERRORS = ("strict", "replace", "ignore")


def _check_utf8(encoding, op, name):
    if encoding.upper().replace("-", "") != "UTF8":
        raise InvalidArgumentError(
            f"tf.strings.{op}: featherflow supports {name} 'UTF-8' only; received "
            f"{encoding!r}.")


def _scalar_text(input, op, errors, replacement_char):  # noqa: A002 - TF's argument name
    if errors not in _ERRORS:
        raise ValueError(f"tf.strings.{op}: errors must be one of {_ERRORS}; received "
                         f"{errors!r}.")
    data = string_array(input)
    if data.ndim != 0:
        raise TypeError(
            f"tf.strings.{op}: input of shape {list(data.shape)} would give a RaggedTensor, "
            f"which featherflow does not have yet (issue 15); pass one scalar string (e.g. "
            f"inside Dataset.map).")
    raw = data.item()
    if errors == "strict":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InvalidArgumentError(
                f"tf.strings.{op}: Invalid formatting on input string ({err}); pass "
                f"errors='replace' to substitute U+FFFD.") from None
    text = raw.decode("utf-8", "replace")
    if errors == "ignore":
        return text.replace("\ufffd", "")
    if replacement_char != _REPLACEMENT:
        return text.replace("\ufffd", chr(replacement_char))
    return text


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,
                   replace_control_characters=False, name=None):  # noqa: A002
    """``tf.strings.unicode_decode`` of a scalar UTF-8 string: its int32 code points.

    >>> tf.strings.unicode_decode("hé", "UTF-8").numpy()
    array([104, 233], dtype=int32)
    """
    _check_utf8(input_encoding, "unicode_decode", "input_encoding")
    text = _scalar_text(input, "unicode_decode", errors, replacement_char)
    points = [ord(c) for c in text]
    if replace_control_characters:
        points = [replacement_char if p < 32 else p for p in points]  # C0 only, as TF
    return Tensor(np.array(points, dtype=np.int32))


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533,
                  name=None):  # noqa: A002
    """``tf.strings.unicode_split`` of a scalar UTF-8 string: a 1-D tensor of its characters
    (each as UTF-8 bytes); invalid bytes become U+FFFD as with TF's ``errors='replace'``."""
    _check_utf8(input_encoding, "unicode_split", "input_encoding")
    text = _scalar_text(input, "unicode_split", errors, replacement_char)
    chars = [c.encode("utf-8") for c in text]
    return Tensor(strings_array(chars) if chars else np.empty((0,), dtype=object))


def _char(point, errors, replacement_char):
    if 0 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
        return chr(point)
    if errors == "strict":
        raise InvalidArgumentError(
            f"tf.strings.unicode_encode: {point} is not a valid code point; pass "
            f"errors='replace' to substitute U+FFFD.")
    return "" if errors == "ignore" else chr(replacement_char)


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533,
                   name=None):  # noqa: A002
    """``tf.strings.unicode_encode``: int32 code points along the last axis -> UTF-8
    strings (a rank-1 input gives a scalar); invalid code points become U+FFFD.

    >>> tf.strings.unicode_encode([104, 233], "UTF-8").numpy()
    b'h\\xc3\\xa9'
    """
    from featherflow.api.strings_unicode import _codec, encode_points

    codec = _codec(output_encoding, "unicode_encode", "output_encoding")
    if errors not in _ERRORS:
        raise ValueError(f"tf.strings.unicode_encode: errors must be one of {_ERRORS}; "
                         f"received {errors!r}.")
    points = np.asarray(input.data if isinstance(input, Tensor) else input)
    if points.ndim < 1:
        raise ValueError("tf.strings.unicode_encode: input_tensor's rank must be at least 1 "
                         "(a list of code points per string).")
    if points.size and points.dtype.kind not in "iu":
        raise TypeError(f"tf.strings.unicode_encode: input must hold int32 code points; "
                        f"received dtype {points.dtype}.")
    rows = points.reshape(-1, points.shape[-1]) if points.shape[-1] else None
    out = np.empty(points.shape[:-1], dtype=object)
    flat = out.reshape(-1)
    for i in range(flat.size):
        row = rows[i].tolist() if rows is not None else []
        flat[i] = encode_points(row, codec, errors, replacement_char)
    return Tensor(out)
