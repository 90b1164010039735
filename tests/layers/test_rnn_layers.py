"""Recurrent layers: parity with real Keras, the step-by-step path, states, dropout, config."""

import numpy as np
import pytest

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.layers.layer import Layer
from featherflow.layers.rnn import (
    GRU,
    LSTM,
    RNN,
    Bidirectional,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
    TimeDistributed,
)
from featherflow.layers.rnn.base import deserialize_layer
from featherflow.ops import math as M
from tests.fixtures.keras_loader import load, names, stacked
from tests.layers.layer_gradcheck import check_layer

RNG = np.random.default_rng(11)
CLASSES = {"LSTM": LSTM, "GRU": GRU, "SimpleRNN": SimpleRNN, "Bidirectional": Bidirectional,
           "TimeDistributed": TimeDistributed}


def rand(*shape):
    return RNG.normal(scale=0.5, size=shape)


def _strip(cfg, key):
    # Keras 3.15 writes "quantization_config" into Dense configs; not a recurrent concern
    if isinstance(cfg, dict):
        return {k: _strip(v, key) for k, v in cfg.items() if k != key}
    return cfg


def run_with_grads(layer, x, r, **kwargs):
    """Outputs of ``layer(x)`` and gradients of ``sum(out * r)`` wrt x, weights, states."""
    x = Tensor(x)
    states = kwargs.get("initial_state") or []
    with GradientTape() as tape:
        tape.watch([x] + states)
        out = layer(x, **kwargs)
        outs = out if isinstance(out, list) else [out]
        loss = M.add_n([M.reduce_sum(o * Tensor(w)) for o, w in zip(outs, r)])
    grads = tape.gradient(loss, [x] + list(layer.trainable_weights) + states,
                          unconnected_gradients="zero")
    return outs, [g.numpy() for g in grads]


# -- parity with Keras 3 ---------------------------------------------------------------------
FIXTURES = [n for n in names("layers") if load(n)["class_name"] in CLASSES]


@pytest.mark.parametrize("name", FIXTURES)
def test_keras_fixture(name):
    fx = load(name)
    layer = CLASSES[str(fx["class_name"])].from_config(_strip(fx["config"], "quantization_config"))
    x = stacked(fx, "x")[0]
    kwargs = {}
    if "mask" in fx:
        kwargs["mask"] = fx["mask"]
    if "s" in fx or "s0" in fx:
        kwargs["initial_state"] = [Tensor(s) for s in stacked(fx, "s")]
    layer(Tensor(x), **kwargs)
    layer.set_weights(stacked(fx, "w"))
    assert [w.path.split("/")[-1] for w in layer.weights] == fx["weight_names"]
    outs, grads = run_with_grads(layer, x, stacked(fx, "r"), **kwargs)
    for got, want in zip(outs, stacked(fx, "y")):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-8)
    wants = [fx["dx"]] + stacked(fx, "dw") + (stacked(fx, "ds") if "initial_state" in kwargs
                                              else [])
    for got, want in zip(grads, wants):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-8)
    if "y_mask" in fx:
        np.testing.assert_array_equal(np.asarray(outs[0]._keras_mask), fx["y_mask"])


# -- weights, names, shapes, config ------------------------------------------------------------
def test_weights_are_named_and_laid_out_as_keras():
    lstm = LSTM(4, name="lstm")
    lstm(np.zeros((2, 3, 5), np.float32))
    assert [v.path for v in lstm.weights] == [
        "lstm/lstm_cell/kernel", "lstm/lstm_cell/recurrent_kernel", "lstm/lstm_cell/bias"]
    assert [tuple(v.shape) for v in lstm.weights] == [(5, 16), (4, 16), (16,)]
    assert lstm.weights[0].numpy().dtype == np.float32
    bias = lstm.cell.bias.numpy()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    rk = lstm.cell.recurrent_kernel.numpy()
    np.testing.assert_allclose(rk @ rk.T, np.eye(4), atol=1e-5)  # orthogonal rows
    gru = GRU(3, name="gru")
    gru(np.zeros((1, 2, 2)))
    assert [tuple(v.shape) for v in gru.weights] == [(2, 9), (3, 9), (2, 9)]
    gru_before = GRU(3, reset_after=False)
    gru_before(np.zeros((1, 2, 2)))
    assert tuple(gru_before.weights[2].shape) == (9,)
    assert SimpleRNN(3, use_bias=False)(np.zeros((1, 2, 2))).shape == (1, 3)
    bi = Bidirectional(LSTM(2, name="lstm"), name="bidirectional")
    bi(np.zeros((1, 3, 2)))
    assert bi.weights[0].path == "bidirectional/forward_lstm/lstm_cell/kernel"
    assert bi.weights[3].path == "bidirectional/backward_lstm/lstm_cell/kernel"


@pytest.mark.parametrize("layer", [
    LSTM(3, return_sequences=True, return_state=True, go_backwards=True, dropout=0.1,
         recurrent_dropout=0.2, unit_forget_bias=False, kernel_regularizer="l2"),
    GRU(2, reset_after=False, activation="relu", stateful=True),
    SimpleRNN(4, activation="elu", use_bias=False),
    Bidirectional(GRU(2, return_sequences=True), merge_mode="ave"),
    TimeDistributed(SimpleRNN(2)),
    RNN(StackedRNNCells([LSTMCell(3), GRUCell(2)]), return_sequences=True),
    RNN([SimpleRNNCell(2), SimpleRNNCell(3)]),
])
def test_config_round_trip(layer):
    cfg = layer.get_config()
    clone = type(layer).from_config(cfg)
    cfg2 = clone.get_config()
    cfg.pop("name")
    cfg2.pop("name")
    assert cfg2 == cfg
    x = rand(2, 3, 2, 4) if isinstance(layer, TimeDistributed) else rand(2, 3, 4)
    layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    if getattr(layer, "stateful", False):
        layer.reset_states()
        clone.reset_states()
    a, b = layer(x), clone(x)
    for u, v in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
        np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-6)


def test_keras_config_keys_match():
    fx = load("layers/lstm_seq")
    ours = LSTM(3, return_sequences=True, name="lstm").get_config()
    assert set(fx["config"]) <= set(ours)
    fx = load("layers/gru_reset_before_seq")
    assert set(fx["config"]) <= set(GRU(3, reset_after=False).get_config())


def test_output_shapes_and_masks():
    lstm = LSTM(4, return_sequences=True, return_state=True)
    assert lstm.compute_output_shape((None, 7, 3)) == [(None, 7, 4), (None, 4), (None, 4)]
    mask = np.array([[True, False, True]])
    assert lstm.compute_mask(None, mask)[0] is mask
    assert LSTM(4).compute_mask(None, mask) is None
    bi = Bidirectional(GRU(3, return_sequences=True, return_state=True), merge_mode=None)
    shapes = bi.compute_output_shape((None, 5, 2))
    assert shapes == [(None, 5, 3), (None, 5, 3), (None, 3), (None, 3)]
    assert Bidirectional(LSTM(3)).compute_output_shape((None, 5, 2)) == (None, 6)
    assert TimeDistributed(LSTM(2)).compute_output_shape((None, 4, 5, 3)) == (None, 4, 2)
    outs = bi(rand(2, 5, 2))
    assert [tuple(o.shape) for o in outs] == [(2, 5, 3), (2, 5, 3), (2, 3), (2, 3)]


# -- whole layers through finite differences --------------------------------------------------
MASK = np.array([[True, True, True, False], [False, True, True, True]])


@pytest.mark.parametrize("make,shape,kwargs", [
    (lambda: Bidirectional(GRU(2, reset_after=False, return_sequences=True), merge_mode="mul"),
     (2, 4, 3), {"mask": MASK}),
    (lambda: Bidirectional(LSTM(2), merge_mode="ave"), (2, 4, 3), {}),
    (lambda: TimeDistributed(SimpleRNN(2, activation="softsign")), (2, 4, 3, 2), {}),
    (lambda: RNN([LSTMCell(2), GRUCell(2, reset_after=False)], return_sequences=True,
                 go_backwards=True), (2, 4, 3), {"mask": MASK}),
    (lambda: LSTM(2, activation=_custom("elu"), return_sequences=True), (2, 4, 3),
     {"mask": MASK}),
])
def test_layer_gradients(make, shape, kwargs):
    check_layer(make, RNG.normal(size=shape), kwargs)


# -- the step-by-step path (cells called per step) agrees with the fused primitives -----------
def _copy_weights(src, dst):
    dst.set_weights(src.get_weights())


def _custom(name):
    from featherflow import activations

    fn = activations.get(name)

    def custom(x):
        return fn(x)

    return custom


@pytest.mark.parametrize("make", [
    lambda act, ract: LSTM(3, activation=act, recurrent_activation=ract,
                           return_sequences=True, return_state=True),
    lambda act, ract: GRU(3, activation=act, recurrent_activation=ract, return_sequences=True),
    lambda act, ract: GRU(3, activation=act, recurrent_activation=ract, reset_after=False,
                          go_backwards=True),
    lambda act, ract: SimpleRNN(3, activation=act, return_sequences=True, go_backwards=True),
])
def test_custom_activation_runs_step_by_step_and_agrees(make):
    x = rand(2, 5, 4)
    mask = np.array([[True, True, True, False, False], [False, True, True, True, True]])
    fused = make("tanh", "sigmoid")
    loop = make(_custom("tanh"), _custom("sigmoid"))
    fused(x)
    loop(x)
    _copy_weights(fused, loop)
    assert loop.cell._fused_names() is None
    for kwargs in ({}, {"mask": mask}):
        out_f = fused(x, **kwargs)
        out_f = out_f if isinstance(out_f, list) else [out_f]
        r = [rand(*o.shape) for o in out_f]
        a, ga = run_with_grads(fused, x, r, **kwargs)
        b, gb = run_with_grads(loop, x, r, **kwargs)
        for u, v in zip(a, b):
            np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-5, atol=1e-7)
        for u, v in zip(ga, gb):
            np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-6)


class MinimalCell(Layer):
    """A user-written cell: h = tanh(x W + h U)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units))
        self.u = self.add_weight(name="u", shape=(self.units, self.units))

    def call(self, inputs, states):
        from featherflow.ops.activations import tanh

        h = tanh(M.add(M.matmul(inputs, self.w), M.matmul(states[0], self.u)))
        return h, [h]


def test_user_cell_in_rnn_equals_simple_rnn():
    x = rand(3, 4, 2)
    custom = RNN(MinimalCell(3), return_sequences=True)
    custom(x)
    simple = SimpleRNN(3, use_bias=False, return_sequences=True)
    simple(x)
    simple.set_weights(custom.get_weights())
    np.testing.assert_allclose(custom(x).numpy(), simple(x).numpy(), rtol=1e-5, atol=1e-7)
    assert custom.compute_output_shape((None, 4, 2)) == (None, 4, 3)


def test_bidirectional_copies_a_layer_with_a_user_cell():
    x = rand(2, 4, 2)
    bi = Bidirectional(RNN(MinimalCell(3), return_sequences=True), merge_mode="sum")
    out = bi(x)
    assert tuple(out.shape) == (2, 4, 3)
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards
    assert bi.forward_layer.cell is not bi.backward_layer.cell


def test_stacked_cells_equal_stacked_layers():
    x = rand(2, 5, 3)
    stacked_rnn = RNN([LSTMCell(4), GRUCell(2)], return_state=True)
    out, h1, c1, h2 = stacked_rnn(x)
    first = LSTM(4, return_sequences=True, return_state=True)
    second = GRU(2, return_state=True)
    first(x)
    w = stacked_rnn.get_weights()
    first.set_weights(w[:3])
    seq, fh, fc = first(x)
    second(seq)
    second.set_weights(w[3:])
    out2, gh = second(seq)
    for a, b in ((out, out2), (h1, fh), (c1, fc), (h2, gh)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)


# -- states ------------------------------------------------------------------------------------
def test_initial_state_and_return_state():
    x = rand(2, 6, 3)
    lstm = LSTM(4, return_state=True)
    out, h, c = lstm(x)
    np.testing.assert_array_equal(out.numpy(), h.numpy())
    # running the second half from the first half's states equals running it all
    lstm2 = LSTM(4, return_state=True)
    lstm2(x)
    lstm2.set_weights(lstm.get_weights())
    _, h_a, c_a = lstm2(x[:, :3])
    out_b, _, _ = lstm2(x[:, 3:], initial_state=[h_a, c_a])
    np.testing.assert_allclose(out_b.numpy(), out.numpy(), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="has 2 state"):
        lstm2(x, initial_state=[h_a])
    with pytest.raises(ValueError, match=r"initial state must have shape"):
        lstm2(x, initial_state=[h_a[:1], c_a[:1]])


def test_stateful_carries_states_across_calls():
    x = rand(2, 6, 3)
    full = GRU(3)
    full(x)
    stateful = GRU(3, stateful=True)
    stateful(x[:, :1])
    stateful.reset_states()
    stateful.set_weights(full.get_weights())
    stateful(x[:, :2])
    stateful(x[:, 2:4])
    last = stateful(x[:, 4:])
    np.testing.assert_allclose(last.numpy(), full(x).numpy(), rtol=1e-5, atol=1e-7)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x).numpy(), full(x).numpy(), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="carries states for batches of 2"):
        stateful(x[:1])
    with pytest.raises(AttributeError, match="not stateful"):
        full.reset_states()


# -- dropout -----------------------------------------------------------------------------------
def test_dropout_only_in_training_with_one_mask_per_sequence():
    x = np.ones((64, 6, 5))
    layer = SimpleRNN(4, dropout=0.5, return_sequences=True, activation="linear",
                      recurrent_initializer="zeros", seed=1)
    base = layer(x).numpy()
    np.testing.assert_array_equal(layer(x, training=False).numpy(), base)
    dropped = layer(x, training=True).numpy()
    assert not np.allclose(dropped, base)
    # with no recurrence and constant inputs, one mask per sequence gives equal steps
    np.testing.assert_allclose(dropped[:, 0], dropped[:, -1], rtol=1e-6)
    assert not np.allclose(dropped[0], dropped[1]) or not np.allclose(dropped[0], dropped[2])
    # the expected scaling keeps the mean roughly unchanged
    kernel = layer.cell.kernel.numpy()
    assert abs(dropped[:, 0].mean() - (np.ones(5) @ kernel).mean()) < 0.3


def test_recurrent_dropout_trains_and_differs_per_call():
    x = rand(8, 5, 3)
    lstm = LSTM(4, recurrent_dropout=0.5, dropout=0.2, seed=3)
    a = lstm(x, training=True).numpy()
    b = lstm(x, training=True).numpy()
    assert not np.allclose(a, b)
    outs, grads = run_with_grads(lstm, x, [np.ones((8, 4))], training=True)
    assert all(np.isfinite(g).all() for g in grads)
    assert lstm.cell._dropout_mask is None  # masks are dropped after each sequence


# -- wrappers ----------------------------------------------------------------------------------
def test_bidirectional_merges_and_splits_states():
    x = rand(2, 4, 3)
    fwd = LSTM(2, return_sequences=True)
    fwd(x)
    bwd = LSTM(2, return_sequences=True, go_backwards=True)
    bwd(x)
    for mode in ("concat", "sum", "mul", "ave", None):
        bi = Bidirectional(LSTM(2, return_sequences=True), merge_mode=mode)
        bi(x)
        bi.set_weights(fwd.get_weights() + bwd.get_weights())
        y, y_rev = fwd(x).numpy(), bwd(x).numpy()[:, ::-1]
        expect = {"concat": np.concatenate([y, y_rev], -1), "sum": y + y_rev,
                  "mul": y * y_rev, "ave": (y + y_rev) / 2}
        out = bi(x)
        if mode is None:
            np.testing.assert_allclose(out[0].numpy(), y, rtol=1e-6)
            np.testing.assert_allclose(out[1].numpy(), y_rev, rtol=1e-6)
        else:
            np.testing.assert_allclose(out.numpy(), expect[mode], rtol=1e-6)
    states = [Tensor(rand(2, 2)) for _ in range(4)]
    bi = Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True))
    out = bi(x, initial_state=states)
    assert tuple(out.shape) == (2, 4)
    with pytest.raises(ValueError, match="must differ in go_backwards"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    with pytest.raises(ValueError, match="merge_mode"):
        Bidirectional(LSTM(2), merge_mode="max")


def test_time_distributed_applies_the_layer_per_step():
    x = rand(3, 4, 5)
    inner = SimpleRNN(2)
    td = TimeDistributed(inner)
    x4 = rand(3, 4, 6, 5)
    out = td(x4).numpy()
    for t in range(4):
        np.testing.assert_allclose(out[:, t], inner(x4[:, t]).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="rank >= 3"):
        TimeDistributed(SimpleRNN(2)).build((None, 3))
    assert x.shape == (3, 4, 5)


def test_deserialize_layer_from_keras_dict():
    layer = deserialize_layer({"class_name": "GRU", "config": {"units": 2, "reset_after": False},
                               "module": "keras.layers"})
    assert isinstance(layer, GRU) and layer.units == 2 and not layer.reset_after


def test_bad_arguments():
    with pytest.raises(ValueError, match="units must be a positive integer"):
        LSTM(0)
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        LSTM(2)(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="time_major=True is not supported"):
        LSTM(2, time_major=True)
    with pytest.raises(ValueError, match="mask has shape"):
        LSTM(2)(np.zeros((2, 3, 4)), mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="must have a call"):
        RNN(object())


# -- learning ----------------------------------------------------------------------------------
def test_lstm_learns_to_count_ones():
    """LSTM(16) reads 10 random bits and names how many are ones (11 classes): >= 95% on
    held-out sequences after 12 epochs (about a second)."""
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(2500, 10, 1)).astype(np.float32)
    y = x.sum(axis=(1, 2)).astype(np.int64)
    model = tf.keras.Sequential([tf.keras.Input((10, 1)), LSTM(16),
                                 tf.keras.layers.Dense(11, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:2000], y[:2000], batch_size=32, epochs=12, verbose=0)
    pred = np.argmax(model.predict(x[2000:], verbose=0), axis=-1)
    assert np.mean(pred == y[2000:]) >= 0.95


def test_masked_lstm_learns_on_padded_sequences():
    """Embedding(mask_zero) + LSTM: count the 1-tokens in sequences of 3 to 10 tokens padded
    with 0 to 12; the padding must not be counted. >= 90% held-out accuracy."""
    import featherflow as tf
    from featherflow.layers.embedding import Embedding

    tf.keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    n = 2500
    ids = np.zeros((n, 12), np.int64)
    for i in range(n):
        length = rng.integers(3, 11)
        ids[i, :length] = rng.integers(1, 3, size=length)  # tokens 1 and 2
    y = (ids == 1).sum(axis=1)
    model = tf.keras.Sequential([tf.keras.Input((12,), dtype="int64"),
                                 Embedding(3, 8, mask_zero=True), LSTM(16),
                                 tf.keras.layers.Dense(11, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy")
    model.fit(ids[:2000], y[:2000], batch_size=32, epochs=12, verbose=0)
    pred = np.argmax(model.predict(ids[2000:], verbose=0), axis=-1)
    assert np.mean(pred == y[2000:]) >= 0.9
