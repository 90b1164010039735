"""Lookup vocabularies in .keras files, as Keras 3 stores them: ``assets/<layer path>/
vocabulary.txt`` (special tokens first) and tf-idf weights at ``<layer path>/vars/idf_weights``.

Files written by Keras 3.15.1 (tools/keras_fixtures/layers_text_preprocessing.py) load and give
Keras's outputs; featherflow's files have the same members and load back unchanged (and, checked
by hand for the report, in Keras 3.15.1 with identical outputs)."""

import json
import zipfile

import numpy as np
import pytest

import featherflow as tf
from featherflow.saving.h5_io import CorruptFileError
from tests.fixtures.keras_loader import fixture_path
from tests.layers.preprocessing.text_cases import FIXTURES

L = tf.keras.layers


def keras_file(name):
    return str(fixture_path(f"layers_text_preprocessing/{name}.keras"))


def expected(name):
    return json.loads(fixture_path(FIXTURES).read_text())["keras_files"][name]


def run_layers(model, x):
    # the model's layers in order: the plan itself needs the models/functional.py string-dtype
    # change listed in the report (see test_model_call_with_string_input)
    for layer in model.layers[1:]:
        x = layer(x)
    return x.numpy()


def test_keras_text_vectorization_model_loads_with_its_vocabulary():
    want = expected("text_model")
    model = tf.keras.models.load_model(keras_file("text_model"))
    text = model.layers[1]
    assert type(text).__name__ == "TextVectorization"
    assert text.get_vocabulary() == want["vocabulary"]
    assert model.inputs[0].dtype == "string"
    # float64 model (the fixture group's floatx): same embedding rows, same mean, same matmul
    np.testing.assert_allclose(run_layers(model, tf.constant(want["inputs"])),
                               want["outputs"], rtol=0, atol=1e-12)


@pytest.fixture
def float64():
    tf.keras.backend.set_floatx("float64")
    yield
    tf.keras.backend.set_floatx("float32")


def test_keras_tf_idf_lookup_loads_its_weights_and_vocabulary(float64):
    # Keras's load_assets sets the vocabulary with the stored weights cast to floatx: float64
    # here, as when the fixture was recorded
    want = expected("lookup_model")
    model = tf.keras.models.load_model(keras_file("lookup_model"))
    lookup = model.layers[1]
    assert lookup.get_vocabulary() == want["vocabulary"]
    out = run_layers(model, tf.constant(want["inputs"]))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, want["outputs"], rtol=1e-12, atol=0)


def test_tf_idf_weights_follow_floatx_when_loaded():
    # at floatx float32 Keras gives float32 outputs: the float64 weights rounded once
    want = expected("lookup_model")
    out = run_layers(tf.keras.models.load_model(keras_file("lookup_model")),
                     tf.constant(want["inputs"]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, want["outputs"], rtol=1e-7, atol=0)


def test_featherflow_file_has_keras_members_and_round_trips(tmp_path):
    text = L.TextVectorization(max_tokens=30, output_mode="tf_idf", ngrams=2)
    text.adapt(["The cat sat.", "the dog sat on the mat", "a cat, a dog"])
    inputs = tf.keras.Input(shape=(1,), dtype="string")
    model = tf.keras.Model(inputs, L.Dense(2)(text(inputs)))
    path = str(tmp_path / "text.keras")
    model.save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    vocabulary = zipfile.ZipFile(path).read("assets/layers/text_vectorization/vocabulary.txt")
    assert vocabulary.decode("utf-8").split("\n") == text.get_vocabulary()
    again = tf.keras.models.load_model(path)
    loaded = again.layers[1]
    assert loaded.get_vocabulary() == text.get_vocabulary()
    np.testing.assert_array_equal(loaded._lookup_layer.idf_weights.numpy(),
                                  text._lookup_layer.idf_weights.numpy())
    query = tf.constant([["the cat"], ["dog on a mat"]])
    np.testing.assert_array_equal(run_layers(again, query), run_layers(model, query))


def test_given_vocabulary_stays_in_the_config(tmp_path):
    lookup = L.IntegerLookup(vocabulary=[7, 3, 9], output_mode="multi_hot")
    inputs = tf.keras.Input(shape=(2,), dtype="int64")
    model = tf.keras.Model(inputs, lookup(inputs))
    path = str(tmp_path / "ints.keras")
    model.save(path)
    assert not [n for n in zipfile.ZipFile(path).namelist() if n.startswith("assets/")]
    loaded = tf.keras.models.load_model(path).layers[1]
    assert loaded.get_vocabulary() == [-1, 7, 3, 9]
    assert loaded(np.array([[3, 5]])).numpy().tolist() == [[1, 0, 1, 0]]


def test_asset_outside_its_folder_is_refused(tmp_path):
    source = keras_file("lookup_model")
    path = str(tmp_path / "bad.keras")
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("assets/../../escape.txt", b"x")
    with pytest.raises(CorruptFileError, match="outside the assets folder"):
        tf.keras.models.load_model(path)


def test_model_call_with_string_input():
    want = expected("text_model")
    model = tf.keras.models.load_model(keras_file("text_model"))
    np.testing.assert_allclose(model(tf.constant(want["inputs"])).numpy(), want["outputs"],
                               rtol=0, atol=1e-12)


@tf.keras.utils.register_keras_serializable(package="text_fixtures")
def lower_no_digits(x):
    return tf.strings.regex_replace(tf.strings.lower(x), "[0-9]+", " ")


def test_registered_standardize_function_round_trips(tmp_path):
    # Keras 3 writes the function as {"class_name": "function", "config": "package>name"}
    want = expected("custom_model")
    model = tf.keras.models.load_model(keras_file("custom_model"))
    text = model.layers[1]
    assert text._standardize is lower_no_digits
    assert text.get_vocabulary() == want["vocabulary"]
    assert text(tf.constant(want["inputs"])).numpy().tolist() == want["outputs"]
    path = str(tmp_path / "custom.keras")
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["config"]["layers"][1]["config"]["standardize"]["class_name"] == "function"
    again = tf.keras.models.load_model(path).layers[1]
    assert again(tf.constant(want["inputs"])).numpy().tolist() == want["outputs"]
