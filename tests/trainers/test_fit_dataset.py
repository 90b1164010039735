"""fit/evaluate/predict on a tf.data.Dataset, against Keras 3.15.1 / TF 2.21.

The reference numbers come from tools/keras_fixtures/dataset_fit.py
(tests/fixtures/keras/dataset_fit/keras3.json): the same weights (set_weights), the same
batches, no shuffling.
"""

import contextlib
import io
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow.trainers.data_adapters import RAN_OUT

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "dataset_fit"
                      / "keras3.json").read_text())
REF = FIXTURE["dataset"]


def regression_data(seed, n=10, d=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    sw = rng.uniform(0.5, 1.5, size=(n,)).astype("float32")
    return x, y, sw


X, Y, SW = regression_data(1)


def dataset():
    return tf.data.Dataset.from_tensor_slices((X, Y)).batch(4)


def mlp():
    inputs = tf.keras.Input((3,), name="features")
    hidden = tf.keras.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1, name="out")(hidden))
    model.set_weights([np.array(w, "float32") for w in REF["weights_2"]])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


class StepCounter(tf.keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.steps = []

    def on_epoch_begin(self, epoch, logs=None):
        self.steps.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.steps[-1] += 1


def run_fit(model, data, **kwargs):
    counter = StepCounter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(data, verbose=0, callbacks=[counter], **kwargs)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return {"history": history.history, "steps": counter.steps, "warnings": messages}


def assert_matches(got, case, warnings_expected=None):
    ref = REF[case]
    assert got["steps"] == ref["steps"]
    assert sorted(got["history"]) == sorted(ref["history"])
    for key, values in ref["history"].items():
        np.testing.assert_allclose(got["history"][key], values, rtol=1e-5, atol=1e-6,
                                   err_msg=key)
    expected = ref["warnings"] if warnings_expected is None else warnings_expected
    assert got["warnings"] == expected


def test_fit_evaluate_predict_match_keras():
    model = mlp()
    assert_matches(run_fit(model, dataset(), epochs=3, shuffle=False), "xy")
    np.testing.assert_allclose(model.evaluate(dataset(), verbose=0), REF["xy"]["evaluate"],
                               rtol=1e-5)
    # the same numbers as arrays give
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=4, verbose=0),
                               REF["xy"]["evaluate_arrays"], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(dataset(), steps=2, verbose=0),
                               REF["xy"]["evaluate_steps_2"], rtol=1e-5)
    # predict reads x from (x, y) elements and from x-only elements
    np.testing.assert_allclose(model.predict(dataset(), verbose=0), REF["xy"]["predict"],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(dataset().map(lambda a, b: a), verbose=0),
                               REF["xy"]["predict_x"], rtol=1e-5, atol=1e-6)


def test_shuffle_true_is_ignored_with_keras_warning():
    got = run_fit(mlp(), dataset(), epochs=1)
    assert_matches(got, "xy_shuffle_default")
    assert got["warnings"][0].startswith("`shuffle=True` was passed, but will be ignored")


def test_steps_per_epoch_keeps_one_iterator_and_warns_when_it_runs_out():
    # 3 batches, 2 steps an epoch: epoch 2 gets the one batch left, warns, and the next
    # epoch starts a fresh pass; training goes on (Keras 3 does not stop)
    got = run_fit(mlp(), dataset(), epochs=3, steps_per_epoch=2, shuffle=False)
    assert_matches(got, "xy_steps_2")
    assert got["warnings"] == [RAN_OUT]


def test_repeated_dataset_with_steps_per_epoch():
    assert_matches(run_fit(mlp(), dataset().repeat(), epochs=3, steps_per_epoch=2,
                           shuffle=False), "repeat_steps_2")


def test_unknown_cardinality():
    unknown = dataset().filter(lambda a, b: True)
    assert int(unknown.cardinality()) == REF["unknown_cardinality"]
    # Keras 3.15 warns at the end of every such pass although nothing is interrupted;
    # Keras 3.16 (and featherflow) warn only when steps_per_epoch was given
    assert_matches(run_fit(mlp(), unknown, epochs=3, shuffle=False), "unknown",
                   warnings_expected=[])
    assert len(REF["unknown"]["warnings"]) == 3
    assert_matches(run_fit(mlp(), unknown, epochs=3, steps_per_epoch=2, shuffle=False),
                   "unknown_steps_2")


def test_unknown_cardinality_progress_bar_learns_the_count():
    unknown = dataset().filter(lambda a, b: True)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        mlp().fit(unknown, epochs=2, shuffle=False, verbose=1)
    lines = printed.getvalue().splitlines()
    assert lines[0] == "Epoch 1/2"
    # the epoch's final line (Keras prints it once it knows the count): 3/3 and the logs
    assert lines[1].startswith("3/3 [==============================]")
    assert "loss:" in lines[1] and "mae:" in lines[1]
    assert lines[2] == "Epoch 2/2" and lines[3].startswith("3/3 [")
    keras_finals = [line for line in REF["unknown_progbar"] if line.startswith("3/3")]
    assert len(keras_finals) == 2
    keras_running = [line for line in REF["unknown_progbar"] if "Unknown" in line]
    assert keras_running[0].startswith("      1/Unknown")
    from featherflow.utils.progbar import Progbar

    assert Progbar(None)._bar(1) == "      1/Unknown"


def test_sample_weights_and_float64_elements():
    with_weights = tf.data.Dataset.from_tensor_slices((X, Y, SW)).batch(4)
    assert_matches(run_fit(mlp(), with_weights, epochs=2, shuffle=False), "xyw")
    as64 = tf.data.Dataset.from_tensor_slices((X.astype("float64"), Y.astype("float64")))
    assert_matches(run_fit(mlp(), as64.batch(4), epochs=2, shuffle=False), "float64")


def test_float64_elements_reach_train_step_unconverted():
    seen = []

    class Recorder(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            seen.append([t.dtype.name for t in data])
            return super().train_step(data)

    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    data = tf.data.Dataset.from_tensor_slices((X.astype("float64"), Y.astype("float64")))
    model.fit(data.batch(5), verbose=0, shuffle=False)
    assert seen == [["float64", "float64"]] * 2  # as Keras 3's TF backend hands them over


def test_validation_data_as_dataset():
    vx, vy, _ = regression_data(3, n=6)
    val = tf.data.Dataset.from_tensor_slices((vx, vy)).batch(4)
    assert_matches(run_fit(mlp(), dataset(), epochs=2, shuffle=False, validation_data=val),
                   "validation")
    # validation_steps=1: every validation reads the first batch of a fresh pass
    assert_matches(run_fit(mlp(), dataset(), epochs=2, shuffle=False, validation_data=val,
                           validation_steps=1), "validation_steps_1")
    assert_matches(run_fit(mlp(), dataset(), epochs=1, shuffle=False,
                           validation_data=(vx, vy)), "validation_tuple_for_dataset")
    # arrays for training, a dataset for validation
    history = mlp().fit(X, Y, batch_size=4, epochs=2, shuffle=False, validation_data=val,
                        verbose=0).history
    np.testing.assert_allclose(history["val_loss"], REF["validation"]["history"]["val_loss"],
                               rtol=1e-5)


def test_class_weight_with_dataset():
    data = REF["class_weight_data"]
    inputs = tf.keras.Input((3,))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1, activation="sigmoid")(inputs))
    model.set_weights([np.array(w, "float32") for w in data["weights"]])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    ds = tf.data.Dataset.from_tensor_slices((np.array(data["x"], "float32"),
                                             np.array(data["y"], "float32"))).batch(5)
    assert_matches(run_fit(model, ds, epochs=2, shuffle=False, class_weight={0: 1.0, 1: 3.0}),
                   "class_weight")
    weighted = tf.data.Dataset.from_tensor_slices((X, Y, SW)).batch(4)
    with pytest.raises(ValueError, match="class_weight` and `sample_weight"):
        mlp().fit(weighted, class_weight={0: 1.0}, shuffle=False, verbose=0)


def test_dict_inputs_by_name():
    data = REF["dict_data"]
    a_in = tf.keras.Input((2,), name="a")
    b_in = tf.keras.Input((3,), name="b")
    merged = tf.keras.layers.Concatenate()([a_in, b_in])
    model = tf.keras.Model({"a": a_in, "b": b_in}, tf.keras.layers.Dense(1, name="out")(merged))
    model.set_weights([np.array(w, "float32") for w in data["weights"]])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    features = {"a": np.array(data["a"], "float32"), "b": np.array(data["b"], "float32")}
    ds = tf.data.Dataset.from_tensor_slices((features, np.array(data["y"], "float32")))
    assert_matches(run_fit(model, ds.batch(3), epochs=2, shuffle=False), "dict")
    predicted = model.predict(tf.data.Dataset.from_tensor_slices(features).batch(3), verbose=0)
    np.testing.assert_allclose(predicted, REF["dict"]["predict"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["validation_split", "y", "sample_weight"])
def test_arguments_a_dataset_cannot_take(name):
    kwargs = {"validation_split": {"validation_split": 0.2}, "y": {"y": Y},
              "sample_weight": {"sample_weight": np.ones(10)}}[name]
    expected = REF["errors"][name]
    with pytest.raises(ValueError) as info:
        mlp().fit(dataset(), verbose=0, shuffle=False, **kwargs)
    message = str(info.value)
    if name == "validation_split":
        # Keras names TF's class; the text around it is the same
        head = expected["message"].split("[")[0]
        assert message.startswith(head) and "Dataset" in message
    else:
        assert message == expected["message"]


def test_batch_size_is_ignored_with_a_dataset():
    assert REF["errors"]["batch_size"] is None  # Keras 3 accepts it and uses the data's
    history = mlp().fit(dataset(), batch_size=2, epochs=1, shuffle=False, verbose=0).history
    np.testing.assert_allclose(history["loss"], REF["xy"]["history"]["loss"][:1], rtol=1e-5)


def test_unbatched_dataset_gets_a_clear_error():
    assert "Expected shape (None, 3), but input has incompatible shape (3,)" in (
        REF["errors"]["unbatched"]["message"])
    unbatched = tf.data.Dataset.from_tensor_slices((X, Y))
    with pytest.raises(ValueError, match=r"single samples: batch it first, e\.g\. "
                                         r"`dataset\.batch\(32\)`"):
        mlp().fit(unbatched, verbose=0, shuffle=False)
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        mlp().predict(unbatched.map(lambda a, b: a), verbose=0)


def test_batches_are_not_copied():
    seen = []

    class Recorder(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            seen.append(data[0].data)
            return super().train_step(data)

    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    elements = [(X[:5].copy(), Y[:5].copy()), (X[5:].copy(), Y[5:].copy())]

    class Source(tf.data.Dataset):
        def __init__(self):
            super().__init__()

        def _iterate(self):
            return iter(elements)

        def _compute_spec(self):
            return (tf.TensorSpec((None, 3), "float32"), tf.TensorSpec((None, 1), "float32"))

        def _compute_cardinality(self):
            return 2

    model.fit(Source(), verbose=0, shuffle=False)
    assert seen[0] is elements[0][0] and seen[1] is elements[1][0]


def test_prefetch_works_ahead_while_the_step_runs():
    produced = []

    def slow(x, y):
        produced.append(None)
        time.sleep(0.005)
        return x, y

    class SlowStep(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(1)
            self.made_before_step = []

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            self.made_before_step.append(len(produced))
            time.sleep(0.05)
            return super().train_step(data)

    class Start(tf.keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.made = len(produced)

    model = SlowStep()
    model.compile(optimizer="sgd", loss="mse")
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(2).map(slow).prefetch(3)
    start = Start()
    model.fit(ds, verbose=0, shuffle=False, callbacks=[start])
    # while the first step sleeps, the prefetch thread fills its buffer: by the second step
    # the 4 batches after the first are made (without prefetch only the second would be)
    assert model.made_before_step[1] - start.made >= 4


def test_shuffled_dataset_reshuffles_every_epoch():
    order = []

    class Recorder(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            order.append(data[1].numpy().ravel().tolist())
            return super().train_step(data)

    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    ids = np.arange(20, dtype="float32").reshape(-1, 1)
    ds = tf.data.Dataset.from_tensor_slices((ids, ids)).shuffle(20, seed=3).batch(20)
    model.fit(ds, epochs=3, verbose=0, shuffle=False)
    assert len(order) == 3 and all(sorted(o) == list(range(20)) for o in order)
    assert order[0] != order[1] != order[2]


def test_iterator_is_released_after_fit():
    closed = []

    class Source(tf.data.Dataset):
        def __init__(self):
            super().__init__()

        def _iterate(self):
            try:
                while True:
                    yield (X[:4], Y[:4])
            finally:
                closed.append(True)

        def _compute_spec(self):
            return (tf.TensorSpec((None, 3), "float32"), tf.TensorSpec((None, 1), "float32"))

        def _compute_cardinality(self):
            return -1

    mlp().fit(Source(), epochs=2, steps_per_epoch=3, verbose=0, shuffle=False)
    assert closed == [True]  # one iterator across both epochs, closed when fit returned
