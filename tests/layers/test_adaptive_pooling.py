"""The adaptive pooling layers against real Keras 3.15: AdaptiveAveragePooling1D/2D/3D and
AdaptiveMaxPooling1D/2D/3D.

Fixtures: tests/fixtures/keras/layers_adaptive/ (tools/keras_fixtures/layers_adaptive.py).
The layers run in float32 there (TensorFlow's 3-D pooling kernels behind them have no float64):
outputs and input gradients rtol 1e-5, atol 1e-6. The model files (Keras 3 .keras/.h5) are
float32: predictions rtol 1e-5, atol 1e-6.
"""

import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from tests.fixtures.keras_loader import ROOT, load, stacked
from tests.layers.layer_gradcheck import check_layer

L = tf.keras.layers
CASES = [f"layers_adaptive/layers/{case}"
         for case in load("layers_adaptive/layer_cases")["names"].tolist()]
MODEL = "layers_adaptive/models/adaptive_model"
NAMES = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
         "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]


def _dtype(fx):
    dtype = fx["config"]["dtype"]
    return dtype["config"]["name"] if isinstance(dtype, dict) else dtype


def _plain(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("case", CASES)
def test_matches_keras(case):
    fx = load(case)
    cfg = {k: v for k, v in fx["config"].items() if k != "dtype"}
    layer = getattr(L, fx["class_name"]).from_config({**cfg, "dtype": _dtype(fx)})
    xt = Tensor(fx["x"].astype(_dtype(fx)))
    with GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
    assert y.dtype == _dtype(fx)
    np.testing.assert_allclose(y.numpy(), fx["y"], rtol=1e-5, atol=1e-6, err_msg=case)
    (dx,) = tape.gradient(y, [xt], output_gradients=fx["r"].astype(_dtype(fx)))
    np.testing.assert_allclose(dx.numpy(), fx["dx"], rtol=1e-5, atol=1e-6,
                               err_msg=f"{case}: input gradient")
    assert layer.weights == []
    assert tuple(layer.compute_output_shape(fx["x"].shape)) == fx["y"].shape


@pytest.mark.parametrize("case", CASES)
def test_config_is_keras3s(case):
    fx = load(case)
    want = fx["config"]
    layer = getattr(L, fx["class_name"]).from_config(want)
    cfg = layer.get_config()
    assert _plain({k: v for k, v in cfg.items() if k != "dtype"}) == \
        {k: v for k, v in want.items() if k != "dtype"}
    assert type(layer).from_config(cfg).get_config() == cfg
    again = L.deserialize(L.serialize(layer))
    assert type(again) is type(layer) and again.get_config() == cfg


def test_fixtures_cover_every_layer_and_option():
    fxs = [load(case) for case in CASES]
    assert {fx["class_name"] for fx in fxs} == set(NAMES)
    assert sum(fx["config"]["data_format"] == "channels_first" for fx in fxs) == 6
    # output larger than the input along an axis (windows overlap by more than one)
    assert any(fx["y"].shape[1] > fx["x"].shape[1] for fx in fxs)


@pytest.mark.parametrize("make,x", [
    (lambda: L.AdaptiveAveragePooling1D(4), np.random.default_rng(1).normal(size=(2, 10, 3))),
    (lambda: L.AdaptiveMaxPooling1D(7, data_format="channels_first"),
     np.random.default_rng(2).normal(size=(2, 3, 5))),
    (lambda: L.AdaptiveAveragePooling2D((3, 5)),
     np.random.default_rng(3).normal(size=(1, 7, 8, 2))),
    (lambda: L.AdaptiveMaxPooling2D(3), np.random.default_rng(4).normal(size=(2, 7, 5, 2))),
    (lambda: L.AdaptiveAveragePooling3D((2, 3, 2), data_format="channels_first"),
     np.random.default_rng(5).normal(size=(1, 2, 5, 4, 3))),
    (lambda: L.AdaptiveMaxPooling3D(2), np.random.default_rng(6).normal(size=(1, 3, 5, 4, 2))),
])
def test_layer_gradients(make, x):
    check_layer(make, x)


def test_arguments_and_errors_follow_keras():
    assert L.AdaptiveAveragePooling2D(7).output_size == (7, 7)
    assert L.AdaptiveMaxPooling3D([1, 2, 3]).output_size == (1, 2, 3)
    assert L.AdaptiveMaxPooling1D(5).get_config()["output_size"] == (5,)
    assert L.AdaptiveAveragePooling1D(2).data_format == "channels_last"
    with pytest.raises(TypeError, match=r"\(height, width\) tuple"):
        L.AdaptiveAveragePooling2D((2, 3, 4))
    with pytest.raises(TypeError, match=r"\(depth, height, width\) tuple"):
        L.AdaptiveMaxPooling3D("2")
    with pytest.raises(ValueError, match="tuple must have length 1"):
        L.AdaptiveMaxPooling1D((2, 2))
    with pytest.raises(ValueError, match="Invalid data_format: channels_middle"):
        L.AdaptiveAveragePooling2D(2, data_format="channels_middle")
    with pytest.raises(ValueError, match=r"AdaptiveMaxPooling2D 'p': expected inputs of rank 4"):
        L.AdaptiveMaxPooling2D(2, name="p")(np.zeros((2, 5, 3)))


def test_symbolic_shapes_and_image_data_format():
    inputs = tf.keras.Input((None, 9, 3))
    assert tuple(L.AdaptiveAveragePooling2D((4, 2))(inputs).shape) == (None, 4, 2, 3)
    previous = tf.keras.backend.image_data_format()
    tf.keras.backend.set_image_data_format("channels_first")
    try:
        layer = L.AdaptiveMaxPooling2D(2)
        assert layer.data_format == "channels_first"
        assert layer(np.zeros((1, 3, 6, 6), np.float32)).shape == (1, 3, 2, 2)
    finally:
        tf.keras.backend.set_image_data_format(previous)


def _model():
    inputs = tf.keras.Input(shape=(11, 9, 3), name="image")
    h = L.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    h = L.AdaptiveMaxPooling2D((5, 4), name="adaptive_max")(h)
    h = L.AdaptiveAveragePooling2D(3, name="adaptive_avg")(h)
    h = L.Permute((3, 1, 2), name="to_cf")(h)
    h = L.AdaptiveAveragePooling2D((2, 2), data_format="channels_first", name="avg_cf")(h)
    h = L.Reshape((4, 4), name="steps")(h)
    h = L.AdaptiveMaxPooling1D(2, name="adaptive_max_1d")(h)
    out = L.Dense(3, name="dense")(L.Flatten(name="flat")(h))
    return tf.keras.Model(inputs, out, name="adaptive_model")


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_keras_model_files_predict_identically(ext):
    pytest.importorskip("h5py")
    fx = load(MODEL)
    model = tf.keras.models.load_model(ROOT / "layers_adaptive" / "models" /
                                       f"adaptive_model.{ext}")
    assert [layer.name for layer in model.layers] == fx["layer_names"].tolist()
    shapes = {layer.name: list(layer.output.shape) for layer in model.layers}
    want = fx["output_shapes"]
    assert _plain(shapes) == (json.loads(want) if isinstance(want, str) else want)
    for w, ref in zip(model.get_weights(), stacked(fx, "w"), strict=True):
        np.testing.assert_array_equal(w, ref)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_round_trip_through_featherflow_files(ext, tmp_path):
    pytest.importorskip("h5py")
    fx = load(MODEL)
    model = _model()
    model.set_weights(stacked(fx, "w"))
    assert [v.path for v in model.weights] == fx["weight_names"]
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    path = tmp_path / f"model{ext}"
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    assert [type(layer).__name__ for layer in again.layers] == \
        [type(layer).__name__ for layer in model.layers]


def test_fit_trains_through_adaptive_pooling():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 10, 12, 2)).astype(np.float32)
    y = rng.normal(size=(16, 2)).astype(np.float32)
    model = tf.keras.Sequential([tf.keras.Input((None, None, 2)), L.Conv2D(3, 3),
                                 L.AdaptiveMaxPooling2D((2, 2)), L.Flatten(), L.Dense(2)])
    model.compile("adam", "mse")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
