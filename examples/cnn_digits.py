"""A small CNN reads scikit-learn's bundled 8x8 handwritten digits (no download needed).

Conv2D -> MaxPooling2D -> Conv2D -> Flatten -> Dropout -> Dense(softmax), trained with Adam
on 80% of the 1797 images; prints the accuracy on the other 20%.
"""

import numpy as np

import featherflow as tf

try:
    from sklearn.datasets import load_digits
except ImportError as err:  # pip install featherflow[sklearn]
    raise SystemExit(
        "This example needs scikit-learn's bundled digits: pip install featherflow[sklearn]"
    ) from err

tf.keras.utils.set_random_seed(0)

digits = load_digits()
x = (digits.images / 16.0).astype("float32")[..., None]  # (1797, 8, 8, 1), values in [0, 1]
y = digits.target

rng = np.random.default_rng(0)
order = rng.permutation(len(x))
cut = int(0.8 * len(x))
x_train, y_train = x[order[:cut]], y[order[:cut]]
x_test, y_test = x[order[cut:]], y[order[cut:]]

model = tf.keras.Sequential([
    tf.keras.Input(shape=(8, 8, 1)),
    tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dropout(0.25),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.summary()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=15, validation_split=0.1, verbose=2)

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy on {len(x_test)} unseen digits: {test_accuracy:.4f}")
