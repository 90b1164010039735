"""imagenet_utils.preprocess_input against Keras 3.15 (tools/keras_fixtures/applications.py):
modes caffe/tf/torch, channels_last/first, batch and single image, uint8, tensors, symbolic
inputs. Tolerance rtol 1e-6 / atol 1e-5 (float32 on 0-255 values)."""

import numpy as np
import pytest

import featherflow as tf
from tests.applications import reference

REF = reference.preprocess()
iu = tf.keras.applications.imagenet_utils
MODES = ("caffe", "tf", "torch")


def _close(got, want):
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_numpy_batches_and_single_images(mode):
    _close(iu.preprocess_input(REF["batch"].copy(), mode=mode), REF[f"{mode}_batch"])
    cf = np.ascontiguousarray(REF["batch"].transpose(0, 3, 1, 2))
    _close(iu.preprocess_input(cf, mode=mode, data_format="channels_first"),
           REF[f"{mode}_batch_cf"])
    _close(iu.preprocess_input(REF["single_cf"].copy(), mode=mode,
                               data_format="channels_first"), REF[f"{mode}_single_cf"])


@pytest.mark.parametrize("mode", MODES)
def test_uint8_becomes_float32(mode):
    out = iu.preprocess_input(REF["u8"].copy(), mode=mode)
    assert out.dtype == np.float32
    _close(out, REF[f"{mode}_u8"])


@pytest.mark.parametrize("mode", MODES)
def test_tensor_and_symbolic_inputs(mode):
    _close(iu.preprocess_input(tf.constant(REF["batch"]), mode=mode), REF[f"{mode}_tensor"])
    inp = tf.keras.Input((5, 4, 3))
    model = tf.keras.Model(inp, iu.preprocess_input(inp, mode=mode))
    _close(model.predict(REF["batch"], verbose=0), REF[f"{mode}_tensor"])


def test_float_arrays_are_changed_in_place_as_in_keras():
    x = REF["batch"].copy()
    out = tf.keras.applications.mobilenet_v2.preprocess_input(x)
    assert out is x
    _close(x, REF["tf_batch"])


def test_family_modes():
    apps = tf.keras.applications
    for module, mode in ((apps.vgg16, "caffe"), (apps.vgg19, "caffe"), (apps.resnet, "caffe"),
                         (apps.resnet50, "caffe"), (apps.resnet_v2, "tf"),
                         (apps.mobilenet, "tf"), (apps.mobilenet_v2, "tf"),
                         (apps.densenet, "torch"), (apps.xception, "tf"),
                         (apps.inception_v3, "tf"), (apps.inception_resnet_v2, "tf"),
                         (apps.nasnet, "tf")):
        _close(module.preprocess_input(REF["batch"].copy()), REF[f"{mode}_batch"])


def test_bad_mode_and_data_format():
    with pytest.raises(ValueError, match="mode"):
        iu.preprocess_input(REF["batch"].copy(), mode="keras")
    with pytest.raises(ValueError, match="data_format"):
        iu.preprocess_input(REF["batch"].copy(), data_format="NHWC")
