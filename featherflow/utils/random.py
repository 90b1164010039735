"""Seeds and the random generator every initializer, dropout and shuffle draws from."""

import random as _pyrandom

import numpy as np

_GEN = np.random.default_rng()


def set_random_seed(seed):
    """Seed featherflow, NumPy's global generator and Python's ``random`` (as Keras does).

    The same program with the same seed then gives bit-identical results.
    """
    global _GEN
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"set_random_seed: expected an integer seed, received {type(seed).__name__}."
        )
    seed = int(seed)
    _pyrandom.seed(seed)
    np.random.seed(seed % 2**32)
    _GEN = np.random.default_rng(seed)


def generator(seed=None):
    """The global generator, or a fresh one for an explicit ``seed``."""
    if seed is None:
        return _GEN
    return np.random.default_rng(int(seed))
