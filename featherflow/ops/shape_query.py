"""``tf.shape``, ``tf.rank`` and ``tf.size``: the shape of a tensor as a value."""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, operand


def shape(input, out_type=np.int32, name=None):
    """The shape as an int32 Tensor (``tf.shape``); a SparseTensor's dense shape."""
    if type(input).__name__ == "SparseTensor":
        return Tensor(input.dense_shape.data.astype(out_type))
    if state.probe is not None:
        state.probe.touch(input)
    return Tensor(np.asarray(np.shape(data(operand(input))), dtype=out_type))


def rank(input, name=None):
    """The number of axes as a scalar int32 Tensor (``tf.rank``)."""
    if type(input).__name__ == "SparseTensor":
        return Tensor(np.asarray(input.dense_shape.data.shape[0], dtype=np.int32))
    if state.probe is not None:
        state.probe.touch(input)
    return Tensor(np.asarray(np.ndim(data(operand(input))), dtype=np.int32))


def size(input, out_type=np.int32, name=None):
    """The number of elements as a scalar Tensor (``tf.size``); a SparseTensor's dense
    size."""
    if type(input).__name__ == "SparseTensor":
        return Tensor(np.asarray(np.prod(input.dense_shape.data), dtype=out_type))
    if state.probe is not None:
        state.probe.touch(input)
    return Tensor(np.asarray(np.size(data(operand(input))), dtype=out_type))
