"""CSVLogger: header and rows as Keras 3.15 writes them, append mode, flushing, and in fit."""

import csv

import numpy as np

from featherflow.callbacks.csv_logger import CSVLogger


def run(cb, epochs_logs):
    cb.on_train_begin({})
    for epoch, logs in enumerate(epochs_logs):
        cb.on_epoch_end(epoch, logs)
    cb.on_train_end({})


def test_header_sorted_and_val_columns_added_like_keras(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path), [{"loss": 0.8218415975570679, "accuracy": 0.375},
                          {"loss": 0.8214263916015625, "accuracy": 0.375}])
    # byte for byte what Keras 3.15 wrote for the same logs (its csv files end lines in \r\n)
    assert path.read_bytes() == (
        b"epoch,accuracy,loss,val_accuracy,val_loss\r\n"
        b"0,0.375,0.8218415975570679,NA,NA\r\n"
        b"1,0.375,0.8214263916015625,NA,NA\r\n"
    )


def test_separator_with_validation_keys(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(str(path), separator=";"),
        [{"loss": 0.5, "accuracy": 0.5, "val_loss": 0.75, "val_accuracy": 0.25}])
    assert path.read_text().splitlines() == ["epoch;accuracy;loss;val_accuracy;val_loss",
                                             "0;0.5;0.5;0.25;0.75"]


def test_append_continues_without_second_header(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path), [{"loss": 1.0}])
    run(CSVLogger(path, append=True), [{"loss": 0.5}, {"loss": 0.25}])
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,NA", "0,0.5,NA",
                                             "1,0.25,NA"]
    fresh = tmp_path / "fresh.csv"  # append to a file that does not exist yet: header written
    run(CSVLogger(fresh, append=True), [{"loss": 2.0}])
    assert fresh.read_text().splitlines() == ["epoch,loss,val_loss", "0,2.0,NA"]


def test_rows_are_flushed_each_epoch_and_file_reused(tmp_path):
    path = tmp_path / "log.csv"
    cb = CSVLogger(path)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 3.0})
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,3.0,NA"]
    cb.on_epoch_end(1, {"loss": 2.0, "extra": 5.0})  # keys stay those of the first epoch
    assert path.read_text().splitlines()[-1] == "1,2.0,NA"
    cb.on_train_end()
    assert cb.csv_file.closed
    run(cb, [{"loss": 1.0, "val_loss": 2.0}])  # a second fit overwrites (append=False)
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,2.0"]


def test_non_scalar_values(tmp_path):
    path = tmp_path / "log.csv"
    run(CSVLogger(path), [{"loss": np.array(0.5), "note": "ok", "per_class": [0.5, 0.25]}])
    rows = list(csv.reader(path.open(newline="")))
    assert rows[0] == ["epoch", "loss", "note", "per_class", "val_loss", "val_note",
                       "val_per_class"]
    assert rows[1] == ["0", "0.5", "ok", '"[0.5, 0.25]"', "NA", "NA", "NA"]


def test_end_to_end_fit_writes_one_row_per_epoch(tmp_path):
    import featherflow as tf

    tf.keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).uniform(-1, 1, size=(40, 2)).astype("float32")
    y = (x[:, :1] + x[:, 1:] > 0).astype("float32")
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid",
                                                       input_shape=(2,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    path = tmp_path / "training.csv"
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0,
                        callbacks=[CSVLogger(path)])
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    for key in ("accuracy", "loss", "val_accuracy", "val_loss"):
        assert [float(r[key]) for r in rows] == history.history[key]
