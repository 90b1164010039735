"""``tf.data``: input pipelines of datasets, as TensorFlow's.

Example::

    >>> ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)
    >>> model.fit(ds, epochs=3)
"""

import importlib

from featherflow.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from featherflow.data.iterator import DatasetIterator as Iterator
from featherflow.data.iterator import IteratorSpec, NumpyIterator
from featherflow.data.options import Options, ThreadingOptions
from featherflow.data.structure import TensorSpec

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN

# Names whose modules load on first use (file readers pull in optional packages).
_LAZY = {
    "TFRecordDataset": ("featherflow.data.tfrecord_dataset", "TFRecordDataset"),
    "TextLineDataset": ("featherflow.data.text_line", "TextLineDataset"),
    "FixedLengthRecordDataset": ("featherflow.data.fixed_length",
                                 "FixedLengthRecordDataset"),
    "DatasetSpec": ("featherflow.data.nested", "DatasetSpec"),
    "experimental": ("featherflow.data.experimental", None),
}


def __getattr__(name):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'featherflow.data' has no attribute {name!r}")
    module = importlib.import_module(target[0])
    value = module if target[1] is None else getattr(module, target[1])
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["AUTOTUNE", "Dataset", "INFINITE_CARDINALITY", "Iterator", "IteratorSpec",
           "NumpyIterator", "Options",
           "TensorSpec", "ThreadingOptions", "UNKNOWN_CARDINALITY", *_LAZY]
