"""keras.utils.PyDataset in fit/evaluate/predict, against Keras 3.15.1 (the pydataset part of
tests/fixtures/keras/dataset_fit/keras3.json, made by tools/keras_fixtures/dataset_fit.py)."""

import json
import os
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from tests.trainers import pydataset_workers

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "dataset_fit"
                      / "keras3.json").read_text())
REF = FIXTURE["pydataset"]
WEIGHTS = FIXTURE["dataset"]["weights_2"]
X, Y = pydataset_workers.X, pydataset_workers.Y


def mlp():
    inputs = tf.keras.Input((3,), name="features")
    hidden = tf.keras.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1, name="out")(hidden))
    model.set_weights([np.array(w, "float32") for w in WEIGHTS])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


class Batches(tf.keras.utils.PyDataset):
    def __init__(self, log=None, delay=0.0, **kwargs):
        super().__init__(**kwargs)
        self.log = [] if log is None else log
        self.delay = delay
        self.threads = set()

    def __len__(self):
        return 3

    def __getitem__(self, i):
        self.log.append(("get", int(i)))
        self.threads.add(threading.get_ident())
        if self.delay:
            time.sleep(self.delay)
        s = slice(i * 4, (i + 1) * 4)
        return X[s], Y[s]

    def on_epoch_begin(self):
        self.log.append(("begin",))

    def on_epoch_end(self):
        self.log.append(("end",))


def run_fit(model, data, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(data, verbose=0, **kwargs)
    return history.history, [str(w.message) for w in caught
                             if issubclass(w.category, UserWarning)]


def assert_history(history, case):
    ref = REF[case]["history"]
    assert sorted(history) == sorted(ref)
    for key, values in ref.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-5, atol=1e-6, err_msg=key)


def test_fit_evaluate_predict_match_keras():
    log = []
    model = mlp()
    history, caught = run_fit(model, Batches(log), epochs=2, shuffle=False)
    assert_history(history, "plain")
    assert caught == REF["plain"]["warnings"] == []
    # each epoch: on_epoch_begin, the batches in order, on_epoch_end (Keras's TF backend
    # also reads items 0 and 1 once before training to learn their signature)
    epoch = [("begin",), ("get", 0), ("get", 1), ("get", 2), ("end",)]
    assert log == epoch * 2
    assert [tuple(c) for c in REF["plain"]["calls"][-10:]] == epoch * 2
    np.testing.assert_allclose(model.evaluate(Batches(), verbose=0), REF["plain"]["evaluate"],
                               rtol=1e-5)
    np.testing.assert_allclose(model.predict(Batches(), verbose=0), REF["plain"]["predict"],
                               rtol=1e-5, atol=1e-6)


def test_workers_run_getitem_on_threads_in_order():
    data = Batches(workers=3, delay=0.02)
    history, _ = run_fit(mlp(), data, epochs=2, shuffle=False)
    assert_history(history, "workers_2")  # the same numbers: order is kept
    assert threading.get_ident() not in data.threads and len(data.threads) > 1


def test_workers_overlap_slow_items():
    start = time.perf_counter()
    mlp().predict(Batches(workers=3, delay=0.1), verbose=0)
    assert time.perf_counter() - start < 0.25  # 3 items of 0.1 s at once, not one by one


def test_shuffle_true_shuffles_the_batch_order_each_epoch():
    log = []
    tf.keras.utils.set_random_seed(0)
    run_fit(mlp(), Batches(log), epochs=8)
    orders = []
    for entry in log:
        if entry == ("begin",):
            orders.append([])
        elif entry[0] == "get":
            orders[-1].append(entry[1])
    assert all(sorted(o) == [0, 1, 2] for o in orders)
    assert len({tuple(o) for o in orders}) > 1
    assert REF["shuffled"]["gets"] == [0, 1, 2]
    # Keras's shuffled run differs from its ordered one, as ours does
    assert REF["shuffled"]["history"]["loss"] != REF["plain"]["history"]["loss"]


def test_infinite_pydataset_with_steps_per_epoch():
    class Endless(tf.keras.utils.PyDataset):
        def __init__(self):
            super().__init__()

        @property
        def num_batches(self):
            return None

        def __getitem__(self, i):
            s = slice((i % 3) * 4, (i % 3) * 4 + 4)
            return X[s], Y[s]

    history, caught = run_fit(mlp(), Endless(), epochs=2, steps_per_epoch=2, shuffle=False)
    assert_history(history, "infinite_steps_2")
    assert caught == []
    with pytest.warns(UserWarning, match="infinite PyDataset"):
        mlp().fit(Endless(), epochs=1, steps_per_epoch=1, verbose=0)


def test_super_init_not_called_warns_as_keras():
    class NoSuper(tf.keras.utils.PyDataset):
        def __init__(self):
            self.n = 3

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            s = slice(i * 4, (i + 1) * 4)
            return X[s], Y[s]

    history, caught = run_fit(mlp(), NoSuper(), epochs=1, shuffle=False)
    assert_history(history, "no_super")
    assert caught == REF["no_super"]["warnings"]
    assert tf.keras.utils.Sequence is tf.keras.utils.PyDataset


def test_four_items_is_keras_error():
    class Four(tf.keras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return [X[:4], Y[:4], np.ones(4, "float32"), Y[:4]]

    head = REF["four_items"]["message"].split("Received:")[0]
    with pytest.raises(ValueError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp().fit(Four(), verbose=0)
    assert str(info.value).startswith(head)


def test_errors_for_y_and_validation_split():
    with pytest.raises(ValueError, match="as a PyDataset, `y` should not be passed"):
        mlp().fit(Batches(), Y, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` is only supported for tensors"):
        mlp().fit(Batches(), validation_split=0.2, verbose=0)


def test_class_weight_and_validation_pydataset():
    labels = (Y > 0).astype("float32")

    class Labelled(tf.keras.utils.PyDataset):
        def __init__(self):
            super().__init__()

        def __len__(self):
            return 3

        def __getitem__(self, i):
            s = slice(i * 4, (i + 1) * 4)
            return X[s], labels[s]

    weights = {0: 1.0, 1: 3.0}
    history, _ = run_fit(mlp(), Labelled(), epochs=2, shuffle=False,
                         validation_data=Labelled(), class_weight=weights)
    # the same numbers as the Dataset path (checked against Keras in test_fit_dataset.py)
    ds = tf.data.Dataset.from_tensor_slices((X, labels)).batch(4)
    reference = mlp().fit(ds, epochs=2, shuffle=False, validation_data=ds,
                          class_weight=weights, verbose=0).history
    assert sorted(history) == ["loss", "mae", "val_loss", "val_mae"]
    for key in history:
        np.testing.assert_allclose(history[key], reference[key], rtol=1e-6)


def test_use_multiprocessing_spawns_worker_processes():
    data = pydataset_workers.ProcessBatches(workers=2, use_multiprocessing=True)
    history, _ = run_fit(mlp(), data, epochs=2, shuffle=False)
    assert_history(history, "plain")  # same batches, same order as in this process
    from featherflow.trainers.data_adapters import PyDatasetBatches

    made = [batch[0].numpy() for batch in PyDatasetBatches(
        pydataset_workers.PidBatches(workers=2, use_multiprocessing=True)).epoch()]
    assert [int(b[0, 1]) for b in made] == [0, 1, 2, 3]  # in order
    assert all(int(b[0, 0]) != os.getpid() for b in made)
