"""CIFAR-100: 50,000 + 10,000 uint8 colour images (32, 32, 3); 100 fine or 20 coarse labels."""

import os

import numpy as np

from featherflow import backend
from featherflow.datasets import safe_pickle, sources
from featherflow.utils import file_utils

FILE_NAME = "cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """``(x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode="fine")``."""
    if label_mode not in ["fine", "coarse"]:
        raise ValueError('cifar100.load_data: `label_mode` must be one of "fine", "coarse". '
                         f"Received: label_mode={label_mode}.")
    path = file_utils.get_file(fname="cifar-100-python-target",
                               origin=sources.origin(sources.TORONTO_CIFAR, FILE_NAME),
                               extract=True, file_hash=FILE_HASH)
    path = os.path.join(path, "cifar-100-python")
    label_key = f"{label_mode}_labels"
    x_train, y_train = safe_pickle.load_batch(os.path.join(path, "train"), label_key=label_key)
    x_test, y_test = safe_pickle.load_batch(os.path.join(path, "test"), label_key=label_key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
