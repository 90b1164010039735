"""Record Keras 3 and tf_keras 2 training semantics for tests/trainers/.

Run with the TensorFlow virtualenv (never a featherflow dependency):

    /work/venv-tf/bin/python tools/keras_fixtures/trainer_semantics.py

Writes tests/fixtures/keras/trainer/keras3.json and tf_keras.json: what train_step,
test_step and predict_step receive for each input kind, model.metrics names before and after
the first step, History keys and values of single- and multi-output models (fixed weights
from seeded NumPy generators, no shuffling, so featherflow computes the same numbers), the
order of evaluate's values, *_on_batch results, a finite generator over several epochs and
the progress bar line of an epoch of unknown length. Keras computes in float32 here.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keras_fixtures.common import OUT, quiet_tensorflow  # noqa: E402


def describe(data):
    """The nesting of what a step received: ``["tuple", ...]``, ``"array"`` or ``"None"``."""
    if isinstance(data, (tuple, list)):
        return [type(data).__name__] + [describe(d) for d in data]
    if isinstance(data, dict):
        return {k: describe(v) for k, v in sorted(data.items())}
    if data is None:
        return "None"
    return "array"


def floats(logs):
    return {k: [float(v) for v in vs] if isinstance(vs, list) else float(vs)
            for k, vs in logs.items()}


def seeded_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])


def data(seed, n=8, d=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    sw = rng.uniform(0.5, 1.5, size=(n,)).astype("float32")
    return x, y, sw


def step_inputs(keras):
    """What each step method receives, per input kind."""
    seen = {}

    class Recorder(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            seen.setdefault(self._case + "/train", describe(data))
            return super().train_step(data)

        def test_step(self, data):
            seen.setdefault(self._case + "/test", describe(data))
            return super().test_step(data)

        def predict_step(self, data):
            seen.setdefault(self._case + "/predict", describe(data))
            return super().predict_step(data)

    x, y, sw = data(0)
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    model.run_eagerly = True

    def gen(items):
        def g():
            for i in range(0, 8, 4):
                yield items(slice(i, i + 4))
        return g()

    cases = {
        "arrays": lambda: model.fit(x, y, batch_size=4, verbose=0),
        "arrays_sw": lambda: model.fit(x, y, sample_weight=sw, batch_size=4, verbose=0),
        "gen2": lambda: model.fit(gen(lambda s: (x[s], y[s])), verbose=0),
        "gen3": lambda: model.fit(gen(lambda s: (x[s], y[s], sw[s])), verbose=0),
        "eval_arrays": lambda: model.evaluate(x, y, batch_size=4, verbose=0),
        "eval_arrays_sw": lambda: model.evaluate(x, y, sample_weight=sw, batch_size=4,
                                                 verbose=0),
        "predict_arrays": lambda: model.predict(x, batch_size=4, verbose=0),
        "predict_gen_x": lambda: model.predict(gen(lambda s: x[s]), verbose=0),
        "predict_gen_tuple1": lambda: model.predict(gen(lambda s: (x[s],)), verbose=0),
        "train_on_batch": lambda: model.train_on_batch(x, y),
        "train_on_batch_sw": lambda: model.train_on_batch(x, y, sample_weight=sw),
        "test_on_batch": lambda: model.test_on_batch(x, y),
        "predict_on_batch": lambda: model.predict_on_batch(x),
    }
    for name, run in cases.items():
        model._case = name
        try:
            run()
        except ValueError as err:
            seen[name + "/error"] = type(err).__name__ + ": " + str(err).split(".")[0]
    return seen


def metric_names(keras):
    x, y, _ = data(1)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    out = {"uncompiled": [m.name for m in model.metrics]}
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    out["compiled"] = [m.name for m in model.metrics]
    out["compiled_metrics_names"] = list(model.metrics_names)
    model.fit(x, y, batch_size=4, verbose=0)
    out["after_fit"] = [m.name for m in model.metrics]
    out["after_fit_metrics_names"] = list(model.metrics_names)
    return out


def single_output(keras):
    """Fixed weights, SGD, no shuffling: History, evaluate and *_on_batch values."""
    x, y, sw = data(2)
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="tanh")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    seeded_weights(model, 3)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"],
                  weighted_metrics=["mse"])
    hist = model.fit(x, y, sample_weight=sw, batch_size=4, epochs=2, shuffle=False, verbose=0)
    out = {"history": floats(hist.history)}
    out["evaluate"] = [float(v) for v in model.evaluate(x, y, batch_size=4, verbose=0)]
    out["evaluate_dict"] = floats(model.evaluate(x, y, batch_size=4, verbose=0,
                                                 return_dict=True))
    out["train_on_batch"] = [float(v) for v in model.train_on_batch(x[:4], y[:4])]
    out["train_on_batch_dict"] = floats(model.train_on_batch(x[4:], y[4:], return_dict=True))
    out["test_on_batch"] = [float(v) for v in model.test_on_batch(x, y)]
    out["predict_on_batch"] = model.predict_on_batch(x[:2]).tolist()
    out["weights"] = [w.tolist() for w in model.get_weights()]
    return out


def multi_output(keras, form):
    """Two named outputs; losses, metrics and loss_weights as dicts or lists."""
    x, y, _ = data(4)
    rng = np.random.default_rng(5)
    y_b = rng.normal(size=(8, 2)).astype("float32")
    inputs = keras.Input((3,), name="x")
    hidden = keras.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    out_a = keras.layers.Dense(1, name="out_a")(hidden)
    out_b = keras.layers.Dense(2, name="out_b")(hidden)
    model = keras.Model(inputs, [out_a, out_b])
    seeded_weights(model, 6)
    if form == "dict":
        model.compile(optimizer=keras.optimizers.SGD(0.1),
                      loss={"out_a": "mse", "out_b": "mae"},
                      metrics={"out_a": ["mae"], "out_b": ["mse", "mae"]},
                      loss_weights={"out_a": 1.0, "out_b": 0.5})
        targets = {"out_a": y, "out_b": y_b}
    else:
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss=["mse", "mae"],
                      metrics=[["mae"], ["mse", "mae"]], loss_weights=[1.0, 0.5])
        targets = [y, y_b]
    hist = model.fit(x, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)
    out = {"history": floats(hist.history),
           "metrics_names": list(model.metrics_names),
           "evaluate": [float(v) for v in model.evaluate(x, targets, batch_size=4, verbose=0)],
           "evaluate_dict": floats(model.evaluate(x, targets, batch_size=4, verbose=0,
                                                  return_dict=True))}
    return out


def finite_generator(keras, tf_keras=False):
    """A generator of 3 batches, fit for 3 epochs without steps_per_epoch."""
    x, y, _ = data(7, n=12)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    seeded_weights(model, 8)
    if tf_keras:
        return tf_keras_finite(keras, model, x, y)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")

    def gen():
        for i in range(0, 12, 4):
            yield x[i:i + 4], y[i:i + 4]

    steps = []

    class CountSteps(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            steps.append(0)

        def on_train_batch_end(self, batch, logs=None):
            steps[-1] += 1

    buf = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(buf):
        warnings.simplefilter("always")
        hist = model.fit(gen(), epochs=3, verbose=2, shuffle=False, callbacks=[CountSteps()])
    text = buf.getvalue()
    buf1 = io.StringIO()
    with contextlib.redirect_stdout(buf1):
        model.fit(gen(), epochs=1, verbose=1)
    return {"history": floats(hist.history), "epochs_run": len(hist.history["loss"]),
            "steps_per_epoch_run": steps,
            "verbose2_stdout": text,
            "warnings": [str(w.message) for w in caught],
            "verbose1_stdout": buf1.getvalue()}


def tf_keras_finite(keras, model, x, y):
    """tf.keras 2 stops at the second epoch of an exhausted generator, with a warning."""
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")

    def gen():
        for i in range(0, 12, 4):
            yield x[i:i + 4], y[i:i + 4]

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        hist = model.fit(gen(), epochs=3, verbose=2, shuffle=False)
    return {"history": floats(hist.history), "epochs_run": len(hist.history["loss"]),
            "verbose2_stdout": sanitise(buf.getvalue())}


def guide_keras3(keras):
    """keras.io "Customizing what happens in fit()" (Keras 3): loss tracker + metrics
    property, on fixed weights."""
    x, y, _ = data(9)

    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            import tensorflow as tf

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.loss_fn(y, y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    inputs = keras.Input((3,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    seeded_weights(model, 10)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)

    class Tracked(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def call(self, x):
            return self.dense(x)

    tracked = Tracked()
    tracked.compile(optimizer="sgd", loss="mse")
    before = [m.name for m in tracked.metrics]
    tracked.fit(x, y, batch_size=4, verbose=0)
    return {"history": floats(hist.history), "metrics": [m.name for m in model.metrics],
            "attribute_metrics_before_fit": before,
            "attribute_metrics_after_fit": [m.name for m in tracked.metrics]}


def guide_tf_keras(tf_keras):
    """The tf.keras 2 guide: compiled_loss / compiled_metrics in train_step."""
    import tensorflow as tf

    x, y, sw = data(11)

    class CustomModel(tf_keras.Model):
        def train_step(self, data):
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, sample_weight=sample_weight,
                                          regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    inputs = tf_keras.Input((3,))
    model = CustomModel(inputs, tf_keras.layers.Dense(1)(inputs))
    seeded_weights(model, 12)
    model.compile(optimizer=tf_keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    names_before = list(model.metrics_names)
    hist = model.fit(x, y, sample_weight=sw, batch_size=4, epochs=2, shuffle=False, verbose=0)
    out = {"history": floats(hist.history), "metrics_names_before": names_before,
           "metrics_names_after": list(model.metrics_names),
           "metrics_after": [m.name for m in model.metrics]}
    out["train_on_batch"] = [float(v) for v in model.train_on_batch(x[:4], y[:4])]
    out["test_on_batch"] = [float(v) for v in model.test_on_batch(x, y)]
    out["evaluate"] = [float(v) for v in model.evaluate(x, y, batch_size=4, verbose=0)]
    return out


def sanitise(text):
    """Timings vary between runs; keep the shape of the line."""
    return re.sub(r"\d+(\.\d+)?(ms|s|us)(/step)?", "<t>", text)


def main():
    quiet_tensorflow()
    import keras

    out3 = {"keras_version": keras.__version__,
            "step_inputs": step_inputs(keras),
            "metric_names": metric_names(keras),
            "single_output": single_output(keras),
            "multi_output_dict": multi_output(keras, "dict"),
            "multi_output_list": multi_output(keras, "list"),
            "finite_generator": finite_generator(keras),
            "guide": guide_keras3(keras)}
    fg = out3["finite_generator"]
    fg["verbose1_stdout"] = sanitise(fg["verbose1_stdout"])
    fg["verbose2_stdout"] = sanitise(fg["verbose2_stdout"])
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tf_keras

    out2 = {"tf_keras_version": tf_keras.__version__, "guide": guide_tf_keras(tf_keras),
            "finite_generator": finite_generator(tf_keras, tf_keras=True)}
    folder = OUT / "trainer"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keras3.json").write_text(json.dumps(out3, indent=1, sort_keys=True) + "\n")
    (folder / "tf_keras.json").write_text(json.dumps(out2, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
