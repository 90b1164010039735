"""The "Basic text classification" tutorial's path, on a folder of reviews made here.

Writes 120 short movie reviews into ``reviews/<neg|pos>/`` (no download), loads them with
``tf.keras.utils.text_dataset_from_directory`` (a seeded 80/20 split, as the tutorial), turns
the texts into padded word indices in a ``map``, caches and prefetches, trains
Embedding + GlobalAveragePooling1D + Dense on them and exports a model that takes raw text.

``vectorizer="text_vectorization"`` is the tutorial's ``tf.keras.layers.TextVectorization``
with its custom standardization; ``vectorizer="tokenizer"`` is the older tf.keras 2 way,
``tf.keras.preprocessing.text.Tokenizer`` inside ``tf.py_function``.
"""

import os
import re
import string
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


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


def text_vectorization(raw_train_ds):
    vectorize_layer = tf.keras.layers.TextVectorization(
        standardize=custom_standardization, max_tokens=MAX_FEATURES, output_mode="int",
        output_sequence_length=SEQUENCE_LENGTH)
    vectorize_layer.adapt(raw_train_ds.map(lambda x, y: x))
    print("vocabulary size:", len(vectorize_layer.get_vocabulary()))

    def vectorize_text(text, label):
        return vectorize_layer(tf.expand_dims(text, -1)), label

    return vectorize_layer, vectorize_text


def tokenizer_vectorization(raw_train_ds):
    def standardize(text):
        # custom_standardization in Python: lower case, no HTML line breaks (the Tokenizer's
        # filters drop the punctuation).
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

    # A Python function in the pipeline cannot go inside an exported model.
    return None, vectorize_text


def main(root=None, epochs=15, vectorizer="text_vectorization"):
    if vectorizer not in ("text_vectorization", "tokenizer"):
        raise ValueError(f'vectorizer must be "text_vectorization" or "tokenizer"; received '
                         f"{vectorizer!r}.")
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

    if vectorizer == "text_vectorization":
        vectorize_layer, vectorize_text = text_vectorization(raw_train_ds)
    else:
        vectorize_layer, vectorize_text = tokenizer_vectorization(raw_train_ds)
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
    result = {"class_names": class_names, "val_accuracy": accuracy,
              "history": history.history}
    if vectorize_layer is not None:
        # The tutorial's "Export the model": raw strings in, probabilities out.
        export_model = tf.keras.Sequential(
            [vectorize_layer, model, tf.keras.layers.Activation("sigmoid")])
        export_model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=False),
                             optimizer="adam", metrics=["accuracy"])
        _, result["export_accuracy"] = export_model.evaluate(raw_val_ds, verbose=0)
        examples = ["A wonderful film, I loved the music!", "Boring and dull, a waste."]
        # The tutorial calls export_model.predict(examples); featherflow's predict does not
        # take raw strings yet, so the model is called on them directly.
        result["export_predictions"] = export_model(tf.constant(examples)).numpy()[:, 0]
        print("exported model accuracy:", round(result["export_accuracy"], 2))
        print("predictions:", [round(float(p), 2) for p in result["export_predictions"]])
    return result


if __name__ == "__main__":
    main()
