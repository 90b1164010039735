"""EarlyStopping on scripted loss sequences (expected values taken from Keras 3.15) and in fit."""

import math
import warnings

import numpy as np
import pytest

from featherflow.callbacks.early_stopping import EarlyStopping

NAN = float("nan")


class FakeModel:
    """Just what EarlyStopping touches: stop_training, metrics and the weights."""

    def __init__(self, metrics=()):
        self.stop_training = False
        self.metrics = list(metrics)
        self.weights = [np.array(-1.0)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def drive(cb, values, key="val_loss", metrics=()):
    """Run epochs with ``{key: value}`` logs; the weights hold the epoch index."""
    model = FakeModel(metrics)
    cb.set_model(model)
    cb.on_train_begin({})
    ran = 0
    for epoch, value in enumerate(values):
        model.weights = [np.array(float(epoch))]
        cb.on_epoch_begin(epoch, {})
        cb.on_epoch_end(epoch, {key: value})
        ran += 1
        if model.stop_training:
            break
    cb.on_train_end({})
    return model, ran


# name, kwargs, sequence, (epochs run, stopped_epoch, best, best_epoch, wait, final weight)
# Every expectation was produced by keras.callbacks.EarlyStopping (Keras 3.15) on the same
# sequence with the same fake model.
CASES = [
    ("patience0", {}, [1.0, 0.9, 0.95, 0.8], (3, 2, 0.9, 1, 1, 2.0)),
    ("patience2", {"patience": 2}, [1, .9, .91, .92, .89, .95, .96, .97, .5],
     (4, 3, 0.9, 1, 2, 3.0)),
    ("min_delta", {"patience": 1, "min_delta": 0.05}, [1, .97, .96, .9, .89, .88],
     (2, 1, 1, 0, 1, 1.0)),
    ("max", {"patience": 1, "mode": "max", "monitor": "val_acc"}, [0.5, 0.6, 0.6, 0.55, 0.7],
     (3, 2, 0.6, 1, 1, 2.0)),
    ("baseline_never_met", {"patience": 2, "baseline": 0.5}, [0.9, 0.8, 0.7, 0.72, 0.73, 0.74],
     (4, 3, 0.7, 2, 4, 3.0)),
    ("baseline_met", {"patience": 2, "baseline": 0.5}, [0.9, 0.4, 0.45, 0.46, 0.47],
     (4, 3, 0.4, 1, 2, 3.0)),
    ("restore", {"patience": 2, "restore_best_weights": True}, [1, .5, .7, .8, .9],
     (4, 3, 0.5, 1, 2, 1.0)),
    ("restore_without_stop", {"patience": 5, "restore_best_weights": True},
     [1, .5, .7, .4, .6], (5, 0, 0.4, 3, 1, 3.0)),
    ("start_from_epoch", {"start_from_epoch": 3}, [1, 2, 3, 4, 5, 6], (5, 4, 4, 3, 1, 4.0)),
    ("nan_is_no_improvement", {"patience": 1}, [1.0, NAN, NAN, 0.5], (2, 1, 1.0, 0, 1, 1.0)),
    ("first_value_nan", {"patience": 1}, [NAN, 1.0, 2.0, 3.0], (2, 1, NAN, 0, 1, 1.0)),
    ("flat", {}, [1.0, 1.0, 1.0], (2, 1, 1.0, 0, 1, 1.0)),
]


@pytest.mark.parametrize("name,kwargs,values,expected", CASES, ids=[c[0] for c in CASES])
def test_scripted_sequences_match_keras(name, kwargs, values, expected):
    cb = EarlyStopping(**kwargs)
    model, ran = drive(cb, values, kwargs.get("monitor", "val_loss"))
    ran_k, stopped_k, best_k, best_epoch_k, wait_k, weight_k = expected
    assert ran == ran_k
    assert cb.stopped_epoch == stopped_k
    if isinstance(best_k, float) and math.isnan(best_k):
        assert math.isnan(cb.best)
    else:
        assert cb.best == pytest.approx(best_k)
    assert cb.best_epoch == best_epoch_k
    assert cb.wait == wait_k
    assert float(model.weights[0]) == weight_k


def test_auto_mode_reads_metric_direction():
    class BinaryAccuracy:  # a built-in metric class name: larger is better
        name = "accuracy"

    class Custom:
        name = "score"
        _direction = "up"

    _, ran = drive(EarlyStopping(monitor="val_accuracy", patience=1), [0.5, 0.6, 0.7, 0.65],
                   "val_accuracy", [BinaryAccuracy()])
    assert ran == 4  # it stops only when accuracy falls
    cb = EarlyStopping(monitor="score", patience=0)
    _, ran = drive(cb, [1, 2, 3, 2], "score", [Custom()])
    assert ran == 4 and cb.best == 3
    cb = EarlyStopping(monitor="loss", patience=0)
    _, ran = drive(cb, [3, 2, 1, 2], "loss")
    assert ran == 4 and cb.best == 1


def test_auto_mode_unknown_metric_asks_for_a_mode():
    with pytest.raises(ValueError, match="mode='max'"):
        drive(EarlyStopping(monitor="nope"), [1.0], "nope")


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="falling back to 'auto'"):
        cb = EarlyStopping(mode="sideways")
    assert cb.mode == "auto"


def test_missing_monitor_warns_and_never_stops():
    cb = EarlyStopping(monitor="val_loss", patience=0)
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin()
    with pytest.warns(UserWarning, match=r"`val_loss`.*Available metrics are: loss,accuracy"):
        cb.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in range(1, 4):
            cb.on_epoch_end(epoch, {"loss": 1.0})
    assert not model.stop_training


def test_reused_across_fits_and_verbose_messages(capsys):
    cb = EarlyStopping(monitor="loss", patience=1, verbose=1, restore_best_weights=True)
    drive(cb, [1.0, 2.0, 3.0], "loss")
    out = capsys.readouterr().out
    assert "Epoch 2: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 1." in out
    model, ran = drive(cb, [5.0, 4.0, 3.0], "loss")  # state was reset by on_train_begin
    assert ran == 3 and cb.best == 3.0 and cb.stopped_epoch == 0


def test_end_to_end_fit_stops_and_restores_best_weights():
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 32).reshape(-1, 1).astype("float32")
    y = 3 * x + 1
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    # A learning rate this large makes SGD diverge: the loss rises from the second epoch on.
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=1.5), loss="mse")
    stop = EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=50, batch_size=32, verbose=0, callbacks=[stop])
    losses = history.history["loss"]
    assert len(losses) < 50 and stop.stopped_epoch == len(losses) - 1
    best = int(np.argmin(losses))
    assert stop.best_epoch == best and stop.best == losses[best]
    for got, want in zip(model.get_weights(), stop.best_weights):
        np.testing.assert_array_equal(got, want)
