"""Boston housing prices: 506 rows of 13 features, median value in $1000s."""

import numpy as np

from featherflow.datasets import regression_split, sources
from featherflow.utils import file_utils

FILE_NAME = "boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.2)``."""
    regression_split.check_test_split(test_split)
    path = file_utils.get_file(path, origin=sources.origin(sources.KERAS_DATASETS, FILE_NAME),
                               file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as arrays:
        x, y = arrays["x"], arrays["y"]
    return regression_split.shuffle_split(x, y, test_split, seed)
