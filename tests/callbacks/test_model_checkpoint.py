"""ModelCheckpoint: file names, save_best_only, modes, weights only, save_freq, thresholds."""

import os

import numpy as np
import pytest

import featherflow as tf
from featherflow.callbacks.callback_list import CallbackList
from featherflow.callbacks.model_checkpoint import ModelCheckpoint
from featherflow.utils.random import set_random_seed


def _model():
    set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                                 tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("float32")[:, None]


def _drive(cb, model, values, key="val_loss"):
    """Run epochs by hand with ``{key: value}`` logs (deterministic improvement patterns)."""
    cb.set_model(model)
    cb.on_train_begin({})
    for epoch, value in enumerate(values):
        cb.on_epoch_begin(epoch, {})
        cb.on_epoch_end(epoch, {"loss": 1.0, key: value})
    cb.on_train_end({})


def test_every_epoch_with_formatted_names(tmp_path):
    x, y = _data()
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    history = _model().fit(x, y, validation_split=0.25, epochs=3, verbose=0,
                           callbacks=[ModelCheckpoint(pattern)])
    expected = [f"ckpt-{e + 1:02d}-{v:.2f}.keras"
                for e, v in enumerate(history.history["val_loss"])]
    assert sorted(os.listdir(tmp_path)) == sorted(expected)
    restored = tf.keras.models.load_model(tmp_path / expected[-1])
    assert restored.compiled


def test_save_best_only_min(tmp_path):
    path = str(tmp_path / "best-{epoch}.h5")
    cb = ModelCheckpoint(path, monitor="val_loss", save_best_only=True, mode="min")
    _drive(cb, _model(), [0.9, 0.7, 0.8, 0.6, 0.6])
    assert sorted(os.listdir(tmp_path)) == ["best-1.h5", "best-2.h5", "best-4.h5"]
    assert cb.best == 0.6


def test_save_best_only_max_and_threshold(tmp_path):
    path = str(tmp_path / "acc-{epoch}.keras")
    cb = ModelCheckpoint(path, monitor="val_acc", save_best_only=True, mode="max",
                         initial_value_threshold=0.6)
    _drive(cb, _model(), [0.5, 0.6, 0.65, 0.62, 0.7], key="val_acc")
    assert sorted(os.listdir(tmp_path)) == ["acc-3.keras", "acc-5.keras"]


def test_auto_mode_reads_the_metric_direction(tmp_path):
    x, y = _data()
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_accuracy",
                         save_best_only=True)
    _model().fit(x, y, validation_split=0.25, epochs=2, verbose=0, callbacks=[cb])
    assert cb.monitor_op(1.0, 0.5)  # larger accuracy is better
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_loss", save_best_only=True)
    _model().fit(x, y, validation_split=0.25, epochs=1, verbose=0, callbacks=[cb])
    assert cb.monitor_op(0.5, 1.0)


def test_weights_only_files_load_into_a_model(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[
        ModelCheckpoint(str(tmp_path / "w-{epoch}.weights.h5"), save_weights_only=True),
        ModelCheckpoint(str(tmp_path / "k2-{epoch}.h5"), save_weights_only=True)])
    for name in ("w-2.weights.h5", "k2-2.h5"):
        other = _model()
        other.load_weights(tmp_path / name)
        for a, b in zip(other.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_save_freq_in_batches(tmp_path):
    x, y = _data()
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.keras"), save_freq=3)
    _model().fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[cb])
    # 4 batches per epoch, a save every 3 batches: after batches 3 and 6 (= epoch 2, batch 2)
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.keras", "e2-b2.keras"]


def test_epoch_saving_does_not_ask_for_batch_logs(tmp_path):
    model = _model()
    lst = CallbackList([ModelCheckpoint(str(tmp_path / "m.keras"))], model=model)
    assert not lst.wants("on_train_batch_end")
    lst = CallbackList([ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=2)], model=model)
    assert lst.wants("on_train_batch_end")


def test_verbose_messages(tmp_path, capsys):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, mode="min", verbose=1)
    _drive(cb, _model(), [0.5, 0.7])
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from inf to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


def test_missing_monitor_warns_and_skips(tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_auc", save_best_only=True,
                         mode="max")
    with pytest.warns(UserWarning, match="val_auc"):
        _drive(cb, _model(), [0.5], key="val_loss")
    assert os.listdir(tmp_path) == []


def test_bad_arguments_are_explained(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras or \.h5"):
        ModelCheckpoint(str(tmp_path / "model.ckpt"))
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        ModelCheckpoint(str(tmp_path / "model.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match="save_weights_only=True"):
        ModelCheckpoint(str(tmp_path / "model.weights.h5"))
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")
    cb = ModelCheckpoint(str(tmp_path / "m-{val_f1:.2f}.keras"))
    with pytest.raises(KeyError, match="val_f1"):
        _drive(cb, _model(), [0.5])
