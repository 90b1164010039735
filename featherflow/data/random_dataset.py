"""``Dataset.random`` / ``tf.data.experimental.RandomDataset``: an infinite dataset of random
int64 scalars, the same numbers as TensorFlow's.

TensorFlow's kernel gives one 32-bit Philox sample per element (so every value is in
``[0, 2**32)``), from Philox seeded with the dataset's ``(seed, seed2)`` (``get_seed``, as
``shuffle``'s). With ``rerandomize_each_iteration=True`` every new iterator takes its own
pair from a seed generator, as a reshuffling ``shuffle`` does; otherwise every pass repeats
the same numbers. Without any seed the numbers come from the operating system's randomness.

Example::

    >>> list(tf.data.Dataset.random(seed=42).take(2).as_numpy_iterator())
    [2985944072, 4132877644]
"""

import numpy as np

from featherflow.backend.philox import PhiloxStream
from featherflow.data import seeds as seed_rules
from featherflow.data import structure
from featherflow.data.dataset import INFINITE, Dataset


class RandomDataset(Dataset):
    """Random int64 scalars forever (``tf.data.experimental.RandomDataset``)."""

    def __init__(self, seed=None, rerandomize_each_iteration=None, name=None):
        super().__init__(name=name)
        seed, seed2 = seed_rules.dataset_seeds(seed)
        self._seeds = seed_rules.SeedGenerator(seed, seed2, bool(rerandomize_each_iteration))

    def _compute_cardinality(self):
        return INFINITE

    def _compute_spec(self):
        return structure.TensorSpec((), "int64")

    def _iterate(self):
        stream = PhiloxStream(*self._seeds.next_seeds())
        while True:
            for sample in stream.take(256).tolist():
                yield np.array(sample, dtype=np.int64)
