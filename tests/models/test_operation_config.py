"""Tensor arithmetic in Functional models (``x + y``, ``x * 2.0``, ``1.0 - x``, ``x[:, 1:3]``)
in .keras files, as Keras 3.15 writes them (models/operation_config.py).

``ops_model.keras`` was written by Keras 3.15 (tools/keras_fixtures/applications_c.py):
featherflow loads it to Keras's prediction, writes it back with the same entries, and a model
featherflow builds writes the entries Keras wrote for the same expressions. (The other
direction, a featherflow-written file loaded by Keras 3.15, was checked by hand with
/work/venv-tf: see docs/applications.md.)
"""

import json
import zipfile

import numpy as np
import pytest

import featherflow as tf
from featherflow import keras
from tests.fixtures.keras_loader import ROOT

DIR = ROOT / "applications_c"


def _ref():
    with np.load(DIR / "ops_model.npz", allow_pickle=False) as f:
        data = {k: f[k] for k in f.files}
    data["config"] = json.loads(str(data["config"]))
    data["layer_names"] = json.loads(str(data["layer_names"]))
    return data


def _config(path):
    return json.loads(zipfile.ZipFile(path).read("config.json"))["config"]


def _shape(entry):
    """An entry without the parts that depend on the writer (Keras's dtype policy dicts)."""
    return (entry["module"], entry["class_name"], entry["registered_name"], entry["name"],
            json.dumps(entry["inbound_nodes"], sort_keys=True))


def test_loads_keras_written_operations_to_keras_prediction():
    ref = _ref()
    model = keras.models.load_model(DIR / "ops_model.keras")
    assert [la.name for la in model.layers] == ref["layer_names"]  # operations are not layers
    y0, y1 = model.predict(ref["x"], verbose=0)
    np.testing.assert_allclose(y0, ref["y0"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(y1, ref["y1"], rtol=1e-6, atol=1e-6)


def test_writes_operations_as_keras_does(tmp_path):
    ref = _ref()
    model = keras.models.load_model(DIR / "ops_model.keras")
    path = tmp_path / "again.keras"
    model.save(path)
    written = _config(path)
    keras_ops = [e for e in ref["config"]["layers"] if e["module"].startswith("keras.src.ops")]
    ours = [e for e in written["layers"] if e["module"].startswith("keras.src.ops")]
    assert [_shape(e) for e in ours] == [_shape(e) for e in keras_ops]
    assert written["output_layers"] == ref["config"]["output_layers"]
    again = keras.models.load_model(path)
    y0, y1 = again.predict(ref["x"], verbose=0)
    np.testing.assert_allclose(y0, ref["y0"], rtol=1e-6, atol=1e-6)


def test_built_model_writes_keras_entries(tmp_path):
    """The same expressions typed in featherflow give the entries Keras wrote."""
    ref = _ref()
    tf.keras.backend.clear_session()
    inp = keras.Input((6,), name="features")
    a = keras.layers.Dense(4, name="dense_a")(inp)
    b = keras.layers.Dense(4, name="dense_b")(inp)
    s = a + b
    t = s * 2.0
    u = 1.0 - t
    v = u / (b * b + 1.0)
    w = -(v ** 2)
    hard = keras.layers.ReLU(6.0, name="relu6")(a + 3.0) * (1.0 / 6.0)
    sliced = s[:, 1:3]
    last = keras.layers.Dense(2, name="head")(keras.layers.Concatenate(name="concat")(
        [w, hard, sliced]))
    model = keras.Model(inp, [last, s[..., 0]], name="ops_model")
    path = tmp_path / "built.keras"
    model.save(path)
    ours = [_shape(e) for e in _config(path)["layers"] if e["module"].startswith("keras.src.ops")]
    keras_ops = [_shape(e) for e in ref["config"]["layers"]
                 if e["module"].startswith("keras.src.ops")]
    assert ours == keras_ops


def test_reversed_constants_and_numpy_constants_round_trip(tmp_path):
    inp = keras.Input((3,))
    outs = [2.0 - inp, 3.0 / (inp + 4.0), inp * np.array([1.0, 2.0, 3.0], "float32"),
            inp[..., ::-1], inp ** 2, inp @ np.eye(3, dtype="float32")]
    model = keras.Model(inp, outs)
    path = tmp_path / "m.keras"
    model.save(path)
    again = keras.models.load_model(path)
    x = np.array([[0.5, 1.0, -2.0]], "float32")
    for got, want in zip(again.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(got, want)
    entries = _config(path)["layers"]
    subtract = next(e for e in entries if e["class_name"] == "Subtract")
    assert subtract["inbound_nodes"][0]["args"][0] == 2.0  # the constant first, as in Keras
    multiply = next(e for e in entries if e["class_name"] == "Multiply")
    assert multiply["inbound_nodes"][0]["args"][1]["class_name"] == "__numpy__"


def test_unknown_keras_operation_is_a_clear_error(tmp_path):
    config = _ref()["config"]
    entry = next(e for e in config["layers"] if e["class_name"] == "Negative")
    entry["class_name"] = entry["registered_name"] = "Logaddexp"
    with pytest.raises(ValueError, match=r"'negative'.*keras\.src\.ops\.numpy\.Logaddexp"):
        tf.keras.Model.from_config(config)


def test_keras2_formats_refuse_operations_clearly(tmp_path):
    inp = keras.Input((3,))
    model = keras.Model(inp, inp + 1.0)
    with pytest.raises(ValueError, match=r"only the Keras 3 format.*\.keras"):
        model.save(tmp_path / "m.h5")


def test_clone_model_of_a_graph_with_operations():
    """Keras 3 clones such models; featherflow clones them through their Keras 3 config."""
    inp = keras.Input((3,))
    model = keras.Model(inp, 2.0 - keras.layers.Dense(2)(inp) * 3.0)
    clone = keras.models.clone_model(model)
    assert [type(la).__name__ for la in clone._all_layers] == \
        [type(la).__name__ for la in model._all_layers]
    clone.set_weights(model.get_weights())
    x = np.array([[1.0, -2.0, 0.5]], "float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    nested = keras.models.clone_model(keras.Sequential([keras.Input((3,)), model]))
    nested.set_weights(model.get_weights())
    np.testing.assert_array_equal(nested.predict(x, verbose=0), model.predict(x, verbose=0))
