"""BatchNormalization, LayerNormalization and the noise layers."""

import numpy as np
import pytest

from featherflow.autodiff.tensor import Tensor
from featherflow.layers import noise as Nz
from featherflow.layers import normalization as N
from featherflow.testing import check_gradients
from tests.layers.layer_gradcheck import check_layer

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.normal(size=shape)


# -- the fused primitive ---------------------------------------------------------------------
@pytest.mark.parametrize("axes,param_shape", [((0,), (1, 3)), ((0, 1, 2), (1, 1, 1, 2)),
                                              ((1, 2), (1, 3, 4))])
def test_normalize_gradients_in_training(axes, param_shape):
    shape = (4, 3) if len(param_shape) == 2 else (2, 3, 4) if len(param_shape) == 3 else \
        (2, 3, 3, 2)
    g_shape = tuple(n for n in param_shape if n != 1) or (1,)
    check_gradients(lambda x, g, b: N.Normalize(axes, param_shape, 1e-3, True)(x, g, b),
                    [rand(*shape), rand(*g_shape), rand(*g_shape)])


def test_normalize_gradients_in_inference_include_the_statistics():
    check_gradients(lambda x, g, b, m, v: N.Normalize((0,), (1, 3), 1e-3, False)(x, g, b, m, v),
                    [rand(4, 3), rand(3), rand(3), rand(3), RNG.uniform(0.5, 1.5, 3)])


def test_normalize_gradients_with_mask_weights():
    w = np.array([[1.0], [1.0], [0.0], [1.0]])
    check_gradients(lambda x, g: N.Normalize((0,), (1, 3), 1e-3, True, w, 1e-7)(x, g, None),
                    [rand(4, 3), rand(3)])


# -- BatchNormalization ----------------------------------------------------------------------
def test_batch_norm_training_uses_batch_statistics_and_moves_the_averages():
    x = RNG.normal(2.0, 3.0, size=(64, 3)).astype(np.float32)
    bn = N.BatchNormalization(momentum=0.9)
    y = bn(x, training=True).numpy()
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-3),
                               rtol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * x.var(axis=0),
                               rtol=1e-5)
    assert [v.name for v in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [v.trainable for v in bn.weights] == [True, True, False, False]


def test_batch_norm_inference_and_frozen_use_moving_statistics():
    x = rand(8, 2)
    bn = N.BatchNormalization(epsilon=0.01)
    bn(x)
    bn.set_weights([np.array([2.0, 3.0]), np.array([0.5, -1.0]), np.array([1.0, -1.0]),
                    np.array([4.0, 0.25])])
    want = (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + 0.01) * [2.0, 3.0] + [0.5, -1.0]
    np.testing.assert_allclose(bn(x).numpy(), want, rtol=1e-5)
    bn.trainable = False
    np.testing.assert_allclose(bn(x, training=True).numpy(), want, rtol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.0, -1.0])


@pytest.mark.parametrize("make,x,kwargs", [
    (lambda: N.BatchNormalization(), rand(6, 3), {"training": True}),
    (lambda: N.BatchNormalization(axis=1), rand(3, 2, 4), {"training": True}),
    (lambda: N.BatchNormalization(center=False, scale=False), rand(2, 3, 3, 2),
     {"training": True}),
    (lambda: N.BatchNormalization(), rand(4, 3), {"training": False}),
    (lambda: N.LayerNormalization(), rand(2, 3, 4), {}),
    (lambda: N.LayerNormalization(axis=[1, 2], epsilon=1e-5), rand(2, 3, 4), {}),
    (lambda: N.LayerNormalization(axis=1, center=False), rand(2, 3, 4), {}),
    (lambda: N.LayerNormalization(rms_scaling=True), rand(2, 5), {}),
])
def test_normalization_layer_gradients(make, x, kwargs):
    check_layer(make, x, kwargs)


def test_batch_norm_mask_excludes_masked_steps_from_the_statistics():
    x = rand(2, 4, 3)
    mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1]], bool)
    bn = N.BatchNormalization(momentum=0.0)
    bn(Tensor(x), training=True, mask=mask)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x[mask].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), x[mask].var(axis=0), rtol=1e-5)
    check_layer(N.BatchNormalization, x, {"training": True, "mask": mask})
    with pytest.raises(ValueError, match="one dimension"):
        bn(Tensor(x), training=True, mask=mask[:, :, None])


def test_layer_norm_values_and_float32():
    x = RNG.normal(size=(3, 5)).astype(np.float32)
    y = N.LayerNormalization(epsilon=1e-6)(x).numpy()
    assert y.dtype == np.float32
    want = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("layer", [N.BatchNormalization(axis=1, momentum=0.5, center=False),
                                   N.LayerNormalization(axis=[1, 2], epsilon=1e-5)])
def test_normalization_config_round_trip(layer):
    cfg = layer.get_config()
    assert type(layer).from_config(cfg).get_config() == cfg


def test_normalization_errors():
    with pytest.raises(ValueError, match="renorm"):
        N.BatchNormalization(renorm=True)
    with pytest.raises(ValueError, match="out of range"):
        N.BatchNormalization(axis=3)(np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match="axis"):
        N.LayerNormalization(axis="last")


# -- noise -----------------------------------------------------------------------------------
def test_noise_layers_are_identity_in_inference():
    x = rand(2, 4, 4, 3).astype(np.float32)
    for layer in (Nz.SpatialDropout2D(0.5), Nz.GaussianNoise(1.0), Nz.GaussianDropout(0.5)):
        np.testing.assert_array_equal(layer(x).numpy(), x)
        np.testing.assert_array_equal(layer(x, training=False).numpy(), x)


def test_spatial_dropout_drops_whole_channels():
    x = np.ones((64, 5, 5, 8), np.float32)
    y = Nz.SpatialDropout2D(0.5, seed=3)(x, training=True).numpy()
    per_map = y.reshape(64, 25, 8)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))
    assert set(np.unique(y)) == {0.0, 2.0}
    assert 0.35 < np.mean(y == 0) < 0.65
    y = Nz.SpatialDropout2D(0.5, seed=3, data_format="channels_first")(
        np.ones((64, 8, 5, 5), np.float32), training=True).numpy()
    per_map = y.reshape(64, 8, 25)
    assert np.all(per_map.min(axis=2) == per_map.max(axis=2))
    y = Nz.SpatialDropout1D(0.25, seed=1)(np.ones((64, 7, 4), np.float32), training=True)
    assert np.all(y.numpy().min(axis=1) == y.numpy().max(axis=1))


def test_gaussian_layers_draw_the_right_noise():
    x = np.ones((200, 100), np.float32)
    y = Nz.GaussianNoise(0.5, seed=0)(x, training=True).numpy()
    assert y.dtype == np.float32
    assert abs(float(np.std(y - 1)) - 0.5) < 0.01 and abs(float(np.mean(y - 1))) < 0.01
    y = Nz.GaussianDropout(0.2, seed=0)(x, training=True).numpy()
    assert abs(float(np.std(y)) - np.sqrt(0.2 / 0.8)) < 0.01
    assert abs(float(np.mean(y)) - 1) < 0.01


def test_seeded_noise_is_reproducible_and_differentiable():
    x = rand(3, 4)
    a = Nz.GaussianNoise(0.3, seed=11)(x, training=True).numpy()
    b = Nz.GaussianNoise(0.3, seed=11)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    # the noise is a constant for the gradient: d(x * n)/dx = n, d(x + n)/dx = 1
    check_gradients(lambda x: Nz.GaussianDropout(0.3, seed=2)(x, training=True), [x])
    check_gradients(lambda x: Nz.SpatialDropout1D(0.3, seed=2)(x, training=True),
                    [rand(2, 3, 4)])


@pytest.mark.parametrize("layer", [Nz.SpatialDropout1D(0.3, seed=1),
                                   Nz.SpatialDropout2D(0.3, data_format="channels_first"),
                                   Nz.GaussianNoise(0.1, seed=4), Nz.GaussianDropout(0.4)])
def test_noise_config_round_trip(layer):
    cfg = layer.get_config()
    assert type(layer).from_config(cfg).get_config() == cfg


def test_noise_errors():
    with pytest.raises(ValueError, match="rate"):
        Nz.SpatialDropout2D(1.0)
    with pytest.raises(ValueError, match="stddev"):
        Nz.GaussianNoise(-1)
    with pytest.raises(ValueError, match="rank 4"):
        Nz.SpatialDropout2D(0.5)(np.zeros((2, 3), np.float32), training=True)
