"""MobileNetV3, EfficientNet(V2) and ConvNeXt built by featherflow, loading seeded weight files
in the published Keras 2 .h5 layout, against Keras 3.15's prediction on the same file
(tools/keras_fixtures/applications_b.py, tests/fixtures/keras/applications_b/).

Tolerance: max |featherflow - Keras| <= 1e-4 x max(1, max |Keras output|) in float32 for every
case; measured: at most 2.1e-6 (convnext_small_notop_32_avg), 1.9e-6 for EfficientNetV2,
8.8e-7 for EfficientNet, 1.0e-6 for MobileNetV3.

``*_imagenet_*`` cases were recorded with Keras's own ``weights="imagenet"`` code path (its
``get_file`` replaced by one returning the seeded file, recording the file name, URL and
hash it asked for); here the same bytes are served under that name from 127.0.0.1.
"""

import hashlib
import json
import os

import numpy as np
import pytest

import featherflow as tf
from tests.applications import reference
from tests.datasets import http_server
from tests.fixtures.keras_loader import ROOT

DIR = ROOT / "applications_b"
TOL = 1e-4
# one fast case per family runs by default; these take 5-16 s each on the 2-core machine
# (prediction through 100-500 layers), so they are marked slow
FAST = {"mnv3small_top_32", "mnv3large_notop_35_avg", "mnv3small_min075_notop_33_max",
        "mnv3large_noprep_top_32", "mnv3large_imagenet_notop_32", "effb0_top_32",
        "effv2b0_top_32", "convnext_tiny_top_32"}


def case_names(imagenet=None):
    names = sorted(p.stem for p in DIR.glob("*.h5"))
    if imagenet is None:
        return names
    return [n for n in names if ("_imagenet_" in n) == imagenet]


def _params(names):
    return [pytest.param(n, id=n, marks=[] if n in FAST else [pytest.mark.slow])
            for n in names]


def load_case(name):
    with np.load(DIR / f"{name}.npz", allow_pickle=False) as f:
        data = {k: f[k] for k in f.files}
    out = {k: v for k, v in data.items() if v.dtype.kind != "U"}
    for key in ("layers", "kwargs", "request"):
        out[key] = json.loads(str(data[key]))
    for key in ("module", "ctor", "model_name"):
        out[key] = str(data[key])
    out["kwargs"]["input_shape"] = tuple(out["kwargs"]["input_shape"])
    out["weights"] = DIR / f"{name}.h5"
    return out


def _check(model, ref):
    assert model.name == ref["model_name"]
    assert model.count_params() == int(ref["count_params"])
    assert reference.layer_rows(model) == ref["layers"]
    family = getattr(tf.keras.applications, ref["module"])
    x = family.preprocess_input(ref["x_raw"].copy())
    np.testing.assert_array_equal(x, ref["x"])  # pass-through, as in Keras
    y = model.predict(ref["x"], verbose=0)
    assert y.shape == ref["y"].shape
    err = reference.max_rel_err(y, ref["y"])
    assert err <= TOL, f"{ref['model_name']}: max error {err:.2e} relative to max |y|"


def test_every_family_has_weight_fixtures():
    ctors = {load_case(n)["ctor"] for n in case_names()}
    assert {"MobileNetV3Small", "MobileNetV3Large", "EfficientNetB0", "EfficientNetB1",
            "EfficientNetB3", "EfficientNetV2B0", "EfficientNetV2B2", "EfficientNetV2S",
            "ConvNeXtTiny", "ConvNeXtSmall"} <= ctors
    for name in case_names():
        assert (DIR / f"{name}.h5").stat().st_size < 2e6


@pytest.mark.parametrize("name", _params(case_names(imagenet=False)))
def test_prediction_layers_and_params_match_keras(name):
    ref = load_case(name)
    tf.keras.backend.clear_session()
    build = getattr(tf.keras.applications, ref["ctor"])
    _check(build(weights=str(ref["weights"]), **ref["kwargs"]), ref)


def _digest(data, like):
    algo = hashlib.sha256 if len(like) == 64 else hashlib.md5
    return algo(data).hexdigest()


@pytest.fixture
def imagenet_mirror(tmp_path, monkeypatch):
    refs = {n: load_case(n) for n in case_names(imagenet=True)}
    files = {"/" + r["request"]["fname"]: r["weights"].read_bytes() for r in refs.values()}
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    with http_server.serve(files) as server:
        monkeypatch.setenv("FEATHERFLOW_APPLICATIONS_MIRROR", server.url + "/")
        server.refs = refs
        yield server


def _swap_hash(module, monkeypatch, keras_hash, new_hash):
    hashes = {k: tuple(new_hash if h == keras_hash else h for h in v)
              for k, v in module.WEIGHTS_HASHES.items()}
    monkeypatch.setattr(module, "WEIGHTS_HASHES", hashes)


@pytest.mark.parametrize("name", _params(case_names(imagenet=True)))
def test_imagenet_requests_keras_file_url_and_hash(name, imagenet_mirror, monkeypatch):
    ref = imagenet_mirror.refs[name]
    request = ref["request"]
    module = getattr(tf.keras.applications, ref["module"])
    # the file name, URL and hash featherflow asks for are the ones Keras asked for
    hashes = [h for pair in module.WEIGHTS_HASHES.values() for h in pair]
    assert request["file_hash"] in hashes
    assert request["cache_subdir"] == "models"
    base = getattr(module, "BASE_WEIGHTS_PATH", None) or module.BASE_WEIGHT_PATH
    assert request["origin"] == base + request["fname"]
    body = imagenet_mirror.files["/" + request["fname"]]
    _swap_hash(module, monkeypatch, request["file_hash"], _digest(body, request["file_hash"]))
    kwargs = {k: v for k, v in ref["kwargs"].items() if k != "weights"}
    for _ in range(2):
        tf.keras.backend.clear_session()
        with pytest.warns(UserWarning) if ref["module"] == "mobilenet_v3" else _nothing():
            model = getattr(tf.keras.applications, ref["ctor"])(weights="imagenet", **kwargs)
        _check(model, ref)
    assert imagenet_mirror.requests["/" + request["fname"]] == 1  # then the cached file
    assert os.path.exists(os.path.join(os.environ["KERAS_HOME"], "models", request["fname"]))


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_imagenet_hash_mismatch_is_an_error(imagenet_mirror):
    # Keras's real (sha256) hash of the published ConvNeXt file cannot match the stand-in
    with pytest.raises(ValueError, match="hash"):
        tf.keras.applications.ConvNeXtTiny(weights="imagenet", include_top=False,
                                           input_shape=(32, 32, 3))
    assert not os.path.exists(os.path.join(os.environ["KERAS_HOME"], "models",
                                           "convnext_tiny_notop.h5"))


def test_weights_for_another_width_are_refused():
    ref = load_case("mnv3small_top_32")
    tf.keras.backend.clear_session()
    with pytest.raises(ValueError, match=r"mnv3small_top_32\.h5"):
        tf.keras.applications.MobileNetV3Small(alpha=0.75, weights=str(ref["weights"]),
                                               input_shape=(32, 32, 3), classes=10,
                                               classifier_activation=None)


def test_feature_extractor_on_keras_layer_names():
    ref = load_case("effb0_top_32")
    tf.keras.backend.clear_session()
    base = tf.keras.applications.EfficientNetB0(weights=str(ref["weights"]), **ref["kwargs"])
    features = tf.keras.Model(base.input, base.get_layer("block6a_expand_activation").output)
    assert features.predict(ref["x"], verbose=0).shape == (2, 2, 2, 672)


@pytest.mark.slow
def test_input_tensor_is_the_models_input():
    ref = load_case("convnext_tiny_top_32")
    tf.keras.backend.clear_session()
    inp = tf.keras.Input((32, 32, 3))
    kwargs = {k: v for k, v in ref["kwargs"].items() if k != "input_shape"}
    model = tf.keras.applications.ConvNeXtTiny(weights=str(ref["weights"]), input_tensor=inp,
                                               **kwargs)
    assert model.inputs[0] is inp
    assert reference.max_rel_err(model.predict(ref["x"], verbose=0), ref["y"]) <= TOL


# ---- ConvNeXt's custom layers: Keras's class names and configs -----------------------------

def _configs():
    return json.loads((DIR / "configs.json").read_text())


def test_convnext_custom_layer_configs_match_keras():
    tf.keras.backend.clear_session()
    model = tf.keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3),
                                               include_top=False)
    configs = _configs()
    for lname in ("convnext_tiny_stage_0_block_0_layer_scale",
                  "convnext_tiny_stage_0_block_0_identity"):
        layer = model.get_layer(lname)
        want = configs[lname]
        assert type(layer).__name__ == want["class_name"]
        got = layer.get_config()
        for key in ("name", "trainable", "init_values", "projection_dim", "activation"):
            if key in want["config"]:
                assert got[key] == want["config"][key], key
    from featherflow.keras.applications.convnext import LayerScale, StochasticDepth

    sd = StochasticDepth(0.25, name="sd")
    assert sd.get_config()["drop_path_rate"] == configs["stochastic_depth"]["config"][
        "drop_path_rate"]
    clone = LayerScale.from_config(model.get_layer(
        "convnext_tiny_stage_0_block_0_layer_scale").get_config())
    assert (clone.init_values, clone.projection_dim) == (1e-6, 96)


def test_convnext_prestem_normalization_has_keras_statistics():
    tf.keras.backend.clear_session()
    model = tf.keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3),
                                               include_top=False)
    want = _configs()["convnext_tiny_prestem_normalization"]["config"]
    layer = model.get_layer("convnext_tiny_prestem_normalization")
    np.testing.assert_allclose(np.ravel(layer.get_config()["mean"]), np.ravel(want["mean"]))
    np.testing.assert_allclose(np.ravel(layer.get_config()["variance"]),
                               np.ravel(want["variance"]))
    assert layer.weights == []  # given statistics are constants, not weights (as in Keras)


def test_stochastic_depth_drops_whole_samples_in_training_only():
    from featherflow.keras.applications.convnext import StochasticDepth

    tf.random.set_seed(3)
    layer = StochasticDepth(0.5)
    x = np.ones((64, 2, 2, 3), "float32")
    y = layer(x, training=True).numpy()
    per_sample = y.reshape(64, -1)
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert np.all(per_sample.min(1) == per_sample.max(1))  # the whole sample or nothing
    assert 10 < (per_sample[:, 0] == 0).sum() < 54
    np.testing.assert_array_equal(layer(x).numpy(), x)


@pytest.mark.slow
def test_convnext_weights_round_trip_through_keras3_weights_file(tmp_path):
    ref = load_case("convnext_tiny_top_32")
    tf.keras.backend.clear_session()
    model = tf.keras.applications.ConvNeXtTiny(weights=str(ref["weights"]), **ref["kwargs"])
    path = str(tmp_path / "convnext.weights.h5")
    model.save_weights(path)
    tf.keras.backend.clear_session()
    fresh = tf.keras.applications.ConvNeXtTiny(weights=None, **ref["kwargs"])
    fresh.load_weights(path)
    assert reference.max_rel_err(fresh.predict(ref["x"], verbose=0), ref["y"]) <= TOL


def test_custom_layers_save_and_load_in_a_model_file(tmp_path):
    from featherflow.keras.applications.convnext import LayerScale, StochasticDepth

    tf.keras.backend.clear_session()
    inp = tf.keras.Input((4, 4, 3))
    out = StochasticDepth(0.1, name="sd")(LayerScale(0.5, 3, name="ls")(inp))
    model = tf.keras.Model(inp, out)
    model.get_layer("ls").gamma.assign(np.asarray([1.0, 2.0, 3.0], "float32"))
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(
        path, custom_objects={"LayerScale": LayerScale, "StochasticDepth": StochasticDepth})
    x = np.ones((1, 4, 4, 3), "float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0)[0, 0, 0], [1.0, 2.0, 3.0])
    assert loaded.get_layer("sd").drop_path_rate == 0.1
    assert loaded.get_layer("ls").get_config()["projection_dim"] == 3
