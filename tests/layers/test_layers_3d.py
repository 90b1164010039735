"""The 3-D layers against real Keras 3.15: Conv3D/Conv3DTranspose, 3-D pooling, padding,
cropping, up-sampling and SpatialDropout3D.

Fixtures: tests/fixtures/keras/layers_3d/ (tools/keras_fixtures/layers_3d.py). Layer cases are
float64 (outputs rtol 1e-7, gradients rtol 1e-6, atol 1e-10), except local 3-D pooling, which
TensorFlow runs in float32 only (outputs and gradients rtol 1e-5, atol 1e-6). The model files
(Keras 3 .keras/.h5, tf_keras .h5) are float32 (predictions rtol 1e-5, atol 1e-6).
"""

import doctest
import importlib
import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from tests.fixtures.keras_loader import ROOT, load, stacked
from tests.layers.layer_gradcheck import check_layer

L = tf.keras.layers
CASES = [f"layers_3d/layers/{case}" for case in load("layers_3d/layer_cases")["names"].tolist()]
MODEL = "layers_3d/models/conv3d_model"


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _dtype(fx):
    dtype = fx["config"]["dtype"]
    return dtype["config"]["name"] if isinstance(dtype, dict) else dtype


def _build(fx):
    cfg = {k: v for k, v in fx["config"].items() if k != "dtype"}
    layer = getattr(L, fx["class_name"]).from_config({**cfg, "dtype": _dtype(fx)})
    layer.build((None,) + fx["x"].shape[1:])
    weights = stacked(fx, "w")
    if weights:
        layer.set_weights(weights)
    return layer


def _plain(value):
    """Configs compared as JSON (Keras's lists are featherflow's tuples)."""
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("case", CASES)
def test_matches_keras(case, float64):
    fx = load(case)
    layer = _build(fx)
    dtype = _dtype(fx)
    rtol, grad_rtol, atol = (1e-7, 1e-6, 1e-10) if dtype == "float64" else (1e-5, 1e-5, 1e-6)
    xt = Tensor(fx["x"].astype(dtype))
    with GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, **fx["call_kwargs"])
    assert y.dtype == dtype
    np.testing.assert_allclose(y.numpy(), fx["y"], rtol=rtol, atol=atol, err_msg=case)
    grads = tape.gradient(y, [xt] + layer.trainable_weights,
                          output_gradients=fx["r"].astype(dtype))
    np.testing.assert_allclose(grads[0].numpy(), fx["dx"], rtol=grad_rtol, atol=atol,
                               err_msg=f"{case}: input gradient")
    for i, g in enumerate(grads[1:]):
        np.testing.assert_allclose(g.numpy(), fx[f"dw{i}"], rtol=grad_rtol, atol=atol,
                                   err_msg=f"{case}: gradient of {fx['weight_names'][i]}")
    assert [w.name for w in layer.weights] == fx["weight_names"]
    assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in stacked(fx, "w")]
    if "losses" in fx:
        np.testing.assert_allclose(float(sum(v.numpy() for v in layer.losses)), fx["losses"],
                                   rtol=1e-6)


@pytest.mark.parametrize("case", CASES)
def test_config_is_keras3s(case):
    fx = load(case)
    want = fx["config"]
    layer = getattr(L, fx["class_name"]).from_config(want)
    cfg = layer.get_config()
    assert _plain({k: v for k, v in cfg.items() if k != "dtype"}) == \
        {k: v for k, v in want.items() if k != "dtype"}
    assert cfg["dtype"] == _dtype(fx)
    assert type(layer).from_config(cfg).get_config() == cfg
    again = L.deserialize(L.serialize(layer))
    assert type(again) is type(layer) and again.get_config() == cfg


def test_fixtures_cover_every_layer_and_option():
    fxs = [load(case) for case in CASES]
    assert {fx["class_name"] for fx in fxs} == {
        "Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D", "GlobalMaxPooling3D",
        "GlobalAveragePooling3D", "ZeroPadding3D", "Cropping3D", "UpSampling3D",
        "SpatialDropout3D"}
    configs = [fx["config"] for fx in fxs]
    assert any(c.get("groups", 1) > 1 for c in configs)
    assert any(max(c.get("dilation_rate", [1])) > 1 for c in configs)
    assert any(c.get("output_padding") for c in configs)
    assert any(c.get("keepdims") for c in configs)
    assert any(c.get("padding") == "same" and c.get("strides", [1]) != [1, 1, 1]
               for c in configs)
    assert sum(c.get("data_format") == "channels_first" for c in configs) >= 8


# -- gradients of featherflow's own layers against central differences (float64) --------------
RNG = np.random.default_rng(5)


def rand(*shape):
    return RNG.normal(size=shape)


@pytest.mark.parametrize("make,x", [
    (lambda: L.Conv3D(3, 2, strides=(2, 1, 2), padding="same", activation="relu"),
     rand(2, 3, 4, 3, 2)),
    (lambda: L.Conv3D(4, 2, groups=2, dilation_rate=(1, 2, 1), data_format="channels_first",
                      activation="elu"), rand(2, 4, 3, 4, 3)),
    (lambda: L.Conv3DTranspose(2, 2, strides=2, padding="same", output_padding=1,
                               activation="tanh"), rand(1, 2, 3, 2, 2)),
    (lambda: L.Conv3DTranspose(2, 2, dilation_rate=2, data_format="channels_first"),
     rand(1, 2, 2, 3, 2)),
    (lambda: L.MaxPooling3D(2, strides=1, padding="same"), rand(2, 3, 3, 2, 2)),
    (lambda: L.AveragePooling3D((2, 3, 1), padding="same", data_format="channels_first"),
     rand(2, 2, 3, 4, 3)),
    (lambda: L.GlobalMaxPooling3D(keepdims=True), rand(2, 3, 2, 3, 2)),
    (lambda: L.GlobalAveragePooling3D(data_format="channels_first"), rand(2, 2, 3, 2, 3)),
    (lambda: L.ZeroPadding3D(((1, 0), 2, (0, 1))), rand(1, 2, 2, 3, 2)),
    (lambda: L.Cropping3D(((1, 0), (0, 1), 1), data_format="channels_first"),
     rand(1, 2, 3, 3, 4)),
    (lambda: L.UpSampling3D((2, 1, 2)), rand(1, 2, 3, 2, 2)),
])
def test_layer_gradients(make, x):
    check_layer(make, x)


# -- defaults, aliases, shapes -----------------------------------------------------------------
def test_defaults_and_aliases_follow_keras():
    assert L.Convolution3D is L.Conv3D and L.Convolution3DTranspose is L.Conv3DTranspose
    assert L.MaxPool3D is L.MaxPooling3D and L.AvgPool3D is L.AveragePooling3D
    assert L.GlobalMaxPool3D is L.GlobalMaxPooling3D
    assert L.GlobalAvgPool3D is L.GlobalAveragePooling3D
    assert tf.keras.layers.SpatialDropout3D is L.SpatialDropout3D
    conv = L.Conv3D(2, 3).get_config()
    assert conv["strides"] == (1, 1, 1) and conv["dilation_rate"] == (1, 1, 1)
    assert conv["padding"] == "valid" and conv["groups"] == 1 and conv["use_bias"] is True
    assert conv["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert L.Conv3DTranspose(2, 3).get_config()["output_padding"] is None
    assert L.MaxPooling3D().pool_size == (2, 2, 2) and L.MaxPooling3D().strides == (2, 2, 2)
    with pytest.raises(TypeError, match="pool_size"):
        L.AveragePooling3D()  # no default in Keras 3 either
    assert L.ZeroPadding3D().padding == ((1, 1), (1, 1), (1, 1))
    assert L.Cropping3D().cropping == ((1, 1), (1, 1), (1, 1))
    assert L.UpSampling3D().size == (2, 2, 2)
    assert L.ZeroPadding3D((1, 2, 3)).padding == ((1, 1), (2, 2), (3, 3))
    # Conv3DTranspose takes data_format before output_padding, as Keras's signature
    assert L.Conv3DTranspose(2, 3, 2, "valid", "channels_first", 1).output_padding == (1, 1, 1)
    # SpatialDropout3D(rate, data_format, seed), and Keras 3's keys (no "trainable")
    assert L.SpatialDropout3D(0.3, "channels_first", 5, name="s").get_config() == {
        "rate": 0.3, "seed": 5, "name": "s", "dtype": "float32",
        "data_format": "channels_first"}


def test_weight_layouts_and_dtype():
    x = np.zeros((1, 5, 5, 5, 4), np.float32)
    conv = L.Conv3D(6, (3, 2, 1), groups=2)
    y = conv(x)
    assert y.dtype == np.float32 and conv.kernel.data.dtype == np.float32
    assert [(v.name, v.shape) for v in conv.weights] == [("kernel", (3, 2, 1, 2, 6)),
                                                         ("bias", (6,))]
    tconv = L.Conv3DTranspose(5, 3, use_bias=False)
    tconv(x)
    assert [(v.name, v.shape) for v in tconv.weights] == [("kernel", (3, 3, 3, 5, 4))]
    np.testing.assert_array_equal(conv.bias.numpy(), 0)


@pytest.mark.parametrize("layer,shape", [
    (L.Conv3D(8, 3), (2, 9, 7, 5, 3)),
    (L.Conv3D(8, 3, strides=2, padding="same"), (2, 9, 7, 5, 3)),
    (L.Conv3D(4, (3, 1, 2), dilation_rate=(2, 1, 1)), (2, 9, 7, 5, 3)),
    (L.Conv3D(4, 3, data_format="channels_first"), (2, 3, 9, 7, 5)),
    (L.Conv3DTranspose(4, 3, strides=2), (2, 5, 4, 3, 3)),
    (L.Conv3DTranspose(4, 3, strides=(2, 3, 2), padding="same", output_padding=(1, 2, 0)),
     (2, 5, 4, 3, 3)),
    (L.MaxPooling3D(3, strides=2, padding="same"), (2, 9, 7, 5, 3)),
    (L.AveragePooling3D(2, data_format="channels_first"), (2, 3, 9, 7, 5)),
    (L.GlobalMaxPooling3D(keepdims=True, data_format="channels_first"), (2, 3, 9, 7, 5)),
    (L.ZeroPadding3D(((1, 2), 0, 3)), (2, 4, 4, 4, 1)),
    (L.Cropping3D(((1, 2), 0, 1)), (2, 4, 4, 4, 1)),
    (L.UpSampling3D((1, 2, 3), data_format="channels_first"), (2, 1, 4, 4, 4)),
])
def test_compute_output_shape_matches_the_call(layer, shape):
    y = layer(np.zeros(shape, np.float32))
    assert tuple(y.shape)[1:] == tuple(layer.compute_output_shape((None,) + shape[1:]))[1:]


def test_spatial_dropout3d_drops_whole_channels_in_training():
    x = np.ones((4, 3, 2, 3, 6), np.float32)
    layer = L.SpatialDropout3D(0.5, seed=2)
    np.testing.assert_array_equal(layer(x).numpy(), x)  # inference: unchanged
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0}
    per_channel = y.reshape(4, -1, 6)
    assert np.all(per_channel.min(axis=1) == per_channel.max(axis=1))
    assert 0 < (per_channel[:, 0] == 0).sum() < 24
    cf = L.SpatialDropout3D(0.5, data_format="channels_first", seed=2)
    y = cf(np.ones((4, 6, 3, 2, 3), np.float32), training=True).numpy()
    per_channel = y.reshape(4, 6, -1)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))
    with pytest.raises(ValueError, match="rate"):
        L.SpatialDropout3D(1.0)


# -- model files and summary -------------------------------------------------------------------
def _model():
    inputs = tf.keras.Input(shape=(6, 7, 6, 2), name="volume")
    h = L.Conv3D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    h = L.SpatialDropout3D(0.3, name="drop")(h)
    h = L.MaxPooling3D(2, padding="same", name="max_pool")(h)
    h = L.Conv3DTranspose(4, 2, strides=2, name="up_conv")(h)
    h = L.Cropping3D(((0, 1), (1, 0), 0), name="crop")(h)
    h = L.ZeroPadding3D(1, name="pad")(h)
    h = L.AveragePooling3D(3, strides=2, name="avg_pool")(h)
    h = L.UpSampling3D((1, 2, 1), name="upsample")(h)
    h = L.Conv3D(4, 2, groups=2, name="conv_groups")(h)
    a = L.GlobalMaxPooling3D(name="gmax")(h)
    b = L.GlobalAveragePooling3D(name="gavg")(h)
    out = L.Dense(3, name="dense")(L.Concatenate(name="concat")([a, b]))
    return tf.keras.Model(inputs, out, name="conv3d_model")


@pytest.mark.parametrize("ext", ["keras", "h5"])
def test_keras_model_files_predict_identically(ext):
    pytest.importorskip("h5py")
    fx = load(MODEL)
    model = tf.keras.models.load_model(ROOT / "layers_3d" / "models" / f"conv3d_model.{ext}")
    assert [layer.name for layer in model.layers] == fx["layer_names"].tolist()
    for w, ref in zip(model.get_weights(), stacked(fx, "w"), strict=True):
        np.testing.assert_array_equal(w, ref)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)


def test_tf_keras_h5_file_predicts_identically():
    # tf_keras writes SpatialDropout3D's noise_shape=None and Conv3DTranspose's groups=1,
    # settings these layers do not take (nor does Keras 3's): the loader drops them, saying
    # so for groups
    pytest.importorskip("h5py")
    fx = load("layers_3d/models/conv3d_model_tf_keras")
    with pytest.warns(UserWarning, match="Conv3DTranspose has no setting 'groups'"):
        model = tf.keras.models.load_model(ROOT / "layers_3d" / "models" /
                                           "conv3d_model_tf_keras.h5")
    for w, ref in zip(model.get_weights(), stacked(fx, "w"), strict=True):
        np.testing.assert_array_equal(w, ref)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    by_name = {layer.name: layer for layer in model.layers}
    assert by_name["drop"].rate == pytest.approx(0.3)
    assert by_name["up_conv"].strides == (2, 2, 2) and by_name["conv_groups"].groups == 2


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
    np.testing.assert_array_equal(again.predict(fx["x"], verbose=0),
                                  model.predict(fx["x"], verbose=0))
    for a, b in zip(again.layers, model.layers, strict=True):
        assert type(a) is type(b) and a.get_config() == b.get_config()


def test_summary_prints_keras_shapes_and_params():
    fx = load(MODEL)
    shapes = json.loads(fx["output_shapes"])  # not one of keras_loader's JSON keys
    lines = []
    _model().summary(print_fn=lines.append)
    for name, params in zip(fx["layer_names"].tolist(), fx["params"].tolist(), strict=True):
        row = next(line for line in lines if line.strip().startswith(f"{name} ("))
        shape = "(" + ", ".join("None" if d is None else str(d) for d in shapes[name]) + ")"
        assert shape in row, row
        assert row.split(shape, 1)[1].split()[0] == str(params), row  # then "Connected to"


def test_a_conv3d_model_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4, 4, 4, 1)).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3, 4)) > 0).astype(np.float32)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4, 4, 4, 1)), L.Conv3D(4, 2, activation="relu"),
        L.MaxPooling3D(), L.Flatten(), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make,shape", [
    (lambda: L.Conv3D(2, 3, name="vol"), (2, 5, 5, 3)),
    (lambda: L.Conv3DTranspose(2, 3, name="vol"), (2, 5, 5, 5, 5, 3)),
    (lambda: L.MaxPooling3D(name="vol"), (2, 5, 5, 3)),
    (lambda: L.AveragePooling3D(2, name="vol"), (2, 5, 5, 3)),
    (lambda: L.GlobalAveragePooling3D(name="vol"), (2, 5, 5, 3)),
    (lambda: L.GlobalMaxPooling3D(name="vol"), (2, 5, 3)),
    (lambda: L.ZeroPadding3D(name="vol"), (2, 5, 5, 3)),
    (lambda: L.Cropping3D(name="vol"), (2, 5, 5, 3)),
    (lambda: L.UpSampling3D(name="vol"), (2, 5, 5, 3)),
    (lambda: L.SpatialDropout3D(0.5, name="vol"), (2, 5, 5, 3)),
])
def test_wrong_rank_names_the_layer(make, shape):
    with pytest.raises(ValueError, match=r"'vol': expected 5-D inputs \(batch, depth, height, "
                                         r"width, channels\), received input shape"):
        make()(np.zeros(shape, np.float32), training=True)


def test_bad_settings_are_refused_clearly():
    with pytest.raises(ValueError, match=r"Conv3D 'small'.*smaller than the \(dilated\) kernel "
                                         r"\(5, 5, 5\).*padding='same'"):
        L.Conv3D(2, 5, name="small")(np.zeros((1, 4, 6, 6, 1), np.float32))
    with pytest.raises(ValueError, match=r"Conv3D 'small'.*smaller than the \(dilated\) kernel "
                                         r"\(5, 3, 3\)"):
        L.Conv3D(2, 3, dilation_rate=(2, 1, 1), name="small")(
            np.zeros((1, 4, 6, 6, 1), np.float32))
    with pytest.raises(ValueError, match=r"Conv3D 'grouped'.*3 channels must divide into "
                                         r"groups=2"):
        L.Conv3D(4, 2, groups=2, name="grouped")(np.zeros((1, 4, 4, 4, 3), np.float32))
    with pytest.raises(ValueError, match="groups must be a positive integer dividing filters"):
        L.Conv3D(3, 2, groups=2)
    with pytest.raises(ValueError, match="output_padding"):
        L.Conv3DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="strides > 1 cannot be combined with dilation_rate"):
        L.Conv3D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="kernel_size"):
        L.Conv3D(2, (3, 3))
    with pytest.raises(ValueError, match=r"MaxPooling3D 'p'.*smaller than the"):
        L.MaxPooling3D(3, name="p")(np.zeros((1, 2, 4, 4, 1), np.float32))
    with pytest.raises(ValueError, match="cropping"):
        L.Cropping3D(((2, 2), 0, 0))(np.zeros((1, 4, 4, 4, 1), np.float32))
    with pytest.raises(ValueError, match="padding"):
        L.ZeroPadding3D((1, 2))


@pytest.mark.parametrize("name", ["featherflow.ops.conv3d", "featherflow.ops.pooling3d",
                                  "featherflow.layers.conv3d", "featherflow.layers.pooling3d",
                                  "featherflow.layers.reshaping3d"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), extraglobs={"np": np, "tf": tf},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_spatial_dropout3d_docstring_example():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(L.SpatialDropout3D, "SpatialDropout3D",
                            globs={"np": np, "tf": tf}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0
