"""featherflow.tree (keras.tree) and featherflow.tree.nest (tf.nest) against real Keras/TF.

tests/fixtures/keras/tree/cases.json (tools/keras_fixtures/tree_nest.py) holds, for each
expression, the repr of what real ``keras.tree`` / ``tf.nest`` returned or the class of the
error raised. Exact comparison: results are ints, strings and containers.
"""

import json
import warnings
from pathlib import Path

import pytest

from featherflow import tree

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "tree" / "cases.json"
DATA = json.loads(FIXTURE.read_text())
APIS = {"nest": tree.nest, "tree": tree}

# Keras 3.15 raises on its own docstring examples of map_structure_up_to: optree is asked with
# none_is_leaf=False whether a `None` of the shallow structure is a leaf. We follow the
# documented result (the docstring's), which is what tf.keras users relied on.
DOCUMENTED = {
    ("tree", "up_to_len"): "[2, 2]",
    ("tree", "up_to_str"): "['[1, 1]', ['2', '2']]",
}


def _namespace(api):
    ns = {"api": api}
    exec(DATA["namespace"], ns)  # noqa: S102 - the fixture's own namespace source
    return ns


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: f"{c['api']}-{c['name']}")
def test_matches_reference(case):
    ns = _namespace(APIS[case["api"]])
    expected = DOCUMENTED.get((case["api"], case["name"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if expected is None and "error" in case:
            with pytest.raises(Exception) as info:  # noqa: PT011 - class checked by name below
                eval(case["expr"], ns)  # noqa: S307
            assert type(info.value).__name__ == case["error"], str(info.value)
            return
        got = eval(case["expr"], ns)  # noqa: S307
    assert repr(got) == (expected or case["repr"])
