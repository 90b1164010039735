"""IMDB movie reviews: 25,000 + 25,000 word-index sequences with 0/1 sentiment labels."""

import json

import numpy as np

from featherflow.datasets import safe_pickle, sources, word_sequences
from featherflow.utils import file_utils

FILE_NAME = "imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_FILE_NAME = "imdb_word_index.json"
WORD_INDEX_FILE_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """``(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)``.

    Sequences come back as object arrays of lists, shuffled with ``RandomState(seed)`` (train
    first, then test, from one generator), offset by ``index_from`` after ``start_char``.
    """
    path = file_utils.get_file(fname=path, origin=sources.origin(sources.KERAS_DATASETS, FILE_NAME),
                               file_hash=FILE_HASH)
    arrays = safe_pickle.load_npz(path)
    x_train, labels_train = arrays["x_train"], arrays["y_train"]
    x_test, labels_test = arrays["x_test"], arrays["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    x_train = word_sequences.offset_words(x_train, start_char, index_from)
    x_test = word_sequences.offset_words(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = word_sequences.remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = word_sequences.remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"imdb.load_data: after filtering for sequences shorter than "
                             f"maxlen={maxlen}, no sequence was kept. Increase maxlen.")
    xs = word_sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    split = len(x_train)
    return ((np.array(xs[:split], dtype="object"), labels[:split]),
            (np.array(xs[split:], dtype="object"), labels[split:]))


def get_word_index(path="imdb_word_index.json"):
    """The dict word -> index (before ``index_from`` is added) of the IMDB sequences."""
    path = file_utils.get_file(
        fname=path, origin=sources.origin(sources.KERAS_DATASETS, WORD_INDEX_FILE_NAME),
        file_hash=WORD_INDEX_FILE_HASH)
    with open(path) as stream:
        return json.load(stream)
