"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector, Lambda,
merging layers, and the Layer base (weights, config, losses, names, shapes)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow import layers as L
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load, names


def test_dense_matches_keras_fixtures():
    cases = [n for n in names("layers") if n.startswith("layers/dense")]
    assert cases, "no Dense fixtures found"
    for name in cases:
        case = load(name)
        cfg = case["config"]
        layer = L.Dense.from_config({**cfg, "dtype": "float64"})
        x = case["x"]
        with tf.GradientTape() as tape:
            xt = tf.constant(x, dtype="float64")
            tape.watch(xt)
            layer.build(x.shape)
            layer.set_weights([case[f"w{i}"] for i in range(len(layer.weights))])
            y = layer(xt)
            loss = tf.reduce_sum(y * case["r"])
        np.testing.assert_allclose(y.numpy(), case["y"], rtol=1e-5, atol=1e-12, err_msg=name)
        grads = tape.gradient(loss, [xt] + layer.trainable_weights)
        np.testing.assert_allclose(grads[0].numpy(), case["dx"], rtol=1e-4, atol=1e-10)
        for i, g in enumerate(grads[1:]):
            np.testing.assert_allclose(g.numpy(), case[f"dw{i}"], rtol=1e-4, atol=1e-10)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "softmax", "linear", "gelu",
                                        "elu", "softplus", "swish"])
def test_dense_gradients(activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    w = rng.normal(size=(4, 2))
    b = rng.normal(size=(2,))

    def fn(xt, wt, bt):
        layer = L.Dense(2, activation=activation, dtype="float64")
        layer.build((None, 4))
        layer.kernel = wt
        layer.bias = bt
        return layer.call(xt)

    check_gradients(fn, [x, w, b])


def test_dense_on_3d_input_applies_to_last_axis():
    layer = L.Dense(5)
    y = layer(np.ones((2, 3, 4)))
    assert y.shape == (2, 3, 5)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 5)


def test_dense_config_round_trip_and_arguments():
    layer = L.Dense(3, activation="relu", use_bias=False, kernel_initializer="he_normal",
                    kernel_regularizer="l2", name="d")
    cfg = layer.get_config()
    assert cfg["units"] == 3 and cfg["activation"] == "relu" and cfg["use_bias"] is False
    again = L.Dense.from_config(cfg)
    assert again.units == 3 and again.name == "d"
    with pytest.raises(ValueError, match="units must be a positive integer"):
        L.Dense(0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        L.Dense(1, unit=3)


def test_activation_flatten_reshape_permute_repeat():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert np.allclose(L.Activation("relu")(x - 10).numpy(), np.maximum(x - 10, 0))
    assert L.Flatten()(x).shape == (2, 12)
    assert L.Reshape((4, 3))(x).shape == (2, 4, 3)
    assert L.Reshape((-1, 2))(x).shape == (2, 6, 2)
    assert L.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    np.testing.assert_array_equal(L.Permute((2, 1))(x).numpy(), x.transpose(0, 2, 1))
    assert L.RepeatVector(3)(x[:, 0]).shape == (2, 3, 4)
    with pytest.raises(ValueError, match="cannot reshape"):
        L.Reshape((5,))(x)


def test_lambda_layer_and_its_config_is_not_executable():
    layer = L.Lambda(lambda t: t * 2, name="double")
    assert np.allclose(layer(np.ones((1, 2))).numpy(), 2)
    cfg = layer.get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        L.Lambda.from_config(cfg)


def test_merging_layers():
    a = np.ones((2, 3), np.float32)
    b = np.full((2, 3), 2.0, np.float32)
    assert np.allclose(L.Add()([a, b]).numpy(), 3)
    assert np.allclose(L.Subtract()([a, b]).numpy(), -1)
    assert np.allclose(L.Multiply()([a, b]).numpy(), 2)
    assert np.allclose(L.Average()([a, b]).numpy(), 1.5)
    assert np.allclose(L.Maximum()([a, b]).numpy(), 2)
    assert np.allclose(L.Minimum()([a, b]).numpy(), 1)
    assert L.Concatenate()([a, b]).shape == (2, 6)
    assert L.Concatenate(axis=0)([a, b]).shape == (4, 3)
    assert np.allclose(L.Dot(axes=1)([a, b]).numpy(), 6)
    x = tf.keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="differ outside axis"):
        L.Concatenate(axis=-1)([x, tf.keras.Input(shape=(2, 2))])


def test_layer_base_weights_names_and_freezing():
    class Scale(L.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
            self.c = self.add_weight(name="c", shape=(), initializer="zeros", trainable=False)

        def call(self, inputs):
            self.add_loss(tf.reduce_sum(self.w) * 0.0 + 1.0)
            return inputs * self.w

    layer = Scale()
    assert layer.name.startswith("scale")
    out = layer(np.ones((2, 3)))
    assert out.shape == (2, 3)
    assert [w.name for w in layer.weights] == ["w", "c"]
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1
    assert layer.count_params() == 4
    assert len(layer.losses) == 1
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    assert layer.input_shape == (None, 3)
    with pytest.raises(ValueError, match="not built yet"):
        Scale().count_params()


def test_add_loss_in_a_custom_layer_is_trained_on():
    class Penalty(L.Layer):
        def call(self, inputs):
            self.add_loss(100.0 * tf.reduce_mean(tf.square(inputs)))
            return inputs

    m = tf.keras.Sequential([L.Dense(2, input_shape=(2,)), Penalty(), L.Dense(1)])
    m.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")
    x = np.ones((4, 2), np.float32)
    y = np.zeros((4, 1), np.float32)
    loss = m.evaluate(x, y, verbose=0)
    h = m.layers[0](x).numpy()
    pred = m.predict(x, verbose=0)
    assert loss == pytest.approx(np.mean(pred ** 2) + 100 * np.mean(h ** 2), rel=1e-4)


def test_input_shape_and_output_shape_properties():
    i = tf.keras.Input(shape=(4,))
    d = L.Dense(2)
    d(i)
    assert d.input_shape == (None, 4) and d.output_shape == (None, 2)
    with pytest.raises(AttributeError, match="never been called"):
        _ = L.Dense(1).input
