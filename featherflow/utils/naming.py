"""Unique default names (``dense``, ``dense_1``, ...) as Keras gives them."""

import collections
import re

_COUNTS = collections.defaultdict(int)


def to_snake_case(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()
    return s


def unique_name(prefix):
    n = _COUNTS[prefix]
    _COUNTS[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset():
    """Forget the names given so far (``keras.backend.clear_session()``)."""
    _COUNTS.clear()
