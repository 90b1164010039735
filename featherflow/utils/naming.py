"""Unique default names (``dense``, ``dense_1``, ...) as Keras gives them."""

import collections
import re

_COUNTS = collections.defaultdict(int)


def to_snake_case(name):
    """Keras's default-name rule: ``Conv2D`` -> ``conv2d``, ``MaxPooling2D`` ->
    ``max_pooling2d``, ``Dense`` -> ``dense``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    n = _COUNTS[prefix]
    _COUNTS[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset():
    """Forget the names given so far (``keras.backend.clear_session()``)."""
    _COUNTS.clear()
