"""keras.io guide "Transfer learning & fine-tuning", as a learner types it.

No pretrained weights here: the "base model" is a small conv net with BatchNormalization whose
weights come from a seeded NumPy generator. Freezing (``trainable = False``, also nested),
``base(inputs, training=False)``, training the head, unfreezing and fine-tuning with a low
learning rate (BatchNormalization stays in inference mode), and feature extraction with
``Model(base.input, base.get_layer(...).output)``. tools/keras_fixtures/guides.py runs this
same file with ``import tensorflow as tf`` / ``import keras`` and records ``RESULTS``.
"""

import numpy as np

import featherflow as tf
from featherflow import keras

RESULTS = {}


def to_number(value):
    """A tensor, variable or NumPy value as a Python float (for RESULTS and printing)."""
    return float(np.asarray(value.numpy() if hasattr(value, "numpy") else value))


def set_fixed_weights(model, seed):
    """Every weight from a seeded NumPy generator (variances positive), in ``weights`` order."""
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        shape = tuple(weight.shape)
        if "variance" in weight.name:
            value = rng.uniform(0.5, 1.5, size=shape)
        else:
            value = rng.uniform(-0.5, 0.5, size=shape)
        weight.assign(value.astype("float32"))


def weight_counts(model):
    return [len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights)]


def history_numbers(history):
    return {key: [round(to_number(v), 7) for v in values]
            for key, values in sorted(history.history.items())}


# Layers and their `trainable` attribute: a Dense layer's weights move between the lists.
layer = keras.layers.Dense(3)
layer.build((None, 4))
RESULTS["dense_counts"] = weight_counts(layer)
layer.trainable = False
RESULTS["dense_frozen_counts"] = weight_counts(layer)

# BatchNormalization has two trainable and two non-trainable weights.
bn_layer = keras.layers.BatchNormalization()
bn_layer.build((None, 4))
RESULTS["bn_counts"] = weight_counts(bn_layer)

# A frozen BatchNormalization runs in inference mode even when called with training=True, and
# its moving statistics do not move.
bn_rng = np.random.default_rng(3)
bn_x = bn_rng.normal(1.0, 2.0, size=(8, 4)).astype("float32")
bn_layer.trainable = False
bn_frozen_out = bn_layer(bn_x, training=True)
RESULTS["bn_frozen_output_sum"] = to_number(tf.reduce_sum(bn_frozen_out))
RESULTS["bn_frozen_moving_mean_sum"] = to_number(tf.reduce_sum(bn_layer.moving_mean))
bn_layer.trainable = True
bn_train_out = bn_layer(bn_x, training=True)
RESULTS["bn_training_output_sum"] = to_number(tf.reduce_sum(tf.square(bn_train_out)))
RESULTS["bn_training_moving_mean_sum"] = to_number(tf.reduce_sum(bn_layer.moving_mean))

# In a model trained with fit, a frozen BatchNormalization also stays in inference mode, even
# though fit calls the model with training on.
frozen_bn_model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(4, name="dense_in"),
    keras.layers.BatchNormalization(name="frozen_bn"),
    keras.layers.Dense(1, name="dense_out"),
])
set_fixed_weights(frozen_bn_model, 24)
frozen_bn = frozen_bn_model.get_layer("frozen_bn")
frozen_bn.trainable = False
RESULTS["frozen_bn_model_counts"] = weight_counts(frozen_bn_model)
frozen_bn_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
bn_targets = bn_rng.normal(size=(8, 1)).astype("float32")
history = frozen_bn_model.fit(bn_x, bn_targets, batch_size=4, epochs=2, shuffle=False,
                              verbose=0)
RESULTS["frozen_bn_fit_history"] = history_numbers(history)
RESULTS["frozen_bn_fit_moving_mean_sum"] = to_number(tf.reduce_sum(frozen_bn.moving_mean))
RESULTS["frozen_bn_fit_moving_variance_sum"] = to_number(
    tf.reduce_sum(frozen_bn.moving_variance))
RESULTS["frozen_bn_fit_gamma_sum"] = to_number(tf.reduce_sum(frozen_bn.gamma))

# The base model: conv, batch norm, pooling.
base_inputs = keras.Input(shape=(6, 6, 1))
features = keras.layers.Conv2D(4, 3, name="conv")(base_inputs)
features = keras.layers.BatchNormalization(name="bn")(features)
features = keras.layers.Activation("relu", name="relu")(features)
features = keras.layers.GlobalAveragePooling2D(name="pool")(features)
base_model = keras.Model(base_inputs, features, name="base_model")
set_fixed_weights(base_model, 21)
RESULTS["base_counts"] = weight_counts(base_model)

RESULTS["bn_moving_mean_sum_before_training"] = to_number(
    tf.reduce_sum(base_model.get_layer("bn").moving_mean))

base_model.trainable = False
RESULTS["base_frozen_counts"] = weight_counts(base_model)
# Freezing a model freezes every layer inside it.
RESULTS["base_layers_trainable_when_frozen"] = [layer.trainable for layer in base_model.layers[1:]]

# The new model on top; training=False keeps the base's BatchNormalization in inference mode,
# even after the base is unfrozen for fine-tuning.
inputs = keras.Input(shape=(6, 6, 1))
x = base_model(inputs, training=False)
outputs = keras.layers.Dense(1, name="head")(x)
model = keras.Model(inputs, outputs)
set_fixed_weights(model.get_layer("head"), 22)
RESULTS["model_frozen_counts"] = weight_counts(model)

data_rng = np.random.default_rng(23)
images = data_rng.uniform(0, 1, size=(32, 6, 6, 1)).astype("float32")
labels = (images.mean(axis=(1, 2, 3)) > 0.5).astype("float32").reshape(-1, 1)

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
history = model.fit(images, labels, batch_size=8, epochs=2, shuffle=False, verbose=2)
RESULTS["head_history"] = history_numbers(history)
RESULTS["head_bn_moving_mean_sum"] = to_number(
    tf.reduce_sum(base_model.get_layer("bn").moving_mean))
RESULTS["head_kernel_sum"] = to_number(tf.reduce_sum(model.get_layer("head").kernel))
RESULTS["frozen_conv_kernel_sum"] = to_number(
    tf.reduce_sum(base_model.get_layer("conv").kernel))

# Fine-tuning: unfreeze the base, recompile (so the change is taken into account), low rate.
base_model.trainable = True
RESULTS["model_unfrozen_counts"] = weight_counts(model)
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
history = model.fit(images, labels, batch_size=8, epochs=2, shuffle=False, verbose=2)
RESULTS["fine_tune_history"] = history_numbers(history)
bn = base_model.get_layer("bn")
RESULTS["fine_tune_conv_kernel_sum"] = to_number(
    tf.reduce_sum(base_model.get_layer("conv").kernel))
RESULTS["fine_tune_bn_gamma_sum"] = to_number(tf.reduce_sum(bn.gamma))
RESULTS["fine_tune_bn_moving_mean_sum"] = to_number(tf.reduce_sum(bn.moving_mean))
RESULTS["fine_tune_bn_moving_variance_sum"] = to_number(tf.reduce_sum(bn.moving_variance))

# Feature extraction from an inner layer of the base.
extractor = keras.Model(base_model.input, base_model.get_layer("bn").output)
extracted = extractor.predict(images[:4], verbose=0)
RESULTS["extractor_output_shape"] = list(extracted.shape)
RESULTS["extractor_output_sum"] = float(np.sum(extracted))

# The same workflow with a training loop of our own: freeze the base, train a new head.
base_model.trainable = False
inputs = keras.Input(shape=(6, 6, 1))
x = base_model(inputs, training=False)
outputs = keras.layers.Dense(1, name="loop_head")(x)
loop_model = keras.Model(inputs, outputs)
set_fixed_weights(loop_model.get_layer("loop_head"), 25)
loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=0.01)
loop_losses = []
for start in range(0, 32, 8):
    batch_images, batch_labels = images[start:start + 8], labels[start:start + 8]
    with tf.GradientTape() as tape:
        predictions = loop_model(batch_images, training=True)
        loss_value = loss_fn(batch_labels, predictions)
    gradients = tape.gradient(loss_value, loop_model.trainable_weights)
    optimizer.apply_gradients(zip(gradients, loop_model.trainable_weights))
    loop_losses.append(to_number(loss_value))
RESULTS["loop_trainable_count"] = len(loop_model.trainable_weights)
RESULTS["loop_losses"] = loop_losses
RESULTS["loop_head_kernel_sum"] = to_number(
    tf.reduce_sum(loop_model.get_layer("loop_head").kernel))
RESULTS["loop_bn_moving_mean_sum"] = to_number(tf.reduce_sum(bn.moving_mean))

if __name__ == "__main__":
    for key, value in RESULTS.items():
        print(f"{key}: {value}")
