"""fit/evaluate/predict semantics against Keras 3.15 (and tf_keras 2.21) recordings.

Fixtures: tests/fixtures/keras/trainer/{keras3,tf_keras}.json, made by
tools/keras_fixtures/trainer_semantics.py. Weights are set from the same seeded NumPy
generators on both sides and nothing is shuffled, so values must agree. Keras computed in
float32 on TensorFlow's kernels, featherflow in float32 on NumPy's: sums are ordered
differently, so values agree to about 1e-6 relative after two epochs of SGD; rtol=1e-5 leaves
room for that and nothing else.
"""

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow import keras

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "trainer"
K3 = json.loads((FIXTURES / "keras3.json").read_text())
TF2 = json.loads((FIXTURES / "tf_keras.json").read_text())
RTOL = 1e-5


def data(seed, n=8, d=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    sw = rng.uniform(0.5, 1.5, size=(n,)).astype("float32")
    return x, y, sw


def seeded_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=1e-6)


def close_logs(actual, expected):
    assert sorted(actual) == sorted(expected)
    for k in expected:
        close(actual[k], expected[k])


def describe(data):
    if isinstance(data, (tuple, list)):
        return [type(data).__name__] + [describe(d) for d in data]
    if data is None:
        return "None"
    return "array"


# -- 1. what the steps receive ---------------------------------------------------------------
def test_steps_receive_what_fit_evaluate_and_predict_were_given():
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

    def gen(items):
        return (items(slice(i, i + 4)) for i in range(0, 8, 4))

    cases = {
        "arrays": lambda: model.fit(x, y, batch_size=4, verbose=0),
        "arrays_sw": lambda: model.fit(x, y, sample_weight=sw, batch_size=4, verbose=0),
        "gen2": lambda: model.fit(gen(lambda s: (x[s], y[s])), verbose=0),
        "gen3": lambda: model.fit(gen(lambda s: (x[s], y[s], sw[s])), verbose=0),
        "eval_arrays": lambda: model.evaluate(x, y, batch_size=4, verbose=0),
        "eval_arrays_sw": lambda: model.evaluate(x, y, sample_weight=sw, batch_size=4,
                                                 verbose=0),
        "predict_arrays": lambda: model.predict(x, batch_size=4, verbose=0),
        "predict_gen_tuple1": lambda: model.predict(gen(lambda s: (x[s],)), verbose=0),
        "train_on_batch": lambda: model.train_on_batch(x, y),
        "train_on_batch_sw": lambda: model.train_on_batch(x, y, sample_weight=sw),
        "test_on_batch": lambda: model.test_on_batch(x, y),
        "predict_on_batch": lambda: model.predict_on_batch(x),
    }
    for name, run in cases.items():
        model._case = name
        run()
    expected = {k: v for k, v in K3["step_inputs"].items() if not k.endswith("/error")}
    assert seen == expected


def test_steps_receive_tensors():
    got = []

    class Recorder(keras.Sequential):
        def train_step(self, data):
            got.append(data)
            return super().train_step(data)

    x, y, _ = data(0)
    model = Recorder([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=8, verbose=0)
    assert all(isinstance(part, tf.Tensor) for part in got[0])


def test_unpack_and_pack_x_y_sample_weight():
    unpack = keras.utils.unpack_x_y_sample_weight
    pack = keras.utils.pack_x_y_sample_weight
    assert unpack("x") == ("x", None, None)
    assert unpack(("x",)) == ("x", None, None)
    assert unpack(["x", "y"]) == ("x", "y", None)
    assert unpack(("x", "y", "w")) == ("x", "y", "w")
    with pytest.raises(ValueError, match="4 items"):
        unpack((1, 2, 3, 4))
    assert pack("x") == "x"
    assert pack(["a", "b"]) == (["a", "b"],)
    assert pack("x", "y") == ("x", "y")
    assert pack("x", "y", "w") == ("x", "y", "w")


# -- 2. metrics, compute_loss, compute_metrics ------------------------------------------------
def test_model_metrics_lists_the_loss_tracker_and_compile_metrics():
    x, y, _ = data(1)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    rec = K3["metric_names"]
    assert [m.name for m in model.metrics] == rec["uncompiled"]
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert [m.name for m in model.metrics] == rec["compiled"]
    assert model.metrics_names == rec["compiled_metrics_names"]
    assert isinstance(model.metrics[0], keras.metrics.Mean)
    model.fit(x, y, batch_size=4, verbose=0)
    assert [m.name for m in model.metrics] == rec["after_fit"]
    assert model.metrics_names == rec["after_fit_metrics_names"]
    assert [m.name for m in model.metrics[1].metrics] == ["mae"]
    for m in model.metrics:
        m.update_state  # noqa: B018 - every entry is a metric
        m.reset_state()
    assert model.get_metrics_result() == {"loss": 0.0, "mae": 0.0}


def single_output_model():
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="tanh")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    seeded_weights(model, 3)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"],
                  weighted_metrics=["mse"])
    return model


def test_single_output_history_evaluate_and_on_batch_values():
    rec = K3["single_output"]
    x, y, sw = data(2)
    model = single_output_model()
    hist = model.fit(x, y, sample_weight=sw, batch_size=4, epochs=2, shuffle=False, verbose=0)
    close_logs(hist.history, rec["history"])
    close(model.evaluate(x, y, batch_size=4, verbose=0), rec["evaluate"])
    close_logs(model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True),
               rec["evaluate_dict"])
    close(model.train_on_batch(x[:4], y[:4]), rec["train_on_batch"])
    close_logs(model.train_on_batch(x[4:], y[4:], return_dict=True),
               rec["train_on_batch_dict"])
    close(model.test_on_batch(x, y), rec["test_on_batch"])
    close(model.predict_on_batch(x[:2]), rec["predict_on_batch"])
    for w, expected in zip(model.get_weights(), rec["weights"]):
        close(w, expected)


def test_metrics_reset_at_each_epoch_and_by_reset_metrics():
    x, y, sw = data(2)
    model = single_output_model()
    seen = []
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(
                  on_epoch_begin=lambda e, logs: seen.append(model.get_metrics_result()))])
    assert seen[1] == {"loss": 0.0, "mae": 0.0, "mse": 0.0}
    model.reset_metrics()
    assert all(v == 0.0 for v in model.get_metrics_result().values())


def test_compute_loss_adds_the_models_losses_once_per_call():
    class AddsLoss(keras.layers.Layer):
        def call(self, x):
            self.add_loss(tf.reduce_sum(x) * 0.0 + 0.25)
            return x

    inputs = keras.Input((3,))
    model = keras.Model(inputs, AddsLoss()(keras.layers.Dense(1)(inputs)))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x, y, _ = data(1)
    base = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    for _ in range(2):  # a predict between calls does not make the added loss count twice
        close(model.evaluate(x, y, batch_size=8, verbose=0), base + 0.25)
        model.predict(x, verbose=0)
    y_pred = model(x)
    close(float(model.compute_loss(x=x, y=y, y_pred=y_pred).numpy()), base + 0.25)
    assert len(model.losses) == 1


def test_compute_metrics_returns_the_result_dict():
    model = single_output_model()
    x, y, _ = data(2)
    y_pred = model(x)
    logs = model.compute_metrics(x, y, y_pred)
    assert sorted(logs) == ["loss", "mae", "mse"]
    close(logs["mae"], np.mean(np.abs(y_pred.numpy() - y)))


def guide_model_keras3():
    """keras.io "Customizing what happens in fit()" (Keras 3): manual loss tracker and a
    metrics property."""

    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
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
    return CustomModel(inputs, keras.layers.Dense(1)(inputs))


def test_guide_manual_loss_tracker_and_metrics_property():
    rec = K3["guide"]
    x, y, _ = data(9)
    model = guide_model_keras3()
    seeded_weights(model, 10)
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    close_logs(hist.history, rec["history"])
    assert [m.name for m in model.metrics] == rec["metrics"]


def test_metrics_assigned_as_attributes_are_tracked():
    class Tracked(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def call(self, x):
            return self.dense(x)

    x, y, _ = data(9)
    model = Tracked()
    model.compile(optimizer="sgd", loss="mse")
    assert [m.name for m in model.metrics] == K3["guide"]["attribute_metrics_before_fit"]
    model.fit(x, y, batch_size=4, verbose=0)
    assert [m.name for m in model.metrics] == K3["guide"]["attribute_metrics_after_fit"]


def test_guide_compute_loss_and_metrics_loop_keras3():
    """The guide's first custom train_step: compute_loss, then every metric updated."""

    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    x, y, _ = data(9)
    inputs = keras.Input((3,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    seeded_weights(model, 10)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    # the same training as the guide's manual-tracker model above, so the same numbers
    close_logs(hist.history, K3["guide"]["history"])


def test_guide_sample_weight_and_custom_test_step():
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    x, y, sw = data(2)
    inputs = keras.Input((3,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    hist = model.fit(x, y, sample_weight=sw, batch_size=4, epochs=2, verbose=0)
    assert sorted(hist.history) == ["loss", "mae"]
    result = model.evaluate(x, y, verbose=0)
    assert len(result) == 2


def test_guide_gan_train_step_runs():
    latent_dim = 4

    class GAN(keras.Model):
        def __init__(self, discriminator, generator):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def train_step(self, real):
            batch_size = tf.shape(real)[0]
            noise = tf.random.normal(shape=(batch_size, latent_dim))
            fake = self.generator(noise)
            combined = tf.concat([fake, real], axis=0)
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            noise = tf.random.normal(shape=(batch_size, latent_dim))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(tf.zeros((batch_size, 1)),
                                      self.discriminator(self.generator(noise)))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(),
                    "g_loss": self.g_loss_tracker.result()}

    disc = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dense(1)])
    gen = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(6)])
    gan = GAN(disc, gen)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3),
                keras.losses.BinaryCrossentropy(from_logits=True))
    real = np.random.default_rng(0).normal(size=(16, 6)).astype("float32")
    hist = gan.fit(real, batch_size=8, epochs=2, verbose=0)
    assert sorted(hist.history) == ["d_loss", "g_loss"]
    assert all(np.isfinite(hist.history["d_loss"]))


def test_tf_keras_compiled_loss_and_compiled_metrics_forms():
    rec = TF2["guide"]

    class CustomModel(keras.Model):
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

    x, y, sw = data(11)
    inputs = keras.Input((3,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    seeded_weights(model, 12)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    hist = model.fit(x, y, sample_weight=sw, batch_size=4, epochs=2, shuffle=False, verbose=0)
    close_logs(hist.history, rec["history"])
    close(model.train_on_batch(x[:4], y[:4]), rec["train_on_batch"])
    close(model.test_on_batch(x, y), rec["test_on_batch"])
    close(model.evaluate(x, y, batch_size=4, verbose=0), rec["evaluate"])


# -- 3. several outputs ------------------------------------------------------------------------
def two_output_model():
    inputs = keras.Input((3,), name="x")
    hidden = keras.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    out_a = keras.layers.Dense(1, name="out_a")(hidden)
    out_b = keras.layers.Dense(2, name="out_b")(hidden)
    model = keras.Model(inputs, [out_a, out_b])
    seeded_weights(model, 6)
    return model


@pytest.mark.parametrize("form", ["dict", "list"])
def test_two_outputs_losses_metrics_and_weights(form):
    rec = K3[f"multi_output_{form}"]
    x, y, _ = data(4)
    y_b = np.random.default_rng(5).normal(size=(8, 2)).astype("float32")
    model = two_output_model()
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
    close_logs(hist.history, rec["history"])
    assert model.metrics_names == rec["metrics_names"]
    close(model.evaluate(x, targets, batch_size=4, verbose=0), rec["evaluate"])
    close_logs(model.evaluate(x, targets, batch_size=4, verbose=0, return_dict=True),
               rec["evaluate_dict"])


def test_unknown_output_name_in_y_is_a_clear_error():
    model = two_output_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y, _ = data(4)
    with pytest.raises(ValueError, match=r"\['out_c'\].*out_a"):
        model.fit(x, {"out_a": y, "out_c": y}, verbose=0)


# -- 4. finite generators ----------------------------------------------------------------------
def finite_generator_model():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    seeded_weights(model, 8)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def test_a_finite_generator_runs_to_its_end_then_training_stops():
    x, y, _ = data(7, n=12)
    model = finite_generator_model()
    gen = ((x[i:i + 4], y[i:i + 4]) for i in range(0, 12, 4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = model.fit(gen, epochs=3, verbose=0)
    # the first epoch reads all 3 batches, as Keras 3 and tf.keras 2 do
    close(hist.history["loss"][0], K3["finite_generator"]["history"]["loss"][0])
    close(hist.history["loss"][0], TF2["finite_generator"]["history"]["loss"][0])
    # then the generator is empty: Keras's warning, and training stops (tf.keras 2 stops too)
    assert len(hist.history["loss"]) == 1
    assert any(str(w.message) == K3["finite_generator"]["warnings"][0][:len(str(w.message))]
               for w in caught)


def test_an_epoch_of_unknown_length_shows_keras_unknown_total(monkeypatch):
    import io
    import sys

    from featherflow.utils import progbar

    x, y, _ = data(7, n=12)
    model = finite_generator_model()
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    monkeypatch.setattr(progbar, "dynamic_display", lambda stream=None: True)
    from featherflow.callbacks import progbar_logger

    monkeypatch.setattr(progbar_logger, "dynamic_display", lambda stream=None: True)
    model.fit(((x[i:i + 4], y[i:i + 4]) for i in range(0, 12, 4)), epochs=1, verbose=1)
    monkeypatch.undo()
    first = buf.getvalue().split("\n")[1]
    keras_line = K3["finite_generator"]["verbose1_stdout"]
    assert re.match(r"\r {6}1/Unknown ", keras_line)
    assert re.match(r"\r {6}1/Unknown ", first), repr(first)
    # the epoch's end shows the count it found, as Keras's last redraw does
    assert buf.getvalue().split("\r")[-1].startswith("3/3 ")


# -- training flag: tf.keras 2's rule ---------------------------------------------------------
def test_fit_runs_nested_layers_in_training_mode_when_call_has_no_training_argument():
    """Keras 3 drops training=True when the model's call has no training parameter (so a
    Dropout inside is silently off); featherflow follows tf.keras 2 and passes it on."""
    seen = []

    class Probe(keras.layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.probe = Probe()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(self.probe(x))

    model = Model()
    model.compile(optimizer="sgd", loss="mse")
    x, y, _ = data(0)
    model.fit(x, y, batch_size=8, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    model.train_on_batch(x, y)
    assert seen[1:] == [True, False, False, True]


def test_one_output_with_y_as_a_dict_keyed_by_its_name():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1, name="out")(inputs))
    model.compile(optimizer="sgd", loss={"out": "mse"}, metrics={"out": ["mae"]})
    x, y, _ = data(1)
    hist = model.fit(x, {"out": y}, batch_size=4, verbose=0)
    assert sorted(hist.history) == ["loss", "mae"]
    assert sorted(model.evaluate(x, {"out": y}, verbose=0, return_dict=True)) == ["loss", "mae"]


def test_on_batch_metrics_reset_unless_reset_metrics_is_false():
    x, y, _ = data(2)
    model = single_output_model()
    model.optimizer.learning_rate.assign(0.0)
    first = model.test_on_batch(x[:4], y[:4], return_dict=True)
    second = model.test_on_batch(x[4:], y[4:], return_dict=True)
    running = model.test_on_batch(x[:4], y[:4], return_dict=True, reset_metrics=False)
    assert first != second
    # equal batches: the running mean of the two is the mean of their values
    close(running["loss"], (second["loss"] + first["loss"]) / 2)
    model.train_on_batch(x[:4], y[:4])
    close(model.test_on_batch(x[:4], y[:4]), list(first.values()))
