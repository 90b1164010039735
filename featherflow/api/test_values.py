"""What ``tf.test.TestCase.evaluate`` gives for composite tensors: TF's value classes with
NumPy components, and the helpers the assertions use to recognise them."""

import collections

import numpy as np

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])
IndexedSlicesValue = collections.namedtuple("IndexedSlicesValue",
                                            ["values", "indices", "dense_shape"])


class RaggedTensorValue:
    """A RaggedTensor's value: NumPy ``values`` (or a nested RaggedTensorValue) and
    ``row_splits``; ``to_list()`` gives the nested Python lists."""

    def __init__(self, values, row_splits):
        self.values = values
        self.row_splits = row_splits

    @property
    def flat_values(self):
        values = self.values
        while isinstance(values, RaggedTensorValue):
            values = values.values
        return values

    @property
    def dtype(self):
        return self.flat_values.dtype

    def to_list(self):
        inner = (self.values.to_list() if isinstance(self.values, RaggedTensorValue)
                 else self.values.tolist())
        return [inner[start:stop] for start, stop in zip(self.row_splits[:-1],
                                                          self.row_splits[1:])]

    def __repr__(self):
        return f"tf.RaggedTensorValue(values={self.values!r}, row_splits={self.row_splits!r})"


def is_tensor_like(value):
    return hasattr(value, "numpy") and callable(value.numpy)


def is_ragged(value):
    return type(value).__name__ == "RaggedTensor" or isinstance(value, RaggedTensorValue)


def as_list(value):
    """Nested Python lists of a ragged value (a RaggedTensor or its evaluated value)."""
    if is_ragged(value):
        return value.to_list()
    if is_tensor_like(value):
        value = value.numpy()
    return value.tolist() if isinstance(value, np.ndarray) else value
