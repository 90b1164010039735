"""``tf.autograph``: what TensorFlow's graph conversion offers, for an eager library.

TensorFlow's AutoGraph rewrites Python control flow (``if``/``while`` on tensors) into graph
ops inside ``tf.function``. featherflow runs every function eagerly, so Python control flow on
tensors already works and nothing needs converting:

* ``to_graph(f)`` returns ``f`` itself (TensorFlow returns a converted copy that behaves the
  same when run eagerly).
* ``to_code(f)`` returns ``f``'s own source (TensorFlow returns the converted source).
* ``trace(*args)`` prints its arguments on every call (TensorFlow prints them when tracing).
* ``set_verbosity`` is kept (``AUTOGRAPH_VERBOSITY`` is read as TensorFlow does); there is no
  conversion to log.
* ``experimental.do_not_convert`` returns the function; ``experimental.set_loop_options`` is
  accepted and does nothing (eager loops have no parallel_iterations); ``experimental.Feature``
  is TensorFlow's enum.
"""

import enum
import inspect
import os
import sys
import textwrap

__all__ = ["experimental", "set_verbosity", "to_code", "to_graph", "trace"]

_verbosity = {"level": None, "alsologtostdout": False}


def set_verbosity(level, alsologtostdout=False):
    """Keep AutoGraph's verbosity (``level`` an int >= 0), as ``tf.autograph.set_verbosity``."""
    if isinstance(level, bool) or not isinstance(level, int) or level < 0:
        raise ValueError(f"set_verbosity: level must be an int >= 0; received {level!r}.")
    _verbosity["level"] = level
    _verbosity["alsologtostdout"] = bool(alsologtostdout)


def get_verbosity():
    """The level given to :func:`set_verbosity`, else ``AUTOGRAPH_VERBOSITY`` (default 0)."""
    if _verbosity["level"] is not None:
        return _verbosity["level"]
    return int(os.environ.get("AUTOGRAPH_VERBOSITY", 0))


def trace(*args):
    """Print ``args`` (TensorFlow prints them once, while tracing; featherflow does not
    trace, so they print on every call)."""
    print(*args)
    sys.stdout.flush()


def _check_entity(entity, where):
    if not callable(entity):
        raise TypeError(f"tf.autograph.{where}: expected a function, method or class; "
                        f"received {entity!r} of type {type(entity).__name__}.")


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """``entity`` itself: featherflow runs Python control flow on tensors eagerly, so there
    is nothing to convert."""
    _check_entity(entity, "to_graph")
    return entity


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The source code of ``entity`` (unconverted: featherflow does not convert)."""
    _check_entity(entity, "to_code")
    try:
        source = inspect.getsource(entity)
    except (OSError, TypeError) as err:
        raise ValueError(f"tf.autograph.to_code: the source of {entity!r} is not available "
                         f"({err}).") from None
    return textwrap.dedent(source)


class Feature(enum.Enum):
    """TensorFlow's optional AutoGraph features (accepted, nothing to switch eagerly)."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def do_not_convert(func=None):
    """``func`` unchanged (or a decorator that returns its function unchanged)."""
    if func is None:
        return lambda f: f
    return func


def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                     shape_invariants=None):
    """Accepted for compatibility: an eager Python loop has no graph loop options."""
    if maximum_iterations is not None and int(maximum_iterations) < 0:
        raise ValueError(f"set_loop_options: maximum_iterations must be >= 0; received "
                         f"{maximum_iterations!r}.")


class experimental:  # noqa: N801 - the TF namespace
    Feature = Feature
    do_not_convert = staticmethod(do_not_convert)
    set_loop_options = staticmethod(set_loop_options)
