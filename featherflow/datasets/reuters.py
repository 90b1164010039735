"""Reuters newswires: 11,228 word-index sequences labelled with one of 46 topics."""

import json

import numpy as np

from featherflow.datasets import safe_pickle, sources, word_sequences
from featherflow.utils import file_utils

FILE_NAME = "reuters.npz"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_FILE_NAME = "reuters_word_index.json"
WORD_INDEX_FILE_HASH = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
               "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
               "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed",
               "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
               "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange",
               "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """``(x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)``."""
    path = file_utils.get_file(path, origin=sources.origin(sources.KERAS_DATASETS, FILE_NAME),
                               file_hash=FILE_HASH)
    arrays = safe_pickle.load_npz(path)
    xs, labels = arrays["x"], arrays["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    xs = word_sequences.offset_words(xs, start_char, index_from)
    if maxlen:
        xs, labels = word_sequences.remove_long_seq(maxlen, xs, labels)
    xs = word_sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    split = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:split], dtype="object"), np.array(labels[:split])),
            (np.array(xs[split:], dtype="object"), np.array(labels[split:])))


def get_word_index(path="reuters_word_index.json"):
    """The dict word -> index (before ``index_from`` is added) of the Reuters sequences."""
    path = file_utils.get_file(
        path, origin=sources.origin(sources.KERAS_DATASETS, WORD_INDEX_FILE_NAME),
        file_hash=WORD_INDEX_FILE_HASH)
    with open(path) as stream:
        return json.load(stream)


def get_label_names():
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
