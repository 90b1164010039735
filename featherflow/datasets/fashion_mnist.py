"""Fashion-MNIST: 60,000 + 10,000 uint8 images (28, 28) of 10 clothing classes (IDX gzip)."""

import gzip
import os

import numpy as np

from featherflow.datasets import sources
from featherflow.utils import file_utils

FILE_NAMES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
              "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
# IDX headers: magic + one size for labels (8 bytes), magic + three sizes for images (16 bytes).
LABEL_HEADER_BYTES = 8
IMAGE_HEADER_BYTES = 16


def _read(path, offset):
    with gzip.open(path, "rb") as stream:
        return np.frombuffer(stream.read(), np.uint8, offset=offset)


def load_data():
    """``(x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()``."""
    cache_subdir = os.path.join("datasets", "fashion-mnist")
    paths = [file_utils.get_file(name, origin=sources.origin(sources.KERAS_DATASETS, name),
                                 cache_subdir=cache_subdir) for name in FILE_NAMES]
    y_train = _read(paths[0], LABEL_HEADER_BYTES)
    x_train = _read(paths[1], IMAGE_HEADER_BYTES).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], LABEL_HEADER_BYTES)
    x_test = _read(paths[3], IMAGE_HEADER_BYTES).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
