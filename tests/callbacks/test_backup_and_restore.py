"""BackupAndRestore: a fit interrupted at epoch 3 resumes there with identical results."""

import json
import os

import numpy as np
import pytest

import featherflow as tf
from featherflow.callbacks.backup_and_restore import BackupAndRestore
from featherflow.callbacks.callback import Callback
from featherflow.saving import h5_io
from featherflow.utils.random import set_random_seed


class Crash(Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError(f"interrupted at epoch {epoch}")


def _model():
    set_random_seed(11)
    L = tf.keras.layers
    model = tf.keras.Sequential([L.Dense(8, activation="relu", input_shape=(4,)),
                                 L.Dropout(0.3),  # draws from the generator every step
                                 L.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return model


def _data():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _fit(model, callbacks, epochs=6):
    x, y = _data()
    # shuffle=True: resuming must also put the shuffling generator back where it was
    return model.fit(x, y, epochs=epochs, batch_size=8, shuffle=True, verbose=0,
                     callbacks=callbacks)


def test_interrupted_fit_resumes_at_the_right_epoch_with_identical_results(tmp_path):
    straight = _model()
    full = _fit(straight, [])

    model = _model()
    backup = BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="epoch 3"):
        _fit(model, [backup, Crash(3)])
    assert os.path.exists(tmp_path / "backup" / "latest.weights.h5")
    # the interrupted process is gone: a new model object, as after a restart
    model = _model()
    resumed = _fit(model, [backup])
    assert len(resumed.history["loss"]) == 3  # epochs 4, 5, 6 only
    assert resumed.history["loss"] == full.history["loss"][3:]
    for a, b in zip(model.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(model.optimizer.iterations.numpy()) == int(straight.optimizer.iterations.numpy())
    assert not os.path.exists(tmp_path / "backup")  # deleted when fit completed


def test_backup_holds_weights_optimizer_and_progress(tmp_path):
    model = _model()
    backup = BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    _fit(model, [backup], epochs=2)
    path = tmp_path / "b" / "latest.weights.h5"
    import h5py

    with h5py.File(path, "r") as f:
        state = json.loads(h5_io.read_str_attr(f, "featherflow_training_state"))
        assert "optimizer" in f and "layers" in f
    assert state["epoch"] == 2 and state["batch"] == -1
    assert state["rng_state"]["bit_generator"]


def test_completed_backup_kept_when_asked_and_fit_skips_done_epochs(tmp_path):
    backup = BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    _fit(_model(), [backup], epochs=3)
    again = _fit(_model(), [backup], epochs=3)
    assert again.history.get("loss", []) == []  # every epoch was already done


def test_damaged_latest_backup_falls_back_to_the_previous_one(tmp_path):
    backup = BackupAndRestore(str(tmp_path / "b"), double_checkpoint=True)
    with pytest.raises(RuntimeError):
        _fit(_model(), [backup, Crash(2)])
    latest = tmp_path / "b" / "latest.weights.h5"
    assert (tmp_path / "b" / "latest.weights.h5.bkp").exists()
    latest.write_bytes(latest.read_bytes()[:200])
    with pytest.warns(UserWarning, match="previous one"):
        resumed = _fit(_model(), [backup])
    assert len(resumed.history["loss"]) == 5  # the previous backup was taken after epoch 1


def test_unbuilt_model_with_a_backup_is_explained(tmp_path):
    backup = BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    _fit(_model(), [backup], epochs=1)
    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    backup.set_model(model)
    with pytest.raises(ValueError, match="not built"):
        backup.on_train_begin()


def test_save_every_n_batches(tmp_path):
    backup = BackupAndRestore(str(tmp_path / "b"), save_freq=2, delete_checkpoint=False)
    with pytest.raises(RuntimeError):
        _fit(_model(), [backup, Crash(1)])
    import h5py

    with h5py.File(tmp_path / "b" / "latest.weights.h5", "r") as f:
        state = json.loads(h5_io.read_str_attr(f, "featherflow_training_state"))
    # 5 batches per epoch, saved after batches 2 and 4 of epoch 0 (a mid-epoch backup)
    assert state == {"epoch": 0, "batch": 3, "rng_state": None, "seed_generators": None,
                     "global_seed": None}


def test_bad_arguments():
    with pytest.raises(ValueError, match="backup_dir"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore("/tmp/x", save_freq=0)
