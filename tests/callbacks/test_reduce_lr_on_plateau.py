"""ReduceLROnPlateau on scripted loss sequences (expected rates from Keras 3.15) and in fit."""

import warnings

import numpy as np
import pytest

from featherflow.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class FakeModel:
    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.metrics = []
        self.optimizer = FakeOptimizer(learning_rate)


def drive(cb, values, key="val_loss"):
    """Rates after each scripted epoch, and the logs the callback saw."""
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin({})
    rates, all_logs = [], []
    for epoch, value in enumerate(values):
        logs = {key: value}
        cb.on_epoch_end(epoch, logs)
        rates.append(model.optimizer.learning_rate)
        all_logs.append(logs)
    cb.on_train_end({})
    return rates, all_logs


# name, kwargs, sequence, (rate after each epoch, final wait, final cooldown_counter, best),
# all produced by keras.callbacks.ReduceLROnPlateau (Keras 3.15) on the same sequences.
CASES = [
    ("patience2", {"patience": 2, "factor": 0.5}, [1, .9, .9, .9, .9, .9, .8, .8, .8],
     ([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125], 0, 0, 0.8)),
    ("cooldown", {"patience": 1, "factor": 0.5, "cooldown": 2}, [1] * 8,
     ([0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625], 0, 2, 1)),
    ("min_lr", {"patience": 1, "factor": 0.1, "min_lr": 0.005}, [1] * 5,
     ([0.1, 0.01, 0.005, 0.005, 0.005], 2, 0, 1)),
    ("min_delta", {"patience": 1, "factor": 0.5, "min_delta": 0.1}, [1, .95, .85, .84, .7, .69],
     ([0.1, 0.05, 0.05, 0.025, 0.025, 0.0125], 0, 0, 0.7)),
    ("max", {"patience": 1, "factor": 0.5, "mode": "max", "monitor": "val_acc"},
     [.5, .6, .6, .7, .65, .6], ([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], 0, 0, 0.7)),
    ("patience0", {"patience": 0, "factor": 0.5}, [1, 1, .5, .5],
     ([0.1, 0.05, 0.05, 0.025], 0, 0, 0.5)),
]


@pytest.mark.parametrize("name,kwargs,values,expected", CASES, ids=[c[0] for c in CASES])
def test_scripted_sequences_match_keras(name, kwargs, values, expected):
    cb = ReduceLROnPlateau(**kwargs)
    rates, logs = drive(cb, values, kwargs.get("monitor", "val_loss"))
    want_rates, wait, cooldown_counter, best = expected
    assert rates == pytest.approx(want_rates, rel=1e-12)
    assert (cb.wait, cb.cooldown_counter) == (wait, cooldown_counter)
    assert cb.best == pytest.approx(best)
    # the rate in force during each epoch is logged as learning_rate, before any reduction
    assert [d["learning_rate"] for d in logs] == pytest.approx([0.1] + want_rates[:-1])


def test_factor_must_be_below_one():
    with pytest.raises(ValueError, match="factor must be below 1.0"):
        ReduceLROnPlateau(factor=1.0)


def test_missing_monitor_warns_and_keeps_rate():
    cb = ReduceLROnPlateau(patience=0)
    with pytest.warns(UserWarning, match=r"`val_loss`.*Available metrics are: loss,learning_rate"):
        rates, _ = drive(cb, [1.0], key="loss")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rates, _ = drive(cb, [1.0, 1.0, 1.0], key="loss")
    assert rates == [0.1, 0.1, 0.1]


def test_verbose_message(capsys):
    drive(ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, verbose=1), [1, 1], "loss")
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05." in capsys.readouterr().out


def test_end_to_end_fit_reduces_the_optimizer_rate():
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 16).reshape(-1, 1).astype("float32")
    y = 2 * x - 1
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    # min_delta=10 makes every epoch after the first a plateau: the rate halves at the end of
    # epochs 3 and 5 (the log holds the rate each epoch trained with).
    cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, min_delta=10.0)
    history = model.fit(x, y, epochs=6, batch_size=16, verbose=0, callbacks=[cb])
    logged = history.history["learning_rate"]
    assert logged == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025], rel=1e-6)
    assert model.optimizer._current_learning_rate() == pytest.approx(0.025, rel=1e-6)
