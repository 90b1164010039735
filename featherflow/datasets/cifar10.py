"""CIFAR-10: 50,000 + 10,000 uint8 colour images (32, 32, 3) in 10 classes, labels (N, 1)."""

import os

import numpy as np

from featherflow import backend
from featherflow.datasets import safe_pickle, sources
from featherflow.utils import file_utils

FILE_NAME = "cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """``(x_train, y_train), (x_test, y_test) = cifar10.load_data()``.

    Keras copies the five training batches into a preallocated (50000, ...) array; here they
    are concatenated, which gives the same arrays on the published files.
    """
    path = file_utils.get_file(fname="cifar-10-batches-py-target",
                               origin=sources.origin(sources.TORONTO_CIFAR, FILE_NAME),
                               extract=True, file_hash=FILE_HASH)
    path = os.path.join(path, "cifar-10-batches-py")
    batches = [safe_pickle.load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches]).astype("uint8")
    y_train = np.concatenate([np.asarray(labels) for _, labels in batches]).astype("uint8")
    x_test, y_test = safe_pickle.load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
