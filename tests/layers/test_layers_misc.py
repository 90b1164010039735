"""GroupNormalization, UnitNormalization, RMSNormalization, SpectralNormalization,
ActivityRegularization, AlphaDropout, Wrapper and ConvLSTM1D/2D/3D against real Keras 3.15.

Fixtures: tests/fixtures/keras/layers_misc/ (tools/keras_fixtures/layers_misc.py). Layer cases
are float64: outputs rtol 1e-7, gradients rtol 1e-6 (atol 1e-10 both). AlphaDropout's training
draw cannot be reproduced (TF's RNG): every entry of Keras's output is checked against the
formula (rtol 1e-6 in float32), and featherflow's own draws against its statistics.
"""

import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.ops import math as M
from tests.fixtures.keras_loader import indexed, load, stacked
from tests.layers.layer_gradcheck import check_layer

L = tf.keras.layers
CASES = [f"layers_misc/layers/{c}" for c in load("layers_misc/layer_cases")["names"].tolist()]
ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _strip(cfg):
    """Keras's config without what is not a setting of these layers (dtype policies,
    Dense's quantization_config)."""
    if isinstance(cfg, dict):
        return {k: _strip(v) for k, v in cfg.items()
                if k not in ("quantization_config", "dtype", "build_config")}
    if isinstance(cfg, list):
        return [_strip(v) for v in cfg]
    return cfg


def _plain(value):
    return json.loads(json.dumps(value))


def _call_kwargs(fx):
    kwargs = dict(fx["call_kwargs"])
    if "mask" in fx:
        kwargs["mask"] = fx["mask"]
    states = stacked(fx, "s")
    if states:
        kwargs["initial_state"] = [Tensor(s) for s in states]
    return kwargs


def _build(fx):
    cfg = dict(fx["config"])
    cfg["dtype"] = "float64"
    layer = getattr(L, fx["class_name"]).from_config(_strip(cfg))
    kwargs = _call_kwargs(fx)
    kwargs["training"] = False
    layer(Tensor(stacked(fx, "x")[0]), **kwargs)
    layer.set_weights(stacked(fx, "w"))
    return layer


@pytest.mark.parametrize("case", CASES)
def test_matches_keras(case, float64):
    fx = load(case)
    layer = _build(fx)
    x = Tensor(stacked(fx, "x")[0])
    kwargs = _call_kwargs(fx)
    states = kwargs.get("initial_state", [])
    with GradientTape() as tape:
        tape.watch([x] + states)
        out = layer(x, **kwargs)
        outs = out if isinstance(out, list) else [out]
        loss = M.add_n([M.reduce_sum(o * Tensor(r)) for o, r in zip(outs, stacked(fx, "r"))])
    assert len(outs) == len(stacked(fx, "y"))
    for got, want in zip(outs, stacked(fx, "y")):
        assert got.dtype == "float64"
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-7, atol=1e-10, err_msg=case)
    weights = layer.weights
    dws = indexed(fx, "dw")
    grads = tape.gradient(loss, [x] + states + [weights[i] for i in sorted(dws)],
                          unconnected_gradients="zero")
    np.testing.assert_allclose(grads[0].numpy(), fx["dx"], rtol=1e-6, atol=1e-10,
                               err_msg=f"{case}: input gradient")
    for g, want in zip(grads[1:1 + len(states)], stacked(fx, "ds")):
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-6, atol=1e-10,
                                   err_msg=f"{case}: initial-state gradient")
    for g, i in zip(grads[1 + len(states):], sorted(dws)):
        np.testing.assert_allclose(g.numpy(), dws[i], rtol=1e-6, atol=1e-10,
                                   err_msg=f"{case}: gradient of {fx['weight_names'][i]}")
    assert [w.name for w in weights] == fx["weight_names"]
    assert [i for i, w in enumerate(weights) if w.trainable] == sorted(dws)
    for i, w in indexed(fx, "w_after").items():
        np.testing.assert_allclose(weights[i].numpy(), w, rtol=1e-7, atol=1e-12,
                                   err_msg=f"{case}: {fx['weight_names'][i]} after the call")
    if "y_infer" in fx:
        np.testing.assert_allclose(layer(x, training=False).numpy(), fx["y_infer"], rtol=1e-7,
                                   atol=1e-10)
    if "losses" in fx:
        with GradientTape() as tape:
            tape.watch(x)
            layer(x)
            reg = M.add_n(layer.losses)
        np.testing.assert_allclose(reg.numpy(), fx["losses"], rtol=1e-7)
        np.testing.assert_allclose(tape.gradient(reg, x).numpy(), fx["dlosses"], rtol=1e-7,
                                   atol=1e-12)
    if "y_mask" in fx:
        np.testing.assert_array_equal(np.asarray(outs[0]._keras_mask), fx["y_mask"])


@pytest.mark.parametrize("case", CASES)
def test_config_matches_keras(case):
    fx = load(case)
    keras_cfg = _strip(fx["config"])
    layer = getattr(L, fx["class_name"]).from_config(keras_cfg)
    layer(Tensor(stacked(fx, "x")[0].astype("float32")), **{
        k: v for k, v in _call_kwargs(fx).items() if k != "initial_state"})
    ours = _strip(_plain(layer.get_config()))
    keras_cfg.pop("name", None)
    ours.pop("name", None)
    if "layer" in keras_cfg:
        # the wrapped layer's own config: Keras's keys and values (featherflow's Dense also
        # writes activity_regularizer=None, which Keras 3.15 leaves out)
        inner, keras_inner = ours["layer"].pop("config"), keras_cfg["layer"].pop("config")
        keras_inner.pop("name")
        assert {k: inner.get(k) for k in keras_inner} == _plain(keras_inner)
    assert ours == _plain(keras_cfg)


# -- AlphaDropout ----------------------------------------------------------------------------
def _alpha_ab(rate):
    a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5
    return a, -a * ALPHA_P * rate


@pytest.mark.parametrize("name", ["alpha_dropout_train_1", "alpha_dropout_train_4",
                                  "alpha_dropout_noise_shape"])
def test_alpha_dropout_keras_output_follows_the_formula(name):
    fx = load(f"layers_misc/{name}")
    rate = float(fx["rate"])
    a, b = _alpha_ab(rate)
    x, y = fx["x"], fx["y"]
    kept = np.isclose(y, a * x + b, rtol=1e-6, atol=1e-6)
    dropped = np.isclose(y, a * ALPHA_P + b, rtol=1e-6, atol=1e-6)
    assert np.all(kept | dropped)
    if "noise_shape" in name:
        # noise_shape (None, 1, 6): one draw shared along axis 1
        assert np.all(dropped == dropped[:, :1, :])
    # ours: same formula, same kind of draw
    cfg = fx["config"]
    cfg.pop("dtype", None)
    ours = L.AlphaDropout.from_config(cfg)
    got = ours(x, training=True).numpy()
    ours_kept = np.isclose(got, a * x + b, rtol=1e-6, atol=1e-6)
    ours_dropped = np.isclose(got, a * ALPHA_P + b, rtol=1e-6, atol=1e-6)
    assert np.all(ours_kept | ours_dropped)
    if "noise_shape" in name:
        assert np.all(ours_dropped == ours_dropped[:, :1, :])


@pytest.mark.parametrize("rate", [0.05, 0.2, 0.5])
def test_alpha_dropout_keeps_mean_and_variance_of_standardized_inputs(rate):
    x = np.random.default_rng(3).normal(size=(400, 500)).astype("float32")
    y = L.AlphaDropout(rate, seed=11)(x, training=True).numpy()
    # 200000 draws: standard errors ~0.003 for the mean and the variance
    assert abs(y.mean()) < 0.015 and abs(y.var() - 1) < 0.02
    a, b = _alpha_ab(rate)
    dropped = np.isclose(y, a * ALPHA_P + b, atol=1e-6) & ~np.isclose(y, a * x + b, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.01


def test_alpha_dropout_inference_seed_and_gradient():
    x = np.random.default_rng(4).normal(size=(3, 4)).astype("float32")
    drop = L.AlphaDropout(0.3, seed=7)
    np.testing.assert_array_equal(drop(x).numpy(), x)
    np.testing.assert_array_equal(drop(x, training=False).numpy(), x)
    a1 = L.AlphaDropout(0.3, seed=7)(x, training=True).numpy()
    a2 = L.AlphaDropout(0.3, seed=7)(x, training=True).numpy()
    np.testing.assert_array_equal(a1, a2)
    a, b = _alpha_ab(0.3)
    xt = Tensor(x)
    layer = L.AlphaDropout(0.3, seed=7)
    with GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, training=True)
    g = tape.gradient(y, xt).numpy()
    kept = np.isclose(y.numpy(), a * x + b, atol=1e-6)
    np.testing.assert_allclose(g, np.where(kept, a, 0.0), rtol=1e-6)
    np.testing.assert_array_equal(L.AlphaDropout(0.0)(x, training=True).numpy(), x)


# -- behaviour beyond the fixtures -------------------------------------------------------------
def test_group_norm_equals_layer_norm_and_instance_norm():
    x = np.random.default_rng(5).normal(size=(2, 3, 4, 6))
    g1 = L.GroupNormalization(groups=1, epsilon=1e-5)(x).numpy()
    ln = L.LayerNormalization(axis=[1, 2, 3], epsilon=1e-5)(x).numpy()
    np.testing.assert_allclose(g1, ln, rtol=1e-4, atol=1e-5)
    gi = L.GroupNormalization(groups=-1, epsilon=1e-5)
    y = gi(x).numpy()
    assert gi.groups == 6 and gi.get_config()["groups"] == 6  # Keras rewrites -1 at build
    want = (x - x.mean(axis=(1, 2), keepdims=True)) / np.sqrt(
        x.var(axis=(1, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5)


def test_spectral_norm_training_makes_the_largest_singular_value_one():
    rng = np.random.default_rng(6)
    sn = L.SpectralNormalization(L.Dense(5), power_iterations=1)
    x = rng.normal(size=(4, 7)).astype("float32")
    sn(x)
    sn.layer.kernel.assign(rng.normal(size=(7, 5)).astype("float32"))
    before = sn.layer.kernel.numpy().copy()
    np.testing.assert_array_equal(sn(x, training=False).numpy(), x @ before + sn.layer.bias.numpy())
    for _ in range(30):  # the power iteration converges over calls, as in Keras
        sn(x, training=True)
    assert abs(np.linalg.svd(sn.layer.kernel.numpy(), compute_uv=False)[0] - 1) < 1e-4
    assert sn.kernel is sn.layer.kernel
    assert [w.name for w in sn.weights] == ["kernel", "vector_u", "bias"]
    assert [w.name for w in sn.trainable_weights] == ["kernel", "bias"]
    zero = L.SpectralNormalization(L.Dense(2, kernel_initializer="zeros"))
    zero(x, training=True)  # an all-zero kernel is left alone (no division by sigma = 0)
    assert not np.any(zero.layer.kernel.numpy())


def test_spectral_norm_wraps_embedding_and_keeps_indices_integer():
    sn = L.SpectralNormalization(L.Embedding(10, 3))
    y = sn(np.array([[1, 2, 9]]), training=True)
    assert y.shape == (1, 3, 3)
    assert sn.kernel is sn.layer.embeddings


def test_activity_regularization_divides_by_the_batch_size_as_keras3():
    x = np.array([[1.0, -2.0], [3.0, 0.5]], np.float32)
    reg = L.ActivityRegularization(l1=0.1, l2=0.2)
    np.testing.assert_array_equal(reg(x).numpy(), x)
    want = (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 2
    np.testing.assert_allclose(float(reg.losses[0]), want, rtol=1e-6)
    model = tf.keras.Sequential([tf.keras.Input((2,)), L.Dense(1),
                                 L.ActivityRegularization(l2=1.0)])
    model(x)
    assert len(model.losses) == 1


def test_wrapper_base_holds_builds_and_serializes_the_layer():
    class Twice(L.Wrapper):
        def call(self, inputs):
            return self.layer(self.layer(inputs))

    w = Twice(L.Dense(3, name="inner"), name="twice")
    y = w(np.ones((2, 3), np.float32))
    assert y.shape == (2, 3) and w.layer.built
    assert [v.path for v in w.weights] == ["twice/inner/kernel", "twice/inner/bias"]
    cfg = w.get_config()
    assert cfg["layer"]["class_name"] == "Dense" and cfg["layer"]["config"]["units"] == 3
    again = Twice.from_config(cfg)
    assert isinstance(again.layer, L.Dense) and again.layer.units == 3
    assert issubclass(L.TimeDistributed, L.Wrapper)
    assert issubclass(L.SpectralNormalization, L.Wrapper)
    assert not issubclass(L.Bidirectional, L.Wrapper)  # as in Keras 3


def test_conv_lstm_channels_first_equals_channels_last():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 3, 5, 6, 2)).astype("float32")
    last = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    first = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True,
                         data_format="channels_first")
    y_last = last(x)
    first(np.transpose(x, (0, 1, 4, 2, 3)))
    first.set_weights(last.get_weights())
    y_first = first(np.transpose(x, (0, 1, 4, 2, 3))).numpy()
    np.testing.assert_allclose(np.transpose(y_first, (0, 1, 3, 4, 2)), y_last.numpy(),
                               rtol=1e-5, atol=1e-6)


def test_conv_lstm_weights_dropout_and_stateful():
    layer = L.ConvLSTM2D(4, 3, name="conv_lstm2d")
    x = np.random.default_rng(9).normal(size=(2, 3, 5, 5, 2)).astype("float32")
    layer(x)
    assert [v.path for v in layer.weights] == [
        "conv_lstm2d/conv_lstm_cell/kernel", "conv_lstm2d/conv_lstm_cell/recurrent_kernel",
        "conv_lstm2d/conv_lstm_cell/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [(3, 3, 2, 16), (3, 3, 4, 16), (16,)]
    np.testing.assert_array_equal(layer.cell.bias.numpy(), np.r_[np.zeros(4), np.ones(4),
                                                                 np.zeros(8)])
    drop = L.ConvLSTM2D(2, 3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    a = drop(x).numpy()
    np.testing.assert_array_equal(drop(x, training=False).numpy(), a)
    assert not np.allclose(drop(x, training=True).numpy(), a)
    stateful = L.ConvLSTM2D(2, 3, stateful=True)
    plain = L.ConvLSTM2D(2, 3)
    stateful(x[:, :2])
    plain(x)
    plain.set_weights(stateful.get_weights())
    stateful.reset_states()
    stateful(x[:, :2])
    np.testing.assert_allclose(stateful(x[:, 2:]).numpy(), plain(x).numpy(), rtol=1e-5,
                               atol=1e-6)


def test_conv_lstm_in_a_functional_model_with_a_mask():
    inp = tf.keras.Input((4, 5, 5, 2))
    masked = L.Masking()(L.Reshape((4, 50))(inp))
    h = L.Reshape((4, 5, 5, 2))(masked)
    out = L.ConvLSTM2D(2, 3, return_sequences=True)(h)
    model = tf.keras.Model(inp, out)
    assert model.output_shape == (None, 4, 3, 3, 2)
    x = np.random.default_rng(10).normal(size=(2, 4, 5, 5, 2)).astype("float32")
    assert model(x).shape == (2, 4, 3, 3, 2)


@pytest.mark.parametrize("make,shape,kwargs", [
    (lambda: L.GroupNormalization(groups=2), (2, 3, 4), {}),
    (lambda: L.GroupNormalization(groups=3, axis=1), (2, 6, 2), {}),
    (lambda: L.UnitNormalization(axis=[1, 2]), (2, 3, 4), {}),
    (lambda: L.RMSNormalization(), (2, 3, 4), {}),
    # in training the kernel variable is overwritten first (no gradient through sigma, as in
    # Keras), so only inference is a function of the weights that differences can check
    (lambda: L.SpectralNormalization(L.Dense(3)), (4, 3), {"training": False}),
    (lambda: L.ConvLSTM1D(2, 2, padding="same", return_sequences=True), (2, 3, 4, 2), {}),
    (lambda: L.ConvLSTM2D(2, 2, strides=(1, 2), go_backwards=True), (2, 3, 4, 4, 1), {}),
    (lambda: L.ConvLSTM3D(1, 2, padding="same"), (1, 2, 3, 3, 2, 1), {}),
])
def test_layer_gradients(make, shape, kwargs):
    check_layer(make, np.random.default_rng(12).normal(size=shape), call_kwargs=kwargs)


def test_bad_input_errors_name_the_layer():
    x = np.zeros((2, 3, 6), np.float32)
    with pytest.raises(ValueError, match=r"GroupNormalization .*6 channels.*groups=4"):
        L.GroupNormalization(groups=4)(x)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        L.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match=r"SpectralNormalization .*LSTM .*no 'kernel'"):
        L.SpectralNormalization(L.LSTM(2))(x)
    with pytest.raises(ValueError, match="power_iterations"):
        L.SpectralNormalization(L.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="expected a layer instance"):
        L.SpectralNormalization("dense")
    with pytest.raises(ValueError, match=r"ConvLSTM2D 'c' expects inputs of rank 5"):
        L.ConvLSTM2D(2, 3, name="c")(x)
    with pytest.raises(ValueError, match=r"ConvLSTM1D 'c1' expects inputs of rank 4"):
        L.ConvLSTM1D(2, 3, name="c1")(np.zeros((2, 3, 4, 5, 1)))
    with pytest.raises(ValueError, match=r"ConvLSTM3D .*rank 6"):
        L.ConvLSTM3D(2, 3)(np.zeros((2, 3, 4, 5, 1)))
    with pytest.raises(ValueError, match="AlphaDropout .*rate"):
        L.AlphaDropout(1.5)
    with pytest.raises(ValueError, match="AlphaDropout .*rate=1 drops every entry"):
        L.AlphaDropout(1.0)(x, training=True)
    np.testing.assert_array_equal(L.AlphaDropout(1.0)(x).numpy(), x)
    with pytest.raises(ValueError, match="strides > 1 cannot be combined with dilation_rate"):
        L.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)


@pytest.mark.parametrize("module", [
    "featherflow.layers.normalization_extra", "featherflow.layers.regularization",
    "featherflow.layers.rnn.conv_lstm"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), extraglobs={"np": np, "tf": tf},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
