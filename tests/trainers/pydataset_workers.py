"""PyDatasets for test_pydataset.py's worker-process test: spawned workers import their class
from here (a class defined inside a test function cannot be pickled by reference)."""

import os

import numpy as np

import featherflow as tf


def _data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(10, 3)).astype("float32")
    y = rng.normal(size=(10, 1)).astype("float32")
    return x, y


X, Y = _data()


class ProcessBatches(tf.keras.utils.PyDataset):
    """The three batches of test_pydataset.Batches."""

    def __len__(self):
        return 3

    def __getitem__(self, i):
        s = slice(i * 4, (i + 1) * 4)
        return X[s], Y[s]


class PidBatches(tf.keras.utils.PyDataset):
    """Batches that say which process made them."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return (np.array([[os.getpid(), i]], dtype="float64"),)
