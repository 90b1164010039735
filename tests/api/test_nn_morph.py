"""tf.nn's conv backprop ops, atrous_conv2d_transpose, dilation2d / erosion2d,
batch_norm_with_global_normalization and isotonic_regression against TensorFlow 2.21
(tools/data_fixtures/nn_morph.py: values and gradients). rtol 1e-5: float32 sums."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test
from tools.data_fixtures import common, nn_morph

_SKIP = {"dw_backprop_dilated": "TF 2.21's CPU kernel ignores dilations (test below)"}
test_nn_morph_scenario, workdir = scenario_test("nn_morph", rtol=1e-5, atol=1e-5,
                                                skip=_SKIP.get)


def _decoded(name):
    return [np.asarray(v["values"], v["array"]).reshape(v["shape"])
            for v in common.load("nn_morph")["results"][name]]


@pytest.mark.parametrize("name, strides, padding, explicit", [
    ("conv_backprop_same", [1, 1, 1, 1], "SAME", ()),
    ("conv_backprop_strided", [1, 2, 2, 1], "VALID", ()),
    ("conv_backprop_explicit", [1, 1, 1, 1], "EXPLICIT", (0, 0, 1, 2, 0, 1, 0, 0))])
def test_conv2d_backprop_v2_equal_tensorflow_gradients(name, strides, padding, explicit):
    # TensorFlow 2.21 registers no CPU kernel for Conv2DBackprop*V2; the fixture holds its
    # GradientTape gradients of conv2d for the same out_backprop
    g, grad_x, grad_w = _decoded(name)
    x, w = tf.constant(nn_morph.X), tf.constant(nn_morph.W)
    got_x = tf.conv2d_backprop_input_v2(x, w, g, strides, padding, explicit_paddings=explicit)
    got_w = tf.conv2d_backprop_filter_v2(x, w, g, strides, padding, explicit_paddings=explicit)
    np.testing.assert_allclose(got_x.numpy(), grad_x, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(got_w.numpy(), grad_w, rtol=1e-5, atol=1e-4)


def test_dilated_depthwise_backprop_is_the_gradient():
    x = tf.constant(nn_morph.X)
    w = tf.constant(nn_morph.DW)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[2, 2])
    g = tf.ones_like(y)
    got = tf.nn.depthwise_conv2d_backprop_input(x.shape, w, g, [1, 1, 1, 1], "SAME",
                                                dilations=[1, 2, 2, 1])
    np.testing.assert_allclose(got.numpy(), tape.gradient(y, x, output_gradients=g).numpy(),
                               rtol=1e-6, atol=1e-6)
