"""``Dataset.unique``: every distinct element once, in the order first seen."""

import numpy as np

from featherflow.autodiff.tensor import dtype_name
from featherflow.data import structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError

_ALLOWED = (np.dtype(np.int32), np.dtype(np.int64), np.dtype(object))


class UniqueDataset(Dataset):
    """The input's elements without repeats (the first of each kept, in order).

    Example::

        >>> ds = tf.data.Dataset.from_tensor_slices([1, 3, 1, 2, 3]).unique()
        >>> [int(x) for x in ds]
        [1, 3, 2]

    As TensorFlow: the elements must be single ``tf.int32``, ``tf.int64`` or ``tf.string``
    tensors (of any shape: two elements are the same when shape and values are); every
    distinct element seen is remembered for the whole pass.
    """

    def __init__(self, input_dataset, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        spec = input_dataset.element_spec
        if not isinstance(spec, structure.TensorSpec):
            raise InvalidArgumentError(
                "unique: the elements must be single tensors; the input's are "
                f"{structure.describe_structure(spec)}. Map them to one tensor first.")
        if spec.dtype not in _ALLOWED:
            raise TypeError(
                f"unique: elements of dtype {dtype_name(spec.dtype)} cannot be compared for "
                "repeats; it takes tf.int32, tf.int64 or tf.string elements (tf.cast them "
                "first).")

    def _compute_spec(self):
        return self._input.element_spec

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        seen = set()
        it = self._input._iterate()
        try:
            for element in it:
                key = (element.shape, tuple(element.reshape(-1).tolist()))
                if key not in seen:
                    seen.add(key)
                    yield element
        finally:
            getattr(it, "close", lambda: None)()
