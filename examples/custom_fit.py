"""keras.io guide "Customizing what happens in fit()" (Keras 3 version), as a learner types it.

A Model subclass overriding ``train_step`` (``compute_loss``, ``optimizer.apply``, the
``self.metrics`` loop), the lower-level variant with its own loss tracker and ``metrics``
property, sample weights, a custom ``test_step`` and a small GAN. Weights, data and the GAN's
noise are fixed NumPy arrays so the numbers are comparable with real Keras:
tools/keras_fixtures/guides.py runs this same file with ``import tensorflow as tf`` /
``import keras`` and records ``RESULTS`` under tests/fixtures/keras/guides/.
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
        shape = tuple(weight.shape)
        weight.assign(rng.uniform(-0.5, 0.5, size=shape).astype("float32"))


def history_numbers(history):
    return {key: [round(to_number(v), 7) for v in values]
            for key, values in sorted(history.history.items())}


data_rng = np.random.default_rng(11)
x = data_rng.uniform(-1, 1, size=(64, 4)).astype("float32")
y = (x @ np.array([[0.5], [-1.0], [2.0], [0.25]], dtype="float32")
     + 0.1 * data_rng.normal(size=(64, 1)).astype("float32"))
sw = data_rng.uniform(0.2, 1.0, size=(64,)).astype("float32")


def make_inputs_outputs():
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="tanh")(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    return inputs, outputs


# 1) The first example: train_step with compute_loss and the compiled metrics.
class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs, outputs = make_inputs_outputs()
model = CustomModel(inputs, outputs)
set_fixed_weights(model, 1)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=2)
RESULTS["compute_loss_history"] = history_numbers(history)
RESULTS["compute_loss_weights_sum"] = sum(float(np.sum(w)) for w in model.get_weights())


# 2) Going lower-level: our own loss tracker and metric, listed by a `metrics` property so
#    that fit resets them at the start of each epoch.
loss_tracker = keras.metrics.Mean(name="loss")
mae_metric = keras.metrics.MeanAbsoluteError(name="mae")


class LowLevelModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
            loss = tf.reduce_mean(loss)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        loss_tracker.update_state(loss)
        mae_metric.update_state(y, y_pred)
        return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

    @property
    def metrics(self):
        return [loss_tracker, mae_metric]


inputs, outputs = make_inputs_outputs()
model = LowLevelModel(inputs, outputs)
set_fixed_weights(model, 2)
# No loss and no metrics given to compile: the train step does it all.
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=2)
RESULTS["low_level_history"] = history_numbers(history)
RESULTS["low_level_metric_names"] = [m.name for m in model.metrics]


# 3) Sample weights: fit passes (x, y, sample_weight) when it is given one.
class WeightedModel(keras.Model):
    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


inputs, outputs = make_inputs_outputs()
model = WeightedModel(inputs, outputs)
set_fixed_weights(model, 3)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
history = model.fit(x, y, sample_weight=sw, batch_size=16, epochs=2, shuffle=False, verbose=2)
RESULTS["sample_weight_history"] = history_numbers(history)


# 4) A custom test_step, used by evaluate.
class EvalModel(keras.Model):
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


inputs, outputs = make_inputs_outputs()
model = EvalModel(inputs, outputs)
set_fixed_weights(model, 4)
model.compile(loss="mse", metrics=["mae"])
evaluated = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
RESULTS["test_step_evaluate"] = {k: to_number(v) for k, v in sorted(evaluated.items())}


# 5) A GAN on tiny 4x4 "images" (flattened to 16 values). The guide draws its latent vectors
#    with keras.random; here fit is given them as y, so both frameworks see the same noise.
latent_dim = 3
discriminator = keras.Sequential(
    [keras.Input(shape=(16,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)],
    name="discriminator",
)
generator = keras.Sequential(
    [keras.Input(shape=(latent_dim,)), keras.layers.Dense(8, activation="relu"),
     keras.layers.Dense(16, activation="sigmoid")],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
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

    def train_step(self, data):
        real_images, random_latent_vectors = data
        batch_size = tf.shape(real_images)[0]
        generated_images = self.generator(random_latent_vectors)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        # 1 for fake, 0 for real, as in the guide.
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        misleading_labels = tf.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


set_fixed_weights(discriminator, 5)
set_fixed_weights(generator, 6)
gan_rng = np.random.default_rng(7)
real_images = gan_rng.uniform(0, 1, size=(32, 16)).astype("float32")
noise = gan_rng.normal(size=(32, latent_dim)).astype("float32")
gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.001),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.001),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
history = gan.fit(real_images, noise, batch_size=8, epochs=2, shuffle=False, verbose=2)
RESULTS["gan_history"] = history_numbers(history)
RESULTS["gan_generator_weights_sum"] = sum(float(np.sum(w)) for w in generator.get_weights())
RESULTS["gan_discriminator_weights_sum"] = sum(
    float(np.sum(w)) for w in discriminator.get_weights())

if __name__ == "__main__":
    for key, value in RESULTS.items():
        print(f"{key}: {value}")
