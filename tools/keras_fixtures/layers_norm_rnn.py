"""Normalization layers and recurrent layers (SimpleRNN, LSTM, GRU, Bidirectional)."""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for
from .layer_runner import run_layer


def _bn_after(layer, txs, out):
    """Moving statistics after the one training call, then an inference pass that uses them."""
    for i, w in enumerate(layer.get_weights()):
        out[f"w_after{i}"] = np.asarray(w)
    out["y_infer"] = as_numpy(layer(txs[0], training=False))


def norm_cases():
    import keras

    L = keras.layers
    rng = rng_for("norm/x")
    x2 = rng.normal(1.0, 2.0, size=(4, 3))
    x4 = rng.normal(size=(2, 3, 3, 2))
    x3 = rng.normal(size=(2, 3, 4))
    train = {"training": True}
    run_layer("batch_norm_train", L.BatchNormalization(), [x2], call_kwargs=train, after=_bn_after)
    run_layer(
        "batch_norm_train_4d",
        L.BatchNormalization(momentum=0.9, epsilon=1e-3),
        [x4],
        call_kwargs=train,
        after=_bn_after,
    )
    run_layer(
        "batch_norm_train_axis1",
        L.BatchNormalization(axis=1),
        [x3],
        call_kwargs=train,
        after=_bn_after,
    )
    run_layer(
        "batch_norm_train_no_center_scale",
        L.BatchNormalization(center=False, scale=False),
        [x2],
        call_kwargs=train,
        after=_bn_after,
    )
    run_layer("batch_norm_inference", L.BatchNormalization(), [x2], call_kwargs={"training": False})
    run_layer("layer_norm", L.LayerNormalization(), [x3])
    run_layer("layer_norm_axes12", L.LayerNormalization(axis=[1, 2], epsilon=1e-5), [x3])
    run_layer("layer_norm_no_center_scale", L.LayerNormalization(center=False, scale=False), [x3])


# Rows: full length, post-padded, pre-padded (Keras keeps the previous state on masked steps).
_MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 1, 1]], dtype=bool)


def _rnn_family(prefix, make, n_states):
    rng = rng_for(prefix + "/x")
    x = rng.normal(size=(3, 5, 4))
    states = [rng.normal(0, 0.5, size=(3, 3)) for _ in range(n_states)]
    run_layer(f"{prefix}_last", make(), [x])
    run_layer(f"{prefix}_seq", make(return_sequences=True), [x])
    run_layer(f"{prefix}_state", make(return_state=True), [x])
    run_layer(f"{prefix}_seq_state", make(return_sequences=True, return_state=True), [x])
    run_layer(f"{prefix}_backwards_seq", make(return_sequences=True, go_backwards=True), [x])
    run_layer(f"{prefix}_backwards_last", make(go_backwards=True), [x])
    run_layer(f"{prefix}_mask_seq", make(return_sequences=True), [x], mask=_MASK)
    run_layer(f"{prefix}_mask_last_state", make(return_state=True), [x], mask=_MASK)
    run_layer(
        f"{prefix}_mask_backwards_seq",
        make(return_sequences=True, go_backwards=True),
        [x],
        mask=_MASK,
    )
    run_layer(
        f"{prefix}_initial_state",
        make(return_sequences=True, return_state=True),
        [x],
        states=states,
    )
    run_layer(f"{prefix}_no_bias", make(use_bias=False, return_sequences=True), [x])


def rnn_cases():
    import keras

    L = keras.layers
    _rnn_family("simple_rnn", lambda **kw: L.SimpleRNN(3, **kw), 1)
    _rnn_family("simple_rnn_relu", lambda **kw: L.SimpleRNN(3, activation="relu", **kw), 1)
    _rnn_family("lstm", lambda **kw: L.LSTM(3, **kw), 2)
    _rnn_family("gru", lambda **kw: L.GRU(3, **kw), 1)
    _rnn_family("gru_reset_before", lambda **kw: L.GRU(3, reset_after=False, **kw), 1)

    rng = rng_for("bidirectional/x")
    x = rng.normal(size=(3, 5, 4))
    run_layer(
        "bidirectional_lstm_concat_seq", L.Bidirectional(L.LSTM(3, return_sequences=True)), [x]
    )
    run_layer("bidirectional_lstm_concat_last", L.Bidirectional(L.LSTM(3)), [x])
    run_layer(
        "bidirectional_lstm_concat_mask_seq",
        L.Bidirectional(L.LSTM(3, return_sequences=True)),
        [x],
        mask=_MASK,
    )
    run_layer(
        "bidirectional_gru_sum_seq",
        L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="sum"),
        [x],
    )
    run_layer("bidirectional_lstm_state", L.Bidirectional(L.LSTM(2, return_state=True)), [x])


def run():
    norm_cases()
    rnn_cases()
