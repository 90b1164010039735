"""``tf.compat.v1.logging``: TF 1's logging functions on Python's ``"tensorflow"`` logger.

    >>> tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
    >>> tf.compat.v1.logging.get_verbosity()
    40
"""

import logging
import sys

DEBUG = logging.DEBUG
INFO = logging.INFO
WARN = logging.WARN
ERROR = logging.ERROR
FATAL = logging.FATAL

_counts = {}


def _logger():
    return logging.getLogger("tensorflow")


def log(level, msg, *args, **kwargs):
    _logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    _logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    _logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    _logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    _logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    _logger().fatal(msg, *args, **kwargs)


def vlog(level, msg, *args, **kwargs):
    _logger().log(level, msg, *args, **kwargs)


def _call_site():
    frame = sys._getframe(2)
    return frame.f_code.co_filename, frame.f_lineno


def log_every_n(level, msg, n, *args):
    """Log on the 1st, (n+1)th, (2n+1)th... call from the same line."""
    site = _call_site()
    count = _counts.get(site, 0)
    _counts[site] = count + 1
    if count % n == 0:
        log(level, msg, *args)


def log_first_n(level, msg, n, *args):
    """Log only the first ``n`` calls from the same line."""
    site = _call_site()
    count = _counts.get(site, 0)
    _counts[site] = count + 1
    if count < n:
        log(level, msg, *args)


def log_if(level, msg, condition, *args):
    if condition:
        log(level, msg, *args)


def TaskLevelStatusMessage(msg):  # noqa: N802 - TF's name
    error(msg)


def flush():
    for handler in _logger().handlers:
        handler.flush()


def get_verbosity():
    """The "tensorflow" logger's effective level."""
    return _logger().getEffectiveLevel()


def set_verbosity(v):
    """Set the "tensorflow" logger's level (``DEBUG``, ``INFO``, ``WARN``, ``ERROR``,
    ``FATAL`` or a number)."""
    _logger().setLevel(v)
