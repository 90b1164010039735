"""keras.io guide "Customizing what happens in fit()", its tf.keras 2 version.

``self.compiled_loss(y, y_pred, regularization_losses=self.losses)``,
``self.compiled_metrics.update_state(y, y_pred)`` and
``self.optimizer.apply_gradients(zip(gradients, trainable_vars))``; the lower-level variant
with its own metrics; sample weights; a custom ``test_step``. tools/keras_fixtures/guides.py
runs this same file with ``import tensorflow as tf`` / ``import tf_keras as keras``
(tf.keras 2) and records ``RESULTS`` under tests/fixtures/keras/guides/.
"""

import numpy as np

import featherflow as tf
from featherflow import keras

RESULTS = {}


def to_number(value):
    """A tensor, variable or NumPy value as a Python float (for RESULTS and printing)."""
    return float(np.asarray(value.numpy() if hasattr(value, "numpy") else value))


def set_fixed_weights(model, seed):
    """Every weight drawn from a seeded NumPy generator, in the order ``model.weights`` lists."""
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.assign(rng.uniform(-0.5, 0.5, size=tuple(weight.shape)).astype("float32"))


def history_numbers(history):
    return {key: [round(to_number(v), 7) for v in values]
            for key, values in sorted(history.history.items())}


data_rng = np.random.default_rng(12)
x = data_rng.uniform(-1, 1, size=(64, 4)).astype("float32")
y = (x @ np.array([[1.0], [0.5], [-0.75], [0.0]], dtype="float32")
     + 0.1 * data_rng.normal(size=(64, 1)).astype("float32"))
sw = data_rng.uniform(0.2, 1.0, size=(64,)).astype("float32")


def make_inputs_outputs():
    inputs = keras.Input(shape=(4,))
    # An L2 penalty, so regularization_losses=self.losses has something to add.
    hidden = keras.layers.Dense(8, activation="tanh",
                                kernel_regularizer=keras.regularizers.l2(0.01))(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    return inputs, outputs


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs, outputs = make_inputs_outputs()
model = CustomModel(inputs, outputs)
set_fixed_weights(model, 1)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=2)
RESULTS["compiled_loss_history"] = history_numbers(history)
RESULTS["compiled_loss_weights_sum"] = sum(float(np.sum(w)) for w in model.get_weights())


# Lower level: our own loss tracker and metric, listed by a `metrics` property so that fit
# resets them at each epoch; compile is given only the optimizer.
loss_tracker = keras.metrics.Mean(name="loss")
mae_metric = keras.metrics.MeanAbsoluteError(name="mae")


class LowLevelModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        loss_tracker.update_state(loss)
        mae_metric.update_state(y, y_pred)
        return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

    @property
    def metrics(self):
        return [loss_tracker, mae_metric]


inputs, outputs = make_inputs_outputs()
model = LowLevelModel(inputs, outputs)
set_fixed_weights(model, 2)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=2)
RESULTS["low_level_history"] = history_numbers(history)


class WeightedModel(keras.Model):
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
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


inputs, outputs = make_inputs_outputs()
model = WeightedModel(inputs, outputs)
set_fixed_weights(model, 3)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
history = model.fit(x, y, sample_weight=sw, batch_size=16, epochs=2, shuffle=False, verbose=2)
RESULTS["sample_weight_history"] = history_numbers(history)


class EvalModel(keras.Model):
    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs, outputs = make_inputs_outputs()
model = EvalModel(inputs, outputs)
set_fixed_weights(model, 4)
model.compile(loss="mse", metrics=["mae"])
evaluated = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
RESULTS["test_step_evaluate"] = {k: to_number(v) for k, v in sorted(evaluated.items())}

if __name__ == "__main__":
    for key, value in RESULTS.items():
        print(f"{key}: {value}")
