"""``keras.tree``: Keras 3's nested-structure functions (``tf.keras.tree`` here).

Example:
    >>> from featherflow import tree
    >>> tree.flatten({"b": [1, 2], "a": None})
    [None, 1, 2]
    >>> tree.map_structure(lambda x, y: x + y, (1, [2]), (10, [20]))
    (11, [22])
"""

from __future__ import annotations

import warnings

from featherflow.tree import kinds, walk
from featherflow.tree.kinds import KERAS, LEAF


class MAP_TO_NONE:  # noqa: N801 - Keras's name
    """Returned by a ``traverse`` function to replace a sub-tree by ``None``."""


def is_nested(structure) -> bool:
    """Whether ``structure`` is a list, tuple, namedtuple, dict or deque (not a leaf)."""
    return kinds.kind_of(structure, KERAS) != LEAF


def flatten(structure) -> list:
    """The leaves of ``structure`` in order; dicts by sorted key, an OrderedDict as inserted.

    >>> flatten({100: "world!", 6: "Hello"})
    ['Hello', 'world!']
    """
    return walk.flatten(structure, KERAS)


def flatten_with_path(structure) -> list:
    """``(path, leaf)`` pairs; a path is a tuple of indices and dict keys.

    >>> flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """
    return walk.flatten_with_path(structure, KERAS)


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence`` packed into the shape of ``structure`` (the inverse of ``flatten``)."""
    return walk.pack_sequence_as(structure, flat_sequence, KERAS)


def map_structure(func, *structures, none_is_leaf=True):
    """``func`` applied leaf-wise to structures of the same layout.

    With ``none_is_leaf=False`` a ``None`` leaf is kept as ``None`` and ``func`` is not called on
    it. Mismatched structures raise ``ValueError``.
    """
    return walk.map_structure(func, structures, KERAS, none_is_leaf=none_is_leaf)


def map_structure_up_to(shallow_structure, func, *structures):
    """``func`` applied to the sub-trees of ``structures`` at the leaves of ``shallow_structure``.

    >>> map_structure_up_to([None, None], len, [[1, 1], [2, 2]])
    [2, 2]
    """
    if not callable(func):
        raise TypeError(
            f"keras.tree.map_structure_up_to: func must be callable, received {func!r}.")
    if not structures:
        raise ValueError("keras.tree.map_structure_up_to: Must provide at least one structure.")
    return _up_to(shallow_structure, func, structures, ())


def _up_to(shallow, func, structures, path):
    kind = kinds.kind_of(shallow, KERAS)
    if kind == LEAF:
        return func(*structures)
    keys = kinds.keys(shallow, kind, KERAS)
    per_structure = []
    for structure in structures:
        other_kind = kinds.kind_of(structure, KERAS)
        if other_kind == LEAF or not kinds.same_type(shallow, kind, structure, other_kind, KERAS) \
                or len(kinds.children(structure, other_kind, KERAS)) != len(keys):
            raise ValueError(
                "keras.tree.map_structure_up_to: Structures don't have the same nested structure: "
                f"at path {path!r} the shallow structure is "
                f"{kinds.describe(shallow, kind, KERAS)} but a structure is "
                f"{kinds.describe(structure, other_kind, KERAS)}. Each structure must be at least "
                "as deep as shallow_structure.")
        if kind in (kinds.MAPPING, kinds.ORDERED):
            if set(keys) != set(structure):
                raise ValueError(
                    "keras.tree.map_structure_up_to: Structures don't have the same nested "
                    f"structure: at path {path!r} the keys are {sorted(map(str, keys))} in the "
                    f"shallow structure and {sorted(map(str, structure))} in a structure.")
            per_structure.append([structure[k] for k in keys])
        else:
            per_structure.append(kinds.children(structure, other_kind, KERAS))
    values = [
        _up_to(child, func, [subs[i] for subs in per_structure], path + (key,))
        for i, (key, child) in enumerate(zip(keys, kinds.children(shallow, kind, KERAS)))
    ]
    return kinds.rebuild(shallow, kind, values, KERAS)


def assert_same_structure(a, b, check_types=None):
    """Raise ``ValueError`` unless ``a`` and ``b`` nest the same way with the same types.

    dict, OrderedDict and defaultdict match each other by keys; list, tuple, namedtuple and
    deque do not match each other (use :func:`assert_same_paths` for that looser check).
    ``check_types`` is deprecated in Keras 3 and has no effect.
    """
    if check_types is not None:
        warnings.warn("The `check_types` argument is deprecated and no longer has any effect, "
                      "please remove it (use keras.tree.assert_same_paths() for a looser check).",
                      DeprecationWarning, stacklevel=2)
    walk.assert_same_structure(a, b, KERAS)


def assert_same_paths(a, b) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same leaf paths (types ignored)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        message = "`a` and `b` don't have the same paths."
        if paths_a - paths_b:
            message += f"\nPaths in `a` missing in `b`:\n{paths_a - paths_b}"
        if paths_b - paths_a:
            message += f"\nPaths in `b` missing in `a`:\n{paths_b - paths_a}"
        raise ValueError(message)


def traverse(func, structure, top_down=True):
    """Visit every sub-tree depth first, replacing those for which ``func`` returns non-None.

    Top down, a non-None result also stops the walk into that sub-tree. Return
    :class:`MAP_TO_NONE` to replace a sub-tree by ``None``.

    >>> traverse(lambda s: None, [(1, 2), [3]])
    [(1, 2), [3]]
    """
    if not callable(func):
        raise TypeError(f"keras.tree.traverse: func must be callable, received {func!r}.")
    return _traverse(func, structure, top_down)


def _traverse(func, structure, top_down):
    if top_down:
        result = func(structure)
        if result is None:
            return _traverse_children(func, structure, top_down)
    else:
        structure = _traverse_children(func, structure, top_down)
        result = func(structure)
        if result is None:
            return structure
    return None if result is MAP_TO_NONE else result


def _traverse_children(func, structure, top_down):
    kind = kinds.kind_of(structure, KERAS)
    if kind == LEAF:
        return structure
    values = [_traverse(func, child, top_down)
              for child in kinds.children(structure, kind, KERAS)]
    return kinds.rebuild(structure, kind, values, KERAS)


def lists_to_tuples(structure):
    """``structure`` with every list turned into a tuple."""
    return traverse(lambda s: tuple(s) if isinstance(s, list) else None, structure, top_down=False)


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(
        isinstance(dim, (int, type(None))) for dim in value)


def map_shape_structure(func, structure):
    """``map_structure`` that treats tuples/lists of ints and ``None`` (shapes) as leaves."""
    if _is_shape(structure):
        return func(structure)
    kind = kinds.kind_of(structure, KERAS)
    if kind == LEAF:
        return func(structure)
    values = [map_shape_structure(func, child) for child in kinds.children(structure, kind, KERAS)]
    return kinds.rebuild(structure, kind, values, KERAS)
