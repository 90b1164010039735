"""Training continues exactly after save + load: 10 epochs == 5 + save/load + 5 (bitwise)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.serialization.resolver import layer_classes
from featherflow.utils.random import set_random_seed


def _model():
    set_random_seed(7)
    L = layer_classes()
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        L["Dense"](8, activation="relu"),
        L["BatchNormalization"](),  # non-trainable moving statistics must come back too
        L["Dense"](3, activation="softmax"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 1).astype("int64")


def _fit(model, epochs):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, batch_size=8, shuffle=False, verbose=0)


@pytest.mark.parametrize("filename", ["m.keras", "m.h5"])
def test_ten_epochs_equal_five_save_load_five(tmp_path, filename):
    straight = _model()
    history = _fit(straight, 10)

    first = _model()
    _fit(first, 5)
    first.save(tmp_path / filename)
    resumed = tf.keras.models.load_model(tmp_path / filename)
    second = _fit(resumed, 5)

    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(straight.optimizer.variables, resumed.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert second.history["loss"] == history.history["loss"][5:]


def test_weights_file_into_a_compiled_model_also_resumes_exactly(tmp_path):
    straight = _model()
    _fit(straight, 6)
    first = _model()
    _fit(first, 3)
    first.save_weights(tmp_path / "w.weights.h5")
    resumed = _model()
    resumed.load_weights(tmp_path / "w.weights.h5")
    _fit(resumed, 3)
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
