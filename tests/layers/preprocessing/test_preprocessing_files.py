"""Keras 3.15 .keras files holding the preprocessing layers (adapted Normalization,
Discretization boundaries, seeded augmentation layers): featherflow loads them and predicts
Keras's numbers, and its own saved copy reloads the same."""

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import fixture_path, load

MODELS = ["model_normalization", "model_image", "model_discretization"]


@pytest.mark.parametrize("name", MODELS)
def test_keras_files_load_and_predict(name, tmp_path):
    fx = load(f"layers_preprocessing/{name}")
    model = tf.keras.models.load_model(str(fixture_path(f"layers_preprocessing/{name}.keras")))
    # float32 Dense after float32 preprocessing: summation order only
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(fx["x"], verbose=0),
                                  model.predict(fx["x"], verbose=0))


def test_loaded_state_is_the_adapted_state():
    model = tf.keras.models.load_model(
        str(fixture_path("layers_preprocessing/model_normalization.keras")))
    norm = [layer for layer in model.layers if type(layer).__name__ == "Normalization"][0]
    assert [v.name for v in norm.weights] == ["mean", "variance", "count"]
    assert not np.all(norm.get_weights()[0] == 0)
    model = tf.keras.models.load_model(
        str(fixture_path("layers_preprocessing/model_discretization.keras")))
    assert len(model.layers[0].bin_boundaries) == 2
    seeded = tf.keras.models.load_model(
        str(fixture_path("layers_preprocessing/model_image.keras")))
    assert [layer.get_config().get("seed") for layer in seeded.layers[:2]] == [1, 2]
