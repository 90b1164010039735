"""Files written by real Keras 3 and tf_keras (Keras 2) open with identical predictions.

Fixtures: tests/fixtures/keras/models/ (see its README): ``.keras``, ``.weights.h5`` and
legacy ``.h5`` from Keras 3; ``.h5`` and ``_weights.h5`` from tf_keras; ``legacy_bytes/``
copies with byte-string attributes, ``Model`` class names and no ``module`` keys.
"""

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import ROOT, load, stacked

MODELS = ["dense_seq", "functional_branches", "conv_bn", "lstm_seq", "gru_seq",
          "embedding_bilstm"]
FULL = ([("keras3", m, ext) for m in MODELS for ext in (".keras", ".h5")]
        + [("tf_keras", m, ".h5") for m in MODELS]
        + [("tf_keras/legacy_bytes", m, ".h5")
           for m in ("dense_seq", "functional_branches", "lstm_seq")])


def _fixture(folder, name):
    base = "tf_keras" if folder.startswith("tf_keras") else "keras3"
    return load(f"models/{base}/{name}")


@pytest.mark.parametrize("folder,name,ext", FULL, ids=[f"{f}/{m}{e}" for f, m, e in FULL])
def test_keras_model_files_predict_identically(folder, name, ext):
    fx = _fixture(folder, name)
    model = tf.keras.models.load_model(ROOT / "models" / folder / f"{name}{ext}")
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=2e-6)
    for w, ref in zip(model.get_weights(), stacked(fx, "w")):
        np.testing.assert_array_equal(w, ref)
    assert model.compiled == bool(fx["compiled"])
    if fx["compiled"]:
        assert type(model.optimizer).__name__ == fx["optimizer_class"]
        state = [v.numpy() for v in model.optimizer.variables]
        saved = stacked(fx, "opt")
        if len(state) == len(saved) + 1:  # tf.keras keeps the learning rate out of its state
            state = [state[0]] + state[2:]
        assert len(state) == len(saved)
        for a, b in zip(state, saved):
            np.testing.assert_allclose(a, b, rtol=1e-6)


WEIGHTS = ([("keras3", m, f"{m}.weights.h5") for m in MODELS]
           + [("tf_keras", m, f"{m}_weights.h5") for m in MODELS]
           + [("tf_keras/legacy_bytes", m, f"{m}_weights.h5")
              for m in ("dense_seq", "functional_branches", "lstm_seq")])


@pytest.mark.parametrize("folder,name,file", WEIGHTS, ids=[f"{f}/{n}" for f, _, n in WEIGHTS])
def test_keras_weight_files_load_into_a_model(folder, name, file):
    fx = _fixture(folder, name)
    source = ROOT / "models" / ("keras3" if folder == "keras3" else "tf_keras")
    full = source / (f"{name}.keras" if folder == "keras3" else f"{name}.h5")
    model = tf.keras.models.load_model(full, compile=False)
    for v in model.weights:
        v.data[...] = 0
    model.load_weights(ROOT / "models" / folder / file)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=2e-6)


def test_compile_settings_come_back_from_a_tf_keras_file():
    model = tf.keras.models.load_model(ROOT / "models" / "tf_keras" / "conv_bn.h5")
    config = model.optimizer.get_config()
    assert type(model.optimizer).__name__ == "SGD"
    assert config["learning_rate"] == pytest.approx(0.05)
    assert config["momentum"] == pytest.approx(0.9)
    assert model.loss == "sparse_categorical_crossentropy"
    fx = load("models/tf_keras/conv_bn")
    logs = model.evaluate(fx["x"], fx["y_train"], verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}


def test_keras3_weights_file_restores_the_optimizer_too():
    fx = load("models/keras3/dense_seq")
    model = tf.keras.models.load_model(ROOT / "models" / "keras3" / "dense_seq.keras")
    for v in model.optimizer.variables:
        v.data[...] = 0
    model.load_weights(ROOT / "models" / "keras3" / "dense_seq.weights.h5")
    for a, b in zip(model.optimizer.variables, stacked(fx, "opt")):
        np.testing.assert_array_equal(a.numpy(), b)
