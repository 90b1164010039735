"""``tf.keras.preprocessing.text``: the Keras 1 text helpers, re-exported."""

from featherflow.utils.text_tokenizer import (
    Tokenizer,
    hashing_trick,
    one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)

__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence",
           "tokenizer_from_json"]
