"""fit/evaluate/predict take raw text for models that start with a string Input (the
"Basic text classification" tutorial's export model: ``export_model.predict(examples)``)."""

import numpy as np
import pytest

import featherflow as tf


def _text_model():
    vectorize = tf.keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(["the cat sat", "the dog ran", "a cat ran"])
    tf.keras.utils.set_random_seed(1)
    model = tf.keras.Sequential([
        tf.keras.Input((1,), dtype="string"), vectorize, tf.keras.layers.Embedding(20, 3),
        tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(1)])
    model.compile("adam", "mse")
    return model


@pytest.mark.parametrize("x", [
    ["the cat", "a dog"],
    np.array(["the cat", "a dog"]),
    np.array([["the cat"], ["a dog"]], dtype=object),
    np.array([b"the cat", b"a dog"]),
    tf.constant([["the cat"], ["a dog"]]),
])
def test_predict_takes_text_in_any_form(x):
    model = _text_model()
    expected = model(tf.constant([["the cat"], ["a dog"]])).numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


def test_fit_and_evaluate_on_text_arrays():
    model = _text_model()
    x, y = np.array(["the cat sat", "the dog ran"] * 8), np.array([1.0, 0.0] * 8)
    history = model.fit(x, y, epochs=3, batch_size=4, verbose=0, validation_data=(x, y))
    assert len(history.history["val_loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert np.isclose(model.evaluate(x, y, verbose=0), history.history["val_loss"][-1],
                      rtol=1e-3)


def test_text_into_a_numeric_model_says_how_to_fix_it():
    model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="holds text.*dtype='string'"):
        model.fit(np.array([["a"], ["b"]]), np.array([1.0, 0.0]), verbose=0)
    with pytest.raises(TypeError, match="y must hold numbers"):
        model.fit(np.ones((2, 1)), np.array(["a", "b"]), verbose=0)
