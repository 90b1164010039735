"""``tf.shape``, ``tf.rank`` and ``tf.size``: the shape of a tensor as a value."""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, operand


def shape(input, out_type=np.int32, name=None):
    """The shape as an int32 Tensor (``tf.shape``)."""
    if state.probe is not None:
        state.probe.touch(input)
    return Tensor(np.asarray(np.shape(data(operand(input))), dtype=out_type))


def rank(input, name=None):
    """The number of axes as a scalar int32 Tensor (``tf.rank``)."""
    if state.probe is not None:
        state.probe.touch(input)
    return Tensor(np.asarray(np.ndim(data(operand(input))), dtype=np.int32))


def size(input, out_type=np.int32, name=None):
    """The number of elements as a scalar Tensor (``tf.size``)."""
    if state.probe is not None:
        state.probe.touch(input)
    return Tensor(np.asarray(np.size(data(operand(input))), dtype=out_type))
