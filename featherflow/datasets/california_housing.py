"""California housing prices: 20,640 rows of 8 features ("small" keeps the first 600)."""

import numpy as np

from featherflow.datasets import regression_split, sources
from featherflow.utils import file_utils

FILE_NAME = "california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test) = california_housing.load_data()``."""
    regression_split.check_test_split(test_split)
    path = file_utils.get_file(path, origin=sources.origin(sources.KERAS_DATASETS, FILE_NAME),
                               file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as arrays:
        x, y = arrays["x"], arrays["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError("california_housing.load_data: argument `version` must be one of "
                         f"'small', 'large'. Received: version={version}")
    return regression_split.shuffle_split(x, y, test_split, seed)
