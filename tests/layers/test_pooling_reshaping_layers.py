"""Pooling and spatial reshaping layers: gradients, shapes, masks, configs and errors."""

import numpy as np
import pytest

from featherflow.autodiff.tensor import Tensor
from featherflow.layers import pooling as P
from featherflow.layers import reshaping as R
from tests.layers.layer_gradcheck import check_layer

RNG = np.random.default_rng(5)


def rand(*shape):
    return RNG.normal(size=shape)


@pytest.mark.parametrize("make,x", [
    (lambda: P.MaxPooling2D(), rand(2, 5, 4, 2)),
    (lambda: P.MaxPooling2D(3, strides=2, padding="same"), rand(2, 5, 4, 2)),
    (lambda: P.AveragePooling2D((2, 3), strides=1, padding="same"), rand(2, 4, 4, 2)),
    (lambda: P.AveragePooling2D(data_format="channels_first"), rand(2, 2, 4, 5)),
    (lambda: P.MaxPooling1D(3, strides=1), rand(2, 6, 2)),
    (lambda: P.AveragePooling1D(2, padding="same"), rand(2, 5, 2)),
    (lambda: P.GlobalMaxPooling2D(keepdims=True), rand(2, 3, 4, 2)),
    (lambda: P.GlobalAveragePooling1D(data_format="channels_first"), rand(2, 3, 4)),
    (lambda: R.ZeroPadding2D(((1, 0), (2, 1))), rand(2, 3, 2, 2)),
    (lambda: R.ZeroPadding1D(2), rand(2, 3, 2)),
    (lambda: R.Cropping2D(((1, 0), (0, 2)), data_format="channels_first"), rand(2, 2, 4, 5)),
    (lambda: R.Cropping1D((0, 2)), rand(2, 5, 2)),
    (lambda: R.UpSampling2D((2, 1)), rand(2, 2, 3, 2)),
    (lambda: R.UpSampling2D(2, interpolation="bilinear"), rand(1, 3, 2, 2)),
    (lambda: R.UpSampling1D(3), rand(2, 2, 3)),
])
def test_layer_gradients(make, x):
    check_layer(make, x)


def test_global_average_pooling1d_leaves_masked_steps_out():
    x = rand(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    y = P.GlobalAveragePooling1D()(Tensor(x), mask=mask).numpy()
    np.testing.assert_allclose(y[0], x[0, :2].mean(axis=0))
    np.testing.assert_allclose(y[1], x[1].mean(axis=0))
    check_layer(P.GlobalAveragePooling1D, x, {"mask": mask})


@pytest.mark.parametrize("layer,shape", [
    (P.MaxPooling2D(), (2, 7, 6, 3)),
    (P.MaxPooling2D(3, 2, padding="same"), (2, 7, 6, 3)),
    (P.AveragePooling2D(2, 1, data_format="channels_first"), (2, 3, 7, 6)),
    (P.MaxPooling1D(4), (2, 9, 3)),
    (P.AveragePooling1D(3, 2, padding="same"), (2, 9, 3)),
    (P.GlobalMaxPooling2D(), (2, 7, 6, 3)),
    (P.GlobalAveragePooling2D(keepdims=True, data_format="channels_first"), (2, 3, 7, 6)),
    (P.GlobalMaxPooling1D(keepdims=True), (2, 9, 3)),
    (R.ZeroPadding2D((1, 2)), (2, 7, 6, 3)),
    (R.ZeroPadding1D((0, 3)), (2, 9, 3)),
    (R.Cropping2D(((1, 2), (0, 3))), (2, 7, 6, 3)),
    (R.Cropping1D(2), (2, 9, 3)),
    (R.UpSampling2D((3, 2), data_format="channels_first"), (2, 3, 7, 6)),
    (R.UpSampling1D(2), (2, 9, 3)),
])
def test_compute_output_shape_matches_the_call(layer, shape):
    y = layer(np.zeros(shape, np.float32))
    want = layer.compute_output_shape((None,) + shape[1:])
    assert want[0] is None
    assert tuple(y.shape[1:]) == tuple(want[1:])
    assert y.dtype == np.float32


def test_pooling_values_and_defaults():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(P.MaxPooling2D()(x).numpy()[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(P.AveragePooling2D()(x).numpy()[0, :, :, 0],
                                  [[2.5, 4.5], [10.5, 12.5]])
    cfg = P.MaxPooling2D().get_config()
    assert cfg["pool_size"] == (2, 2) and cfg["strides"] == (2, 2)
    assert cfg["padding"] == "valid" and cfg["data_format"] == "channels_last"
    assert P.MaxPooling1D().get_config()["pool_size"] == (2,)


def test_reshaping_values():
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1)
    y = R.ZeroPadding2D(((1, 0), (0, 1)))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[0, 0, 0, 0], [0, 1, 2, 0], [3, 4, 5, 0]])
    y = R.Cropping2D(((0, 1), (1, 1)))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[1]])
    y = R.UpSampling2D((1, 2))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[0, 0, 1, 1, 2, 2], [3, 3, 4, 4, 5, 5]])


@pytest.mark.parametrize("layer", [
    P.MaxPooling2D(3, 1, padding="same"), P.AveragePooling1D(3), P.GlobalMaxPooling1D(),
    P.GlobalAveragePooling2D(keepdims=True), R.ZeroPadding2D(((1, 2), (3, 4))),
    R.ZeroPadding1D((1, 2)), R.Cropping2D(1), R.Cropping1D((2, 0)),
    R.UpSampling2D(3, interpolation="bilinear"), R.UpSampling1D(4),
])
def test_config_round_trip(layer):
    cfg = layer.get_config()
    assert type(layer).from_config(cfg).get_config() == cfg


@pytest.mark.parametrize("make,match", [
    (lambda: P.MaxPooling2D(padding="full"), "padding"),
    (lambda: P.AveragePooling2D((2, 2, 2)), "pool_size"),
    (lambda: R.ZeroPadding2D(((1, 2, 3), (0, 0))), "padding"),
    (lambda: R.Cropping2D(-1), "cropping"),
    (lambda: R.UpSampling2D(2, interpolation="bicubic"), "interpolation"),
    (lambda: R.UpSampling1D(0), "size"),
])
def test_invalid_settings_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_cropping_everything_is_an_error():
    with pytest.raises(ValueError, match="removes all"):
        R.Cropping1D((2, 2))(np.zeros((1, 4, 2), np.float32))
    with pytest.raises(ValueError, match="rank 4"):
        P.GlobalMaxPooling2D().compute_output_shape((None, 3, 2))
