"""Keras 3 files and offline decoding (tools/keras_fixtures/applications_c.py,
tests/fixtures/keras/applications_c/):

- ``weights=`` given a ``.weights.h5`` file written by Keras 3.15's ``model.save_weights``
  (MobileNetV2, ConvNeXtTiny, EfficientNetB0 with seeded weights), predictions within 1e-4 of
  Keras's relative to max |y|;
- ``decode_predictions`` from the class index shipped as package data, with no server and no
  Keras cache, equal to Keras's output on recorded scores;
- whole-model ``.keras`` files of a ConvNeXt (nested Sequentials, LayerScale, ``inputs + x``
  operations) both ways.
"""

import hashlib
import importlib.resources
import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.keras.applications import imagenet_utils
from tests.applications import reference
from tests.fixtures.keras_loader import ROOT

DIR = ROOT / "applications_c"
TOL = 1e-4
SLOW = {"weights3_effb0_top_33"}


def _load(name):
    with np.load(DIR / f"{name}.npz", allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _weights3_names():
    return sorted(p.name[:-len(".weights.h5")] for p in DIR.glob("weights3_*.weights.h5"))


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=[pytest.mark.slow] if n in SLOW
                                               else []) for n in _weights3_names()])
def test_keras3_weights_file_as_weights_argument(name):
    ref = _load(name)
    kwargs = json.loads(str(ref["kwargs"]))
    kwargs["input_shape"] = tuple(kwargs["input_shape"])
    tf.keras.backend.clear_session()
    build = getattr(tf.keras.applications, str(ref["ctor"]))
    model = build(weights=str(DIR / f"{name}.weights.h5"), **kwargs)
    assert model.name == str(ref["model_name"])
    assert model.count_params() == int(ref["count_params"])
    family = getattr(tf.keras.applications, str(ref["module"]))
    np.testing.assert_allclose(family.preprocess_input(ref["x_raw"].copy()), ref["x"],
                               rtol=1e-6, atol=1e-5)
    err = reference.max_rel_err(model.predict(ref["x"], verbose=0), ref["y"])
    assert err <= TOL, f"{name}: max error {err:.2e} relative to max |y|"


def test_keras3_weights_fixtures_cover_two_families_and_stay_small():
    names = _weights3_names()
    assert {"weights3_mnv2_035_top_32", "weights3_convnext_tiny_notop_32_avg"} <= set(names)
    for name in names:
        assert (DIR / f"{name}.weights.h5").stat().st_size < 1e6


def test_keras3_weights_file_of_another_architecture_leaves_the_model_unchanged():
    tf.keras.backend.clear_session()
    model = tf.keras.applications.MobileNetV2(alpha=0.5, input_shape=(32, 32, 3), classes=10,
                                              weights=None)
    before = [w.numpy().copy() for w in model.weights]
    path = DIR / "weights3_mnv2_035_top_32.weights.h5"
    with pytest.raises(ValueError) as info:
        model.load_weights(str(path))
    message = str(info.value)
    assert "weights3_mnv2_035_top_32.weights.h5" in message
    assert "Conv1" in message or "conv" in message.lower()
    for w, old in zip(model.weights, before):
        np.testing.assert_array_equal(w.numpy(), old)


# -- decode_predictions ---------------------------------------------------------------------
def test_class_index_is_package_data_with_keras_hash():
    data = (importlib.resources.files("featherflow.keras.applications") / "data"
            / "imagenet_class_index.json").read_bytes()
    assert hashlib.md5(data).hexdigest() == imagenet_utils.CLASS_INDEX_HASH
    assert len(json.loads(data)) == 1000


def _no_network(*args, **kwargs):
    raise AssertionError("decode_predictions must not fetch anything")


@pytest.mark.parametrize("top", [5, 1, 10])
def test_decode_predictions_offline_equals_keras(top, tmp_path, monkeypatch):
    ref = _load("decode_predictions")
    # no Keras cache, a mirror nobody serves, and any download attempt fails the test
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty_keras_home"))
    monkeypatch.setenv("FEATHERFLOW_APPLICATIONS_MIRROR", "http://127.0.0.1:9/")
    monkeypatch.setattr("featherflow.utils.file_utils.get_file", _no_network)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    out = tf.keras.applications.mobilenet_v2.decode_predictions(ref["preds"], top=top)
    want = json.loads(str(ref[f"top{top}"]))
    np.testing.assert_array_equal([[s for _, _, s in row] for row in out],
                                  np.float32([[s for _, _, s in row] for row in want]))

    # Classes with equal scores come in the order of NumPy's argsort (unstable), as in Keras
    # (`pred.argsort()[-top:][::-1]`), and that order is the machine's: NumPy sorts with
    # AVX-512 sorting networks where the CPU has them, so among tied scores another class may
    # be picked. Every class given must carry its score in the predictions, and the classes
    # of untied scores must be Keras's.
    index = {tuple(v): int(k) for k, v in imagenet_utils.CLASS_INDEX.items()}
    preds = np.asarray(ref["preds"], np.float32)
    for r, (row, want_row) in enumerate(zip(out, want)):
        for w, n, score in row:
            assert preds[r, index[(w, n)]] == np.float32(score)
        tied = {np.float32(x) for x in preds[r] if (preds[r] == x).sum() > 1}
        assert [(w, n) for w, n, sc in row if np.float32(sc) not in tied] == \
            [(w, n) for w, n, sc in want_row if np.float32(sc) not in tied]
    assert all(isinstance(row[0], tuple) for row in out)
    assert not (tmp_path / "empty_keras_home").exists()


def test_decode_predictions_takes_tensors():
    ref = _load("decode_predictions")
    out = imagenet_utils.decode_predictions(tf.constant(ref["preds"]), top=1)
    # the same as from the NumPy array (Keras's classes, up to the order of tied scores:
    # see test_decode_predictions_offline_equals_keras)
    assert out == imagenet_utils.decode_predictions(np.asarray(ref["preds"]), top=1)
    assert [np.float32(row[0][2]) for row in out] == [
        np.float32(r[0][2]) for r in json.loads(str(ref["top1"]))]


# -- whole ConvNeXt models in .keras files --------------------------------------------------
def test_keras_written_convnext_keras_file_loads_to_keras_prediction(tmp_path):
    ref = _load("convnext_narrow")
    model = tf.keras.models.load_model(DIR / "convnext_narrow.keras")
    assert [la.name for la in model.layers] == json.loads(str(ref["layer_names"]))
    assert model.count_params() == int(ref["count_params"])
    assert type(model.get_layer("convnext_narrow_stage_0_block_0_layer_scale")) is \
        tf.keras.applications.convnext.LayerScale
    y = model.predict(ref["x"], verbose=0)
    assert reference.max_rel_err(y, ref["y"]) <= TOL
    # and written back by featherflow, read again (Keras 3.15 reads such files: see docs)
    path = tmp_path / "again.keras"
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(ref["x"], verbose=0), y)


def test_featherflow_convnext_saves_whole(tmp_path):
    tf.keras.backend.clear_session()
    model = tf.keras.applications.convnext.ConvNeXt(
        depths=[1, 1, 1, 1], projection_dims=[8, 8, 16, 16], default_size=32,
        input_shape=(32, 32, 3), classes=3, weights=None, name="convnext_mini")
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    path = tmp_path / "mini.keras"
    model.save(path)
    again = tf.keras.models.load_model(path)
    assert [la.name for la in again.layers] == [la.name for la in model.layers]
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


# -- bad input: files for another variant or include_top, wrong classes, small inputs --------
LEGACY = ROOT / "applications" / "mobilenetv2_035_top_32.h5"
KERAS3 = DIR / "weights3_mnv2_035_top_32.weights.h5"


@pytest.mark.parametrize("path", [LEGACY, KERAS3], ids=["keras2_h5", "keras3_weights_h5"])
def test_top_file_for_a_model_without_top_is_refused(path):
    tf.keras.backend.clear_session()
    with pytest.raises(ValueError) as info:
        tf.keras.applications.MobileNetV2(alpha=0.35, include_top=False, weights=str(path),
                                          input_shape=(32, 32, 3))
    message = str(info.value)
    assert path.name in message
    if path is KERAS3:  # Keras 3 itself loads this file silently, ignoring the top
        assert "'layers/dense' [(1280, 10), (10,)]" in message and "include_top" in message
    else:
        assert "predictions" in message


def test_file_without_top_for_a_model_with_top_is_refused():
    path = DIR / "weights3_convnext_tiny_notop_32_avg.weights.h5"
    tf.keras.backend.clear_session()
    with pytest.raises(ValueError, match=r"convnext_tiny_head_dense.*\(768, 10\)") as info:
        tf.keras.applications.ConvNeXtTiny(classes=10, weights=str(path),
                                           input_shape=(32, 32, 3))
    assert path.name in str(info.value)


@pytest.mark.parametrize("path", [LEGACY, KERAS3], ids=["keras2_h5", "keras3_weights_h5"])
def test_wrong_classes_name_the_layer_and_shapes_and_leave_the_model_unchanged(path):
    tf.keras.backend.clear_session()
    model = tf.keras.applications.MobileNetV2(alpha=0.35, classes=7, weights=None,
                                              input_shape=(32, 32, 3))
    before = [w.numpy().copy() for w in model.weights]
    with pytest.raises(ValueError, match=r"'predictions'.*\(1280, 7\).*\(1280, 10\)") as info:
        model.load_weights(str(path))
    assert path.name in str(info.value) and "left unchanged" in str(info.value)
    for w, old in zip(model.weights, before):
        np.testing.assert_array_equal(w.numpy(), old)


@pytest.mark.parametrize("ctor", ["MobileNetV3Small", "MobileNetV3Large", "EfficientNetB0",
                                  "EfficientNetV2B0", "ConvNeXtTiny", "ResNet50V2", "DenseNet121"])
def test_imagenet_top_with_other_classes_is_refused_before_building(ctor):
    with pytest.raises(ValueError, match=r"classes should be 1000. Received classes=10"):
        getattr(tf.keras.applications, ctor)(weights="imagenet", classes=10)


@pytest.mark.parametrize("ctor", ["MobileNetV3Small", "EfficientNetB0", "EfficientNetV2B0",
                                  "ConvNeXtTiny", "ResNet50V2"])
def test_input_below_the_minimum_is_refused(ctor):
    with pytest.raises(ValueError, match=r"at least 32x32.*\(16, 40, 3\)"):
        getattr(tf.keras.applications, ctor)(weights=None, include_top=False,
                                             input_shape=(16, 40, 3))


def test_efficientnet_without_weights_predicts_as_keras():
    """Keras runs EfficientNet's in-model Normalization with its initial mean 0 and variance 1
    when weights=None (featherflow's Normalization otherwise refuses to run un-adapted)."""
    tf.keras.backend.clear_session()
    model = tf.keras.applications.EfficientNetB0(weights=None, input_shape=(32, 32, 3),
                                                 classes=3)
    norm = next(la for la in model.layers if type(la).__name__ == "Normalization")
    mean, variance, count = norm.get_weights()
    np.testing.assert_array_equal(mean, np.zeros(3))
    np.testing.assert_array_equal(variance, np.ones(3))
    y = model.predict(np.full((1, 32, 32, 3), 128.0, "float32"), verbose=0)
    assert y.shape == (1, 3) and np.all(np.isfinite(y))
    np.testing.assert_allclose(y.sum(), 1.0, rtol=1e-5)
