"""Where the data sets come from: Keras's origins, or a mirror named by an environment variable.

``FEATHERFLOW_DATASETS_MIRROR=http://host/path`` makes every data set download
``http://host/path/<file name>`` instead of Keras's URL (the same file names and hashes apply,
so the mirror must hold the published files).
"""

import os

MIRROR_VARIABLE = "FEATHERFLOW_DATASETS_MIRROR"
KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
TORONTO_CIFAR = "https://www.cs.toronto.edu/~kriz/"


def origin(base, file_name):
    """The URL of ``file_name``: ``base + file_name``, or under the mirror when one is set."""
    mirror = os.environ.get(MIRROR_VARIABLE)
    if mirror:
        return mirror.rstrip("/") + "/" + file_name
    return base + file_name
