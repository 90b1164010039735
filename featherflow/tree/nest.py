"""``tf.nest``: TensorFlow's nested-structure functions, on the same walk as ``keras.tree``.

Where they differ from ``keras.tree`` (see :mod:`featherflow.tree.kinds`): attrs classes are
nested, an ``OrderedDict`` flattens by sorted key, namedtuples of the same name and fields match,
and two nests of different types raise ``TypeError`` (with ``check_types=True``). featherflow has
no composite tensors, so ``expand_composites`` is accepted and changes nothing.

Example:
    >>> import featherflow as tf
    >>> tf.nest.flatten({"b": (1, 2), "a": 3})
    [3, 1, 2]
    >>> tf.nest.pack_sequence_as({"b": (0, 0), "a": 0}, [30, 10, 20])
    {'b': (10, 20), 'a': 30}
"""

from __future__ import annotations

from featherflow.tree import kinds, walk
from featherflow.tree.kinds import LEAF, NEST


def is_nested(seq) -> bool:
    """Whether ``seq`` is a list, tuple, namedtuple, mapping, deque or attrs object."""
    return kinds.kind_of(seq, NEST) != LEAF


def flatten(structure, expand_composites=False) -> list:
    """The leaves of ``structure`` in order; mappings by sorted key."""
    del expand_composites  # no composite tensors in featherflow
    return walk.flatten(structure, NEST)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """``flat_sequence`` packed into the shape of ``structure`` (the inverse of ``flatten``)."""
    del expand_composites
    return walk.pack_sequence_as(structure, flat_sequence, NEST)


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False) -> None:
    """Raise ``ValueError`` for a different layout, ``TypeError`` for different sequence types."""
    del expand_composites
    walk.assert_same_structure(nest1, nest2, NEST, check_types=check_types)


def map_structure(func, *structure, **kwargs):
    """``func`` applied leaf-wise; keyword arguments ``check_types`` and ``expand_composites``."""
    unknown = set(kwargs) - {"check_types", "expand_composites"}
    if unknown:
        raise ValueError(
            "Only valid keyword arguments are `check_types` and `expand_composites`, not: "
            + ", ".join(f"`{k}`" for k in sorted(unknown)))
    return walk.map_structure(func, structure, NEST, check_types=kwargs.get("check_types", True))
