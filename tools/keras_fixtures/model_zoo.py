"""The small models saved for the file-format tests, written once for Keras 3 and tf_keras.

``k`` is the Keras module (``keras`` for Keras 3 or ``tf_keras`` for Keras 2); both expose the
same names for everything used here.
"""

from __future__ import annotations

import numpy as np

from .common import rng_for


def dense_seq(k):
    """(a) Sequential Dense 2-4-1, Adam + binary_crossentropy + accuracy, trained 2 steps."""
    L = k.layers
    model = k.Sequential(
        [k.Input((2,)), L.Dense(4, activation="relu"), L.Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer=k.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    rng = rng_for("model/dense_seq")
    x = rng.normal(size=(6, 2)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    return model, x, (x, y)


def functional_branches(k):
    """(b) Functional: one input, two Dense branches, Concatenate, Dense head (not compiled)."""
    L = k.layers
    inp = k.Input((3,), name="features")
    a = L.Dense(4, activation="relu", name="branch_a")(inp)
    b = L.Dense(2, activation="tanh", name="branch_b")(inp)
    merged = L.Concatenate(name="merge")([a, b])
    out = L.Dense(1, name="head")(merged)
    model = k.Model(inp, out, name="branches")
    x = rng_for("model/functional_branches").normal(size=(4, 3)).astype("float32")
    return model, x, None


def conv_bn(k):
    """(c) Conv2D + MaxPooling2D + BatchNormalization + Flatten + Dense, SGD momentum."""
    L = k.layers
    model = k.Sequential(
        [
            k.Input((6, 6, 2)),
            L.Conv2D(3, 3, activation="relu", padding="same"),
            L.MaxPooling2D(2),
            L.BatchNormalization(),
            L.Flatten(),
            L.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=k.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    rng = rng_for("model/conv_bn")
    x = rng.normal(size=(4, 6, 6, 2)).astype("float32")
    y = rng.integers(0, 3, size=(4,))
    return model, x, (x, y)


def lstm_seq(k):
    """(d1) LSTM(4) + Dense(1), RMSprop + mse, trained 2 steps."""
    L = k.layers
    model = k.Sequential([k.Input((5, 3)), L.LSTM(4), L.Dense(1)])
    model.compile(optimizer=k.optimizers.RMSprop(learning_rate=0.01), loss="mse")
    rng = rng_for("model/lstm_seq")
    x = rng.normal(size=(4, 5, 3)).astype("float32")
    return model, x, (x, rng.normal(size=(4, 1)).astype("float32"))


def gru_seq(k):
    """(d2) stacked GRU (reset_after default) + Dense(2), not compiled."""
    L = k.layers
    model = k.Sequential([k.Input((5, 3)), L.GRU(4, return_sequences=True), L.GRU(3), L.Dense(2)])
    x = rng_for("model/gru_seq").normal(size=(3, 5, 3)).astype("float32")
    return model, x, None


def embedding_bilstm(k):
    """(d3) Embedding(mask_zero) + Bidirectional(LSTM) + Dense(1, sigmoid), Adam, trained."""
    L = k.layers
    model = k.Sequential(
        [
            k.Input((6,), dtype="int32"),
            L.Embedding(10, 4, mask_zero=True),
            L.Bidirectional(L.LSTM(3)),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = rng_for("model/embedding_bilstm")
    x = rng.integers(1, 10, size=(4, 6)).astype("int32")
    x[0, 4:] = 0  # padded tails exercise the mask
    x[2, 2:] = 0
    y = rng.integers(0, 2, size=(4, 1)).astype("float32")
    return model, x, (x, y)


MODELS = {
    "dense_seq": dense_seq,
    "functional_branches": functional_branches,
    "conv_bn": conv_bn,
    "lstm_seq": lstm_seq,
    "gru_seq": gru_seq,
    "embedding_bilstm": embedding_bilstm,
}


def expected(model, x, weight_paths):
    """Arrays a loader test needs: the input, predictions and every weight in order."""
    out = {"x": x, "y": np.asarray(model.predict(x, verbose=0))}
    for i, w in enumerate(model.get_weights()):
        out[f"w{i}"] = np.asarray(w)
    out["weight_names"] = weight_paths
    return out
