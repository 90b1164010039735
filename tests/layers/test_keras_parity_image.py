"""Convolution, pooling, reshaping and normalization layers against real Keras 3.

Each fixture (tests/fixtures/keras/layers/, see its README) holds a Keras layer's config,
random weights, inputs, outputs and the gradients of ``L = sum(y * r)``. The layer is rebuilt
here from the same config, given the same weights, and must agree to 1e-5 (outputs) and 1e-4
(gradients), relative.
"""

import numpy as np
import pytest

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.layers import conv, noise, normalization, pooling, reshaping
from tests.fixtures.keras_loader import ROOT, indexed, load, stacked

CLASSES = {
    name: getattr(module, name)
    for module in (conv, pooling, reshaping, normalization, noise)
    for name in dir(module)
    if isinstance(getattr(module, name), type) and not name.startswith("_")
}

PREFIXES = (
    "conv1d", "conv2d", "depthwise_conv2d", "separable_conv", "max_pooling", "average_pooling",
    "global_", "zero_padding", "cropping", "upsampling", "batch_norm", "layer_norm",
)


def _cases():
    folder = ROOT / "layers"
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.npz") if p.stem.startswith(PREFIXES))


CASES = _cases()
OUT_RTOL, GRAD_RTOL = 1e-5, 1e-4


def close(got, want, rtol, what):
    # relative to the array's scale, so entries near zero do not demand exact equality
    scale = max(float(np.max(np.abs(want))), 1e-12)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, err_msg=what)


def build(fx):
    cls = CLASSES[fx["class_name"]]
    layer = cls.from_config(dict(fx["config"]))
    xs = stacked(fx, "x")
    kwargs = dict(fx["call_kwargs"])
    if "mask" in fx:
        kwargs["mask"] = fx["mask"]
    # build in inference mode first, as the generator did, then load Keras's weights
    layer(Tensor(xs[0].copy()), **{**kwargs, "training": False} if "training" in kwargs
          else kwargs)
    names = [v.name for v in layer.weights]
    assert names == fx["weight_names"], (names, fx["weight_names"])
    layer.set_weights(stacked(fx, "w"))
    return layer, xs, kwargs


@pytest.mark.skipif(not CASES, reason="Keras fixtures not generated (tools/make_keras_fixtures.py)")
@pytest.mark.parametrize("case", CASES)
def test_layer_matches_keras(case):
    fx = load(f"layers/{case}")
    layer, xs, kwargs = build(fx)
    x = Tensor(xs[0].copy())
    with GradientTape() as tape:
        tape.watch(x)
        y = layer(x, **kwargs)
    assert y.dtype == np.float64
    close(y.numpy(), fx["y"], OUT_RTOL, f"{case}: output")
    trainable = [v for v in layer.weights if v.trainable]
    grads = tape.gradient(y, [x] + trainable, output_gradients=[fx["r"]])
    close(grads[0].numpy(), fx["dx"], GRAD_RTOL, f"{case}: input gradient")
    want = indexed(fx, "dw")
    positions = [i for i, v in enumerate(layer.weights) if v.trainable]
    assert sorted(want) == positions
    for g, i in zip(grads[1:], positions):
        close(g.numpy(), want[i], GRAD_RTOL, f"{case}: gradient of weight {i}")
    if "w_after0" in fx:
        for i, w in enumerate(layer.get_weights()):
            close(w, fx[f"w_after{i}"], OUT_RTOL, f"{case}: weight {i} after training")
        close(layer(Tensor(xs[0].copy()), training=False).numpy(), fx["y_infer"], OUT_RTOL,
              f"{case}: inference output")


@pytest.mark.skipif(not CASES, reason="Keras fixtures not generated (tools/make_keras_fixtures.py)")
@pytest.mark.parametrize("case", CASES)
def test_config_round_trip_matches_keras(case):
    fx = load(f"layers/{case}")
    layer, _, _ = build(fx)
    cfg = layer.get_config()
    want = fx["config"]
    for key, value in want.items():
        if key in ("name", "dtype"):
            continue
        assert key in cfg, f"{case}: config misses {key!r}"
        got = cfg[key]
        if isinstance(value, dict):
            assert isinstance(got, dict) and got.get("class_name") == value.get("class_name"), (
                key, got, value)
        else:
            assert _plain(got) == _plain(value), (case, key, got, value)
    assert CLASSES[fx["class_name"]].from_config(cfg).get_config() == cfg


def _plain(v):
    if isinstance(v, (list, tuple)):
        return [_plain(a) for a in v]
    return v


@pytest.mark.skipif(not CASES, reason="Keras fixtures not generated (tools/make_keras_fixtures.py)")
def test_fixtures_cover_every_layer_family():
    covered = {load(f"layers/{case}")["class_name"] for case in CASES}
    assert {"Conv1D", "Conv2D", "Conv2DTranspose", "Conv1DTranspose", "DepthwiseConv2D",
            "SeparableConv1D", "SeparableConv2D", "MaxPooling1D", "MaxPooling2D",
            "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
            "GlobalAveragePooling1D", "GlobalAveragePooling2D", "ZeroPadding1D",
            "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D",
            "BatchNormalization", "LayerNormalization"} <= covered


@pytest.mark.parametrize("flavour", ["keras3", "tf_keras"])
def test_conv_bn_model_predicts_like_keras(flavour):
    # Conv2D(relu, same) -> MaxPooling2D -> BatchNormalization -> Flatten -> Dense(softmax),
    # rebuilt from the saved configs, with Keras's trained weights (float32)
    h5py = pytest.importorskip("h5py")
    import json

    from featherflow.layers.core import Dense, Flatten

    path = ROOT / "models" / flavour / "conv_bn.h5"
    if not path.exists():
        pytest.skip("Keras model fixtures not generated")
    with h5py.File(path) as f:
        config = json.loads(f.attrs["model_config"])
    fx = load(f"models/{flavour}/conv_bn")
    known = {**CLASSES, "Dense": Dense, "Flatten": Flatten}
    # Keras 3.15's Dense config carries quantization_config (None): not this file's concern
    skip = ("dtype", "batch_input_shape", "quantization_config")
    layers = [known[spec["class_name"]].from_config(
        {k: v for k, v in spec["config"].items() if k not in skip})
        for spec in config["config"]["layers"] if spec["class_name"] != "InputLayer"]
    weights = stacked(fx, "w")
    h = Tensor(fx["x"])
    for layer in layers:
        h = layer(h)
        n = len(layer.weights)
        layer.set_weights(weights[:n])
        weights = weights[n:]
    assert not weights
    h = Tensor(fx["x"])
    for layer in layers:
        h = layer(h, training=False) if isinstance(layer, normalization.BatchNormalization) \
            else layer(h)
    assert h.dtype == np.float32
    np.testing.assert_allclose(h.numpy(), fx["y"], rtol=1e-5, atol=1e-6)
