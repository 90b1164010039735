"""Seeds and the random generator every initializer, dropout and shuffle draws from."""

import random as _pyrandom

import numpy as np

_GEN = np.random.default_rng()

# TensorFlow's eager global seed and the generator of the operation seeds it hands to random ops
# created without one (``tf.data``'s shuffle): both are reset by every ``set_random_seed``.
_GLOBAL_SEED = None
_OPERATION_SEEDS = None
_MAXINT32 = 2**31 - 1

# TF eager caches one kernel per random op and seed pair; a stateful kernel's Philox stream
# continues across calls until set_seed clears the caches. Here: (op, dtype, seed, seed2) ->
# the Philox blocks that kernel has reserved so far (see featherflow/api/random.py).
KERNEL_OFFSETS = {}


def set_random_seed(seed):
    """Seed featherflow, NumPy's global generator and Python's ``random`` (as Keras does).

    The same program with the same seed then gives bit-identical results.
    """
    global _GEN, _GLOBAL_SEED, _OPERATION_SEEDS
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"set_random_seed: expected an integer seed, received {type(seed).__name__}."
        )
    seed = int(seed)
    _pyrandom.seed(seed)
    np.random.seed(seed % 2**32)
    _GEN = np.random.default_rng(seed % 2**64)  # TF takes negative global seeds too
    _GLOBAL_SEED = seed
    # TF eager draws operation seeds from Python's generator seeded with the global seed.
    _OPERATION_SEEDS = _pyrandom.Random(seed)
    KERNEL_OFFSETS.clear()


def clear_global_seed():
    """Forget the global seed (``tf.random.set_seed(None)``): ops without a seed of their
    own draw fresh randomness again."""
    global _GEN, _GLOBAL_SEED, _OPERATION_SEEDS
    _GEN = np.random.default_rng()
    _GLOBAL_SEED = None
    _OPERATION_SEEDS = None
    KERNEL_OFFSETS.clear()


def global_seed():
    """The seed of the last ``set_random_seed`` (``tf.random.set_seed``), or None."""
    return _GLOBAL_SEED


def internal_operation_seed():
    """The next operation seed TF eager gives a random op made without one after
    ``tf.random.set_seed``: the same numbers for the same global seed, in the same order."""
    if _OPERATION_SEEDS is None:
        raise ValueError(
            "internal_operation_seed: no global seed is set; call tf.random.set_seed first.")
    return _OPERATION_SEEDS.randint(0, _MAXINT32)


def generator(seed=None):
    """The global generator, or a fresh one for an explicit ``seed``."""
    if seed is None:
        return _GEN
    return np.random.default_rng(int(seed))
