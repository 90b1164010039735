"""Reading digit strings from a signal with CTC: a recurrent model learns where digits are.

Each digit 0-9 has a fixed signal shape (a few frames of 12 channels); a sample strings 1 to 4
digits together, each stretched to 2 or 3 frames, separated by short pauses, in noise. Nobody
tells the model which frames belong to which digit: the CTC loss sums over every alignment of
the label to the frames. A bidirectional GRU reads the frames and a softmax layer gives, per
frame, the probabilities of the 10 digits and of the CTC "blank" (the last class, as Keras 2's
``ctc_batch_cost`` expects). ``ctc_decode`` then turns the per-frame probabilities into digits.
"""

import numpy as np

import featherflow as tf

tf.keras.utils.set_random_seed(0)

FRAMES, CHANNELS, DIGITS, BLANK = 28, 12, 10, 10
MAX_LEN = 4
shapes = np.random.default_rng(42).normal(size=(DIGITS, 3, CHANNELS))


def render(labels, rng):
    """One noisy signal (FRAMES, CHANNELS) for a list of digits."""
    signal = rng.normal(scale=0.3, size=(FRAMES, CHANNELS))
    t = int(rng.integers(0, 3))
    for d in labels:
        width = int(rng.integers(2, 4))
        frames = shapes[d, [0, 1, 2][:width] if width == 3 else [0, 2]]
        signal[t:t + width] += frames
        t += width + int(rng.integers(1, 3))  # a pause, so repeated digits stay apart
    return signal


def make_data(n, rng):
    x = np.zeros((n, FRAMES, CHANNELS), np.float32)
    y = np.full((n, MAX_LEN), -1, np.int32)  # labels padded with -1
    for i in range(n):
        labels = rng.integers(0, DIGITS, size=int(rng.integers(1, MAX_LEN + 1)))
        x[i] = render(labels, rng)
        y[i, :len(labels)] = labels
    return x, y


def ctc_loss(y_true, y_pred):
    """Keras 2 style: per-sample CTC cost; the label length is the count of labels >= 0."""
    labels = np.asarray(y_true)
    label_length = np.sum(labels >= 0, axis=1, keepdims=True)
    input_length = np.full((len(labels), 1), FRAMES)
    return tf.keras.backend.ctc_batch_cost(labels, y_pred, input_length, label_length)


rng = np.random.default_rng(1)
x_train, y_train = make_data(1500, rng)
x_test, y_test = make_data(200, rng)

model = tf.keras.Sequential([
    tf.keras.Input((FRAMES, CHANNELS)),
    tf.keras.layers.Bidirectional(tf.keras.layers.GRU(32, return_sequences=True)),
    tf.keras.layers.Dense(DIGITS + 1, activation="softmax"),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss=ctc_loss)
model.summary()
history = model.fit(x_train, y_train, batch_size=32, epochs=6, verbose=2)

probs = model.predict(x_test, verbose=0)
decoded, _ = tf.keras.backend.ctc_decode(probs, np.full(len(probs), FRAMES))
decoded = decoded[0].numpy()[:, :MAX_LEN]
accuracy = float(np.mean(np.all(decoded == y_test, axis=1)))
print(f"test sequences read exactly: {accuracy:.1%}")
for truth, guess in zip(y_test[:5], decoded[:5]):
    print("label", truth[truth >= 0], "read", guess[guess >= 0])

beams, log_probs = tf.keras.backend.ctc_decode(probs[:5], np.full(5, FRAMES), greedy=False,
                                               beam_width=10, top_paths=2)
print("best two readings of the first signal:", beams[0].numpy()[0][beams[0].numpy()[0] >= 0],
      beams[1].numpy()[0][beams[1].numpy()[0] >= 0], "log-probabilities", log_probs.numpy()[0])
