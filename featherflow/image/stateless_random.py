"""The uniform values TF's ``tf.random.stateless_uniform`` draws for a seed pair (Philox).

The stateless image ops (``stateless_random_flip_left_right``, ``stateless_random_crop``,
``stateless_random_brightness``...) draw through these, so they pick the flips, windows and
factors TF picks for the same ``seed``. The seed pair is first mixed with TF's fixed key into
a Philox key and counter (``StatelessRandomGetKeyCounter``); each 32-bit sample then makes one
float32 from its 23 low bits, or one integer by a modulo of the range, as TF's kernels do.

Example::

    >>> uniform_floats([1, 2], 3, -1.0, 1.0)   # TF's stateless_uniform([3], [1, 2], -1, 1)
"""

import numpy as np

from featherflow.backend import stateless_random as _kernels


def uniform_bits(seed, count, op_name="stateless_uniform"):
    """The first ``count`` uint32 samples TF's stateless ops draw for ``seed``."""
    return _kernels.sample_bits(seed, count, op_name)


def uniform_floats(seed, count, minval=0.0, maxval=1.0, op_name="stateless_uniform"):
    """``stateless_uniform([count], seed, minval, maxval)`` in float32."""
    unit = _kernels.unit_float32(uniform_bits(seed, count, op_name))
    return np.float32(minval) + unit * (np.float32(maxval) - np.float32(minval))


def uniform_ints(seed, count, maxval, op_name="stateless_uniform"):
    """``stateless_uniform([count], seed, 0, maxval, dtype=int32)``."""
    return (uniform_bits(seed, count, op_name) % np.uint32(maxval)).astype(np.int32)
