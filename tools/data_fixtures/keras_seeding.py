"""Keras 3's seeded randomness on the TensorFlow backend, recorded from Keras 3.15.1 / TF 2.21:
after ``keras.utils.set_random_seed(n)`` the initial weights (seeds drawn from Python's random
when each initializer is made, TF's stateless kernels), dropout and noise layers (a
SeedGenerator per layer), RNN dropout masks (per gate with recurrent dropout) and the order
``fit`` shuffles arrays in (the same permutation every epoch), so a seeded training run gives
Keras's numbers."""

import numpy as np


def _weights(model):
    return [np.asarray(w) for w in model.get_weights()]


def _init_weights(tf):
    keras = tf.keras
    keras.utils.set_random_seed(42)
    model = keras.Sequential([
        keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(4, kernel_initializer="he_normal"),
        keras.layers.Dense(3, kernel_initializer="orthogonal"),
        keras.layers.Dense(2, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3)),
        keras.layers.Dense(2, kernel_initializer="lecun_normal"),
        keras.layers.Dense(2, kernel_initializer=keras.initializers.TruncatedNormal(0.1, 0.2))])
    embedding = keras.layers.Embedding(10, 3)
    embedding.build((None,))
    conv = keras.layers.Conv2D(2, 3)
    conv.build((None, 5, 5, 2))
    return {"dense": _weights(model), "embedding": _weights(embedding),
            "conv": _weights(conv),
            "config_seed": model.layers[0].get_config()["kernel_initializer"]["config"]["seed"]}


def _seeded_initializer_repeats(tf):
    init = tf.keras.initializers.GlorotUniform(seed=5)
    return [np.asarray(init((3, 2))), np.asarray(init((3, 2)))]


def _data(rows, features, outputs=1):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(rows,) + features).astype("float32"),
            rng.normal(size=(rows, outputs)).astype("float32"))


def _dropout_fit(tf):
    keras = tf.keras
    keras.utils.set_random_seed(7)
    model = keras.Sequential([
        keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dropout(0.3),
        keras.layers.Dense(8, activation="tanh"),
        keras.layers.Dropout(0.5, noise_shape=(None, 1)), keras.layers.Dense(1)])
    x, y = _data(64, (6,))
    train_call = np.asarray(model(x[:4], training=True))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    return {"train_call": train_call, "loss": history.history["loss"],
            "weights": _weights(model)}


def _rnn(tf, make):
    keras = tf.keras
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((5, 4)), make(keras), keras.layers.Dense(1)])
    x, y = _data(32, (5, 4))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return {"loss": history.history["loss"], "weights": _weights(model)}


def _lstm_recurrent_dropout(tf):
    return _rnn(tf, lambda k: k.layers.LSTM(6, dropout=0.2, recurrent_dropout=0.3))


def _lstm_dropout(tf):
    return _rnn(tf, lambda k: k.layers.LSTM(6, dropout=0.2))


def _gru_recurrent_dropout(tf):
    return _rnn(tf, lambda k: k.layers.GRU(5, dropout=0.1, recurrent_dropout=0.25))


def _gru_dropout(tf):
    return _rnn(tf, lambda k: k.layers.GRU(5, dropout=0.25))


def _simple_rnn_dropout(tf):
    return _rnn(tf, lambda k: k.layers.SimpleRNN(5, dropout=0.25, recurrent_dropout=0.1))


def _rnn_inference_call_moves_the_seed(tf):
    keras = tf.keras
    keras.utils.set_random_seed(1)
    layer = keras.layers.SimpleRNN(3, dropout=0.5, seed=11)
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(4, 3, 2)
    layer(x)
    return np.asarray(layer(x, training=True))


def _noise_layers(tf):
    keras = tf.keras
    x = np.linspace(-1, 1, 96, dtype="float32").reshape(2, 4, 4, 3)
    out = {}
    for name, make in (("spatial2d", lambda: keras.layers.SpatialDropout2D(0.5)),
                       ("spatial1d", lambda: keras.layers.SpatialDropout1D(0.4)),
                       ("gaussian_noise", lambda: keras.layers.GaussianNoise(0.3)),
                       ("gaussian_dropout", lambda: keras.layers.GaussianDropout(0.3)),
                       ("alpha_dropout", lambda: keras.layers.AlphaDropout(0.3))):
        keras.utils.set_random_seed(5)
        layer = make()
        xi = x[:, :, 0, :] if name == "spatial1d" else x
        out[name] = [np.asarray(layer(xi, training=True)), np.asarray(layer(xi, training=True))]
    return out


def _fit_shuffle_order(tf):
    keras = tf.keras
    seen = []

    class Recorder(keras.Model):
        def train_step(self, data):
            seen.append(np.asarray(data[0])[:, 0].astype(int).tolist())
            return super().train_step(data)

    out = {}
    for rows in (37, 64):
        keras.utils.set_random_seed(7)
        inputs = keras.Input((1,))
        model = Recorder(inputs, keras.layers.Dense(1)(inputs))
        model.compile("sgd", "mse", run_eagerly=True)
        x = np.arange(rows, dtype="float32").reshape(rows, 1)
        seen.clear()
        model.fit(x, x, batch_size=16, epochs=2, verbose=0)
        steps = len(seen) // 2
        out[str(rows)] = [sum(seen[:steps], []), sum(seen[steps:], [])]
    return out


def _attention_dropout(tf):
    keras = tf.keras
    q = np.linspace(-1, 1, 48, dtype="float32").reshape(2, 4, 6)
    out = {}
    for name, make, pair in (
            ("attention", lambda: keras.layers.Attention(dropout=0.4), True),
            ("additive", lambda: keras.layers.AdditiveAttention(dropout=0.4), True),
            ("multi_head", lambda: keras.layers.MultiHeadAttention(2, 3, dropout=0.3), False),
            ("grouped_query", lambda: keras.layers.GroupQueryAttention(
                head_dim=3, num_query_heads=4, num_key_value_heads=2, dropout=0.3), False)):
        keras.utils.set_random_seed(4)
        layer = make()
        args = ([q, q],) if pair else (q, q)
        first = np.asarray(layer(*args))
        out[name] = {"weights": _weights(layer), "inference": first,
                     "train": np.asarray(layer(*args, training=True))}
    return out


def _bidirectional_fit(tf):
    keras = tf.keras
    keras.utils.set_random_seed(12)
    model = keras.Sequential([keras.Input((5, 3)),
                              keras.layers.Bidirectional(keras.layers.LSTM(4, dropout=0.2)),
                              keras.layers.Dense(1)])
    x = np.linspace(-1, 1, 120, dtype="float32").reshape(8, 5, 3)
    y = np.linspace(0, 1, 8, dtype="float32").reshape(8, 1)
    start = _weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    return {"start": start, "loss": history.history["loss"]}


SCENARIOS = {
    "bidirectional_fit": _bidirectional_fit,
    "attention_dropout": _attention_dropout,
    "init_weights": _init_weights,
    "seeded_initializer_repeats": _seeded_initializer_repeats,
    "dropout_fit": _dropout_fit,
    "lstm_recurrent_dropout": _lstm_recurrent_dropout,
    "lstm_dropout": _lstm_dropout,
    "gru_recurrent_dropout": _gru_recurrent_dropout,
    "gru_dropout": _gru_dropout,
    "simple_rnn_dropout": _simple_rnn_dropout,
    "rnn_inference_call_moves_the_seed": _rnn_inference_call_moves_the_seed,
    "noise_layers": _noise_layers,
    "fit_shuffle_order": _fit_shuffle_order,
}
