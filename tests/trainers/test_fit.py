import math

import numpy as np
import pytest

import featherflow as tf
from featherflow.callbacks import Callback, LambdaCallback
from featherflow.layers import Dense, Input
from featherflow.models import Model, Sequential


def linear_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    y = (x @ np.array([[2.0], [-1.0]]) + 0.5).astype(np.float32)
    return x, y


def small_model(units=1, activation=None):
    return Sequential([Dense(units, activation=activation, input_shape=(2,))])


@pytest.mark.parametrize("batch_size,expected", [(None, 2), (64, 1), (1, 64), (10, 7)])
def test_updates_per_epoch_is_ceil_n_over_batch_size(batch_size, expected):
    x, y = linear_data()
    m = small_model()
    m.compile(optimizer="sgd", loss="mse")
    m.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
    assert int(m.optimizer.iterations.numpy()) == expected
    assert expected == math.ceil(64 / (batch_size or 32))


def test_history_records_every_epoch_and_loss_decreases():
    x, y = linear_data()
    m = small_model()
    m.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    h = m.fit(x, y, epochs=20, verbose=0)
    assert h is m.history
    assert h.epoch == list(range(20))
    assert set(h.history) == {"loss", "mae"}
    assert all(isinstance(v, float) for v in h.history["loss"])
    assert h.history["loss"][-1] < h.history["loss"][0] / 4
    assert h.params["epochs"] == 20 and h.params["steps"] == 2


def test_epoch_loss_is_the_batch_size_weighted_mean_of_batch_losses():
    x, y = linear_data(n=10)
    m = small_model()
    m.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    h = m.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    pred = m.predict(x, verbose=0)
    np.testing.assert_allclose(h.history["loss"][0], np.mean((pred - y) ** 2), rtol=1e-5)


def test_full_batch_training_is_deterministic_with_a_seed():
    x, y = linear_data()
    out = []
    for _ in range(2):
        tf.keras.utils.set_random_seed(3)
        m = small_model(4, "tanh")
        m.compile(optimizer="adam", loss="mse")
        # one target per unit (a (n, 1) y against 4 units is refused: it would broadcast)
        m.fit(x, np.repeat(y, 4, axis=1), epochs=3, batch_size=8, verbose=0)
        out.append(m.get_weights())
    for a, b in zip(*out):
        assert np.array_equal(a, b)


def test_validation_split_and_validation_data():
    x, y = linear_data(n=50)
    m = small_model()
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h = m.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
    assert set(h.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert h.params["steps"] == 2  # 40 training samples
    h = m.fit(x, y, epochs=1, validation_data=(x[:5], y[:5]), verbose=0)
    val = m.evaluate(x[:5], y[:5], verbose=0, return_dict=True)
    assert h.history["val_loss"][0] == pytest.approx(val["loss"], rel=1e-5)


def test_evaluate_predict_and_single_batch_methods():
    x, y = linear_data()
    m = small_model()
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    loss, mae = m.evaluate(x, y, verbose=0)
    d = m.evaluate(x, y, verbose=0, return_dict=True)
    assert d == {"loss": pytest.approx(loss), "mae": pytest.approx(mae)}
    p = m.predict(x, batch_size=7, verbose=0)
    assert isinstance(p, np.ndarray) and p.shape == (64, 1)
    np.testing.assert_allclose(p, m(x).numpy(), rtol=1e-6)
    np.testing.assert_allclose(m.predict_on_batch(x), p, rtol=1e-6)
    before = m.get_weights()
    r = m.train_on_batch(x, y)
    assert isinstance(r, list) and len(r) == 2
    assert not np.array_equal(before[0], m.get_weights()[0])
    t = m.test_on_batch(x, y, return_dict=True)
    assert set(t) == {"loss", "mae"}


def test_one_dimensional_x_is_a_column_as_in_the_seed_notes():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 200)
    y = 2 * x - 1
    m = Sequential([Dense(units=1, input_dim=1)])
    m.compile(optimizer="sgd", loss="mse")
    m.fit(x, y, epochs=50, verbose=0)
    assert m.predict(np.arange(-2, 2, 0.1), verbose=0).shape == (40, 1)
    k, b = m.layers[0].get_weights()
    assert k[0, 0] == pytest.approx(2, abs=0.05) and b[0] == pytest.approx(-1, abs=0.05)


def test_sample_weight_and_class_weight_change_the_loss():
    x, y = linear_data(n=8)
    m = small_model()
    m.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")
    base = m.evaluate(x, y, verbose=0)
    sw = np.zeros(8, np.float32)
    sw[0] = 1.0
    weighted = m.evaluate(x, y, sample_weight=sw, verbose=0)
    err0 = float(np.mean((m.predict(x[:1], verbose=0) - y[:1]) ** 2))
    assert weighted == pytest.approx(err0 / 8, rel=1e-4)
    assert weighted != pytest.approx(base)
    yc = np.array([[0], [1], [0], [1]], np.float32)
    c = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))])
    c.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="binary_crossentropy")
    h1 = c.fit(x[:4], yc, epochs=1, verbose=0, shuffle=False)
    h2 = c.fit(x[:4], yc, epochs=1, verbose=0, shuffle=False, class_weight={0: 0.0, 1: 2.0})
    assert h1.history["loss"][0] != pytest.approx(h2.history["loss"][0])


def test_generators_and_sequences():
    x, y = linear_data()

    def gen():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    m = small_model()
    m.compile(optimizer="sgd", loss="mse")
    m.fit(gen(), steps_per_epoch=4, epochs=2, verbose=0)
    assert int(m.optimizer.iterations.numpy()) == 8

    class Batches(tf.keras.utils.Sequence):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

    h = m.fit(Batches(), epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2
    assert int(m.optimizer.iterations.numpy()) == 16
    assert m.predict(Batches(), verbose=0).shape == (64, 1)


def test_pandas_and_lists_are_accepted():
    pd = pytest.importorskip("pandas")
    x, y = linear_data(n=16)
    df = pd.DataFrame(x, columns=["a", "b"])
    m = small_model()
    m.compile(optimizer="sgd", loss="mse")
    m.fit(df, pd.Series(y[:, 0]), epochs=1, verbose=0)
    m.fit(x.tolist(), y.tolist(), epochs=1, verbose=0)


def test_initial_epoch_and_stop_training():
    x, y = linear_data()
    m = small_model()
    m.compile(optimizer="sgd", loss="mse")
    h = m.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert h.epoch == [3, 4]

    class StopAt(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    h = m.fit(x, y, epochs=10, callbacks=[StopAt()], verbose=0)
    assert h.epoch == [0, 1]


def test_callback_hooks_receive_logs():
    x, y = linear_data()
    seen = {"batches": 0, "epochs": []}
    cb = LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.__setitem__("batches", seen["batches"] + 1),
        on_epoch_end=lambda e, logs: seen["epochs"].append(sorted(logs)))
    m = small_model()
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    m.fit(x, y, epochs=2, batch_size=16, callbacks=[cb], verbose=0)
    assert seen["batches"] == 8
    assert seen["epochs"] == [["loss", "mae"], ["loss", "mae"]]


def test_multi_output_losses_weights_and_metric_names():
    i = Input(shape=(2,))
    a = Dense(1, name="a")(i)
    b = Dense(1, activation="sigmoid", name="b")(i)
    m = Model(i, [a, b])
    m.compile(optimizer="sgd", loss=["mse", "binary_crossentropy"], loss_weights=[1.0, 0.5],
              metrics={"b": ["accuracy"]})
    x, y = linear_data(n=16)
    yb = (y > 0).astype(np.float32)
    h = m.fit(x, [y, yb], epochs=1, verbose=0)
    assert "loss" in h.history and "b_accuracy" in h.history
    m.compile(optimizer="sgd", loss={"a": "mse", "b": "binary_crossentropy"})
    m.fit(x, {"a": y, "b": yb}, epochs=1, verbose=0)


def test_custom_train_step_override():
    class Custom(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.d = Dense(1)
            self.calls = 0

        def call(self, x, training=None):
            return self.d(x)

        def train_step(self, data):
            self.calls += 1
            x, y = data[0], data[1]
            with tf.GradientTape() as tape:
                pred = self(x, training=True)
                loss = tf.reduce_mean(tf.square(pred - y))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"my_loss": loss}

    x, y = linear_data()
    m = Custom()
    m.compile(optimizer="sgd")
    h = m.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert m.calls == 4
    assert "my_loss" in h.history


def test_regularization_losses_are_part_of_training_loss():
    x, y = linear_data(n=8)
    m = Sequential([Dense(1, input_shape=(2,), kernel_regularizer=tf.keras.regularizers.L2(1.0))])
    m.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")
    loss = m.evaluate(x, y, verbose=0)
    mse = float(np.mean((m.predict(x, verbose=0) - y) ** 2))
    l2 = float(np.sum(m.layers[0].kernel.numpy() ** 2))
    assert loss == pytest.approx(mse + l2, rel=1e-4)


def test_loss_and_metric_given_as_functions():
    x, y = linear_data(n=16)
    yb = (y > 0).astype(np.float32)
    m = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))])
    m.compile(optimizer="sgd", loss=tf.keras.losses.binary_crossentropy,
              metrics=[tf.keras.metrics.binary_accuracy, "mse"])
    h = m.fit(x, yb, epochs=2, verbose=0)
    assert set(h.history) == {"loss", "binary_accuracy", "mse"}
    p = m.predict(x, verbose=0)
    logs = m.evaluate(x, yb, verbose=0, return_dict=True)
    assert logs["binary_accuracy"] == pytest.approx(np.mean((p > 0.5) == yb))
    assert logs["mse"] == pytest.approx(np.mean((p - yb) ** 2), rel=1e-5)


def test_named_inputs_as_a_dict():
    a = Input(shape=(2,), name="left")
    b = Input(shape=(3,), name="right")
    out = Dense(1)(tf.keras.layers.Concatenate()([a, b]))
    m = Model([a, b], out)
    m.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(16, 2)), rng.normal(size=(16, 3))
    y = rng.normal(size=(16, 1))
    h = m.fit({"left": xa, "right": xb}, y, epochs=2, batch_size=8, verbose=0)
    assert len(h.history["loss"]) == 2
    p_dict = m.predict({"right": xb, "left": xa}, verbose=0)
    np.testing.assert_allclose(p_dict, m.predict([xa, xb], verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="lacks"):
        m.predict({"left": xa}, verbose=0)
