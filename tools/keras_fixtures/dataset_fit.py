"""Record Keras 3's fit/evaluate/predict on tf.data.Dataset and keras.utils.PyDataset.

Run through the group runner with the TensorFlow virtualenv (never a featherflow dependency):

    /work/venv-tf/bin/python tools/make_keras_fixtures.py dataset_fit

Writes tests/fixtures/keras/dataset_fit/keras3.json: History values of small models with
fixed weights (seeded NumPy, given to featherflow by set_weights) trained on datasets without
shuffling, the steps each epoch ran, the warnings fit gave (running out of data, the ignored
``shuffle=True``), evaluate/predict values, the errors of arguments a dataset cannot take,
and the same for PyDataset (batch order, epoch hooks, workers, the super().__init__ warning).
Keras computes in float32 here, as users run it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import warnings

import numpy as np

from keras_fixtures.common import OUT


def seeded_weights(model, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()]


def regression_data(seed, n=10, d=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    sw = rng.uniform(0.5, 1.5, size=(n,)).astype("float32")
    return x, y, sw


def floats(logs):
    return {k: [float(v) for v in vs] for k, vs in logs.items()}


class StepCounter:
    """Counts the steps of every epoch (a keras Callback subclass made per call)."""

    @staticmethod
    def make(keras):
        class Counter(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.steps = []

            def on_epoch_begin(self, epoch, logs=None):
                self.steps.append(0)

            def on_train_batch_end(self, batch, logs=None):
                self.steps[-1] += 1

        return Counter()


def mlp(keras, seed):
    inputs = keras.Input((3,), name="features")
    hidden = keras.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, name="out")(hidden))
    weights = seeded_weights(model, seed)
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model, weights


def run_fit(keras, model, data, **kwargs):
    """History, steps per epoch and warnings of one fit call."""
    counter = StepCounter.make(keras)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = model.fit(data, verbose=0, callbacks=[counter], **kwargs)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return {"history": floats(hist.history), "steps": counter.steps, "warnings": messages}


def dataset_cases(keras, tf):
    out = {}
    x, y, sw = regression_data(1)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)

    model, weights = mlp(keras, 2)
    out["weights_2"] = [w.tolist() for w in weights]
    out["xy"] = run_fit(keras, model, ds, epochs=3, shuffle=False)
    out["xy"]["evaluate"] = [float(v) for v in model.evaluate(ds, verbose=0)]
    out["xy"]["evaluate_arrays"] = [float(v) for v in model.evaluate(x, y, batch_size=4,
                                                                     verbose=0)]
    out["xy"]["predict"] = model.predict(ds, verbose=0).tolist()
    out["xy"]["predict_x"] = model.predict(ds.map(lambda a, b: a), verbose=0).tolist()
    out["xy"]["evaluate_steps_2"] = [float(v) for v in model.evaluate(ds, steps=2,
                                                                      verbose=0)]

    model, _ = mlp(keras, 2)
    out["xy_shuffle_default"] = run_fit(keras, model, ds, epochs=1)

    model, _ = mlp(keras, 2)
    out["xy_steps_2"] = run_fit(keras, model, ds, epochs=3, steps_per_epoch=2, shuffle=False)

    model, _ = mlp(keras, 2)
    out["repeat_steps_2"] = run_fit(keras, model, ds.repeat(), epochs=3, steps_per_epoch=2,
                                    shuffle=False)

    unknown = ds.filter(lambda a, b: True)
    out["unknown_cardinality"] = int(unknown.cardinality())
    model, _ = mlp(keras, 2)
    out["unknown"] = run_fit(keras, model, unknown, epochs=3, shuffle=False)
    model, _ = mlp(keras, 2)
    out["unknown_steps_2"] = run_fit(keras, model, unknown, epochs=3, steps_per_epoch=2,
                                     shuffle=False)

    model, _ = mlp(keras, 2)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        model.fit(unknown, epochs=2, shuffle=False, verbose=1)
    out["unknown_progbar"] = progbar_lines(printed.getvalue())

    model, _ = mlp(keras, 2)
    out["xyw"] = run_fit(keras, model, tf.data.Dataset.from_tensor_slices((x, y, sw)).batch(4),
                         epochs=2, shuffle=False)

    model, _ = mlp(keras, 2)
    out["float64"] = run_fit(
        keras, model,
        tf.data.Dataset.from_tensor_slices((x.astype("float64"), y.astype("float64"))).batch(4),
        epochs=2, shuffle=False)

    vx, vy, _ = regression_data(3, n=6)
    val = tf.data.Dataset.from_tensor_slices((vx, vy)).batch(4)
    model, _ = mlp(keras, 2)
    out["validation"] = run_fit(keras, model, ds, epochs=2, shuffle=False,
                                validation_data=val)
    model, _ = mlp(keras, 2)
    out["validation_steps_1"] = run_fit(keras, model, ds, epochs=2, shuffle=False,
                                        validation_data=val, validation_steps=1)
    model, _ = mlp(keras, 2)
    out["validation_tuple_for_dataset"] = run_fit(keras, model, ds, epochs=1, shuffle=False,
                                                  validation_data=(vx, vy))

    # classification: class_weight turned into sample weights by the adapter
    rng = np.random.default_rng(4)
    cx = rng.normal(size=(12, 3)).astype("float32")
    cy = (rng.uniform(size=(12, 1)) > 0.5).astype("float32")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    cweights = seeded_weights(model, 5)
    model.set_weights(cweights)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    out["class_weight_data"] = {"x": cx.tolist(), "y": cy.tolist(),
                                "weights": [w.tolist() for w in cweights]}
    out["class_weight"] = run_fit(keras, model, tf.data.Dataset.from_tensor_slices(
        (cx, cy)).batch(5), epochs=2, shuffle=False, class_weight={0: 1.0, 1: 3.0})

    # two named inputs fed by a dict
    a_in = keras.Input((2,), name="a")
    b_in = keras.Input((3,), name="b")
    merged = keras.layers.Concatenate()([a_in, b_in])
    model = keras.Model({"a": a_in, "b": b_in}, keras.layers.Dense(1, name="out")(merged))
    dweights = seeded_weights(model, 6)
    model.set_weights(dweights)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    xa = rng.normal(size=(8, 2)).astype("float32")
    xb = rng.normal(size=(8, 3)).astype("float32")
    dy = rng.normal(size=(8, 1)).astype("float32")
    out["dict_data"] = {"a": xa.tolist(), "b": xb.tolist(), "y": dy.tolist(),
                        "weights": [w.tolist() for w in dweights]}
    out["dict"] = run_fit(keras, model, tf.data.Dataset.from_tensor_slices(
        ({"a": xa, "b": xb}, dy)).batch(3), epochs=2, shuffle=False)
    out["dict"]["predict"] = model.predict(
        tf.data.Dataset.from_tensor_slices({"a": xa, "b": xb}).batch(3), verbose=0).tolist()

    out["errors"] = dataset_errors(keras, tf, x, y, ds)
    return out


def dataset_errors(keras, tf, x, y, ds):
    errors = {}
    calls = {
        "validation_split": dict(validation_split=0.2),
        "y": dict(y=y),
        "sample_weight": dict(sample_weight=np.ones(10)),
        "batch_size": dict(batch_size=4),
        "unbatched": dict(x=tf.data.Dataset.from_tensor_slices((x, y))),
    }
    for name, kwargs in calls.items():
        model, _ = mlp(keras, 2)
        data = kwargs.pop("x", ds)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(data, verbose=0, shuffle=False, **kwargs)
            errors[name] = None
        except Exception as err:  # noqa: BLE001 - the recorded outcome
            errors[name] = {"type": type(err).__name__, "message": strip_ansi(str(err))}
    return errors


def pydataset_cases(keras):
    out = {}
    x, y, _ = regression_data(7, n=10)

    class Batches(keras.utils.PyDataset):
        def __init__(self, log, **kwargs):
            super().__init__(**kwargs)
            self.log = log

        def __len__(self):
            return 3

        def __getitem__(self, i):
            self.log.append(("get", int(i)))
            s = slice(i * 4, (i + 1) * 4)
            return x[s], y[s]

        def on_epoch_begin(self):
            self.log.append(("begin",))

        def on_epoch_end(self):
            self.log.append(("end",))

    log = []
    model, _ = mlp(keras, 2)
    out["plain"] = run_fit(keras, model, Batches(log), epochs=2, shuffle=False)
    out["plain"]["calls"] = [list(c) for c in log]
    out["plain"]["evaluate"] = [float(v) for v in model.evaluate(Batches([]), verbose=0)]
    out["plain"]["predict"] = model.predict(Batches([]), verbose=0).tolist()

    model, _ = mlp(keras, 2)
    out["workers_2"] = run_fit(keras, model, Batches([], workers=2), epochs=2, shuffle=False)

    log = []
    model, _ = mlp(keras, 2)
    out["shuffled"] = run_fit(keras, model, Batches(log), epochs=2)
    out["shuffled"]["gets"] = sorted({c[1] for c in log if c[0] == "get"})

    class Endless(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()

        @property
        def num_batches(self):
            return None

        def __getitem__(self, i):
            s = slice((i % 3) * 4, (i % 3) * 4 + 4)
            return x[s], y[s]

    model, _ = mlp(keras, 2)
    out["infinite_steps_2"] = run_fit(keras, model, Endless(), epochs=2, steps_per_epoch=2,
                                      shuffle=False)

    class NoSuper(keras.utils.PyDataset):
        def __init__(self):
            self.n = 3

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            s = slice(i * 4, (i + 1) * 4)
            return x[s], y[s]

    model, _ = mlp(keras, 2)
    out["no_super"] = run_fit(keras, model, NoSuper(), epochs=1, shuffle=False)

    class Bare(keras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return [x[:4], y[:4], np.ones(4, "float32"), y[:4]]

    model, _ = mlp(keras, 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(Bare(), verbose=0)
        out["four_items"] = None
    except Exception as err:  # noqa: BLE001 - the recorded outcome
        out["four_items"] = {"type": type(err).__name__, "message": strip_ansi(str(err))}
    return out


def strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def progbar_lines(text):
    """What the progress bar printed, with times replaced by placeholders and ETA lines
    (whose presence depends on speed) left out."""
    lines = []
    for part in re.split(r"[\r\n]+", text):
        part = strip_ansi(part).rstrip()
        if not part or "ETA" in part:
            continue
        part = re.sub(r"\d+m?s/step", "<t>/step", part)
        part = re.sub(r" \d+m?s ", " <t> ", part)
        part = re.sub(r"(loss|mae): [0-9.e+-]+", r"\1: <v>", part)
        lines.append(part)
    return lines


def run():
    import keras
    import tensorflow as tf

    # these cases compute in float32, as users run them (the group runner sets float64)
    keras.config.set_floatx("float32")
    keras.utils.set_random_seed(1234)
    out = {"versions": {"keras": keras.__version__, "tensorflow": tf.__version__},
           "dataset": dataset_cases(keras, tf), "pydataset": pydataset_cases(keras)}
    folder = OUT / "dataset_fit"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keras3.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
