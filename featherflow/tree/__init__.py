"""Nested structures: Keras 3's ``keras.tree`` here, TensorFlow's ``tf.nest`` as ``.nest``.

Both run on one walk (:mod:`featherflow.tree.walk`); :mod:`featherflow.tree.kinds` lists where
their rules differ.

Example:
    >>> from featherflow import tree
    >>> tree.flatten([1, (2, {"b": 3, "a": 4})])
    [1, 2, 4, 3]
"""

from featherflow.tree import nest
from featherflow.tree.tree_api import (
    MAP_TO_NONE,
    assert_same_paths,
    assert_same_structure,
    flatten,
    flatten_with_path,
    is_nested,
    lists_to_tuples,
    map_shape_structure,
    map_structure,
    map_structure_up_to,
    pack_sequence_as,
    traverse,
)

__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "nest",
    "pack_sequence_as",
    "traverse",
]
