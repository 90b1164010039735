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

from featherflow.autodiff.tensor import Tensor
from featherflow.backend.philox import philox_blocks

_MIXING_KEY = (0x3EC8F720, 0x02461E29)
_MASK64 = (1 << 64) - 1


def _seed_pair(seed, op_name):
    pair = np.asarray(seed.data if isinstance(seed, Tensor) else seed).reshape(-1)
    if pair.size != 2 or pair.dtype.kind not in "iu":
        raise ValueError(f"{op_name}: 'seed' must be a shape [2] integer Tensor; received "
                         f"{pair.tolist()}.")
    return int(pair[0]) & _MASK64, int(pair[1]) & _MASK64


def uniform_bits(seed, count, op_name="stateless_uniform"):
    """The first ``count`` uint32 samples TF's stateless ops draw for ``seed``."""
    first, second = _seed_pair(seed, op_name)
    mixed = philox_blocks(_MIXING_KEY, (first & 0xFFFFFFFF, first >> 32, second & 0xFFFFFFFF,
                                        second >> 32), 1)[0]
    blocks = philox_blocks((mixed[0], mixed[1]), (0, 0, mixed[2], mixed[3]), -(-count // 4))
    return blocks.reshape(-1)[:count]


def uniform_floats(seed, count, minval=0.0, maxval=1.0, op_name="stateless_uniform"):
    """``stateless_uniform([count], seed, minval, maxval)`` in float32."""
    bits = uniform_bits(seed, count, op_name)
    unit = ((bits & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    return np.float32(minval) + unit * (np.float32(maxval) - np.float32(minval))


def uniform_ints(seed, count, maxval, op_name="stateless_uniform"):
    """``stateless_uniform([count], seed, 0, maxval, dtype=int32)``."""
    return (uniform_bits(seed, count, op_name) % np.uint32(maxval)).astype(np.int32)
