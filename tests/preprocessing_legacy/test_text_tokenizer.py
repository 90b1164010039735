"""tf.keras.preprocessing.text against tf_keras 2.21 (equal to Keras 3.15.1's legacy module).

The cases are the functions of tools/keras_fixtures/legacy_text.py, run here on featherflow's
module and compared with what they returned on tf_keras (tests/fixtures/keras/legacy_text/):
word counts and their order, word/index dictionaries, sequences, texts back, the four matrix
modes and the to_json config. Matrices agree to rtol 1e-12 (same float64 formula; in practice
bit-equal); everything else exactly.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import load_json

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from keras_fixtures import legacy_text  # noqa: E402

RECORDED = load_json("legacy_text/tokenizer.json")
text = tf.keras.preprocessing.text


def _assert_same(expected, actual, where):
    if isinstance(expected, dict) and "raised" in expected:
        assert "raised" in actual, f"{where}: Keras raised {expected}, featherflow gave {actual}"
        assert actual["raised"] == expected["raised"], f"{where}: {actual} vs Keras {expected}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), (
            f"{where}: keys {sorted(actual)} vs Keras {sorted(expected)}")
        for key in expected:
            _assert_same(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{where}: {actual!r} != Keras {expected!r}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            _assert_same(e, a, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float) and math.isclose(actual, expected, rel_tol=1e-12), (
            f"{where}: {actual!r} != Keras {expected!r}")
    else:
        assert type(actual) is type(expected) and actual == expected, (
            f"{where}: {actual!r} != Keras {expected!r}")


@pytest.mark.parametrize("name", sorted(legacy_text.CASES))
def test_case_matches_tf_keras(name):
    actual = json.loads(json.dumps(legacy_text.record_cases({name: legacy_text.CASES[name]},
                                                            "featherflow")[name]))
    _assert_same(RECORDED["cases"][name], actual, name)


def test_hash_dependent_results_match_with_the_same_hash_seed():
    # to_json's word_docs/index_docs order, one_hot and hashing_trick(hash_function=None)
    # follow Python's salted str hash: equal to Keras in a process with PYTHONHASHSEED=0.
    actual = legacy_text.hash_seeded("featherflow")
    for name, expected in RECORDED["hash_seeded"].items():
        _assert_same(expected, actual[name], name)
    strings = actual["to_json_strings"]["value"]
    assert strings["basic"] == RECORDED["hash_seeded"]["to_json_strings"]["value"]["basic"]


def test_one_hot_is_hash_based_in_this_process():
    words = text.text_to_word_sequence("The cat sat on the mat.")
    assert text.one_hot("The cat sat on the mat.", 20) == [hash(w) % 19 + 1 for w in words]


def test_word_docs_order_matches_set_iteration_in_this_process():
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(["b a c a", "d c"])
    assert list(tokenizer.word_docs) == list(set(["b", "a", "c", "a"])) + ["d"]
    assert dict(tokenizer.word_docs) == {"a": 1, "b": 1, "c": 2, "d": 1}


def test_restored_tokenizer_keeps_fitting():
    tokenizer = text.Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(["the cat", "the dog"])
    restored = text.tokenizer_from_json(tokenizer.to_json())
    restored.fit_on_texts(["a bird and the cat"])
    fresh = text.Tokenizer(oov_token="<unk>")
    fresh.fit_on_texts(["the cat", "the dog", "a bird and the cat"])
    assert restored.word_index == fresh.word_index
    assert dict(restored.word_docs) == dict(fresh.word_docs)
    np.testing.assert_array_equal(restored.texts_to_matrix(["the bird"], mode="tfidf"),
                                  fresh.texts_to_matrix(["the bird"], mode="tfidf"))


def test_bad_mode_is_refused_even_for_empty_sequences():
    tokenizer = text.Tokenizer(num_words=4)
    with pytest.raises(ValueError, match="Unknown vectorization mode: 'onehot'"):
        tokenizer.sequences_to_matrix([[]], mode="onehot")


def test_nb_words_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert text.Tokenizer(nb_words=7).num_words == 7
    assert "renamed `num_words`" in str(caught[0].message)


def test_namespace():
    assert tf.keras.preprocessing.text.Tokenizer is text.Tokenizer
    for name in ("Tokenizer", "tokenizer_from_json", "text_to_word_sequence", "one_hot",
                 "hashing_trick"):
        assert name in text.__all__


def test_numpy_rows_give_the_matrix_of_the_same_lists():
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(legacy_text.BASIC)
    rows = tf.keras.utils.pad_sequences(tokenizer.texts_to_sequences(legacy_text.BASIC))
    for mode in legacy_text.MODES:
        np.testing.assert_array_equal(tokenizer.sequences_to_matrix(rows, mode=mode),
                                      tokenizer.sequences_to_matrix(rows.tolist(), mode=mode))
