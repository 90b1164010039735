"""``tf.compat``: TF's string and shape helpers, forward compatibility, ``v1`` and ``v2``.

``tf.compat.v2`` is featherflow itself; ``tf.compat.v1`` holds the TF 1 names TF 2 code still
calls in eager programs (featherflow/api/compat_v1.py, docs/tf_core.md).

    >>> tf.compat.as_bytes("caf\u00e9")
    b'caf\\xc3\\xa9'
    >>> tf.compat.dimension_value(tf.compat.v1.Dimension(3))
    3
"""

import codecs
import contextlib
import datetime
import importlib
import numbers
import os

import numpy as np

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)

# TF 2.21's forward-compatibility horizon (tensorflow/python/compat/compat.py).
_HORIZON = datetime.date(2026, 1, 16)
_DELTA_DAYS_VAR = "TF_FORWARD_COMPATIBILITY_DELTA_DAYS"


def as_bytes(bytes_or_text, encoding="utf-8"):
    """``bytes`` of a ``bytearray``, ``bytes`` or ``str`` (encoded with ``encoding``)."""
    encoding = codecs.lookup(encoding).name
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    """``str`` of a ``str`` or ``bytes`` (decoded with ``encoding``)."""
    encoding = codecs.lookup(encoding).name
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value, encoding="utf-8"):
    """``str(value)``, except that ``bytes`` are decoded."""
    if isinstance(value, bytes):
        return as_str(value, encoding=encoding)
    return str(value)


def path_to_str(path):
    """The ``str`` of an ``os.PathLike``; anything else unchanged."""
    if hasattr(path, "__fspath__"):
        path = as_str_any(path.__fspath__())
    return path


class Dimension:
    """One dimension of a TF 1 ``TensorShape``: ``value`` is an int or None (unknown).

    Comparisons with an unknown dimension give None, as TF's; arithmetic keeps unknowns
    unknown.

        >>> tf.compat.v1.Dimension(3) * 2
        Dimension(6)
    """

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value.value
        if value is None:
            self._value = None
            return
        if isinstance(value, (bytes, str, float)) or not isinstance(value, integral_types):
            raise TypeError("Dimension value must be integer or None or have an __index__ "
                            f"method, got value '{value!r}' with type '{type(value)}'")
        self._value = int(value)
        if self._value < 0:
            raise ValueError(f"Dimension {self._value} must be >= 0")

    @property
    def value(self):
        return self._value

    def __repr__(self):
        return f"Dimension({self._value!r})"

    def __str__(self):
        return "?" if self._value is None else str(self._value)

    def __int__(self):
        return self._value

    def __index__(self):
        return self._value

    def __bool__(self):
        return bool(self._value)

    def __hash__(self):
        return hash(self._value)

    def _other(self, other):
        try:
            return other if isinstance(other, Dimension) else Dimension(other)
        except TypeError:
            return None

    def __eq__(self, other):
        other = self._other(other)
        if other is None:
            return NotImplemented
        if self._value is None or other.value is None:
            return None
        return self._value == other.value

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is None or equal is NotImplemented else not equal

    def _combine(self, other, op):
        other = self._other(other)
        if other is None:
            return NotImplemented
        if self._value is None or other.value is None:
            return Dimension(None)
        return Dimension(op(self._value, other.value))

    def __add__(self, other):
        return self._combine(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._other(other)._combine(self, lambda a, b: a - b)

    def __mul__(self, other):
        return self._combine(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return self._combine(other, lambda a, b: a // b)

    def __mod__(self, other):
        return self._combine(other, lambda a, b: a % b)

    def is_compatible_with(self, other):
        other = Dimension(other)
        return self._value is None or other.value is None or self._value == other.value

    def merge_with(self, other):
        other = Dimension(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")
        return Dimension(self._value if self._value is not None else other.value)


def dimension_value(dimension):
    """The int (or None) of a ``Dimension``; an int or None unchanged."""
    if isinstance(dimension, Dimension):
        return dimension.value
    return dimension


def dimension_at_index(shape, index):
    """``shape[index]`` as a ``Dimension`` (``Dimension(None)`` when the rank is unknown)."""
    if shape is None or getattr(shape, "rank", 0) is None:
        return Dimension(None)
    dims = list(shape.as_list() if hasattr(shape, "as_list") else shape)
    return Dimension(dims[index])


def _date_number(year, month, day):
    return (year << 9) | (month << 5) | day


def _horizon_number():
    date = _HORIZON
    delta = os.getenv(_DELTA_DAYS_VAR)
    if delta:
        date += datetime.timedelta(days=int(delta))
    return _date_number(date.year, date.month, date.day)


_override = []


def forward_compatible(year, month, day):
    """True when graphs may use features gated on ``(year, month, day)``: the date is before
    TF 2.21's horizon (2026-01-16, moved by ``TF_FORWARD_COMPATIBILITY_DELTA_DAYS``, or by
    ``forward_compatibility_horizon``)."""
    horizon = _override[-1] if _override else _horizon_number()
    return horizon > _date_number(year, month, day)


@contextlib.contextmanager
def forward_compatibility_horizon(year, month, day):
    """Inside the ``with``, ``forward_compatible`` answers as if the horizon were this date
    (a date before TF's horizon is ignored, as in TF)."""
    date = datetime.date(year, month, day)
    pushed = date >= _HORIZON
    if pushed:
        _override.append(_date_number(year, month, day))
    else:
        import logging  # the "tensorflow" logger, only for this warning

        logging.getLogger("tensorflow").warning(
            "Trying to set the forward compatibility date to the past date %s. This will be "
            "ignored by TensorFlow.", date)
    try:
        yield
    finally:
        if pushed:
            _override.pop()


def __getattr__(name):
    if name == "v2":
        return importlib.import_module("featherflow")
    if name == "v1":
        return importlib.import_module("featherflow.api.compat_v1")
    raise AttributeError(f"module 'featherflow.compat' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"v1", "v2"})
