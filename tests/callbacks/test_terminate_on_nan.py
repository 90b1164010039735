"""TerminateOnNaN on scripted batch logs and in a diverging fit."""

import numpy as np
import pytest

from featherflow.callbacks.callback_list import CallbackList
from featherflow.callbacks.terminate_on_nan import TerminateOnNaN


class FakeModel:
    stop_training = False


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), np.float32("nan")])
def test_stops_at_first_bad_batch(bad, capsys):
    model = FakeModel()
    cbs = CallbackList([TerminateOnNaN()], model=model)
    assert cbs.wants("on_train_batch_end")  # fit only calls batch hooks that are wanted
    for batch, loss in enumerate([1.0, 0.5, bad]):
        assert not model.stop_training
        cbs.on_train_batch_end(batch, {"loss": loss})
    assert model.stop_training
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_finite_or_missing_loss_keeps_training():
    model = FakeModel()
    cb = TerminateOnNaN()
    cb.set_model(model)
    for batch, logs in enumerate([{"loss": 1e30}, {}, None, {"accuracy": float("nan")}]):
        cb.on_train_batch_end(batch, logs)
    assert not model.stop_training


def test_raise_error():
    cb = TerminateOnNaN(raise_error=True)
    cb.set_model(FakeModel())
    with pytest.raises(RuntimeError, match="at batch 3"):
        cb.on_train_batch_end(3, {"loss": float("inf")})


def test_end_to_end_fit_stops_in_the_first_bad_epoch():
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.linspace(-10, 10, 64).reshape(-1, 1).astype("float32")
    y = 100 * x
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    # far too large a step: the weights grow geometrically and the loss overflows to inf/nan
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=10.0), loss="mse")
    with np.errstate(all="ignore"):
        history = model.fit(x, y, epochs=100, batch_size=8, verbose=0,
                            callbacks=[TerminateOnNaN()])
    losses = history.history["loss"]
    assert len(losses) < 100
    assert not np.isfinite(losses[-1]) and np.all(np.isfinite(losses[:-1]))
