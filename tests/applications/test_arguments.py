"""Keras 3.15's argument checks, each a clear ValueError raised before anything is built."""

import pytest

import featherflow as tf

apps = tf.keras.applications


def test_weights_must_be_none_imagenet_or_an_existing_file(tmp_path):
    with pytest.raises(ValueError, match="weights"):
        apps.ResNet50(weights=str(tmp_path / "missing.h5"))


def test_imagenet_top_needs_1000_classes():
    with pytest.raises(ValueError, match="classes should be 1000"):
        apps.MobileNetV2(weights="imagenet", classes=10)


def test_imagenet_top_needs_the_default_input_shape():
    with pytest.raises(ValueError, match=r"\(224, 224, 3\)"):
        apps.ResNet50(weights="imagenet", input_shape=(160, 160, 3))


@pytest.mark.parametrize("ctor", [apps.VGG16, apps.ResNet50, apps.MobileNet, apps.MobileNetV2])
def test_minimum_input_size(ctor):
    with pytest.raises(ValueError, match="at least 32x32"):
        ctor(weights=None, include_top=False, input_shape=(31, 64, 3))


def test_top_needs_a_static_shape():
    with pytest.raises(ValueError, match="static input_shape"):
        apps.ResNet50V2(weights=None, input_shape=(None, None, 3))


def test_pretrained_classifier_activation():
    with pytest.raises(ValueError, match="classifier_activation"):
        apps.ResNet50(weights="imagenet", classifier_activation="sigmoid")


def test_mobilenet_imagenet_alpha_and_depth_multiplier():
    with pytest.raises(ValueError, match="alpha"):
        apps.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="depth_multiplier"):
        apps.MobileNet(weights="imagenet", depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha"):
        apps.MobileNetV2(weights="imagenet", alpha=0.6)


def test_input_tensor_must_be_symbolic():
    import numpy as np

    with pytest.raises(ValueError, match="input_tensor"):
        apps.ResNet50(weights=None, include_top=False,
                      input_tensor=np.zeros((1, 32, 32, 3), "float32"))


def test_classifier_activation_none_gives_logits():
    tf.keras.backend.clear_session()
    model = apps.MobileNetV2(weights=None, alpha=0.35, input_shape=(32, 32, 3), classes=4,
                             classifier_activation=None)
    assert model.layers[-1].get_config()["activation"] == "linear"
