"""Each family built by featherflow, loading a seeded weight file in the published Keras 2 .h5
layout, against Keras 3.15's prediction on the same file (tools/keras_fixtures/applications.py).

Tolerance: max |featherflow - Keras| <= 1e-4 x max(1, max |Keras output|) in float32; 6e-4 for
the 101-layer ResNets (float32 rounding accumulates over ~100 convolutions).
"""

import numpy as np
import pytest

import featherflow as tf
from tests.applications import reference

CASES = reference.case_names()


def _tolerance(name):
    return 6e-4 if "101" in name else 1e-4


def test_every_family_has_a_weight_fixture():
    families = {reference.load_case(n)["ctor"] for n in CASES}
    assert {"VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet50V2", "ResNet101V2",
            "MobileNet", "MobileNetV2", "DenseNet121", "DenseNet169", "DenseNet201",
            "Xception", "InceptionV3", "InceptionResNetV2", "NASNetMobile"} <= families


@pytest.mark.parametrize("name", CASES)
def test_prediction_layers_and_params_match_keras(name):
    ref = reference.load_case(name)
    tf.keras.backend.clear_session()
    family = getattr(tf.keras.applications, ref["module"])
    model = getattr(family, ref["ctor"])(weights=str(ref["weights"]), **ref["kwargs"])
    assert model.name == ref["model_name"]
    assert model.count_params() == int(ref["count_params"])
    assert reference.layer_rows(model) == ref["layers"]
    x = family.preprocess_input(ref["x_raw"].copy())
    np.testing.assert_allclose(x, ref["x"], rtol=1e-6, atol=1e-5)
    y = model.predict(ref["x"], verbose=0)
    assert y.shape == ref["y"].shape
    err = reference.max_rel_err(y, ref["y"])
    assert err <= _tolerance(name), f"{name}: max error {err:.2e} relative to max |y|"


def test_intermediate_layer_feature_model():
    """Model(base.input, base.get_layer(name).output) works on Keras's layer names."""
    ref = reference.load_case("mobilenetv2_100_notop_35")
    tf.keras.backend.clear_session()
    base = tf.keras.applications.MobileNetV2(weights=str(ref["weights"]), **ref["kwargs"])
    features = tf.keras.Model(base.input, base.get_layer("block_13_expand_relu").output)
    out = features.predict(ref["x"], verbose=0)
    assert out.shape == (2, 3, 3, 576)
    assert np.all(out >= 0) and np.all(out <= 6)


def test_input_tensor_reuses_the_callers_input():
    ref = reference.load_case("resnet50v2_notop_33")
    tf.keras.backend.clear_session()
    inp = tf.keras.Input((33, 33, 3))
    model = tf.keras.applications.ResNet50V2(include_top=False, weights=str(ref["weights"]),
                                             input_tensor=inp)
    assert model.inputs[0] is inp
    y = model.predict(ref["x"], verbose=0)
    assert reference.max_rel_err(y, ref["y"]) <= 1e-4


def test_weights_of_another_architecture_are_refused_and_name_the_file():
    ref = reference.load_case("vgg16_notop_40_max")
    tf.keras.backend.clear_session()
    with pytest.raises(ValueError, match="vgg16_notop_40_max.h5") as info:
        tf.keras.applications.VGG19(include_top=False, weights=str(ref["weights"]),
                                    input_shape=(40, 40, 3))
    assert "layer" in str(info.value)


def test_weights_for_another_width_are_refused():
    ref = reference.load_case("mobilenetv2_035_top_32")
    tf.keras.backend.clear_session()
    with pytest.raises(ValueError, match=r"mobilenetv2_035_top_32\.h5"):
        tf.keras.applications.MobileNetV2(alpha=0.5, weights=str(ref["weights"]),
                                          input_shape=(32, 32, 3), classes=10)
