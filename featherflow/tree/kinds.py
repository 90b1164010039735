"""What counts as a nested structure, how to take one apart and how to rebuild it.

``keras.tree`` and ``tf.nest`` agree on most of this and differ in four places, each a field of
:class:`Rules`: ``tf.nest`` walks attrs classes and sorts an ``OrderedDict`` by key, ``keras.tree``
keeps an ``OrderedDict`` in insertion order and falls back to insertion order for keys that do not
sort; ``tf.nest`` takes two namedtuple classes of the same name and fields for the same type.
Both take ``None``, strings, arrays and tensors for leaves. Subclasses of ``list``/``tuple`` other
than namedtuples are leaves (as in Keras; this keeps ``TensorShape``, a tuple, a leaf as in TF).

The kind of a value depends on its type only, so it is cached per type: flattening a list of
tensors costs one dict lookup per element.
"""

from __future__ import annotations

import collections
import collections.abc
from dataclasses import dataclass, field

LEAF = 0
LIST = 1
TUPLE = 2
NAMEDTUPLE = 3
MAPPING = 4
ORDERED = 5  # a mapping walked in insertion order
DEQUE = 6
ATTRS = 7


@dataclass(frozen=True)
class Rules:
    """The behaviour that differs between ``keras.tree`` and ``tf.nest``."""

    name: str
    attrs_nested: bool
    ordered_dict_insertion_order: bool
    unsortable_keys_in_insertion_order: bool
    namedtuples_equal_by_name: bool
    # The class of error for two nests of different types (tf.nest: TypeError, as TF code catches).
    type_mismatch_error: type
    kinds: dict = field(default_factory=dict, compare=False, repr=False)


KERAS = Rules("keras.tree", attrs_nested=False, ordered_dict_insertion_order=True,
              unsortable_keys_in_insertion_order=True, namedtuples_equal_by_name=False,
              type_mismatch_error=ValueError)
NEST = Rules("tf.nest", attrs_nested=True, ordered_dict_insertion_order=False,
             unsortable_keys_in_insertion_order=False, namedtuples_equal_by_name=True,
             type_mismatch_error=TypeError)


def kind_of(value, rules: Rules) -> int:
    cls = type(value)
    kind = rules.kinds.get(cls)
    if kind is None:
        kind = rules.kinds[cls] = _classify(cls, rules)
    return kind


def _classify(cls, rules: Rules) -> int:
    if cls is list:
        return LIST
    if cls is tuple:
        return TUPLE
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return NAMEDTUPLE
    if issubclass(cls, collections.OrderedDict) and rules.ordered_dict_insertion_order:
        return ORDERED
    if issubclass(cls, collections.abc.Mapping):
        return MAPPING
    if issubclass(cls, collections.deque):
        return DEQUE
    if rules.attrs_nested and hasattr(cls, "__attrs_attrs__"):
        return ATTRS
    return LEAF


def sorted_keys(mapping, rules: Rules) -> list:
    try:
        return sorted(mapping)
    except TypeError as e:
        if rules.unsortable_keys_in_insertion_order:
            return list(mapping)
        raise TypeError(
            f"{rules.name} sorts dictionary keys to flatten a dict, but these keys do not sort: "
            f"{list(mapping)!r} ({e}). Use keys of one type (e.g. all str).") from None


def keys(value, kind: int, rules: Rules) -> list:
    """The child keys of a nested value in flattening order (indices for sequences)."""
    if kind == MAPPING:
        return sorted_keys(value, rules)
    if kind == ORDERED:
        return list(value)
    if kind == ATTRS:
        return [a.name for a in type(value).__attrs_attrs__]
    return list(range(len(value)))


def children(value, kind: int, rules: Rules) -> list:
    """The children of a nested value in flattening order."""
    if kind == LIST or kind == TUPLE or kind == NAMEDTUPLE or kind == DEQUE:
        return list(value)
    if kind == ATTRS:
        return [getattr(value, a.name) for a in type(value).__attrs_attrs__]
    return [value[k] for k in keys(value, kind, rules)]


def rebuild(like, kind: int, values: list, rules: Rules):
    """A value of ``like``'s type holding ``values`` (in flattening order)."""
    if kind == LIST:
        return list(values)
    if kind == TUPLE:
        return tuple(values)
    if kind == NAMEDTUPLE or kind == ATTRS:
        return type(like)(*values)
    if kind == DEQUE:
        return collections.deque(values, maxlen=like.maxlen)
    by_key = dict(zip(keys(like, kind, rules), values))
    # The result keeps the key order of ``like``, only the flattening order is sorted.
    if isinstance(like, collections.defaultdict):
        out = collections.defaultdict(like.default_factory)
        for k in like:
            out[k] = by_key[k]
        return out
    return type(like)((k, by_key[k]) for k in like)


def same_type(a, kind_a: int, b, kind_b: int, rules: Rules) -> bool:
    """Whether two nested values are of the same structure type (children not compared)."""
    if kind_a in (MAPPING, ORDERED) and kind_b in (MAPPING, ORDERED):
        # dict, OrderedDict and defaultdict are interchangeable in both APIs: keys match keys.
        return True
    if kind_a != kind_b:
        return False
    if kind_a == NAMEDTUPLE or kind_a == ATTRS:
        if type(a) is type(b):
            return True
        return (rules.namedtuples_equal_by_name and kind_a == NAMEDTUPLE
                and type(a).__name__ == type(b).__name__ and a._fields == b._fields)
    return True


def describe(value, kind: int, rules: Rules) -> str:
    if kind == LEAF:
        return f"a leaf of type {type(value).__name__}"
    if kind in (MAPPING, ORDERED):
        return f"a {type(value).__name__} with keys {list(value)!r}"
    return f"a {type(value).__name__} of {len(children(value, kind, rules))} item(s)"
