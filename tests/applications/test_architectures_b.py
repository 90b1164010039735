"""The default full-size MobileNetV3, EfficientNet(V2) and ConvNeXt models against Keras
3.15's (tests/fixtures/keras/applications_b/architectures.json): every layer's name, class,
output shape and parameter count in order, ``count_params()``, the trainable count and the
model name (no weights involved). Models over 40M parameters spend most of their build in
the initializers (ConvNeXtXLarge: 350M values), so they are marked slow."""

import json

import pytest

import featherflow as tf
from tests.applications import reference
from tests.fixtures.keras_loader import ROOT

ARCH = json.loads((ROOT / "applications_b" / "architectures.json").read_text())
BIG = 40_000_000


def _params(label):
    marks = [pytest.mark.slow] if ARCH[label]["count_params"] > BIG else []
    return pytest.param(label, marks=marks, id=label)


@pytest.mark.parametrize("label", [_params(label) for label in sorted(ARCH)])
def test_layers_and_params_match_keras(label):
    ref = ARCH[label]
    tf.keras.backend.clear_session()
    build = getattr(tf.keras.applications, ref["ctor"])
    model = build(weights=None, **ref["kwargs"])
    assert model.name == ref["name"]
    assert reference.layer_rows(model) == ref["layers"]
    assert model.count_params() == ref["count_params"]
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    assert trainable == ref["trainable"]


def test_every_constructor_has_an_architecture_reference():
    ctors = {ref["ctor"] for ref in ARCH.values()}
    for family in ("mobilenet_v3", "efficientnet", "efficientnet_v2", "convnext"):
        names = tf.keras.applications._FAMILIES[family]
        assert set(names) <= ctors, family
        module = getattr(tf.keras.applications, family)
        for name in names:
            assert getattr(module, name) is getattr(tf.keras.applications, name)


# ---- argument checks (Keras 3.15's, as clear ValueErrors before anything is built) ----------

apps = tf.keras.applications


@pytest.mark.parametrize("ctor", ["MobileNetV3Small", "EfficientNetB0", "EfficientNetV2B0",
                                  "ConvNeXtTiny"])
def test_imagenet_top_needs_1000_classes(ctor):
    with pytest.raises(ValueError, match="classes should be 1000"):
        getattr(apps, ctor)(weights="imagenet", classes=10)


@pytest.mark.parametrize("ctor", ["MobileNetV3Large", "EfficientNetB2", "EfficientNetV2S",
                                  "ConvNeXtSmall"])
def test_minimum_input_size(ctor):
    with pytest.raises(ValueError, match="at least 32x32"):
        getattr(apps, ctor)(weights=None, include_top=False, input_shape=(31, 64, 3))


def test_mobilenet_v3_imagenet_alpha():
    with pytest.raises(ValueError, match="alpha can be one of 0.75, 1.0"):
        apps.MobileNetV3Small(weights="imagenet", alpha=0.5)
    with pytest.raises(ValueError, match="1.0 for minimalistic"):
        apps.MobileNetV3Large(weights="imagenet", alpha=0.75, minimalistic=True)


def test_mobilenet_v3_input_shape_must_match_input_tensor():
    inp = tf.keras.Input((64, 48, 3))
    with pytest.raises(ValueError, match=r"input_shape\[1\] must equal"):
        apps.MobileNetV3Small(weights=None, input_tensor=inp, input_shape=(64, 64, 3))
    model = apps.MobileNetV3Small(weights=None, input_tensor=inp, include_top=False)
    assert model.inputs[0] is inp


def test_mobilenet_v3_default_input_is_open():
    model = apps.MobileNetV3Small(weights=None)
    assert tuple(model.inputs[0].shape) == (None, None, None, 3)


def test_convnext_imagenet_name_must_contain_the_variant():
    with pytest.raises(ValueError, match="must contain the weights variant"):
        apps.ConvNeXtTiny(weights="imagenet", name="my_model")


def test_convnext_refuses_channels_first():
    tf.keras.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_first"):
            apps.ConvNeXtTiny(weights=None)
    finally:
        tf.keras.backend.set_image_data_format("channels_last")


@pytest.mark.filterwarnings("ignore:`input_shape` is undefined")
@pytest.mark.parametrize("ctor", ["MobileNetV3Small", "EfficientNetB0", "ConvNeXtTiny"])
def test_pretrained_classifier_activation(ctor):
    with pytest.raises(ValueError, match="classifier_activation"):
        getattr(apps, ctor)(weights="imagenet", classifier_activation="sigmoid")


def test_pooling_must_be_none_avg_or_max():
    with pytest.raises(ValueError, match="pooling"):
        apps.EfficientNetV2B0(weights=None, include_top=False, pooling="sum")


@pytest.mark.parametrize("module", ["mobilenet_v3", "efficientnet", "efficientnet_v2",
                                    "convnext"])
def test_preprocess_input_is_a_pass_through(module):
    import numpy as np

    x = np.arange(12.0).reshape(1, 2, 2, 3)
    assert getattr(apps, module).preprocess_input(x) is x
