"""Fine-tuning MobileNetV2 on a folder of images, as the keras.io guide "Transfer learning &
fine-tuning" and TensorFlow's "Transfer learning with a pretrained ConvNet" tutorial do it.

The folder (``stripes/<class>/*.png``: horizontal and vertical stripes on noise) is generated
here and read with ``tf.keras.utils.image_dataset_from_directory``; augmentation layers
(RandomFlip, RandomRotation) run inside the model. No internet: the base loads a stand-in
weights file made here (seeded kernels, BatchNormalization statistics measured on the images:
``stand_in_weights``), or a file you pass (``main(weights="my.weights.h5")``, e.g. the
``weights="imagenet"`` file a Keras install cached in ``~/.keras/models/``, at 32x32 with
alpha 0.35: ``mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5``; Keras
warns that it was trained at 224x224). Then, as in the guide:

1. ``base.trainable = False``; the base is called with ``training=False`` so its
   BatchNormalization layers stay in inference mode; a new head is trained.
2. The top layers of the base are unfrozen (``layer.trainable = True`` from ``fine_tune_at``
   on), the model is recompiled with a 10x lower learning rate and trained again; only the
   unfrozen weights change (BatchNormalization's moving statistics still do not).

The stand-in weights carry no knowledge, so the validation accuracy stays near chance here
(0.5-0.67 in a few epochs); the point is the procedure, which is the same with real weights.
"""

import os
import tempfile

import numpy as np

import featherflow as tf

IMAGE_SIZE = (32, 32)


def make_folder(root, per_class=24, size=32):
    """Horizontal and vertical stripes (random period and phase) on noise, as PNG files."""
    rng = np.random.default_rng(0)
    for label in ("horizontal", "vertical"):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(per_class):
            period, phase = rng.integers(4, 9), rng.integers(0, 8)
            stripes = ((np.arange(size) + phase) // (period // 2)) % 2 * 160 + 40
            image = np.repeat(stripes[:, None], size, axis=1)
            if label == "vertical":
                image = image.T
            image = image[..., None] * rng.uniform(0.6, 1.0, size=3)
            image = np.clip(image + rng.normal(0, 25, image.shape), 0, 255).astype(np.uint8)
            tf.io.write_file(os.path.join(root, label, f"{i:03d}.png"), tf.io.encode_png(image))


def stand_in_weights(path, images, alpha=0.35):
    """A weights file standing in for ``weights="imagenet"`` (no internet here): MobileNetV2's
    seeded initial kernels, with each BatchNormalization's moving mean and variance set to the
    statistics of ``images`` (one call in training mode with momentum 0), so the frozen base
    passes a signal through in inference mode (with untouched statistics it fades to ~1e-11
    by ``out_relu``)."""
    base = tf.keras.applications.MobileNetV2(input_shape=IMAGE_SIZE + (3,), alpha=alpha,
                                             include_top=False, weights=None)
    norms = [la for la in base.layers if isinstance(la, tf.keras.layers.BatchNormalization)]
    for layer in norms:
        layer.momentum = 0.0
    base(tf.keras.applications.mobilenet_v2.preprocess_input(images), training=True)
    base.save_weights(path)
    return path


def weights_of(layers):
    return [w.numpy().copy() for layer in layers for w in layer.weights]


def changed(before, layers):
    return [not np.array_equal(b, a) for b, a in zip(before, weights_of(layers))]


def main(root=None, weights=None, head_epochs=3, fine_tune_epochs=2, fine_tune_at=100):
    tf.keras.utils.set_random_seed(0)
    root = root or os.path.join(tempfile.mkdtemp(), "stripes")
    make_folder(root)
    train_ds, val_ds = tf.keras.utils.image_dataset_from_directory(
        root, validation_split=0.25, subset="both", seed=123, image_size=IMAGE_SIZE,
        batch_size=8)
    class_names = train_ds.class_names
    train_ds = train_ds.cache().prefetch(tf.data.AUTOTUNE)
    val_ds = val_ds.cache().prefetch(tf.data.AUTOTUNE)
    if weights is None:
        images = np.concatenate([x.numpy() for x, _ in train_ds])
        weights = stand_in_weights(os.path.join(os.path.dirname(root), "base.weights.h5"),
                                   images)

    # flips and small rotations keep the stripes' direction (the label)
    data_augmentation = tf.keras.Sequential([
        tf.keras.layers.RandomFlip("horizontal"),
        tf.keras.layers.RandomRotation(0.1),
    ], name="data_augmentation")
    base = tf.keras.applications.MobileNetV2(input_shape=IMAGE_SIZE + (3,), alpha=0.35,
                                             include_top=False, weights=weights)
    base.trainable = False
    print("trainable weights of the frozen base:", len(base.trainable_weights))

    inputs = tf.keras.Input(shape=IMAGE_SIZE + (3,))
    x = data_augmentation(inputs)
    x = tf.keras.applications.mobilenet_v2.preprocess_input(x)  # [0, 255] -> [-1, 1]
    x = base(x, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = tf.keras.layers.Dense(1)(x)
    model = tf.keras.Model(inputs, outputs)

    base_learning_rate = 1e-3
    model.compile(optimizer=tf.keras.optimizers.Adam(base_learning_rate),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(name="accuracy")])
    print("trainable weights, head only:", len(model.trainable_weights))
    base_before = weights_of(base.layers)
    history = model.fit(train_ds, validation_data=val_ds, epochs=head_epochs, verbose=2)
    base_unchanged = not any(changed(base_before, base.layers))
    print("base unchanged while frozen:", base_unchanged)

    # fine-tuning: unfreeze the top of the base, recompile with a lower learning rate
    base.trainable = True
    for layer in base.layers[:fine_tune_at]:
        layer.trainable = False
    model.compile(optimizer=tf.keras.optimizers.RMSprop(base_learning_rate / 10),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(name="accuracy")])
    print("trainable weights, top of the base unfrozen:", len(model.trainable_weights))
    frozen, unfrozen = base.layers[:fine_tune_at], base.layers[fine_tune_at:]
    frozen_before = weights_of(frozen)
    kernels_before = {w.path: w.numpy().copy() for layer in unfrozen
                      for w in layer.trainable_weights}
    moving_before = {w.path: w.numpy().copy() for layer in unfrozen
                     for w in layer.non_trainable_weights}
    fine = model.fit(train_ds, validation_data=val_ds, epochs=head_epochs + fine_tune_epochs,
                     initial_epoch=history.epoch[-1] + 1, verbose=2)
    after = {w.path: w for layer in unfrozen for w in layer.weights}
    result = {
        "class_names": class_names,
        "base_trainable_when_frozen": 0,
        "base_unchanged_while_frozen": base_unchanged,
        "frozen_unchanged_in_fine_tuning": not any(changed(frozen_before, frozen)),
        "unfrozen_changed": sum(not np.array_equal(v, after[k].numpy())
                                for k, v in kernels_before.items()),
        "unfrozen_trainable": len(kernels_before),
        "moving_statistics_unchanged": all(np.array_equal(v, after[k].numpy())
                                           for k, v in moving_before.items()),
        "val_accuracy": fine.history["val_accuracy"][-1],
        "epochs": history.epoch + fine.epoch,
    }
    print(f"validation accuracy after fine-tuning: {result['val_accuracy']:.2f}")
    return result


if __name__ == "__main__":
    main()
