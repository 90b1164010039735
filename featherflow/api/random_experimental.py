"""``tf.random.experimental``: TF's Generator API and stateless helpers under their
experimental names (the same objects as ``tf.random.Generator``, ``tf.random.split``...),
plus ``index_shuffle`` and ``stateless_shuffle`` with TF's values.

    >>> tf.random.experimental.index_shuffle(3, [5, 8], 9)     # TF: 1
    >>> tf.random.experimental.stateless_shuffle(tf.range(5), seed=[1, 2])
"""

import numpy as np

from featherflow.api.core_more import random_index_shuffle
from featherflow.api.random import stateless_shuffle
from featherflow.api.random_generator import (
    Algorithm,
    Generator,
    create_rng_state,
    get_global_generator,
    set_global_generator,
)
from featherflow.api.random_generator import fold_in as stateless_fold_in
from featherflow.api.random_generator import split as stateless_split
from featherflow.autodiff.tensor import as_array

__all__ = ["Algorithm", "Generator", "create_rng_state", "get_global_generator",
           "index_shuffle", "set_global_generator", "stateless_fold_in", "stateless_shuffle",
           "stateless_split"]

# TF pads the user's shape-[2] seed to the raw op's 3 words with this constant in front.
_SEED_PAD = 498247692


def index_shuffle(index, seed, max_index):
    """Where ``index`` goes in the permutation of ``[0, max_index]`` the shape-[2] ``seed``
    picks (4 rounds), as TF: the seed is padded in front with TF's constant to the 3 words
    ``tf.random_index_shuffle`` takes."""
    seeds = np.asarray(as_array(seed))
    padded = np.pad(seeds, [(1, 0)] + [(0, 0)] * (seeds.ndim - 1), constant_values=_SEED_PAD)
    return random_index_shuffle(index, padded, max_index, rounds=4)
