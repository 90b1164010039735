"""tf.keras.preprocessing.text (Tokenizer, tokenizer_from_json, text_to_word_sequence,
one_hot, hashing_trick) recorded from tf_keras 2.21, checked equal to Keras 3.15.1's
keras.src.legacy.preprocessing.text.

Every case is ``fn(text_module) -> JSON-able value``; tests/preprocessing_legacy/ runs the same
functions on featherflow's module. Python's string hash is salted per process, so what depends
on it (``word_docs``/``index_docs`` key order, ``one_hot``, ``hashing_trick`` without a hash
function) is recorded in a child process with ``PYTHONHASHSEED=0`` (``HASH_SEEDED_CASES``;
the test runs featherflow in such a child too):

    python -m keras_fixtures.legacy_text featherflow   # from tools/, prints the JSON
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

BASIC = ["The cat sat on the mat.", "The dog ate my homework!", "Dog, cat; and MAT?",
         "the the the end", "A cat, a dog, a mat."]
UNICODE = ["Café crème brûlée", "naïve CAFÉ — déjà vu", "Straße STRASSE straße",
           "日本語 テキスト 日本語", "emoji 😀 😀 ok", "İstanbul ΣΊΣΥΦΟΣ café"]
PUNCT = ["hello,world!!", "tab\tseparated\nnew line", "it's don't it's", "a--b__c~d",
         "   spaces   between  ", "", "[brackets] {braces} (parens) <angle>",
         'quote"d back\\slash']
HELD_OUT = ["the cat ate a fish", "unknown words only", "", "MAT mat Mat! dog?"]
MODES = ("binary", "count", "freq", "tfidf")


def _pairs(mapping):
    return [[key, value] for key, value in mapping.items()]


def _sorted_pairs(mapping):
    return sorted(_pairs(mapping), key=lambda pair: str(pair[0]))


def _raised(fn):
    try:
        value = fn()
    except Exception as err:  # noqa: BLE001 - the refusal is what is recorded
        return {"raised": type(err).__name__, "message": str(err)}
    return {"value": _plain(value)}


def _plain(value):
    if isinstance(value, np.ndarray):
        return {"matrix": value.tolist(), "dtype": value.dtype.name}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _state(tokenizer):
    """What fitting built; word_docs/index_docs sorted since their order follows the hash."""
    return {"word_counts": _pairs(tokenizer.word_counts),
            "word_docs": _sorted_pairs(tokenizer.word_docs),
            "index_docs": _sorted_pairs(tokenizer.index_docs),
            "word_index": _pairs(tokenizer.word_index),
            "index_word": _pairs(tokenizer.index_word),
            "document_count": tokenizer.document_count}


def _config(tokenizer):
    config = tokenizer.get_config()
    for key in ("word_docs", "index_docs"):
        config[key] = sorted(json.loads(config[key]).items())
    return config


def _report(tokenizer, texts, probe=HELD_OUT):
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(list(texts) + list(probe))
    out = _state(tokenizer)
    out["sequences"] = sequences
    out["texts_back"] = tokenizer.sequences_to_texts(sequences)
    for mode in MODES:
        out[f"matrix_{mode}"] = _raised(lambda m=mode: tokenizer.texts_to_matrix(
            list(texts) + list(probe), mode=m))
    out["config"] = _config(tokenizer)
    return out


def _fit_twice(text):
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(BASIC[:2])
    first = _state(tokenizer)
    tokenizer.fit_on_texts(BASIC[2:])
    return {"first": first, "second": _state(tokenizer),
            "tfidf": tokenizer.texts_to_matrix(BASIC, mode="tfidf").tolist()}


def _fit_on_sequences(text):
    tokenizer = text.Tokenizer(num_words=6)
    sequences = [[1, 2, 2], [3], [1, 5, 5, 5], []]
    tokenizer.fit_on_sequences(sequences)
    probe = sequences + [[7, 1, 1], [0, 0]]
    return {"state": _state(tokenizer),
            **{mode: tokenizer.sequences_to_matrix(probe, mode=mode).tolist()
               for mode in MODES}}


def _generators(text):
    tokenizer = text.Tokenizer(oov_token="?")
    tokenizer.fit_on_texts(t for t in BASIC)
    sequences = list(tokenizer.texts_to_sequences_generator(iter(HELD_OUT)))
    return {"state": _state(tokenizer), "sequences": sequences,
            "texts": list(tokenizer.sequences_to_texts_generator(iter(sequences)))}


def _sequences_to_texts(text, **kwargs):
    tokenizer = text.Tokenizer(**kwargs)
    tokenizer.fit_on_texts(BASIC)
    return tokenizer.sequences_to_texts([[0, 1, 2, 3], [4, 5, 6, 99], [12, 13, 14], []])


def _roundtrip(text, **kwargs):
    tokenizer = text.Tokenizer(**kwargs)
    tokenizer.fit_on_texts(BASIC + UNICODE)
    restored = text.tokenizer_from_json(tokenizer.to_json())
    probe = HELD_OUT + UNICODE[:2]
    return {"class_name": json.loads(tokenizer.to_json())["class_name"],
            "restored_state": _state(restored),
            "restored_config": _config(restored),
            "sequences": restored.texts_to_sequences(probe),
            "texts": restored.sequences_to_texts(restored.texts_to_sequences(probe)),
            "tfidf": restored.texts_to_matrix(probe, mode="tfidf").tolist(),
            "word_counts_type_is_dict": isinstance(restored.word_counts, dict)}


def _to_json_kwargs(text):
    """to_json passes its keyword arguments to json.dumps."""
    tokenizer = text.Tokenizer(num_words=8, oov_token="<unk>")
    tokenizer.fit_on_texts(PUNCT + BASIC)
    return {"sorted_json": tokenizer.to_json(sort_keys=True, indent=1).count("\n"),
            "config_keys": sorted(tokenizer.get_config())}


def _dash_analyzer(text):
    return text.split("-")


def _errors(text):
    unfitted = text.Tokenizer()
    fitted = text.Tokenizer()
    fitted.fit_on_texts(BASIC)
    return {
        "matrix_unfitted": _raised(lambda: unfitted.sequences_to_matrix([[1, 2]])),
        "tfidf_no_documents": _raised(
            lambda: text.Tokenizer(num_words=5).sequences_to_matrix([[1]], mode="tfidf")),
        "bad_mode": _raised(lambda: fitted.texts_to_matrix(["the cat"], mode="onehot")),
        "unknown_kwarg": _raised(lambda: text.Tokenizer(num_word=3)),
        "num_words_no_fit": _raised(
            lambda: text.Tokenizer(num_words=5).texts_to_matrix(["a b"], mode="count")),
        "oov_not_fitted": _raised(
            lambda: text.Tokenizer(oov_token="<x>").texts_to_sequences(["a b"])),
    }


def _nb_words(text):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tokenizer = text.Tokenizer(nb_words=3)
    return {"num_words": tokenizer.num_words,
            "warned": [str(w.message) for w in caught]}


def _word_sequences(text):
    out = {}
    for name, kwargs in {"default": {}, "no_lower": {"lower": False},
                         "no_filters": {"filters": ""},
                         "split_comma": {"split": ","},
                         "split_multi": {"split": "--", "filters": "!"}}.items():
        out[name] = [text.text_to_word_sequence(t, **kwargs) for t in BASIC + UNICODE + PUNCT]
    return out


def _md5(text):
    out = {}
    for n in (2, 7, 1000):
        out[f"md5_{n}"] = [text.hashing_trick(t, n, hash_function="md5")
                           for t in BASIC + UNICODE + PUNCT]
    out["md5_no_lower"] = [text.hashing_trick(t, 50, hash_function="md5", lower=False)
                           for t in BASIC]
    out["callable_len"] = [text.hashing_trick(t, 5, hash_function=len) for t in BASIC]
    out["md5_analyzer"] = text.hashing_trick("a-b-c-a", 11, hash_function="md5",
                                             analyzer=_dash_analyzer)
    return out


CASES = {
    "basic_default": lambda text: _report(text.Tokenizer(), BASIC),
    "basic_num_words_oov": lambda text: _report(text.Tokenizer(num_words=5, oov_token="<OOV>"),
                                                BASIC),
    "basic_num_words": lambda text: _report(text.Tokenizer(num_words=4), BASIC),
    "basic_num_words_1": lambda text: _report(text.Tokenizer(num_words=1, oov_token="o"),
                                              BASIC),
    "unicode_default": lambda text: _report(text.Tokenizer(), UNICODE, UNICODE[::-1]),
    "unicode_no_lower": lambda text: _report(text.Tokenizer(lower=False), UNICODE),
    "unicode_char_level": lambda text: _report(text.Tokenizer(char_level=True), UNICODE),
    "unicode_char_level_oov": lambda text: _report(
        text.Tokenizer(char_level=True, num_words=10, oov_token="_", lower=False), UNICODE),
    "punct_default": lambda text: _report(text.Tokenizer(), PUNCT),
    "punct_no_filters": lambda text: _report(text.Tokenizer(filters=""), PUNCT),
    "punct_split_comma": lambda text: _report(text.Tokenizer(split=","), PUNCT),
    "punct_analyzer": lambda text: _report(text.Tokenizer(analyzer=_dash_analyzer),
                                           PUNCT + ["x-y-x", "Y-z"], ["x-q", "z-Y-y"]),
    "token_lists": lambda text: _report(
        text.Tokenizer(oov_token="<?>"), [["The", "Cat"], ["cat", "DOG", "cat"], []],
        [["dog", "bird"], "the dog"]),
    "token_lists_no_lower": lambda text: _report(
        text.Tokenizer(lower=False), [["The", "Cat"], ["cat", "DOG", "cat"]]),
    "fit_twice": _fit_twice,
    "fit_on_sequences": _fit_on_sequences,
    "generators": _generators,
    "sequences_to_texts_plain": lambda text: _sequences_to_texts(text),
    "sequences_to_texts_oov": lambda text: _sequences_to_texts(text, oov_token="<o>"),
    "sequences_to_texts_num_words": lambda text: _sequences_to_texts(text, num_words=4),
    "sequences_to_texts_num_words_oov": lambda text: _sequences_to_texts(
        text, num_words=4, oov_token="<o>"),
    "roundtrip_default": lambda text: _roundtrip(text),
    "roundtrip_oov_num_words": lambda text: _roundtrip(text, num_words=6, oov_token="<unk>",
                                                       lower=False),
    "to_json_kwargs": _to_json_kwargs,
    "errors": _errors,
    "nb_words": _nb_words,
    "text_to_word_sequence": _word_sequences,
    "hashing_md5": _md5,
}


def _json_strings(text):
    out = {}
    for name, kwargs, corpus in (("basic", {}, BASIC), ("unicode_oov",
                                 {"num_words": 5, "oov_token": "<unk>"}, UNICODE),
                                 ("char_level", {"char_level": True}, PUNCT)):
        tokenizer = text.Tokenizer(**kwargs)
        tokenizer.fit_on_texts(corpus)
        out[name] = tokenizer.to_json()
        out[name + "_word_docs_order"] = list(tokenizer.word_docs)
        out[name + "_restored"] = text.tokenizer_from_json(out[name]).to_json()
    return out


HASH_SEEDED_CASES = {
    "to_json_strings": _json_strings,
    "one_hot": lambda text: [text.one_hot(t, 20) for t in BASIC + UNICODE + PUNCT],
    "hashing_trick_hash": lambda text: [text.hashing_trick(t, 1000) for t in BASIC + UNICODE],
}


def text_module(kind):
    if kind == "tf_keras":
        import tf_keras.preprocessing.text as module
    elif kind == "keras3":
        from keras.src.legacy.preprocessing import text as module
    else:
        import featherflow.keras.preprocessing.text as module
    return module


def record_cases(cases, kind):
    module = text_module(kind)
    return {name: _raised(lambda fn=fn: fn(module)) for name, fn in cases.items()}


def hash_seeded(kind, python=sys.executable):
    """HASH_SEEDED_CASES run with ``kind``'s module in a child with ``PYTHONHASHSEED=0``."""
    tools = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONPATH=os.pathsep.join([str(tools.parent), str(tools)]))
    result = subprocess.run([python, "-m", "keras_fixtures.legacy_text", kind], cwd=tools,
                            env=env, capture_output=True, text=True, check=True, timeout=300)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run():
    from .common import save_json

    recorded = record_cases(CASES, "tf_keras")
    keras3 = record_cases(CASES, "keras3")
    different = [name for name in CASES if keras3[name] != recorded[name]]
    if different:
        raise AssertionError(f"tf_keras and Keras 3 disagree on {different}")
    seeded = hash_seeded("tf_keras")
    if hash_seeded("keras3") != seeded:
        raise AssertionError("tf_keras and Keras 3 disagree on the hash-seeded cases")
    import tf_keras

    save_json("legacy_text/tokenizer.json", {
        "versions": {"tf_keras": tf_keras.__version__},
        "cases": recorded, "hash_seeded": seeded})


if __name__ == "__main__":
    print(json.dumps(record_cases(HASH_SEEDED_CASES, sys.argv[1])))
