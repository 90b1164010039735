"""The "Text classification with an RNN" tutorial's flow: a Sequential that starts with
TextVectorization (no Input), fit on a dataset of strings, then predict on raw strings given as
a NumPy array or a list. (Keras 3.15 fails on np.array([...]) of str with "Invalid dtype";
featherflow reads it, as tf_keras did.)"""

import numpy as np

import featherflow as tf


def test_sequential_starting_with_text_vectorization_predicts_raw_strings():
    texts = ["good movie", "bad film", "great plot", "awful acting"] * 8
    labels = np.array([1.0, 0.0, 1.0, 0.0] * 8, "float32")
    ds = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(8)
    encoder = tf.keras.layers.TextVectorization(max_tokens=50)
    encoder.adapt(ds.map(lambda text, label: text))
    model = tf.keras.Sequential([
        encoder,
        tf.keras.layers.Embedding(len(encoder.get_vocabulary()), 8, mask_zero=True),
        tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4)),
        tf.keras.layers.Dense(1)])
    model(tf.constant(["good movie"]))  # built by a call on 1-D strings: input (None,)
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), optimizer="adam")
    model.fit(ds, epochs=1, verbose=0)
    for x in (np.array(["good movie", "awful film"]), ["good movie", "awful film"],
              tf.constant(["good movie", "awful film"])):
        assert model.predict(x, verbose=0).shape == (2, 1)
