"""TextVectorization against Keras 3.15.1 (tests/fixtures/keras/layers_text_preprocessing/
cases.json): standardization (TF's ASCII lower, Keras's punctuation regex), whitespace and
character splits, n-grams, padding to output_sequence_length or to the longest row, every
output mode, tf-idf weights, vocabularies after adapt, get_config; then use in a model and in
Dataset.map, and errors."""

import numpy as np
import pytest

import featherflow as tf
from tests.layers.preprocessing.text_cases import case_ids, cases, check_case, floatx_of

L = tf.keras.layers
TEXT_CASES = cases("TextVectorization")


@pytest.fixture
def float64():
    # the fixtures were recorded with floatx float64 (tf-idf outputs and weights in float64)
    tf.keras.backend.set_floatx("float64")
    yield
    tf.keras.backend.set_floatx("float32")


@pytest.mark.parametrize("case", TEXT_CASES, ids=case_ids(TEXT_CASES))
def test_text_vectorization_matches_keras(case, float64):
    tf.keras.backend.set_floatx(floatx_of(case))
    check_case(case)


def adapted(**kwargs):
    layer = L.TextVectorization(**kwargs)
    layer.adapt(["the cat sat", "the dog sat on the mat"])
    return layer


def test_padding_to_the_longest_row_and_to_a_fixed_length():
    layer = adapted()
    vocab = layer.get_vocabulary()
    assert vocab[:4] == ["", "[UNK]", "the", "sat"]
    ids = layer(["the cat", "the dog sat on", ""]).numpy()
    assert ids.shape == (3, 4) and ids.dtype == np.int64
    assert [vocab[i] for i in ids[1]] == ["the", "dog", "sat", "on"]
    assert ids[2].tolist() == [0, 0, 0, 0]
    fixed = adapted(output_sequence_length=2)(["the dog sat on", "cat"]).numpy()
    assert fixed.tolist() == [[2, vocab.index("dog")], [vocab.index("cat"), 0]]


def test_in_dataset_map_as_the_text_classification_tutorial():
    layer = adapted(max_tokens=10, output_sequence_length=3)
    train_ds = tf.data.Dataset.from_tensor_slices(
        (["The cat.", "A dog sat on the mat!", "cat"], [1, 0, 1])).batch(2)
    batches = list(train_ds.map(lambda x, y: (layer(x), y)))
    assert [x.numpy().shape for x, _ in batches] == [(2, 3), (1, 3)]
    assert batches[0][0].numpy()[0].tolist() == [2, layer.get_vocabulary().index("cat"), 0]
    assert [y.numpy().tolist() for _, y in batches] == [[1, 0], [1]]
    direct = list(train_ds.map(lambda x, y: x).map(layer))
    np.testing.assert_array_equal(direct[1].numpy(), batches[1][0].numpy())


def test_adapt_from_a_dataset_of_scalars_and_with_steps():
    lines = tf.data.Dataset.from_tensor_slices(["b a", "c c", "a a a"])
    layer = L.TextVectorization()
    layer.adapt(lines)
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "c", "b"]
    first_two = L.TextVectorization()
    first_two.adapt(lines.batch(1), steps=2)
    assert first_two.get_vocabulary() == ["", "[UNK]", "c", "b", "a"]


def test_callable_standardize_and_split():
    def standardize(x):
        return tf.strings.regex_replace(tf.strings.lower(x), "<br />", " ")

    def split(x):
        return [tf.strings.split(s, sep="|") for s in x.numpy()]

    layer = L.TextVectorization(standardize=standardize, split=split)
    layer.adapt(["A|B<br />c", "a|b"])
    # ties by token, high to low: "b c" sorts after "b"
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b c", "b"]
    assert layer(["b|A"]).numpy().tolist() == [[4, 2]]


def test_errors():
    with pytest.raises(RuntimeError, match="TextVectorization layer 'text'.*adapt"):
        L.TextVectorization(name="text")(["a b"])
    with pytest.raises(ValueError, match="`ragged` must not be true"):
        L.TextVectorization(ragged=True, output_mode="count")
    with pytest.raises(ValueError, match="SparseTensor"):
        L.TextVectorization(output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match="`standardize` argument .* invalid value 'upper'"):
        L.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="`output_sequence_length` must not be set"):
        L.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="`ngrams` must be None, an integer, or a tuple"):
        L.TextVectorization(ngrams=[1, 2])
    with pytest.raises(ValueError, match="one_hot.*split=None"):
        L.TextVectorization(output_mode="one_hot")
    with pytest.raises(ValueError, match="repeated term"):
        L.TextVectorization(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        adapted()([["a", "b"]])
    with pytest.raises(TypeError, match="expects string inputs"):
        adapted()(np.array([1, 2]))


def test_symbolic_call_and_config_round_trip():
    layer = adapted(output_mode="multi_hot", ngrams=(1, 2))
    out = layer(tf.keras.Input(shape=(1,), dtype="string"))
    # Keras 3 reports (None, 1, size) here, while its call returns (batch, size)
    assert (out.shape, out.dtype) == ((None, layer.vocabulary_size()), "int64")
    config = layer.get_config()
    assert config["ngrams"] == (1, 2) and config["vocabulary_size"] == 14
    again = L.TextVectorization.from_config(config)
    # as in Keras, the vocabulary itself comes back from the file's assets, not the config
    assert {**again.get_config(), "vocabulary_size": 14} == config
    assert again.vocabulary_size() == 1


def test_text_classification_tutorial_flow():
    # tensorflow.org "Basic text classification": adapt on the text of a (text, label)
    # Dataset, vectorize in Dataset.map, train an Embedding model on the ids
    reviews = ["A great movie<br />loved it", "terrible, boring film", "great acting!",
               "boring plot and bad acting", "loved the great story", "bad, bad film"]
    raw_train_ds = tf.data.Dataset.from_tensor_slices((reviews, [1, 0, 1, 0, 1, 0])).batch(2)

    def custom_standardization(input_data):
        lowercase = tf.strings.lower(input_data)
        stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
        return tf.strings.regex_replace(stripped_html, "[!\"#$%&'()*+,-./:;<=>?@\\[\\]^_`{|}~]",
                                        "")

    vectorize_layer = L.TextVectorization(standardize=custom_standardization, max_tokens=20,
                                          output_mode="int", output_sequence_length=6)
    vectorize_layer.adapt(raw_train_ds.map(lambda x, y: x))
    assert vectorize_layer.get_vocabulary()[:4] == ["", "[UNK]", "great", "bad"]

    def vectorize_text(text, label):
        text = tf.expand_dims(text, -1)
        return vectorize_layer(text), label

    train_ds = raw_train_ds.map(vectorize_text)
    first, _ = next(iter(train_ds))
    assert first.shape == (2, 6) and first.dtype == tf.int64
    model = tf.keras.Sequential([L.Embedding(20, 4), L.GlobalAveragePooling1D(), L.Dense(1)])
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), optimizer="adam")
    history = model.fit(train_ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
