"""keras.io guide "Making new layers and models via subclassing", as a learner types it.

Weights made in ``__init__`` and lazily in ``build``, non-trainable weights, layers of layers,
``add_loss`` in ``call`` (reset at each outermost call), ``get_config``/``from_config``, the
``training`` argument, a VAE-style Model trained with ``fit``, and the ``mask`` argument.
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


def set_fixed_weights(layer, seed):
    """Every weight drawn from a seeded NumPy generator, in the order ``layer.weights`` lists."""
    rng = np.random.default_rng(seed)
    for weight in layer.weights:
        weight.assign(rng.uniform(-0.5, 0.5, size=tuple(weight.shape)).astype("float32"))


def weight_counts(layer):
    return [len(layer.weights), len(layer.trainable_weights), len(layer.non_trainable_weights)]


# A layer with its weights made in __init__ (the input size is known up front).
class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal",
                                 trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


x = tf.ones((2, 2))
linear_layer = Linear(4, 2)
set_fixed_weights(linear_layer, 1)
y = linear_layer(x)
RESULTS["linear_output_sum"] = to_number(tf.reduce_sum(y))
RESULTS["linear_counts"] = weight_counts(linear_layer)
# The weights are tracked as they are set as attributes.
RESULTS["linear_weights_are_attributes"] = (linear_layer.weights[0] is linear_layer.w
                                            and linear_layer.weights[1] is linear_layer.b)


# Non-trainable weights: a running total.
class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(tf.reduce_sum(inputs, axis=0))
        return self.total


my_sum = ComputeSum(2)
x = tf.ones((2, 2))
my_sum(x)
total = my_sum(x)
RESULTS["compute_sum_total"] = [to_number(v) for v in np.asarray(total)]
RESULTS["compute_sum_counts"] = weight_counts(my_sum)


# Weights made lazily in build(), once the input shape is known.
class LazyLinear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


# Layers of layers: the outer layer tracks the weights of the inner ones.
class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = LazyLinear(32)
        self.linear_2 = LazyLinear(32)
        self.linear_3 = LazyLinear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = tf.nn.relu(x)
        x = self.linear_2(x)
        x = tf.nn.relu(x)
        return self.linear_3(x)


mlp = MLPBlock()
mlp(tf.ones(shape=(3, 64)))
set_fixed_weights(mlp, 2)
RESULTS["mlp_counts"] = weight_counts(mlp)
RESULTS["mlp_weight_shapes"] = [list(w.shape) for w in mlp.weights]
RESULTS["mlp_output_sum"] = to_number(tf.reduce_sum(mlp(tf.ones(shape=(3, 64)))))

# get_config / from_config of a custom layer.
lazy = LazyLinear(64, name="lazy_linear")
config = lazy.get_config()
RESULTS["config_units"] = config["units"]
RESULTS["config_name"] = config["name"]
RESULTS["config_keys"] = sorted(config)
new_layer = LazyLinear.from_config(config)
RESULTS["from_config_units"] = new_layer.units


# add_loss in call: the losses of the last outermost call.
class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


layer = OuterLayer()
RESULTS["losses_before_call"] = len(layer.losses)
layer(tf.constant([[1.0, 2.0], [3.0, 5.0]]))
RESULTS["losses_after_call"] = [to_number(v) for v in layer.losses]
layer(tf.constant([[4.0, 4.0], [4.0, 8.0]]))
# Still one loss: the one of the call above, not an accumulation.
RESULTS["losses_after_second_call"] = [to_number(v) for v in layer.losses]


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


layer = OuterLayerWithKernelRegularizer()
layer(tf.zeros((1, 2)))
set_fixed_weights(layer, 3)
layer(tf.zeros((1, 2)))
RESULTS["kernel_regularizer_losses"] = [to_number(v) for v in layer.losses]


# A training loop of our own adds the losses of the last forward pass to the main loss; they do
# not pile up from one step to the next.
loop_rng = np.random.default_rng(7)
x_loop = loop_rng.normal(size=(8, 2)).astype("float32")
y_loop = loop_rng.normal(size=(8, 1)).astype("float32")
model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(3, activation="tanh"),
    ActivityRegularizationLayer(1e-1),
    keras.layers.Dense(1),
])
set_fixed_weights(model, 8)
optimizer = keras.optimizers.SGD(learning_rate=0.1)
loss_fn = keras.losses.MeanSquaredError()
loop_losses = []
for _step in range(3):
    with tf.GradientTape() as tape:
        predictions = model(x_loop)
        loss_value = loss_fn(y_loop, predictions) + sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    loop_losses.append(to_number(loss_value))
RESULTS["training_loop_losses"] = loop_losses
RESULTS["training_loop_model_losses"] = [to_number(v) for v in model.losses]


# The training argument: a nested layer gets the value of the outermost call.
class CustomDropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seen_training = []

    def call(self, inputs, training=None):
        self.seen_training.append(training)
        if training:
            return tf.nn.dropout(inputs, rate=self.rate)
        return inputs


class Block(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dropout = CustomDropout(0.5)

    def call(self, inputs):
        return self.dropout(inputs)


block = Block()
ones = np.ones((4, 10), dtype="float32")
inference_out = block(ones, training=False)
training_out = np.asarray(block(ones, training=True))
# The last two calls (Keras 3 also makes a symbolic call of its own to build Block).
RESULTS["dropout_seen_training"] = [None if t is None else bool(t)
                                    for t in block.dropout.seen_training[-2:]]
RESULTS["dropout_inference_unchanged"] = bool(np.array_equal(np.asarray(inference_out), ones))
# Dropout keeps each value scaled by 1 / (1 - rate) or zeroes it.
RESULTS["dropout_training_values"] = sorted({round(float(v), 4) for v in training_out.ravel()})


# A VAE-style model: the KL term is added with add_loss in call and trained by fit. The
# guide's Sampling layer draws random noise; here the noise is a fixed second input.
class Encoder(keras.layers.Layer):
    def __init__(self, latent_dim=2, intermediate_dim=8, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = keras.layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = keras.layers.Dense(latent_dim)
        self.dense_log_var = keras.layers.Dense(latent_dim)

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_mean(x), self.dense_log_var(x)


class Decoder(keras.layers.Layer):
    def __init__(self, original_dim, intermediate_dim=8, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = keras.layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = keras.layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        return self.dense_output(self.dense_proj(inputs))


class VariationalAutoEncoder(keras.Model):
    def __init__(self, original_dim, intermediate_dim=8, latent_dim=2, name="autoencoder",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        x, epsilon = inputs
        z_mean, z_log_var = self.encoder(x)
        z = z_mean + tf.exp(0.5 * z_log_var) * epsilon
        reconstructed = self.decoder(z)
        kl_loss = -0.5 * tf.reduce_mean(z_log_var - tf.square(z_mean) - tf.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


vae_rng = np.random.default_rng(5)
original_dim = 6
x_train = vae_rng.uniform(0, 1, size=(32, original_dim)).astype("float32")
epsilon = vae_rng.normal(size=(32, 2)).astype("float32")
vae = VariationalAutoEncoder(original_dim, 8, 2)
vae((x_train[:1], epsilon[:1]))
set_fixed_weights(vae, 6)
RESULTS["vae_counts"] = weight_counts(vae)
vae.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
            loss=keras.losses.MeanSquaredError())
history = vae.fit((x_train, epsilon), x_train, batch_size=8, epochs=2, shuffle=False,
                  verbose=2)
RESULTS["vae_history"] = {k: [round(to_number(v), 7) for v in values]
                          for k, values in sorted(history.history.items())}
vae((x_train[:4], epsilon[:4]))
RESULTS["vae_losses_after_call"] = [to_number(v) for v in vae.losses]

# The mask argument: Embedding(mask_zero=True) fills it in for the next layer.
class MaskedMean(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        mask = tf.cast(mask, inputs.dtype)[:, :, None]
        return tf.reduce_sum(inputs * mask, axis=1) / tf.reduce_sum(mask, axis=1)

    def compute_mask(self, inputs, mask=None):
        # The time axis is averaged away, so no mask goes further.
        return None


ids = np.array([[3, 1, 0, 0], [2, 5, 7, 0]], dtype="int32")
embedding = keras.layers.Embedding(input_dim=8, output_dim=3, mask_zero=True)
embedding.build((None, 4))
set_fixed_weights(embedding, 4)
RESULTS["embedding_mask"] = np.asarray(embedding.compute_mask(ids)).astype(int).tolist()
# Called eagerly: the mask travels with the embedded tensor.
RESULTS["masked_mean_eager"] = np.round(
    np.asarray(MaskedMean()(embedding(ids))).astype("float64"), 6).tolist()
# In a Functional model: the mask travels along the graph.
sequence_inputs = keras.Input(shape=(4,), dtype="int32")
pooled = MaskedMean()(embedding(sequence_inputs))
masked_model = keras.Model(sequence_inputs, pooled)
masked_out = masked_model.predict(ids, verbose=0)
RESULTS["masked_mean_model"] = np.round(masked_out.astype("float64"), 6).tolist()

if __name__ == "__main__":
    for key, value in RESULTS.items():
        print(f"{key}: {value}")
