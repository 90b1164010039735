"""featherflow.tree beyond the reference cases: public names, tensors, errors, fast paths."""

import numpy as np
import pytest

import featherflow as tf
from featherflow import tree


def test_public_as_tf_nest_and_keras_tree():
    assert tf.nest is tree.nest
    assert tf.keras.tree is tree
    from featherflow.keras import tree as keras_tree

    assert keras_tree.flatten is tree.flatten


def test_tensors_variables_and_shapes_are_leaves():
    t = tf.constant(np.ones((2, 3)))
    v = tf.Variable(np.zeros(2))
    shape = t.shape
    for api in (tree, tree.nest):
        assert api.flatten([t, (v, shape)]) == [t, v, shape]
        assert api.flatten(t)[0] is t
        assert not api.is_nested(shape)


def test_fast_paths_return_new_lists():
    items = [tf.constant(1.0), tf.constant(2.0)]
    flat = tree.flatten(items)
    assert flat == items and flat is not items
    assert tree.flatten(tuple(items)) == items
    assert tree.map_structure(lambda x: 1, tuple(items)) == (1, 1)
    assert tree.nest.map_structure(lambda x: 1, items) == [1, 1]


def test_mismatch_error_says_where_and_what():
    with pytest.raises(ValueError, match=r"at path \(1, 'a'\).*list of 2 item.*list of 1 item"):
        tree.assert_same_structure([0, {"a": [1, 2]}], [0, {"a": [1]}])
    with pytest.raises(TypeError, match=r"at the top level the first is a list.*tuple"):
        tree.nest.assert_same_structure([1], (1,))


def test_tf_nest_unsortable_keys_name_the_fix():
    with pytest.raises(TypeError, match="keys of one type"):
        tree.nest.flatten({1: "a", "b": 2})


def test_pack_round_trips_nested_dicts():
    structure = {"z": [0, (0, 0)], "a": {"y": 0, "b": None}}
    for api in (tree, tree.nest):
        flat = api.flatten(structure)
        assert api.pack_sequence_as(structure, list(range(len(flat)))) == {
            "z": [2, (3, 4)], "a": {"y": 1, "b": 0}}
