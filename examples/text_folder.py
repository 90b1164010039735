"""The "Basic text classification" tutorial's path, on a folder of reviews made here.

Writes 120 short movie reviews into ``reviews/<neg|pos>/`` (no download), loads them with
``tf.keras.utils.text_dataset_from_directory`` (a seeded 80/20 split, as the tutorial), turns
the texts into padded word indices in a ``map``, caches and prefetches, and trains
Embedding + GlobalAveragePooling1D + Dense on them.

The tutorial vectorizes with ``tf.keras.layers.TextVectorization``; featherflow does not have
that layer yet, so this uses ``tf.keras.preprocessing.text.Tokenizer`` inside
``tf.py_function``. It will switch to TextVectorization once that layer lands.
"""

import os
import re
import tempfile

import numpy as np

import featherflow as tf

NEUTRAL = ["the", "movie", "film", "plot", "actors", "was", "and", "a", "it", "story",
           "really", "very", "ending", "scenes", "music", "of", "this", "I", "thought"]
POSITIVE = ["great", "wonderful", "loved", "excellent", "superb", "fun", "brilliant", "moving"]
NEGATIVE = ["awful", "boring", "hated", "terrible", "dull", "waste", "poor", "clumsy"]
MAX_FEATURES = 64
SEQUENCE_LENGTH = 24


def make_folder(root, per_class=60):
    rng = np.random.default_rng(0)
    for label, opinion in (("neg", NEGATIVE), ("pos", POSITIVE)):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(per_class):
            words = list(rng.choice(NEUTRAL, rng.integers(6, 14))) + list(
                rng.choice(opinion, rng.integers(1, 4)))
            rng.shuffle(words)
            words[0] = words[0].capitalize()
            half = len(words) // 2
            review = " ".join(words[:half]) + ". <br /><br />" + " ".join(words[half:]) + "!"
            with open(os.path.join(root, label, f"{i:03d}.txt"), "w") as file:
                file.write(review)


def main(root=None, epochs=15):
    tf.keras.utils.set_random_seed(0)
    root = root or os.path.join(tempfile.mkdtemp(), "reviews")
    make_folder(root)
    raw_train_ds = tf.keras.utils.text_dataset_from_directory(
        root, batch_size=16, validation_split=0.2, subset="training", seed=42)
    raw_val_ds = tf.keras.utils.text_dataset_from_directory(
        root, batch_size=16, validation_split=0.2, subset="validation", seed=42)
    class_names = raw_train_ds.class_names
    print("classes:", class_names)
    for text_batch, label_batch in raw_train_ds.take(1):
        print("review:", text_batch.numpy()[0].decode("utf-8"))
        print("label:", int(label_batch.numpy()[0]))

    def standardize(text):
        # As the tutorial's custom_standardization: lower case, no HTML line breaks.
        return re.sub(r"<br\s*/?>", " ", text.decode("utf-8").lower())

    tokenizer = tf.keras.preprocessing.text.Tokenizer(num_words=MAX_FEATURES,
                                                      oov_token="[UNK]")
    train_text = raw_train_ds.map(lambda x, y: x)
    tokenizer.fit_on_texts(standardize(t) for batch in train_text for t in batch.numpy())
    print("vocabulary size:", len(tokenizer.word_index))

    def vectorize(texts):
        sequences = tokenizer.texts_to_sequences([standardize(t) for t in texts.numpy()])
        return tf.keras.utils.pad_sequences(sequences, maxlen=SEQUENCE_LENGTH,
                                            padding="post", truncating="post")

    def vectorize_text(text, label):
        return tf.py_function(vectorize, [text], tf.int32), label

    ids, labels = vectorize_text(text_batch, label_batch)
    print("batch:", ids.shape, labels.shape)
    print("vectorized review:", ids.numpy()[0].tolist())
    train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(tf.data.AUTOTUNE)
    val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(tf.data.AUTOTUNE)

    model = tf.keras.Sequential([
        tf.keras.Input((SEQUENCE_LENGTH,)),
        tf.keras.layers.Embedding(MAX_FEATURES, 16),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.GlobalAveragePooling1D(),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.02),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0)])
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=2)
    loss, accuracy = model.evaluate(val_ds, verbose=0)
    print(f"validation loss: {loss:.3f}  accuracy: {accuracy:.2f}")
    return {"class_names": class_names, "val_accuracy": accuracy,
            "history": history.history}


if __name__ == "__main__":
    main()
