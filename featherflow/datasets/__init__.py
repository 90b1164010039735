"""Bundled data sets, as ``keras.datasets``: ``tf.keras.datasets.mnist.load_data()``.

Each module downloads its files with ``keras.utils.get_file`` on the first ``load_data`` call
(nothing is fetched at import). ``FEATHERFLOW_DATASETS_MIRROR`` replaces the origins' base URL.
"""

from featherflow.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist",
           "imdb", "mnist", "reuters"]
