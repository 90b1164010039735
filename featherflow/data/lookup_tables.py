"""Lookup tables filled from a dataset: ``tf.data.experimental.DatasetInitializer``,
``table_from_dataset`` and ``index_table_from_dataset``.

``DatasetInitializer(dataset)`` takes a dataset of ``(key, value)`` scalar pairs and fills
a ``tf.lookup.StaticHashTable`` with them (the pass runs when the table is made).
``table_from_dataset`` makes that table (``default_value``; with ``num_oov_buckets`` a
``StaticVocabularyTable``, whose unknown keys hash to the ids after the vocabulary, as TF's
``IdTableWithHashBuckets`` with the fast hasher). ``index_table_from_dataset`` maps each key
of a dataset of keys to its position.

Example::

    >>> keys = tf.data.Dataset.from_tensor_slices(["b", "a", "c"])
    >>> tf.data.experimental.index_table_from_dataset(keys).lookup(tf.constant(["a"]))
    <tf.Tensor: shape=(1,), dtype=int64, numpy=array([1])>
"""

import numpy as np

from featherflow.api import lookup
from featherflow.data import structure


class DatasetInitializer(lookup.KeyValueTensorInitializer):
    """A table initializer reading ``(key, value)`` pairs from a dataset."""

    def __init__(self, dataset):
        spec = dataset.element_spec
        if not isinstance(spec, tuple) or len(spec) != 2 or not all(
                isinstance(s, structure.TensorSpec) and s._shape == () for s in spec):
            raise TypeError(
                f"DatasetInitializer: the dataset must have elements of two scalars (key, "
                f"value), its element_spec is {spec!r}. Map it to pairs first "
                "(dataset.map(lambda x: (key, value))).")
        keys, values = [], []
        for key, value in dataset._iterate():
            keys.append(key)
            values.append(value)
        super().__init__(_stack(keys, spec[0]), _stack(values, spec[1]),
                         key_dtype=spec[0].dtype, value_dtype=spec[1].dtype)
        self.dataset = dataset


def _stack(items, spec):
    if spec.dtype.name == "string":
        out = np.empty(len(items), object)
        out[:] = [a.item() for a in items]
        return out
    return np.asarray(items).reshape(-1)


def table_from_dataset(dataset=None, num_oov_buckets=0, vocab_size=None, default_value=None,
                       hasher_spec=None, key_dtype="string", name=None):
    """A table of the ``(key, value)`` pairs of ``dataset``."""
    if vocab_size is not None:
        dataset = dataset.take(vocab_size)
    initializer = DatasetInitializer(dataset)
    if num_oov_buckets:
        return lookup.StaticVocabularyTable(initializer, num_oov_buckets, name=name)
    return lookup.StaticHashTable(initializer, -1 if default_value is None else default_value,
                                  name=name)


def index_table_from_dataset(dataset=None, num_oov_buckets=0, vocab_size=None,
                             default_value=-1, hasher_spec=None, key_dtype="string", name=None):
    """A table from each key of ``dataset`` (scalars) to its position (int64)."""
    pairs = dataset.enumerate().map(lambda index, key: (key, index))
    return table_from_dataset(pairs, num_oov_buckets, vocab_size, default_value, hasher_spec,
                              key_dtype, name)
