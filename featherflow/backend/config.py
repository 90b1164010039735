"""Global numeric settings: default float type and the fuzz factor epsilon."""

import numpy as np

_FLOATX = np.dtype("float32")
_FLOATX_NAME = "float32"  # dtype.name is slow; floatx() is on the per-step path
_EPSILON = 1e-7
_ALLOWED = ("float16", "float32", "float64")


def floatx():
    """Return the default float type as a string, e.g. ``"float32"``."""
    return _FLOATX_NAME


def floatx_dtype():
    """Return the default float type as a NumPy dtype (used on hot paths)."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type: one of ``"float16"``, ``"float32"``, ``"float64"``."""
    global _FLOATX, _FLOATX_NAME
    name = np.dtype(value).name
    if name not in _ALLOWED:
        raise ValueError(
            f"set_floatx: expected one of {_ALLOWED}, received {value!r}."
        )
    _FLOATX = np.dtype(name)
    _FLOATX_NAME = name


def epsilon():
    """Return the fuzz factor used to keep logs and divisions finite (Keras: 1e-7)."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor returned by :func:`epsilon`."""
    global _EPSILON
    _EPSILON = float(value)


# keras.config.disable_interactive_logging(): progress bars and summaries go to Python's
# logging (logger "keras") instead of stdout
_INTERACTIVE_LOGGING = True


def interactive_logging():
    return _INTERACTIVE_LOGGING


def set_interactive_logging(value):
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = bool(value)


class LoggingStream:
    """A write-only stream that sends each completed line to ``logging.getLogger("keras")``."""

    def __init__(self):
        self._pending = ""

    def write(self, text):
        import logging

        self._pending += text.replace("\r", "\n")
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                logging.getLogger("keras").info(line.rstrip())
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False
