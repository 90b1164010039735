"""``tf.nn.dropout``: zero elements at random and scale the rest."""

import numpy as np

from featherflow.ops._convert import data, float_operand
from featherflow.ops.math import multiply


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    from featherflow.utils import random as random_utils

    x = float_operand(x)
    rate = float(data(rate))
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), received {rate}.")
    shape = np.shape(data(x)) if noise_shape is None else tuple(int(v) for v in noise_shape)
    keep = (random_utils.generator(seed).random(shape) >= rate).astype(data(x).dtype) / (1 - rate)
    return multiply(x, keep)
