"""MNIST digits: 60,000 + 10,000 uint8 images of shape (28, 28) with uint8 labels 0-9."""

import numpy as np

from featherflow.datasets import sources
from featherflow.utils import file_utils

FILE_NAME = "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test) = mnist.load_data()``; cached under ``path``."""
    path = file_utils.get_file(fname=path, origin=sources.origin(sources.KERAS_DATASETS, FILE_NAME),
                               file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as arrays:
        return ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"]))
