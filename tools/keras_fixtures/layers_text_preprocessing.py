"""TextVectorization, StringLookup, IntegerLookup, Hashing and HashedCrossing (Keras 3.15.1).

Writes ``layers_text_preprocessing/cases.json``: for each case the constructor arguments, the
adapt data, the inputs and what Keras returned for them (values, dtype, shape), the vocabulary
after adapt (with and without the special tokens), the tf-idf weights and ``get_config()``.
Also writes two ``.keras`` files made by Keras (a TextVectorization model and a StringLookup
model whose vocabularies are stored as assets) with the outputs they give.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, save_json

SENTENCES = [
    "The quick brown fox; jumped over the lazy dog!",
    "The DOG barked, the fox ran.",
    "École d'été: ÉTÉ, café & croissant...",
    "a-b c_d e.f (g) [h] {i} 'j' \"k\" l/m n\\o p~q",
    "tabs\tand\nnew lines  and   spaces",
    "",
    "the the the dog dog fox",
]
CALL_TEXT = [
    "the dog and the fox",
    "Unknown words, a LAZY cat!",
    "",
    "École café",
]
WORDS = [["a", "b", "c", "a"], ["b", "d", "a", "e"], ["e", "f", "b", "a"], ["é", "", "a", "b"]]
WORD_QUERY = [["a", "z", "é", ""], ["f", "b", "q", "e"]]
INTS = [[1, 2, 3, 1], [2, 4, 1, 5], [5, 6, 2, 1], [7, 0, 1, 2]]
INT_QUERY = [[1, 9, 7, 0], [6, 2, -3, 5]]


def _json_value(x):
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind in "SU":
        flat = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in arr.reshape(-1)]
        return {"value": np.array(flat, dtype=object).reshape(arr.shape).tolist(),
                "dtype": "string", "shape": list(arr.shape)}
    return {"value": arr.tolist(), "dtype": arr.dtype.name, "shape": list(arr.shape)}


def _tensor(spec):
    import tensorflow as tf

    if spec["dtype"] == "string":
        return tf.constant(spec["value"], dtype=tf.string)
    return tf.constant(spec["value"], dtype=spec["dtype"])


def _input(value, dtype="string"):
    return {"value": value, "dtype": dtype}


def _config(layer):
    cfg = layer.get_config()
    if isinstance(cfg.get("dtype"), dict):
        cfg["dtype"] = cfg["dtype"]["config"]["name"]
    for key, value in list(cfg.items()):
        if isinstance(value, tuple):
            cfg[key] = list(value)
    return cfg


def _vocab(layer, special):
    vocab = layer.get_vocabulary(include_special_tokens=special)
    return [v.decode("utf-8") if isinstance(v, bytes) else (int(v) if isinstance(
        v, (int, np.integer)) else str(v)) for v in vocab]


def lookup_cases():
    """(name, class name, kwargs, adapt data or None, adapt as Dataset batch size, inputs)."""
    s = "StringLookup"
    i = "IntegerLookup"
    tv = "TextVectorization"
    w = [_input(WORD_QUERY)]
    n = [_input(INT_QUERY, "int64")]
    t = [_input(CALL_TEXT), _input([[c] for c in CALL_TEXT])]
    vocab = ["a", "b", "c", "é"]
    return [
        ("string_adapt_int", s, {}, WORDS, None, w),
        ("string_adapt_dataset", s, {}, WORDS, 2, w),
        ("string_flat_adapt", s, {}, sum(WORDS, []), None, [_input(["a", "q"]), _input("b")]),
        ("string_mask_oov2", s, {"mask_token": "", "num_oov_indices": 2}, WORDS, None, w),
        ("string_oov3_salt", s, {"num_oov_indices": 3, "salt": 7}, WORDS, None, w),
        ("string_oov3_salt_pair", s, {"num_oov_indices": 3, "salt": [3, 11]}, WORDS, None, w),
        ("string_max_tokens", s, {"max_tokens": 4}, WORDS, None, w),
        ("string_oov0", s, {"num_oov_indices": 0}, WORDS, None,
         [_input([["a", "b"], ["é", "f"]])]),
        ("string_one_hot", s, {"output_mode": "one_hot"}, WORDS, None,
         [_input(["a", "z", "b"]), _input([["a"], ["e"]])]),
        ("string_multi_hot", s, {"output_mode": "multi_hot"}, WORDS, None, w),
        ("string_multi_hot_mask", s, {"output_mode": "multi_hot", "mask_token": ""}, WORDS,
         None, w),
        ("string_count", s, {"output_mode": "count"}, WORDS, None, w),
        ("string_count_pad", s, {"output_mode": "count", "max_tokens": 10,
                                 "pad_to_max_tokens": True}, WORDS, None, w),
        ("string_tf_idf", s, {"output_mode": "tf_idf"}, WORDS, None, w),
        # a 1-D batch of a Dataset is one document for a lookup's tf-idf counts
        ("string_tf_idf_dataset_1d", s, {"output_mode": "tf_idf"}, sum(WORDS, []), 3, w),
        ("string_tf_idf_pad", s, {"output_mode": "tf_idf", "max_tokens": 9,
                                  "pad_to_max_tokens": True}, WORDS, None, w),
        ("string_vocab", s, {"vocabulary": vocab}, None, None, w),
        ("string_vocab_special", s, {"vocabulary": ["", "[UNK]", "x", "y"], "mask_token": ""},
         None, None, [_input([["x", "", "y", "w"]])]),
        ("string_vocab_tf_idf", s, {"vocabulary": vocab, "idf_weights": [0.5, 1.0, 1.5, 2.0],
                                    "output_mode": "tf_idf"}, None, None, w),
        ("string_invert", s, {"vocabulary": vocab, "invert": True}, None, None,
         [_input([[0, 1, 2], [4, 5, 9]], "int64")]),
        ("string_invert_mask", s, {"vocabulary": vocab, "invert": True, "mask_token": "",
                                   "oov_token": "?"}, None, None,
         [_input([[0, 1, 2], [4, 5, 9]], "int64")]),
        ("int_adapt", i, {}, INTS, None, n),
        ("int_mask_oov2", i, {"mask_token": 0, "num_oov_indices": 2}, INTS, None, n),
        ("int_farmhash", i, {"num_oov_indices": 3, "oov_method": "farmhash"}, INTS, None, n),
        ("int_farmhash_salt", i, {"num_oov_indices": 3, "oov_method": "farmhash",
                                  "salt": 5}, INTS, None, n),
        ("int_multi_hot", i, {"output_mode": "multi_hot"}, INTS, None, n),
        ("int_count_mask", i, {"output_mode": "count", "mask_token": 0}, INTS, None, n),
        ("int_tf_idf", i, {"output_mode": "tf_idf"}, INTS, None, n),
        ("int_one_hot", i, {"output_mode": "one_hot"}, INTS, None,
         [_input([1, 5, 99], "int64")]),
        ("int_vocab_invert", i, {"vocabulary": [12, 36, 1138, 42], "invert": True}, None,
         None, [_input([[0, 1, 2], [4, 5, 3]], "int64")]),
        ("int_vocab_int32_input", i, {"vocabulary": [12, 36, 1138, 42]}, None, None,
         [_input([[12, 1138], [7, 42]], "int32")]),
        ("tv_default", tv, {}, SENTENCES, None, t),
        ("tv_dataset", tv, {}, SENTENCES, 3, t),
        ("tv_seq_len", tv, {"output_sequence_length": 4}, SENTENCES, None, t),
        ("tv_seq_len_long", tv, {"output_sequence_length": 12, "max_tokens": 8}, SENTENCES,
         None, t),
        ("tv_lower", tv, {"standardize": "lower"}, SENTENCES, None, t),
        ("tv_strip", tv, {"standardize": "strip_punctuation"}, SENTENCES, None, t),
        ("tv_none", tv, {"standardize": None}, SENTENCES, None, t),
        ("tv_character", tv, {"split": "character"}, SENTENCES, None, t),
        ("tv_ngrams2", tv, {"ngrams": 2}, SENTENCES, None, t),
        ("tv_ngrams13", tv, {"ngrams": (1, 3)}, SENTENCES, None, t),
        ("tv_multi_hot", tv, {"output_mode": "multi_hot"}, SENTENCES, None, t),
        ("tv_count_ngrams", tv, {"output_mode": "count", "ngrams": 2, "max_tokens": 12},
         SENTENCES, None, t),
        ("tv_tf_idf", tv, {"output_mode": "tf_idf"}, SENTENCES, None, t),
        ("tv_tf_idf_pad", tv, {"output_mode": "tf_idf", "max_tokens": 40,
                               "pad_to_max_tokens": True}, SENTENCES, None, t),
        ("tv_split_none", tv, {"split": None, "output_mode": "int"}, SENTENCES, None,
         [_input([[c] for c in CALL_TEXT])]),
        ("tv_split_none_multi_hot", tv, {"split": None, "output_mode": "multi_hot"},
         SENTENCES, None, [_input([[c] for c in CALL_TEXT])]),
        ("tv_vocab", tv, {"vocabulary": ["the", "dog", "fox", "cat", "lazy"]}, None, None, t),
        ("tv_vocab_tf_idf", tv, {"vocabulary": ["the", "dog", "fox"], "output_mode": "tf_idf",
                                 "idf_weights": [0.25, 0.75, 1.25]}, None, None, t),
        ("tv_scalar", tv, {}, SENTENCES, None, [_input("The lazy fox, the fox")]),
    ]


HASH_STRINGS = [["a", "b", "hello"], ["", "Hello", "featherflow"]]
HASH_INTS = [[0, 1, 2], [-7, 12345678901, 42]]


def hashing_cases():
    h = "Hashing"
    s = _input(HASH_STRINGS)
    n64 = _input(HASH_INTS, "int64")
    n32 = _input([[0, 1, 2], [-7, 123456, 42]], "int32")
    return [
        ("hash_str", h, {"num_bins": 7}, [s]),
        ("hash_str_1bin", h, {"num_bins": 1}, [s]),
        ("hash_int64", h, {"num_bins": 7}, [n64]),
        ("hash_int32", h, {"num_bins": 11}, [n32]),
        ("hash_float", h, {"num_bins": 5}, [_input([1.7, -2.2, 3.0], "float32")]),
        ("hash_mask_str", h, {"num_bins": 5, "mask_value": ""}, [s]),
        ("hash_mask_int", h, {"num_bins": 5, "mask_value": 0}, [n64]),
        ("hash_salt", h, {"num_bins": 7, "salt": 133}, [s, n64]),
        ("hash_salt_pair", h, {"num_bins": 7, "salt": [1, 2]}, [s]),
        ("hash_one_hot", h, {"num_bins": 4, "output_mode": "one_hot"},
         [_input(["a", "b", "c"]), _input([["a"], ["b"]])]),
        ("hash_multi_hot", h, {"num_bins": 4, "output_mode": "multi_hot"}, [s]),
        ("hash_count", h, {"num_bins": 4, "output_mode": "count"}, [s, n64]),
        ("hash_int32_dtype", h, {"num_bins": 3, "dtype": "int32"}, [s]),
    ]


def crossing_cases():
    c = "HashedCrossing"
    return [
        ("cross_str_int", c, {"num_bins": 5},
         [[_input(["a", "b", "c", "a"]), _input([1, 2, 3, 1], "int64")]]),
        ("cross_col", c, {"num_bins": 10},
         [[_input([["x"], ["y"]]), _input([[7], [8]], "int64")]]),
        ("cross_three", c, {"num_bins": 100},
         [[_input(["x", "y"]), _input([7, 8], "int64"), _input(["p", "q"])]]),
        ("cross_scalar", c, {"num_bins": 9}, [[_input("x"), _input(3, "int64")]]),
        ("cross_one_hot", c, {"num_bins": 4, "output_mode": "one_hot"},
         [[_input(["a", "b"]), _input(["c", "d"])]]),
        ("cross_big_bins", c, {"num_bins": 2 ** 40},
         [[_input(["a", "b"]), _input([-1, 2 ** 40], "int64")]]),
    ]


FUZZ_ALPHABET = list("abcdeXYZ ,.;:!?'\"-_/\\()[]{}@#$%^&*+=<>|~`\t\n") + [
    "é", "É", "ß", "ø", "日本", "\u00a0", "\u2003", "İ", "ǅ"]


def fuzz_text(count, seed):
    """Random strings over punctuation, ASCII/Unicode letters and Unicode spaces."""
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(FUZZ_ALPHABET, rng.integers(0, 25))) for _ in range(count)]


def float32_cases():
    """Cases recorded at floatx float32 (the tf-idf OOV weight is a float32 mean there)."""
    tv = "TextVectorization"
    docs = fuzz_text(300, 5)
    query = [_input([[d] for d in docs[200:]])]
    return [
        ("tv_fuzz_tf_idf_f32", tv, {"standardize": "lower", "output_mode": "tf_idf"},
         docs[:200], None, query),
        ("tv_fuzz_ngrams_count_f32", tv, {"ngrams": (2, 3), "output_mode": "count",
                                          "max_tokens": 50}, docs[:200], None, query),
        ("tv_fuzz_character_f32", tv, {"split": "character"}, docs[:200], None, query),
        ("string_tf_idf_f32", "StringLookup", {"output_mode": "tf_idf"}, WORDS, None,
         [_input(WORD_QUERY)]),
    ]


def _record(name, cls_name, kwargs, adapt, adapt_batch, inputs):
    import keras
    import tensorflow as tf

    layer = getattr(keras.layers, cls_name)(**kwargs)
    if adapt is not None:
        if adapt_batch:
            layer.adapt(tf.data.Dataset.from_tensor_slices(adapt).batch(adapt_batch))
        else:
            layer.adapt(adapt)
    case = {"name": name, "layer": cls_name,
            "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
            "adapt": adapt, "adapt_batch": adapt_batch, "inputs": inputs, "outputs": []}
    for spec in inputs:
        x = [_tensor(s) for s in spec] if isinstance(spec, list) else _tensor(spec)
        out = layer(x)
        case["outputs"].append(_json_value(np.asarray(out)))
        case["outputs"][-1]["dtype"] = (out.dtype.name if out.dtype != tf.string
                                        else "string")
    if hasattr(layer, "get_vocabulary"):
        case["vocabulary"] = _vocab(layer, True)
        case["vocabulary_tokens"] = _vocab(layer, False)
        case["vocabulary_size"] = int(layer.vocabulary_size())
    lookup = getattr(layer, "_lookup_layer", layer)
    if getattr(lookup, "output_mode", None) == "tf_idf":
        case["idf_weights"] = np.asarray(lookup.idf_weights_const).tolist()
    case["config"] = _config(layer)
    return case


def keras_files():
    """Two .keras models with vocabularies stored as assets, and what they output."""
    import keras

    keras.utils.set_random_seed(7)
    out = {}
    (OUT / "layers_text_preprocessing").mkdir(parents=True, exist_ok=True)
    text = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=6)
    text.adapt(SENTENCES)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = text(inputs)
    x = keras.layers.Embedding(20, 3)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(2)(x)
    model = keras.Model(inputs, outputs)
    path = OUT / "layers_text_preprocessing" / "text_model.keras"
    model.save(path)
    query = np.array([[c] for c in CALL_TEXT], dtype=object)
    out["text_model"] = {"inputs": [[c] for c in CALL_TEXT],
                         "outputs": np.asarray(model(query), dtype=np.float64).tolist(),
                         "vocabulary": _vocab(text, True)}

    # no "" token here: Keras drops trailing empty lines of vocabulary.txt when loading, so a
    # vocabulary ending in "" would not load back in Keras either
    words = keras.layers.StringLookup(output_mode="tf_idf")
    words.adapt([[w or "g" for w in row] for row in WORDS])
    inputs = keras.Input(shape=(4,), dtype="string")
    model = keras.Model(inputs, words(inputs))
    path = OUT / "layers_text_preprocessing" / "lookup_model.keras"
    model.save(path)
    out["lookup_model"] = {"inputs": WORD_QUERY,
                           "outputs": np.asarray(model(np.array(WORD_QUERY, dtype=object)),
                                                 dtype=np.float64).tolist(),
                           "vocabulary": _vocab(words, True)}

    @keras.saving.register_keras_serializable(package="text_fixtures")
    def lower_no_digits(x):
        import tensorflow as tf

        return tf.strings.regex_replace(tf.strings.lower(x), "[0-9]+", " ")

    custom = keras.layers.TextVectorization(standardize=lower_no_digits, ngrams=2)
    custom.adapt(["Room 101 Is Big", "room 7 is small"])
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, custom(inputs))
    model.save(OUT / "layers_text_preprocessing" / "custom_model.keras")
    query = np.array([["ROOM 5 is big"]], dtype=object)
    out["custom_model"] = {"inputs": query.tolist(), "outputs": np.asarray(model(query)).tolist(),
                           "vocabulary": _vocab(custom, True)}
    return out


def run():
    cases = [_record(*c) for c in lookup_cases()]
    cases += [_record(name, cls, kw, None, None, inputs)
              for name, cls, kw, inputs in hashing_cases() + crossing_cases()]
    import keras

    keras.config.set_floatx("float32")
    for case in float32_cases():
        cases.append({**_record(*case), "floatx": "float32"})
    keras.config.set_floatx("float64")
    save_json("layers_text_preprocessing/cases.json",
              {"cases": cases, "keras_files": keras_files()})
