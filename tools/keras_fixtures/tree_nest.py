"""Reference results of real ``tf.nest`` and ``keras.tree`` for tests/tree/.

Each case is one Python expression over ``api`` (``tf.nest`` or ``keras.tree``) and the small
namespace built by :func:`namespace`; the fixture records its ``repr`` or the class of the error
it raises. tests/tree/test_tree_reference.py evaluates the same expressions against
``featherflow.tree`` and ``featherflow.tree.nest``, so both sides always run identical code.

    /work/venv-tf/bin/python tools/keras_fixtures/tree_nest.py

writes tests/fixtures/keras/tree/cases.json (a few kilobytes).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "tree"

# The namespace the expressions see. Kept as source text so the test builds exactly the same
# objects without importing this file (tests must not depend on tools/).
NAMESPACE_SOURCE = '''
import collections
from collections import OrderedDict, defaultdict, deque, namedtuple

import numpy as np

Foo = namedtuple("Foo", ["a", "b"])
AlsoFoo = namedtuple("Foo", ["a", "b"])
Bar = namedtuple("Bar", ["a", "b"])


class _Attribute:
    def __init__(self, name):
        self.name = name


class Attr:
    """attrs-like: what the attrs package adds to a class, without needing attrs."""

    __attrs_attrs__ = (_Attribute("x"), _Attribute("y"))

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Attr(x={self.x!r}, y={self.y!r})"


def visits(fn, structure, top_down):
    seen = []

    def record(s):
        seen.append(s)
        return fn(s)

    out = api.traverse(record, structure, top_down=top_down)
    return out, seen
'''

BOTH = ("nest", "tree")
NEST = ("nest",)
TREE = ("tree",)

# (name, expression, apis)
CASES = [
    # flatten
    ("flatten_scalar", "api.flatten(1)", BOTH),
    ("flatten_none", "api.flatten(None)", BOTH),
    ("flatten_empty_list", "api.flatten([])", BOTH),
    ("flatten_empty_tuple", "api.flatten(())", BOTH),
    ("flatten_empty_dict", "api.flatten({})", BOTH),
    ("flatten_nones", "api.flatten([None, [None, ()], {'a': None}])", BOTH),
    ("flatten_string", "api.flatten('abc')", BOTH),
    ("flatten_bytes", "api.flatten(b'abc')", BOTH),
    ("flatten_single", "api.flatten([5])", BOTH),
    ("flatten_single_tuple", "api.flatten((5,))", BOTH),
    ("flatten_deep", "api.flatten([[1, 2, 3], [4, [5], [[6]]]])", BOTH),
    ("flatten_int_keys", "api.flatten({100: 'world!', 6: 'Hello'})", BOTH),
    ("flatten_dict_sorted", "api.flatten({'b': 1, 'a': 2, 'c': {'z': 3, 'y': 4}})", BOTH),
    ("flatten_ordered_dict", "api.flatten(OrderedDict([('b', 1), ('a', 2)]))", BOTH),
    ("flatten_defaultdict", "api.flatten(defaultdict(int, {'b': 1, 'a': 2}))", BOTH),
    ("flatten_namedtuple", "api.flatten(Foo(b=1, a=[2, 3]))", BOTH),
    ("flatten_deque", "api.flatten(deque([1, [2, 3]]))", BOTH),
    ("flatten_set", "api.flatten([{1}, 2])", BOTH),
    ("flatten_ndarray", "api.flatten([np.arange(3), 1])", BOTH),
    ("flatten_attrs", "api.flatten([Attr(1, [2, 3])])", BOTH),
    ("flatten_mixed_keys", "api.flatten({1: 'a', 'b': 2})", BOTH),
    ("flatten_expand_composites", "api.flatten([1, (2,)], expand_composites=True)", NEST),
    # is_nested
    ("is_nested_int", "api.is_nested(42)", BOTH),
    ("is_nested_none", "api.is_nested(None)", BOTH),
    ("is_nested_empty_list", "api.is_nested([])", BOTH),
    ("is_nested_dict", "api.is_nested({'foo': 42})", BOTH),
    ("is_nested_string", "api.is_nested('ab')", BOTH),
    ("is_nested_namedtuple", "api.is_nested(Foo(1, 2))", BOTH),
    ("is_nested_attrs", "api.is_nested(Attr(1, 2))", BOTH),
    ("is_nested_set", "api.is_nested({1, 2})", BOTH),
    ("is_nested_deque", "api.is_nested(deque([1]))", BOTH),
    ("is_nested_ndarray", "api.is_nested(np.ones(2))", BOTH),
    # pack_sequence_as
    ("pack_dict_keeps_order", "api.pack_sequence_as({'b': 0, 'a': 0, 'c': 0}, [1, 2, 3])", BOTH),
    ("pack_ordered_dict", "api.pack_sequence_as(OrderedDict([('b', 0), ('a', 0)]), [1, 2])", BOTH),
    ("pack_defaultdict", "api.pack_sequence_as(defaultdict(int, {'b': 0, 'a': 0}), [1, 2])", BOTH),
    ("pack_namedtuple", "api.pack_sequence_as(Foo(0, (0, 0)), [1, 2, 3])", BOTH),
    ("pack_attrs", "api.pack_sequence_as(Attr(0, [0]), [1, 2])", BOTH),
    ("pack_nested", "api.pack_sequence_as([0, (0, [0, {'k': 0}])], [1, 2, 3, 4])", BOTH),
    ("pack_scalar", "api.pack_sequence_as(0, [5])", BOTH),
    ("pack_none", "api.pack_sequence_as(None, [5])", BOTH),
    ("pack_none_inside", "api.pack_sequence_as([None, 0], [1, 2])", BOTH),
    ("pack_empty", "api.pack_sequence_as([], [])", BOTH),
    ("pack_deque", "api.pack_sequence_as(deque([0, 0]), [1, 2])", BOTH),
    ("pack_tuple_flat", "api.pack_sequence_as({'a': 0}, (1,))", BOTH),
    ("pack_too_few", "api.pack_sequence_as([0, 0], [1])", BOTH),
    ("pack_too_many", "api.pack_sequence_as([0], [1, 2])", BOTH),
    ("pack_scalar_too_many", "api.pack_sequence_as(0, [1, 2])", BOTH),
    ("pack_not_a_list", "api.pack_sequence_as([0, 0], 5)", BOTH),
    ("pack_scalar_flat_not_list", "api.pack_sequence_as(0, 5)", BOTH),
    # map_structure
    ("map_one", "api.map_structure(lambda x: x * 2, [1, (2, {'b': 3, 'a': 4})])", BOTH),
    ("map_two", "api.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])", BOTH),
    ("map_three",
     "api.map_structure(lambda x, y, z: x + y + z, {'a': 1}, {'a': 2}, {'a': 3})", BOTH),
    ("map_scalar", "api.map_structure(lambda x: x + 1, 1)", BOTH),
    ("map_none", "api.map_structure(lambda x: x is None, [None, 1])", BOTH),
    ("map_none_scalar", "api.map_structure(lambda x: 'called', None)", BOTH),
    ("map_none_not_leaf",
     "api.map_structure(lambda x: 'called', [None, 1], none_is_leaf=False)", TREE),
    ("map_none_not_leaf_scalar",
     "api.map_structure(lambda x: 'called', None, none_is_leaf=False)", TREE),
    ("map_namedtuple", "api.map_structure(lambda v: v * 2, Foo(a=1, b=2))", BOTH),
    ("map_attrs", "api.map_structure(lambda v: v * 2, Attr(1, 2))", BOTH),
    ("map_len_mismatch", "api.map_structure(lambda x, y: x, [1, 2], [1])", BOTH),
    ("map_list_tuple", "api.map_structure(lambda x, y: x, [1, 2], (1, 2))", BOTH),
    ("map_list_tuple_nocheck",
     "api.map_structure(lambda x, y: x, [1, 2], (1, 2), check_types=False)", NEST),
    ("map_leaf_vs_nest", "api.map_structure(lambda x, y: x, [1, 2], [1, [2]])", BOTH),
    ("map_nest_vs_leaf", "api.map_structure(lambda x, y: x, [1, [2]], [1, 2])", BOTH),
    ("map_dict_keys", "api.map_structure(lambda x, y: x, {'a': 1}, {'b': 1})", BOTH),
    ("map_dict_ordered",
     "api.map_structure(lambda x, y: x + y, {'b': 1, 'a': 2},"
     " OrderedDict([('a', 10), ('b', 20)]))", BOTH),
    ("map_namedtuple_same_name",
     "api.map_structure(lambda x, y: x + y, Foo(1, 2), AlsoFoo(3, 4))", BOTH),
    ("map_namedtuple_other", "api.map_structure(lambda x, y: x + y, Foo(1, 2), Bar(3, 4))", BOTH),
    ("map_no_structure", "api.map_structure(lambda: 1)", BOTH),
    ("map_bad_kwarg", "api.map_structure(lambda x: x, [1], foo=1)", NEST),
    ("map_none_vs_list", "api.map_structure(lambda x, y: x, [None], [[]])", BOTH),
    ("map_expand_composites",
     "api.map_structure(lambda x: x + 1, [1], expand_composites=True)", NEST),
    # assert_same_structure
    ("same_ok", "api.assert_same_structure([(0, 1)], [(2, 3)])", BOTH),
    ("same_len", "api.assert_same_structure([0, 1], [0])", BOTH),
    ("same_list_tuple", "api.assert_same_structure([0, 1], (0, 1))", BOTH),
    ("same_list_tuple_nocheck",
     "api.assert_same_structure([0, 1], (0, 1), check_types=False)", NEST),
    ("same_namedtuple_same_name", "api.assert_same_structure(Foo(0, 1), AlsoFoo(2, 3))", BOTH),
    ("same_namedtuple_other", "api.assert_same_structure(Foo(0, 1), Bar(2, 3))", BOTH),
    ("same_namedtuple_other_nocheck",
     "api.assert_same_structure(Foo(0, 1), Bar(2, 3), check_types=False)", NEST),
    ("same_namedtuple_tuple", "api.assert_same_structure(Foo(0, 1), (2, 3))", BOTH),
    ("same_dict_ordered", "api.assert_same_structure({'a': 0}, OrderedDict(a=1))", BOTH),
    ("same_dict_defaultdict", "api.assert_same_structure({'a': 0}, defaultdict(int, a=1))", BOTH),
    ("same_dict_keys", "api.assert_same_structure({'a': 0}, {'b': 0})", BOTH),
    ("same_leaf_list", "api.assert_same_structure(1, [1])", BOTH),
    ("same_list_leaf", "api.assert_same_structure([1], 1)", BOTH),
    ("same_none_leaf", "api.assert_same_structure(None, 1)", BOTH),
    ("same_none_empty", "api.assert_same_structure(None, [])", BOTH),
    ("same_string_leaf", "api.assert_same_structure('ab', 1)", BOTH),
    ("same_array_leaf", "api.assert_same_structure(np.ones(3), 1)", BOTH),
    ("same_deque_list", "api.assert_same_structure(deque([1]), [1])", BOTH),
    ("same_attrs", "api.assert_same_structure(Attr(1, 2), Attr(3, 4))", BOTH),
    ("same_check_types_true", "api.assert_same_structure([1], [2], check_types=True)", BOTH),
    ("same_expand_composites", "api.assert_same_structure([1], [2], expand_composites=True)", NEST),
    # keras.tree only
    ("path_simple", "api.flatten_with_path([{'foo': 42}])", TREE),
    ("path_nested", "api.flatten_with_path({'b': Foo(1, [2]), 'a': (None, {'z': 3})})", TREE),
    ("path_scalar", "api.flatten_with_path(5)", TREE),
    ("path_ordered", "api.flatten_with_path(OrderedDict([('b', 1), ('a', 2)]))", TREE),
    ("up_to_len", "api.map_structure_up_to([None, None], len, [[1, 1], [2, 2]])", TREE),
    ("up_to_str", "api.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])", TREE),
    ("up_to_two",
     "api.map_structure_up_to({'a': 0}, lambda x, y: (x, y), {'a': [1]}, {'a': (2,)})", TREE),
    ("up_to_shallower", "api.map_structure_up_to([None, [None]], str, [1, 2])", TREE),
    ("up_to_no_structure", "api.map_structure_up_to([None], str)", TREE),
    ("traverse_top_down", "visits(lambda s: None, [(1, 2), [3], {'a': 4}], True)", TREE),
    ("traverse_bottom_up", "visits(lambda s: None, [(1, 2), [3], {'a': 4}], False)", TREE),
    ("traverse_stop",
     "visits(lambda s: 'cut' if isinstance(s, tuple) else None, [(1, 2), [3]], True)", TREE),
    ("traverse_map_to_none",
     "visits(lambda s: api.MAP_TO_NONE if s == 3 else None, [(1, 2), [3]], False)", TREE),
    ("traverse_leaf", "visits(lambda s: None, 7, True)", TREE),
    ("lists_to_tuples", "api.lists_to_tuples([1, [2, {'a': [3]}], (4, [5])])", TREE),
    ("same_paths_ok", "api.assert_same_paths([0, 1], (2, 3))", TREE),
    ("same_paths_namedtuples", "api.assert_same_paths(Foo(0, 1), Bar(2, 3))", TREE),
    ("same_paths_bad", "api.assert_same_paths([0, 1], [0])", TREE),
    ("shape_structure",
     "api.map_shape_structure(lambda s: len(s), {'a': (None, 3), 'b': [(1,), 2]})", TREE),
]


def namespace(api) -> dict:
    ns = {"api": api}
    exec(NAMESPACE_SOURCE, ns)  # noqa: S102 - our own source text, shared with the test
    return ns


def evaluate(api, expression: str) -> dict:
    """The repr of the expression's value, or the class of the error it raises."""
    ns = namespace(api)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = eval(expression, ns)  # noqa: S307 - expressions are the CASES above
        except Exception as e:  # noqa: BLE001 - recording which error real TF raises
            return {"error": type(e).__name__, "message": str(e).splitlines()[0][:200]}
    return {"repr": repr(value)}


def run() -> Path:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    apis = {"nest": tf.nest, "tree": keras.tree}
    cases = []
    for name, expression, which in CASES:
        for api_name in which:
            cases.append({"name": name, "api": api_name, "expr": expression,
                          **evaluate(apis[api_name], expression)})
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "cases.json"
    path.write_text(json.dumps({
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "namespace": NAMESPACE_SOURCE,
        "cases": cases,
    }, indent=1) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(print(run()))
