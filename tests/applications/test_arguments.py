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


@pytest.mark.parametrize("ctor", [apps.VGG16, apps.ResNet50, apps.MobileNet, apps.MobileNetV2,
                                  apps.DenseNet121, apps.NASNetMobile])
def test_minimum_input_size(ctor):
    with pytest.raises(ValueError, match="at least 32x32"):
        ctor(weights=None, include_top=False, input_shape=(31, 64, 3))


@pytest.mark.parametrize("ctor, size", [(apps.Xception, 71), (apps.InceptionV3, 75),
                                        (apps.InceptionResNetV2, 75)])
def test_minimum_input_size_of_the_299_models(ctor, size):
    with pytest.raises(ValueError, match=f"at least {size}x{size}"):
        ctor(weights=None, include_top=False, input_shape=(size, size - 1, 3))
    with pytest.raises(ValueError, match=r"\(299, 299, 3\)"):
        ctor(weights="imagenet", input_shape=(224, 224, 3))


@pytest.mark.parametrize("ctor", [apps.DenseNet121, apps.NASNetMobile, apps.NASNetLarge])
def test_channels_first_is_refused_where_keras_refuses_it(ctor):
    tf.keras.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_first"):
            ctor(weights=None, include_top=False, input_shape=(3, 64, 64))
    finally:
        tf.keras.backend.set_image_data_format("channels_last")


def test_nasnet_arguments():
    from featherflow.keras.applications import nasnet

    with pytest.raises(ValueError, match="static"):
        apps.NASNetMobile(weights="imagenet", include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match=r"\(224, 224, 3\)"):
        apps.NASNetMobile(weights="imagenet", input_shape=(331, 331, 3))
    with pytest.raises(ValueError, match="penultimate_filters"):
        nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=100, weights=None,
                      include_top=False)
    with pytest.raises(ValueError, match="NASNetLarge or NASNetMobile"):
        nasnet.NASNet(input_shape=(32, 32, 3), weights="imagenet", include_top=False,
                      default_size=100)
    tf.keras.backend.clear_session()
    # without the top, NASNetMobile's input defaults to 224x224 as in Keras
    model = apps.NASNetMobile(weights=None, include_top=False)
    assert tuple(model.input.shape) == (None, 224, 224, 3)


def test_densenet_blocks_without_published_weights():
    from featherflow.keras.applications import densenet

    with pytest.raises(ValueError, match="blocks"):
        densenet.DenseNet((2, 2, 2, 2), weights="imagenet")
    tf.keras.backend.clear_session()
    model = densenet.DenseNet((1, 1, 1, 1), weights=None, include_top=False,
                              input_shape=(32, 32, 3))
    # channels: conv1 64, +32 per block, halved by each transition: 96, 48, 80, 40, 72, 36, 68
    assert model.get_layer("conv5_block1_concat").output.shape[-1] == 68


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
