"""ReLU, LeakyReLU, PReLU, ELU and Softmax against real Keras 3.15: outputs, input and alpha
gradients, configs, masks, model files (.keras, .h5 from Keras 3 and tf_keras).

Fixtures: tests/fixtures/keras/layers_activation/ (tools/keras_fixtures/layers_activation.py),
float64. Tolerances: outputs rtol 1e-6, gradients rtol 1e-5 (atol 1e-12); float32 model
predictions rtol 1e-5, atol 1e-6.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from tests.fixtures.keras_loader import ROOT, load, stacked
from tests.layers.layer_gradcheck import check_layer

L = tf.keras.layers
# this group's cases, plus the three the core-layer group recorded earlier
CASES = [f"layers_activation/layers/{case}"
         for case in load("layers_activation/layer_cases")["names"].tolist()] + [
    "layers/leaky_relu_layer", "layers/prelu", "layers/softmax_layer"]


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _build(fx):
    cls = getattr(L, fx["class_name"])
    cfg = {k: v for k, v in fx["config"].items() if k != "dtype"}
    layer = cls.from_config({**cfg, "dtype": "float64"})
    x = fx["x"]
    layer.build(x.shape)
    weights = stacked(fx, "w")
    if weights:
        layer.set_weights(weights)
    return layer


@pytest.mark.parametrize("case", CASES)
def test_matches_keras(case, float64):
    fx = load(case)
    layer = _build(fx)
    xt = Tensor(fx["x"].copy())
    kwargs = {"mask": fx["mask"]} if "mask" in fx else {}
    with GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, **kwargs)
    np.testing.assert_allclose(y.numpy(), fx["y"], rtol=1e-6, atol=1e-12, err_msg=case)
    grads = tape.gradient(y, [xt] + layer.trainable_weights, output_gradients=fx["r"])
    np.testing.assert_allclose(grads[0].numpy(), fx["dx"], rtol=1e-5, atol=1e-12,
                               err_msg=f"{case}: input gradient")
    for i, g in enumerate(grads[1:]):
        np.testing.assert_allclose(g.numpy(), fx[f"dw{i}"], rtol=1e-5, atol=1e-12,
                                   err_msg=f"{case}: gradient of {fx['weight_names'][i]}")
    assert [w.name for w in layer.weights] == fx["weight_names"]
    if "y_mask" in fx:
        np.testing.assert_array_equal(np.asarray(y._keras_mask), fx["y_mask"])


@pytest.mark.parametrize("case", CASES)
def test_config_is_keras3s(case):
    fx = load(case)
    want = fx["config"]
    layer = getattr(L, fx["class_name"]).from_config(want)
    cfg = layer.get_config()
    assert {k: v for k, v in cfg.items() if k != "dtype"} == \
        {k: v for k, v in want.items() if k != "dtype"}
    assert cfg["dtype"] == want["dtype"]["config"]["name"]
    assert type(layer).from_config(cfg).get_config() == cfg
    keras3 = tf.keras.layers.serialize(layer)
    assert keras3["class_name"] == fx["class_name"] and keras3["module"] == "keras.layers"
    again = tf.keras.layers.deserialize(keras3)
    # configs are read with a one-item axis list as that axis (Softmax(axis=[1]) == axis=1)
    assert type(again) is type(layer) and again.get_config() == (
        {**cfg, "axis": cfg["axis"][0]} if cfg.get("axis") == [1] else cfg)


@pytest.mark.parametrize("case", CASES)
def test_gradient_check(case):
    fx = load(case)
    cls = getattr(L, fx["class_name"])
    cfg = {k: v for k, v in fx["config"].items() if k not in ("dtype", "name")}
    kwargs = {"mask": fx["mask"]} if "mask" in fx else {}
    check_layer(lambda: cls.from_config(cfg), fx["x"], call_kwargs=kwargs)


def test_fixtures_cover_every_layer_and_option():
    configs = {case: load(case) for case in CASES}
    assert {fx["class_name"] for fx in configs.values()} == {
        "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"}
    relu = [fx["config"] for fx in configs.values() if fx["class_name"] == "ReLU"]
    assert any(c["max_value"] and c["negative_slope"] and c["threshold"] for c in relu)
    assert any(fx["config"].get("shared_axes") for fx in configs.values())
    assert sum("mask" in fx for fx in configs.values()) >= 3


def test_defaults_and_tf_keras_spellings():
    assert L.LeakyReLU().negative_slope == 0.3  # the function's default is 0.2
    assert L.LeakyReLU(alpha=0.1).get_config()["negative_slope"] == 0.1
    x = np.array([-2.0, 3.0], np.float32)
    np.testing.assert_allclose(L.LeakyReLU()(x).numpy(), [-0.6, 3.0], rtol=1e-6)
    np.testing.assert_allclose(tf.keras.activations.leaky_relu(x).numpy(), [-0.4, 3.0],
                               rtol=1e-6)
    # tf.keras 2 keeps its settings as 0-d float32 arrays in get_config()
    relu = L.ReLU(negative_slope=np.array(0.5, np.float32), max_value=np.float32(2.0))
    assert relu.get_config()["negative_slope"] == 0.5 and type(relu.max_value) is float
    relu = L.ReLU()
    assert relu.get_config()["max_value"] is None and relu.negative_slope == 0.0
    assert L.ELU().alpha == 1.0 and L.Softmax().axis == -1
    prelu = L.PReLU()
    prelu(np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(prelu.alpha.numpy(), np.zeros((3,), np.float32))
    assert prelu.weights[0].path == f"{prelu.name}/alpha"


def test_prelu_regularizer_and_constraint():
    layer = L.PReLU(alpha_initializer=tf.keras.initializers.Constant(0.5),
                    alpha_regularizer=tf.keras.regularizers.L2(0.1),
                    alpha_constraint="non_neg", shared_axes=[1])
    y = layer(np.full((2, 4, 3), -1.0, np.float32))
    np.testing.assert_allclose(y.numpy(), -0.5)
    assert layer.alpha.shape == (1, 3)
    np.testing.assert_allclose(float(tf.add_n(layer.losses)), 0.1 * 3 * 0.25, rtol=1e-6)
    assert layer.alpha.constraint is not None
    layer.alpha.assign(np.array([[-1.0, 0.2, 0.3]], np.float32))
    np.testing.assert_allclose(layer.alpha.constraint(layer.alpha).numpy(), [[0, 0.2, 0.3]])


def test_masks_pass_through():
    x = np.array([[[1.0, -2.0], [0.0, 0.0], [-3.0, 4.0]]], np.float32)
    for layer in (L.ReLU(max_value=2.0), L.LeakyReLU(), L.PReLU(), L.ELU()):
        y = layer(L.Masking()(x))
        np.testing.assert_array_equal(np.asarray(y._keras_mask), [[True, False, True]])
    # Softmax takes the mask too: one of (batch, steps) broadcasts against (batch, steps)
    # logits, not against (batch, steps, features) ones (Keras 3 raises there as well)
    logits = x[..., 1]
    y = L.Softmax()(logits, mask=np.array([[True, False, True]]))
    np.testing.assert_allclose(y.numpy(), [[1 / (1 + np.exp(4.0 + 2.0)), 0,
                                            1 / (1 + np.exp(-6.0))]], rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(y._keras_mask), [[True, False, True]])
    inputs = tf.keras.Input(shape=(3, 2))
    h = L.Masking()(inputs)
    h = L.PReLU(shared_axes=[1])(L.LeakyReLU()(h))
    out = L.GlobalAveragePooling1D()(L.ELU()(h))
    model = tf.keras.Model(inputs, out)
    # the masked step is left out of the average; PReLU's alpha starts at 0 (a relu)
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               np.maximum(x[:, [0, 2]], 0).mean(axis=1), rtol=1e-6)


def test_softmax_mask_rule():
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    y = L.Softmax(dtype="float64")(x, mask=np.array([[1.0, 0.6, 0.4], [0, 0, 0]])).numpy()
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(y[0], [*(e / e.sum()), 0.0])
    np.testing.assert_array_equal(y[1], 0.0)  # a fully masked row is zeros, not uniform


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"ReLU layer: max_value must be a number >= 0 or "
                                         r"None; received max_value=-1"):
        L.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope must be a number >= 0"):
        L.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold must be a number >= 0"):
        L.ReLU(threshold=None)
    with pytest.raises(ValueError, match="LeakyReLU layer: negative_slope"):
        L.LeakyReLU(negative_slope=-0.3)
    with pytest.raises(ValueError, match="received negative_slope='0.1'"):
        L.LeakyReLU(negative_slope="0.1")
    softmax = L.Softmax()
    x = np.ones((2, 3, 4), np.float32)
    with pytest.raises(ValueError, match=r"mask must broadcast.*\(2, 3, 4\).*\(2, 3\)"):
        softmax(x, mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="mask must broadcast"):
        softmax(x, mask=np.ones((1, 2, 3, 4), bool))
    prelu = L.PReLU(shared_axes=[1])
    prelu(x)
    with pytest.raises(ValueError, match=r"built for inputs of rank 3.*received shape \(2, 3, 5\)"):
        prelu(np.ones((2, 3, 5), np.float32))
    np.testing.assert_array_equal(prelu(np.ones((2, 7, 4), np.float32)).numpy(), 1.0)
    with pytest.raises(ValueError, match="shared_axes must be axes of the input"):
        L.PReLU(shared_axes=[3])(x)
    with pytest.raises(ValueError, match="Add 1 to shared_axes"):
        L.PReLU()(tf.keras.Input(shape=(None, 4)))
    with pytest.raises(TypeError, match="unexpected keyword"):
        L.ELU(alpah=0.5)


def _keras3_model():
    inputs = tf.keras.Input(shape=(4, 3))
    h = L.Dense(3, name="d0")(inputs)
    h = L.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.2, name="relu")(h)
    h = L.PReLU(shared_axes=[1], alpha_initializer="ones", name="prelu")(h)
    h = L.LeakyReLU(negative_slope=0.2, name="leaky")(h)
    h = L.Dense(3, name="d1")(h)
    h = L.ELU(alpha=0.7, name="elu")(h)
    return tf.keras.Model(inputs, L.Softmax(axis=1, name="softmax")(h))


@pytest.mark.parametrize("file,fixture", [
    ("activation_layers.keras", "activation_layers_keras3"),
    ("activation_layers.h5", "activation_layers_keras3"),
    ("activation_layers_tf_keras.h5", "activation_layers_tf_keras"),
])
def test_keras_model_files_predict_identically(file, fixture):
    pytest.importorskip("h5py")
    fx = load(f"layers_activation/models/{fixture}")
    model = tf.keras.models.load_model(ROOT / "layers_activation" / "models" / file)
    for w, ref in zip(model.get_weights(), stacked(fx, "w")):
        np.testing.assert_array_equal(w, ref)
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    by_name = {layer.name: layer for layer in model.layers}
    assert by_name["leaky"].negative_slope == pytest.approx(0.2)
    assert by_name["prelu"].shared_axes == [1] and by_name["elu"].alpha == pytest.approx(0.7)


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_round_trip_through_featherflow_files(ext, tmp_path):
    pytest.importorskip("h5py")
    fx = load("layers_activation/models/activation_layers_keras3")
    model = _keras3_model()
    model.set_weights(stacked(fx, "w"))
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)
    path = tmp_path / f"model{ext}"
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(fx["x"], verbose=0),
                                  model.predict(fx["x"], verbose=0))
    for a, b in zip(again.layers, model.layers):
        assert a.get_config() == b.get_config()


def test_softmax_with_a_mask_input_from_a_keras_file():
    # scores -> Dense -> Softmax(mask=keep), keep a second model input (one example fully
    # masked); the file is Keras 3's, so the mask is wired through the call's kwargs
    fx = load("layers_activation/models/softmax_mask_input")
    model = tf.keras.models.load_model(ROOT / "layers_activation" / "models" /
                                       "softmax_mask_input.keras")
    y = model.predict([fx["x0"], fx["x1"]], verbose=0)
    np.testing.assert_allclose(y, fx["y"], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(y[0], 0.0)


def test_softmax_mask_input_survives_a_featherflow_file(tmp_path):
    fx = load("layers_activation/models/softmax_mask_input")
    model = tf.keras.models.load_model(ROOT / "layers_activation" / "models" /
                                       "softmax_mask_input.keras")
    model.save(tmp_path / "m.keras")
    again = tf.keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.predict([fx["x0"], fx["x1"]], verbose=0), fx["y"],
                               rtol=1e-5, atol=1e-6)
