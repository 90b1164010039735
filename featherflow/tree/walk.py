"""flatten, pack, compare and map nested structures under one set of :class:`kinds.Rules`.

``featherflow.tree`` (``keras.tree``) and ``featherflow.tree.nest`` (``tf.nest``) are thin
wrappers over these, so the two public APIs differ only where their rules say so.
"""

from __future__ import annotations

import collections.abc

from featherflow.tree import kinds
from featherflow.tree.kinds import LEAF

_MISMATCH = "The two structures don't have the same nested structure."


def flatten(structure, rules) -> list:
    kind_cache = rules.kinds
    cls = type(structure)
    kind = kind_cache.get(cls)
    if kind is None:
        kind = kinds.kind_of(structure, rules)
    if kind == LEAF:
        return [structure]
    if kind == kinds.LIST or kind == kinds.TUPLE:
        # Fast path: a flat list/tuple of tensors (a model's inputs or outputs, every step).
        for item in structure:
            if kind_cache.get(type(item)) != LEAF and kinds.kind_of(item, rules) != LEAF:
                break
        else:
            return list(structure)
    out = []
    _flatten_into(structure, kind, rules, out)
    return out


def _flatten_into(value, kind, rules, out) -> None:
    for child in kinds.children(value, kind, rules):
        child_kind = kinds.kind_of(child, rules)
        if child_kind == LEAF:
            out.append(child)
        else:
            _flatten_into(child, child_kind, rules, out)


def flatten_with_path(structure, rules) -> list:
    out = []
    _paths_into(structure, (), rules, out)
    return out


def _paths_into(value, path, rules, out) -> None:
    kind = kinds.kind_of(value, rules)
    if kind == LEAF:
        out.append((path, value))
        return
    for key, child in zip(kinds.keys(value, kind, rules), kinds.children(value, kind, rules)):
        _paths_into(child, path + (key,), rules, out)


def pack_sequence_as(structure, flat_sequence, rules):
    if not isinstance(flat_sequence, collections.abc.Sequence) or isinstance(
            flat_sequence, (str, bytes)):
        raise TypeError(
            f"{rules.name}.pack_sequence_as: flat_sequence must be a list or tuple of leaves; "
            f"received {type(flat_sequence).__name__}: {flat_sequence!r}. Wrap a single value in "
            "a list: pack_sequence_as(structure, [value]).")
    flat = list(flat_sequence)
    kind = kinds.kind_of(structure, rules)
    if kind == LEAF:
        if len(flat) != 1:
            raise ValueError(
                f"{rules.name}.pack_sequence_as: the structure is a single leaf "
                f"({type(structure).__name__}) so flat_sequence must hold exactly 1 item; "
                f"received {len(flat)}: {flat!r}.")
        return flat[0]
    packed, used = _pack(structure, kind, flat, 0, rules)
    if used != len(flat):
        raise ValueError(
            f"{rules.name}.pack_sequence_as: could not pack sequence. The structure has {used} "
            f"leaves but flat_sequence has {len(flat)} items. Structure: {structure!r}, "
            f"flat_sequence: {flat!r}.")
    return packed


def _pack(value, kind, flat, index, rules):
    values = []
    for child in kinds.children(value, kind, rules):
        child_kind = kinds.kind_of(child, rules)
        if child_kind == LEAF:
            if index >= len(flat):
                raise ValueError(
                    f"{rules.name}.pack_sequence_as: could not pack sequence: flat_sequence has "
                    f"only {len(flat)} items, fewer than the structure's leaves. "
                    f"flat_sequence: {flat!r}.")
            values.append(flat[index])
            index += 1
        else:
            packed, index = _pack(child, child_kind, flat, index, rules)
            values.append(packed)
    return kinds.rebuild(value, kind, values, rules), index


def assert_same_structure(a, b, rules, check_types=True) -> None:
    _compare(a, b, (), rules, check_types, a, b)


def _compare(a, b, path, rules, check_types, top_a, top_b) -> None:
    kind_a = kinds.kind_of(a, rules)
    kind_b = kinds.kind_of(b, rules)
    if (kind_a == LEAF) != (kind_b == LEAF):
        _fail(ValueError, path, a, kind_a, b, kind_b, rules, top_a, top_b)
    if kind_a == LEAF:
        return
    if check_types and not kinds.same_type(a, kind_a, b, kind_b, rules):
        _fail(rules.type_mismatch_error, path, a, kind_a, b, kind_b, rules, top_a, top_b)
    keys_a = kinds.keys(a, kind_a, rules)
    if kind_a in (kinds.MAPPING, kinds.ORDERED):
        if kind_b not in (kinds.MAPPING, kinds.ORDERED) or set(keys_a) != set(b):
            _fail(ValueError, path, a, kind_a, b, kind_b, rules, top_a, top_b)
        pairs = [(k, a[k], b[k]) for k in keys_a]
    else:
        children_a = kinds.children(a, kind_a, rules)
        children_b = kinds.children(b, kind_b, rules)
        if len(children_a) != len(children_b) or kind_b in (kinds.MAPPING, kinds.ORDERED):
            _fail(ValueError, path, a, kind_a, b, kind_b, rules, top_a, top_b)
        pairs = zip(keys_a, children_a, children_b)
    for key, child_a, child_b in pairs:
        _compare(child_a, child_b, path + (key,), rules, check_types, top_a, top_b)


def _fail(error, path, a, kind_a, b, kind_b, rules, top_a, top_b):
    where = f"at path {path!r}" if path else "at the top level"
    raise error(
        f"{_MISMATCH} {where} the first is {kinds.describe(a, kind_a, rules)}, the second is "
        f"{kinds.describe(b, kind_b, rules)} ({rules.name} rules).\n"
        f"First structure: {top_a!r}\nSecond structure: {top_b!r}")


def map_structure(func, structures, rules, check_types=True, none_is_leaf=True):
    if not callable(func):
        raise TypeError(f"{rules.name}.map_structure: func must be callable, received {func!r}.")
    if not structures:
        raise ValueError(f"{rules.name}.map_structure: Must provide at least one structure.")
    first = structures[0]
    if len(structures) == 1 and none_is_leaf:
        kind = kinds.kind_of(first, rules)
        if kind == LEAF:
            return func(first)
        if kind == kinds.LIST or kind == kinds.TUPLE:
            # Fast path: one flat list/tuple of tensors.
            leaf_kinds = rules.kinds
            if all(leaf_kinds.get(type(item)) == LEAF for item in first):
                results = [func(item) for item in first]
                return results if kind == kinds.LIST else tuple(results)
    for other in structures[1:]:
        assert_same_structure(first, other, rules, check_types=check_types)
    flats = [flatten(s, rules) for s in structures]
    if none_is_leaf:
        results = [func(*leaves) for leaves in zip(*flats)]
    else:
        results = [None if leaves[0] is None else func(*leaves) for leaves in zip(*flats)]
    if kinds.kind_of(first, rules) == LEAF:
        return results[0]
    return pack_sequence_as(first, results, rules)
