"""LearningRateScheduler driven directly (expected rates from Keras 3.15) and in fit."""

import numpy as np
import pytest

from featherflow.callbacks.learning_rate_scheduler import (
    LearningRateScheduler,
    current_learning_rate,
)


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class FakeModel:
    def __init__(self, learning_rate=0.1):
        self.optimizer = FakeOptimizer(learning_rate)


def drive(cb, epochs):
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin({})
    rates, logged = [], []
    for epoch in range(epochs):
        cb.on_epoch_begin(epoch, {})
        rates.append(model.optimizer.learning_rate)
        logs = {"loss": 1.0}
        cb.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
    return rates, logged


def test_two_argument_schedule_gets_the_current_rate():
    rates, logged = drive(LearningRateScheduler(lambda e, lr: lr * 0.5 if e >= 2 else lr), 5)
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.025, 0.0125])  # Keras 3.15's sequence
    assert logged == rates


def test_one_argument_schedule():
    rates, _ = drive(LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)), 4)
    assert rates == pytest.approx([0.1, 0.05, 0.1 / 3, 0.025])


def test_schedule_must_return_a_float():
    with pytest.raises(ValueError, match="must return a float, received 1 .int. for epoch 0"):
        drive(LearningRateScheduler(lambda epoch, lr: 1), 1)
    rates, _ = drive(LearningRateScheduler(lambda epoch, lr: np.float32(0.5)), 1)
    assert rates == [0.5]


def test_verbose_message(capsys):
    drive(LearningRateScheduler(lambda epoch: 0.25, verbose=1), 1)
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.25." in \
        capsys.readouterr().out


def test_current_learning_rate_reads_numbers_variables_and_errors():
    import featherflow as tf

    assert current_learning_rate(FakeOptimizer(np.float32(0.5))) == 0.5
    sgd = tf.keras.optimizers.SGD(learning_rate=0.125)
    assert current_learning_rate(sgd) == 0.125
    with pytest.raises(ValueError, match="compile it"):
        current_learning_rate(None)
    with pytest.raises(ValueError, match="no `learning_rate` attribute"):
        current_learning_rate(object())


def test_end_to_end_fit_uses_the_scheduled_rates():
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 8).reshape(-1, 1).astype("float32")
    y = 0.5 * x
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 0.2 if epoch == 0 else lr / 2

    history = model.fit(x, y, epochs=4, batch_size=8, verbose=0,
                        callbacks=[LearningRateScheduler(schedule)])
    assert seen == pytest.approx([0.1, 0.2, 0.1, 0.05], rel=1e-6)
    assert history.history["learning_rate"] == pytest.approx([0.2, 0.1, 0.05, 0.025], rel=1e-6)

    # one full-batch SGD step with rate 0 leaves the weights alone
    frozen = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch: 0.0)])
    for got, want in zip(model.get_weights(), frozen):
        np.testing.assert_array_equal(got, want)
