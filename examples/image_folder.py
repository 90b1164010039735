"""The "Load and preprocess images" tutorial's path, on a folder of images made here.

Writes 60 PNG files of horizontal and vertical stripes into ``stripes/<class>/``, loads them
with ``tf.keras.utils.image_dataset_from_directory`` (a seeded 80/20 split, as the tutorial),
scales them in a ``map``, caches and prefetches, and trains a small CNN on them.
"""

import os
import tempfile

import numpy as np

import featherflow as tf


def make_folder(root, per_class=30, size=24):
    rng = np.random.default_rng(0)
    for label in ("horizontal", "vertical"):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(per_class):
            period = rng.integers(3, 7)
            stripes = (np.arange(size) // period) % 2 * 200 + 30
            image = np.repeat(stripes[:, None], size, axis=1)
            if label == "vertical":
                image = image.T
            noisy = np.clip(image + rng.normal(0, 20, image.shape), 0, 255).astype(np.uint8)
            rgb = np.repeat(noisy[..., None], 3, axis=-1)
            tf.io.write_file(os.path.join(root, label, f"{i:03d}.png"), tf.io.encode_png(rgb))


def main(root=None):
    tf.keras.utils.set_random_seed(0)
    root = root or os.path.join(tempfile.mkdtemp(), "stripes")
    make_folder(root)
    train_ds, val_ds = tf.keras.utils.image_dataset_from_directory(
        root, validation_split=0.2, subset="both", seed=123, image_size=(24, 24),
        batch_size=8)
    class_names = train_ds.class_names
    print("classes:", class_names)
    for images, labels in train_ds.take(1):
        print("batch:", images.shape, labels.shape)

    def scale(x, y):
        return x / 255.0, y

    train_ds = train_ds.map(scale).cache().prefetch(tf.data.AUTOTUNE)
    val_ds = val_ds.map(scale).cache().prefetch(tf.data.AUTOTUNE)
    model = tf.keras.Sequential([
        tf.keras.Input((24, 24, 3)),
        tf.keras.layers.Conv2D(8, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(len(class_names)),
    ])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(train_ds, validation_data=val_ds, epochs=8, verbose=2)
    accuracy = history.history["val_accuracy"][-1]
    print(f"validation accuracy: {accuracy:.2f}")
    return {"class_names": class_names, "val_accuracy": accuracy}


if __name__ == "__main__":
    main()
