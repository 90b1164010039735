"""The custom training loop of TF's tutorial "Custom training with tf.distribute.Strategy",
shared by the MPI worker (tests/distribute/workers/ctl.py) and the one-process reference."""

import numpy as np

GLOBAL_BATCH = 8
N_SAMPLES = 33  # 4 full global batches, then 1 row: on 2 ranks the last shards are [1, 0]
EPOCHS = 3


def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(N_SAMPLES, 5)).astype(np.float32)
    y = rng.integers(0, 3, size=(N_SAMPLES,)).astype(np.int32)
    return x, y


def build(tf, seed):
    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential([
        tf.keras.Input((5,)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(3),
    ])
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.05)
    return model, optimizer


def train(tf, strategy, model, optimizer):
    """Run the loop; return the per-step global losses (every rank gets the same)."""
    x, y = data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH)
    dist_dataset = strategy.experimental_distribute_dataset(dataset)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="none")

    def compute_loss(labels, predictions):
        per_example_loss = loss_object(labels, predictions)
        return tf.nn.compute_average_loss(per_example_loss, global_batch_size=GLOBAL_BATCH)

    def train_step(inputs):
        images, labels = inputs
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = compute_loss(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    losses = []
    for _ in range(EPOCHS):
        for batch in dist_dataset:
            per_replica_loss = strategy.run(train_step, args=(batch,))
            losses.append(float(strategy.reduce(
                tf.distribute.ReduceOp.SUM, per_replica_loss, axis=None).numpy()))
    return losses
