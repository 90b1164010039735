"""Limits that keep a hostile or damaged file (or config) from costing unbounded memory or stack.

While a file or config is being loaded, every weight a layer creates (``Layer.add_weight``) and
every array read from the file without a model shape to check it against is charged to a
budget of bytes; going over it raises :class:`LoadLimitError` naming the file, the layer or
dataset and the sizes, before anything is allocated. Configs nested deeper than
``max_config_depth`` levels (JSON nesting) are refused the same way, never with a
``RecursionError``.

The budget is, unless set, ``1 GiB + 4 x the file's size`` (a real model's weights are in its
file, so it only stops files that declare far more than they hold) and 1 GiB for a config
loaded without a file (``model_from_json``). Lift it for genuinely huge models with
:func:`set_load_limits` or the ``FEATHERFLOW_LOAD_BUDGET_BYTES`` environment variable.

Example::

    >>> from featherflow.saving import set_load_limits
    >>> set_load_limits(max_bytes=64 << 30)       # a 64 GiB model built from a small config
    >>> set_load_limits(max_bytes=None)           # back to the automatic budget
"""

import contextlib
import math
import os
import threading

import numpy as np

BASE_BUDGET = 1 << 30
FILE_FACTOR = 4
DEFAULT_MAX_CONFIG_DEPTH = 200
ENV_BUDGET = "FEATHERFLOW_LOAD_BUDGET_BYTES"
_SETTINGS = {"max_bytes": None, "max_config_depth": DEFAULT_MAX_CONFIG_DEPTH}
_STATE = threading.local()
_LIFT = ("Lift the limit for a genuinely large model with "
         "featherflow.saving.set_load_limits(max_bytes=...) or the "
         f"{ENV_BUDGET} environment variable.")

# config entries that size a layer's weights or outputs (checked before the layer is built)
SIZE_KEYS = frozenset({
    "units", "filters", "kernel_size", "input_dim", "output_dim", "num_heads", "key_dim",
    "value_dim", "max_tokens", "num_tokens", "vocabulary_size", "embedding_dim",
    "intermediate_dim", "hidden_dim", "depth_multiplier", "num_bins", "output_sequence_length",
    "n", "size", "num_query_heads", "num_key_value_heads", "head_dim", "pool_size",
})


class LoadLimitError(ValueError):
    """A file or config asks for more memory or nesting than the loading limits allow."""


def set_load_limits(max_bytes=None, max_config_depth=DEFAULT_MAX_CONFIG_DEPTH):
    """Set the loading budget in bytes (None: automatic) and the deepest config nesting.

    Example::

        >>> featherflow.saving.set_load_limits(max_bytes=100 << 30)
    """
    if max_bytes is not None and (not isinstance(max_bytes, (int, np.integer))
                                  or isinstance(max_bytes, bool) or max_bytes <= 0):
        raise ValueError(
            f"set_load_limits: max_bytes must be a positive number of bytes or None (the "
            f"automatic budget); received {max_bytes!r}."
        )
    if not isinstance(max_config_depth, (int, np.integer)) or max_config_depth < 8:
        raise ValueError(
            "set_load_limits: max_config_depth must be an integer of at least 8; received "
            f"{max_config_depth!r}."
        )
    _SETTINGS["max_bytes"] = None if max_bytes is None else int(max_bytes)
    _SETTINGS["max_config_depth"] = int(max_config_depth)


def get_load_limits():
    """``{"max_bytes": ..., "max_config_depth": ...}`` as set (max_bytes None: automatic)."""
    return dict(_SETTINGS)


def _configured_bytes():
    if _SETTINGS["max_bytes"] is not None:
        return _SETTINGS["max_bytes"]
    text = os.environ.get(ENV_BUDGET)
    if text:
        try:
            value = int(float(text))
        except ValueError:
            raise ValueError(
                f"{ENV_BUDGET}={text!r} is not a number of bytes (e.g. 68719476736)."
            ) from None
        if value > 0:
            return value
    return None


class _Budget:
    def __init__(self, label, limit):
        self.label = label
        self.limit = limit
        self.used = 0


@contextlib.contextmanager
def loading(label, file_size=None):
    """Charge what is built or read inside to one budget; nested scopes share the outer one."""
    if getattr(_STATE, "budget", None) is not None:
        yield _STATE.budget
        return
    limit = _configured_bytes()
    if limit is None:
        limit = BASE_BUDGET + FILE_FACTOR * int(file_size or 0)
    _STATE.budget = _Budget(label, limit)
    try:
        yield _STATE.budget
    finally:
        _STATE.budget = None


def active():
    """Whether a loading budget is in force (inside :func:`loading`)."""
    return getattr(_STATE, "budget", None) is not None


def charge(nbytes, what):
    """Count ``nbytes`` against the active budget (no-op outside :func:`loading`)."""
    budget = getattr(_STATE, "budget", None)
    if budget is None:
        return
    nbytes = int(nbytes)
    if budget.used + nbytes > budget.limit:
        raise LoadLimitError(
            f"Loading {budget.label}: {what} needs {_size(nbytes)}, which with the "
            f"{_size(budget.used)} already loaded exceeds the loading budget of "
            f"{_size(budget.limit)}; refusing to allocate it (the file or config is corrupted, "
            f"malicious, or describes a very large model). {_LIFT}"
        )
    budget.used += nbytes


def charge_weight(layer_name, weight_name, shape, dtype):
    """Charge a weight a layer is about to create (shape x itemsize bytes)."""
    if getattr(_STATE, "budget", None) is None:
        return
    nbytes = math.prod(int(s) for s in shape) * np.dtype(dtype).itemsize
    charge(nbytes, f"layer {layer_name!r}: weight {weight_name!r} of shape {tuple(shape)} "
                   f"({np.dtype(dtype).name})")


def check_size_entries(config, where):
    """Refuse a layer config whose size entries (units, filters...) alone exceed the budget."""
    budget = getattr(_STATE, "budget", None)
    if budget is None or not isinstance(config, dict):
        return
    limit = budget.limit // 4  # elements of float32
    for key in SIZE_KEYS.intersection(config):
        values = config[key]
        values = values if isinstance(values, (list, tuple)) else [values]
        ints = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not ints:
            continue
        product = math.prod(abs(v) for v in ints)
        if product > limit:
            raise LoadLimitError(
                f"Loading {budget.label}: {where} has {key}={config[key]!r}, which alone would "
                f"need more than {_size(budget.limit)} of weights (the loading budget); "
                f"refusing to build it. {_LIFT}"
            )


def max_config_depth():
    return _SETTINGS["max_config_depth"]


def check_depth(config, label):
    """Refuse a config nested deeper than ``max_config_depth`` (walked without recursion)."""
    limit = _SETTINGS["max_config_depth"]
    stack = [(config, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, (list, tuple)):
            children = value
        else:
            continue
        if depth > limit:
            raise depth_error(label)
        stack.extend((child, depth + 1) for child in children)


def depth_error(label):
    return LoadLimitError(
        f"{label}: the configuration is nested more than {_SETTINGS['max_config_depth']} levels "
        "deep (layers inside wrappers inside models, or nested JSON); refusing it (a "
        "corrupted or malicious file, or an unusually deep model). Raise the limit with "
        "featherflow.saving.set_load_limits(max_config_depth=...)."
    )


def _size(nbytes):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit} ({nbytes} bytes)"
    return f"{nbytes} bytes"
