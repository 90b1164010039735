"""Save/load of a model holding ConvLSTM2D, GroupNormalization and SpectralNormalization(Dense).

- Keras 3.15's own .keras and .h5 files of that model (tests/fixtures/keras/layers_misc/models,
  written by tools/keras_fixtures/layers_misc.py) load in featherflow: same weights, and
  predictions equal to Keras's (float32, rtol 1e-5, atol 1e-6).
- tf_keras 2's .h5 of a model with ConvLSTM2D, GroupNormalization, UnitNormalization,
  ActivityRegularization and AlphaDropout loads with tf_keras's predictions (same tolerance).
- featherflow's .keras / .h5 / .weights.h5 files load back exactly (after a training step, so
  SpectralNormalization's kernel and non-trainable vector_u have moved).
- featherflow's .keras and .h5 files open in real Keras 3 with featherflow's predictions
  (rtol 1e-5, atol 1e-6), when the TensorFlow Python ($FF_TF_PYTHON or
  /work/venv-tf/bin/python) exists; skipped otherwise.
"""

import json
import os
import subprocess

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import ROOT, load, stacked

L = tf.keras.layers
FOLDER = ROOT / "layers_misc" / "models"


def _model():
    inp = tf.keras.Input((3, 6, 6, 2))
    h = L.ConvLSTM2D(4, 3, padding="same", name="conv_lstm")(inp)
    h = L.GroupNormalization(groups=2, name="group_norm")(h)
    h = L.Flatten(name="flatten")(h)
    out = L.SpectralNormalization(L.Dense(3, name="dense"), name="spectral")(h)
    return tf.keras.Model(inp, out, name="misc_model")


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_keras_written_file_loads_with_keras_predictions(ext):
    fx = load("layers_misc/models/misc_model")
    model = tf.keras.models.load_model(str(FOLDER / f"misc_model.{ext}"))
    assert [v.path for v in model.weights] == json.loads(json.dumps(fx["weight_names"]))
    for got, want in zip(model.get_weights(), stacked(fx, "w")):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    assert isinstance(model.get_layer("spectral"), L.SpectralNormalization)
    assert model.get_layer("group_norm").groups == 2


def test_tf_keras_written_h5_loads_with_tf_keras_predictions():
    # ConvLSTM2D, GroupNormalization, UnitNormalization, ActivityRegularization, AlphaDropout
    # and Dense in Keras 2 configs and the Keras 2 HDF5 weight layout
    fx = load("layers_misc/models/tf_keras_misc_model")
    model = tf.keras.models.load_model(str(FOLDER / "tf_keras_misc_model.h5"))
    for got, want in zip(model.get_weights(), stacked(fx, "w")):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    assert model.get_layer("activity").l1 == 0.01
    assert model.get_layer("alpha_dropout").rate == 0.2


def _trained():
    tf.keras.utils.set_random_seed(3)
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3, 6, 6, 2)).astype("float32")
    y = rng.normal(size=(4, 3)).astype("float32")
    u0 = model.get_layer("spectral").vector_u.numpy().copy()
    model.fit(x, y, epochs=1, batch_size=2, verbose=0)
    assert not np.allclose(model.get_layer("spectral").vector_u.numpy(), u0)
    return model, x


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_featherflow_file_round_trip(tmp_path, ext):
    model, x = _trained()
    path = str(tmp_path / f"m.{ext}")
    model.save(path)
    again = tf.keras.models.load_model(path)
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert again.get_layer("spectral").power_iterations == 1
    assert again.get_layer("conv_lstm").get_config() == model.get_layer("conv_lstm").get_config()


def test_weights_file_round_trip(tmp_path):
    model, x = _trained()
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    fresh = _model()
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_array_equal(fresh.get_layer("spectral").vector_u.numpy(),
                                  model.get_layer("spectral").vector_u.numpy())


_CHECK = """
import os, sys, json
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, keras
folder = sys.argv[1]
x = np.load(os.path.join(folder, "x.npy"))
out = {}
for ext in ("keras", "h5"):
    m = keras.models.load_model(os.path.join(folder, "m." + ext))
    out[ext] = m.predict(x, verbose=0).tolist()
print("RESULT " + json.dumps(out))
"""


def test_featherflow_files_open_in_real_keras(tmp_path):
    python = os.environ.get("FF_TF_PYTHON", "/work/venv-tf/bin/python")
    if not os.path.exists(python):
        pytest.skip(f"no TensorFlow Python at {python} (set FF_TF_PYTHON to run this check)")
    model, x = _trained()
    model.save(str(tmp_path / "m.keras"))
    model.save(str(tmp_path / "m.h5"))
    np.save(tmp_path / "x.npy", x)
    proc = subprocess.run([python, "-c", _CHECK, str(tmp_path)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": ""},
                          cwd=str(tmp_path))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"Keras could not load the files:\n{proc.stderr[-3000:]}"
    want = model.predict(x, verbose=0)
    for ext, y in json.loads(lines[-1][len("RESULT "):]).items():
        np.testing.assert_allclose(np.asarray(y), want, rtol=1e-5, atol=1e-6, err_msg=ext)
