"""Convolution layers: gradients, shapes, weights, configs and errors."""

import numpy as np
import pytest

from featherflow.autodiff.tensor import Tensor
from featherflow.layers import conv as L
from tests.layers.layer_gradcheck import check_layer

RNG = np.random.default_rng(3)


def rand(*shape):
    return RNG.normal(size=shape)


@pytest.mark.parametrize("make,x", [
    (lambda: L.Conv2D(3, 3, strides=2, padding="same", activation="relu"), rand(2, 6, 5, 2)),
    (lambda: L.Conv2D(4, (2, 3), dilation_rate=(2, 1), activation="tanh"), rand(2, 6, 5, 2)),
    (lambda: L.Conv2D(4, 3, groups=2, use_bias=False), rand(2, 5, 5, 4)),
    (lambda: L.Conv2D(3, 3, padding="same", data_format="channels_first",
                      activation="gelu"), rand(2, 2, 4, 5)),
    (lambda: L.Conv1D(3, 3, padding="causal", dilation_rate=2), rand(2, 7, 2)),
    (lambda: L.Conv1D(2, 2, strides=2, activation="softmax"), rand(2, 7, 3)),
    (lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same"), rand(2, 3, 3, 2)),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, output_padding=1, activation="sigmoid"),
     rand(1, 3, 2, 2)),
    (lambda: L.Conv1DTranspose(2, 3, strides=2), rand(2, 4, 3)),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", strides=2),
     rand(2, 5, 5, 2)),
    (lambda: L.DepthwiseConv1D(2, activation="relu"), rand(2, 6, 3)),
    (lambda: L.SeparableConv2D(3, 3, depth_multiplier=2, activation="relu"), rand(2, 5, 5, 2)),
    (lambda: L.SeparableConv1D(2, 3, padding="same"), rand(2, 6, 3)),
])
def test_layer_gradients(make, x):
    check_layer(make, x)


@pytest.mark.parametrize("layer,shape", [
    (L.Conv2D(8, 3), (2, 9, 7, 3)),
    (L.Conv2D(8, 3, strides=2, padding="same"), (2, 9, 7, 3)),
    (L.Conv2D(8, (3, 1), dilation_rate=(2, 1)), (2, 9, 7, 3)),
    (L.Conv2D(8, 3, data_format="channels_first"), (2, 3, 9, 7)),
    (L.Conv1D(4, 3, strides=3, padding="same"), (2, 10, 3)),
    (L.Conv1D(4, 3, padding="causal"), (2, 10, 3)),
    (L.Conv2DTranspose(4, 3, strides=2), (2, 5, 4, 3)),
    (L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1), (2, 5, 4, 3)),
    (L.Conv1DTranspose(4, 2, strides=3), (2, 5, 3)),
    (L.DepthwiseConv2D(3, depth_multiplier=3, strides=2), (2, 9, 7, 3)),
    (L.SeparableConv2D(5, 3, padding="same", data_format="channels_first"), (2, 3, 9, 7)),
])
def test_compute_output_shape_matches_the_call(layer, shape):
    y = layer(np.zeros(shape, np.float32))
    assert tuple(y.shape) == tuple(shape[:1]) + tuple(
        layer.compute_output_shape((None,) + shape[1:])[1:])
    assert layer.compute_output_shape((None,) + shape[1:])[0] is None


def test_weight_names_and_layouts_follow_keras():
    x = np.zeros((1, 8, 8, 4), np.float32)
    conv = L.Conv2D(6, (3, 2), groups=2)
    conv(x)
    assert [(v.name, v.shape) for v in conv.weights] == [("kernel", (3, 2, 2, 6)),
                                                         ("bias", (6,))]
    tconv = L.Conv2DTranspose(5, 3, use_bias=False)
    tconv(x)
    assert [(v.name, v.shape) for v in tconv.weights] == [("kernel", (3, 3, 5, 4))]
    dconv = L.DepthwiseConv2D(3, depth_multiplier=2)
    dconv(x)
    assert [(v.name, v.shape) for v in dconv.weights] == [("kernel", (3, 3, 4, 2)),
                                                          ("bias", (8,))]
    sconv = L.SeparableConv2D(7, 3, depth_multiplier=2)
    sconv(x)
    assert [(v.name, v.shape) for v in sconv.weights] == [
        ("depthwise_kernel", (3, 3, 4, 2)), ("pointwise_kernel", (1, 1, 8, 7)), ("bias", (7,))]
    c1 = L.SeparableConv1D(7, 3)
    c1(np.zeros((1, 8, 4), np.float32))
    assert [v.shape for v in c1.weights] == [(3, 4, 1), (1, 4, 7), (7,)]


def test_defaults_and_float32():
    layer = L.Conv2D(2, 3)
    y = layer(np.ones((1, 5, 5, 1), np.float32))
    assert y.dtype == np.float32
    assert layer.kernel.data.dtype == np.float32
    np.testing.assert_array_equal(layer.bias.numpy(), 0)
    cfg = layer.get_config()
    assert cfg["strides"] == (1, 1) and cfg["padding"] == "valid"
    assert cfg["data_format"] == "channels_last" and cfg["activation"] == "linear"
    assert cfg["kernel_initializer"]["class_name"] == "GlorotUniform"


def test_unfused_activation_and_activity_regularizer():
    layer = L.Conv2D(2, 3, activation="elu", activity_regularizer="l2")
    x = RNG.normal(size=(1, 5, 5, 1)).astype(np.float32)
    y = layer(Tensor(x))
    z = L.Conv2D(2, 3)
    z(Tensor(x))
    z.set_weights(layer.get_weights())
    lin = z(Tensor(x)).numpy()
    np.testing.assert_allclose(y.numpy(), np.where(lin > 0, lin, np.expm1(lin)), rtol=1e-6)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0].numpy()), 0.01 * np.sum(y.numpy() ** 2),
                               rtol=1e-5)


@pytest.mark.parametrize("cls", [L.Conv1D, L.Conv2D, L.Conv1DTranspose, L.Conv2DTranspose,
                                 L.SeparableConv1D, L.SeparableConv2D])
def test_config_round_trip(cls):
    layer = cls(4, 3, strides=2, padding="same", activation="relu", name="c")
    clone = cls.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


@pytest.mark.parametrize("make,match", [
    (lambda: L.Conv2D(0, 3), "filters"),
    (lambda: L.Conv2D(3, 3, groups=2), "groups"),
    (lambda: L.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: L.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: L.Conv2D(4, 3, data_format="NCHW"), "data_format"),
    (lambda: L.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: L.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
])
def test_invalid_settings_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_build_errors_name_the_layer():
    with pytest.raises(ValueError, match="rank 4"):
        L.Conv2D(2, 3, name="my_conv")(np.zeros((2, 5, 5), np.float32))
    with pytest.raises(ValueError, match="groups=2"):
        L.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match="smaller than"):
        L.Conv2D(2, 5)(np.zeros((1, 3, 3, 1), np.float32))
