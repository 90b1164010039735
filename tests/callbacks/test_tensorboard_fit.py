"""TensorBoard with a real fit: the seed notes' call, read back with TensorBoard's reader."""

import glob
import os

import numpy as np
import pytest

import featherflow as tf
from tests.helpers.subprocess_run import run_python

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")


def scalars(run_dir, tag):
    acc = event_accumulator.EventAccumulator(run_dir, size_guidance={"tensors": 0, "scalars": 0})
    acc.Reload()
    return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]


def test_seed_notes_tensorboard_callback_logs_every_epoch(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 64)
    y = 2 * x - 1 + rng.normal(0, 0.3, 64)
    tf.keras.utils.set_random_seed(0)
    model2 = tf.keras.Sequential([tf.keras.layers.Dense(1, input_dim=1)])
    model2.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    logdir = str(tmp_path / "logs")
    callback_list = [tf.keras.callbacks.TensorBoard(log_dir=logdir, histogram_freq=1)]
    history = model2.fit(x, y, epochs=5, callbacks=callback_list, validation_split=0.25,
                         verbose=0)
    train, val = os.path.join(logdir, "train"), os.path.join(logdir, "validation")
    assert glob.glob(os.path.join(train, "events.out.tfevents.*"))
    got = scalars(train, "epoch_loss")
    assert [s for s, _ in got] == list(range(5))
    np.testing.assert_allclose([v for _, v in got], history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(val, "epoch_loss")],
                               history.history["val_loss"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(train, "epoch_mae")],
                               history.history["mae"], rtol=1e-6)
    lr = scalars(train, "epoch_learning_rate")
    assert lr and all(v == pytest.approx(0.01) for _, v in lr)
    acc = event_accumulator.EventAccumulator(train, size_guidance={"tensors": 0})
    acc.Reload()
    tags = acc.Tags()["tensors"]
    assert "keras" in tags  # the model's JSON for the Graphs dashboard
    assert any(t.endswith("kernel/histogram") for t in tags), tags
    assert scalars(val, "evaluation_loss_vs_iterations")


def test_learning_rate_in_the_logs_is_written_once_per_epoch(tmp_path):
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_dim=1)])
    model.compile(optimizer="sgd", loss="mse")
    schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    logdir = str(tmp_path / "logs")
    model.fit(np.ones(8), np.ones(8), epochs=3, verbose=0,
              callbacks=[schedule, tf.keras.callbacks.TensorBoard(logdir)])
    got = scalars(os.path.join(logdir, "train"), "epoch_learning_rate")
    assert [s for s, _ in got] == [0, 1, 2]
    np.testing.assert_allclose([v for _, v in got], [0.005, 0.0025, 0.00125], rtol=1e-6)


def test_epochs_before_an_interrupted_fit_are_written_at_exit(tmp_path):
    # Epoch rows wait in the callback until the end of training (or 2 s); a fit stopped by
    # an exception never reaches on_train_end, and the rows still reach the file at exit.
    code = (
        "import numpy as np, featherflow as tf\n"
        "class Boom(tf.keras.callbacks.Callback):\n"
        "    def on_epoch_end(self, epoch, logs=None):\n"
        "        if epoch == 6:\n"
        "            raise KeyboardInterrupt\n"
        "model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_dim=1)])\n"
        "model.compile(optimizer='sgd', loss='mse')\n"
        f"tb = tf.keras.callbacks.TensorBoard({str(tmp_path)!r})\n"
        "try:\n"
        "    model.fit(np.ones(8), np.ones(8), epochs=20, verbose=0, callbacks=[tb, Boom()])\n"
        "except KeyboardInterrupt:\n"
        "    pass\n"
    )
    run_python(code)
    got = scalars(str(tmp_path / "train"), "epoch_loss")
    assert [s for s, _ in got] == list(range(7))
    assert [s for s, _ in scalars(str(tmp_path / "train"), "epoch_learning_rate")] == list(
        range(7))


def test_rows_reach_the_file_while_training_runs(tmp_path, monkeypatch):
    # TensorBoard shows a running fit: rows are handed to the writer every _DRAIN_SECS.
    from featherflow.callbacks import tensorboard as tb_module

    monkeypatch.setattr(tb_module, "_DRAIN_SECS", 0.0)
    seen = []

    class Look(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 3:
                seen.extend(scalars(str(tmp_path / "train"), "epoch_loss"))

    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_dim=1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones(8), np.ones(8), epochs=5, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(str(tmp_path)), Look()])
    assert [s for s, _ in seen] == [0, 1, 2, 3]
    assert [s for s, _ in scalars(str(tmp_path / "train"), "epoch_loss")] == list(range(5))


def test_learning_rate_follows_changes_made_during_fit(tmp_path):
    # A rate assigned to the variable, then a schedule put in its place: TensorBoard reads the
    # optimizer's current rate each epoch in both cases.
    class Change(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                self.model.optimizer.learning_rate = 0.05
            if epoch == 3:
                self.model.optimizer.learning_rate = (
                    tf.keras.optimizers.schedules.ExponentialDecay(0.5, 1, 0.5))

    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_dim=1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="mse")
    model.fit(np.ones(8), np.ones(8), epochs=5, batch_size=8, verbose=0,
              callbacks=[Change(), tf.keras.callbacks.TensorBoard(str(tmp_path))])
    got = [v for _, v in scalars(str(tmp_path / "train"), "epoch_learning_rate")]
    # the schedule is read at the optimizer's step count after each epoch (1 step an epoch)
    np.testing.assert_allclose(got, [0.01, 0.05, 0.05, 0.5 * 0.5**4, 0.5 * 0.5**5], rtol=1e-6)
