"""A Keras 2 .h5 whose layers use ``hard_sigmoid`` (tools/keras_fixtures/legacy_hard_sigmoid.py).

Keras 2 defines ``hard_sigmoid`` as clip(0.2 x + 0.5, 0, 1), Keras 3 as relu6(x + 3) / 6. Keras
3.15 cannot load this tf_keras-written file at all (its LSTM refuses ``time_major``);
featherflow loads it with Keras 3's definition (the Keras 3 prediction for the same weights),
warns that the numbers differ from Keras 2's, and gives Keras 2's numbers exactly when the
Keras 2 function is passed in through ``custom_objects``.
"""

import warnings

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import ROOT as FIXTURES

CASE = FIXTURES / "legacy_hard_sigmoid" / "lstm_gru_hard_sigmoid"


@pytest.fixture(scope="module")
def ref():
    return np.load(str(CASE) + ".npz")


def test_keras3_definition_with_a_warning(ref):
    with pytest.warns(UserWarning, match=r"hard_sigmoid.*custom_objects"):
        model = tf.keras.models.load_model(str(CASE) + ".h5", compile=False)
    y = model.predict(ref["x"], verbose=0)
    np.testing.assert_allclose(y, ref["y_keras3"], rtol=1e-5, atol=1e-6)
    assert np.abs(ref["y_keras3"] - ref["y_keras2"]).max() > 1e-3  # the case tells them apart


def test_keras2_definition_through_custom_objects(ref):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = tf.keras.models.load_model(
            str(CASE) + ".h5", compile=False,
            custom_objects={"hard_sigmoid": tf.keras.backend.hard_sigmoid})
    y = model.predict(ref["x"], verbose=0)
    np.testing.assert_allclose(y, ref["y_keras2"], rtol=1e-5, atol=1e-6)


def test_a_custom_function_named_like_a_builtin_is_not_replaced_by_it():
    def relu(x):  # a user's own "relu": leaky, not the built-in
        return tf.maximum(x, 0.5 * x)

    layer = tf.keras.layers.Dense(3, activation=relu, kernel_initializer="ones")
    y = layer(np.array([[-1.0, -2.0]], np.float32))
    np.testing.assert_allclose(y.numpy(), [[-1.5, -1.5, -1.5]])


def test_featherflow_written_files_do_not_warn(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((4, 2)),
                                 tf.keras.layers.LSTM(3, recurrent_activation="hard_sigmoid")])
    path = str(tmp_path / "m.h5")
    model.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = tf.keras.models.load_model(path, compile=False)
    x = np.random.default_rng(0).normal(size=(2, 4, 2)).astype(np.float32)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0))
