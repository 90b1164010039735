"""Iterators over a dataset: what ``iter(ds)`` and ``ds.as_numpy_iterator()`` return."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.errors import InvalidArgumentError, OutOfRangeError


class DatasetIterator:
    """One pass over a dataset, yielding featherflow Tensors (``tf.data.Iterator``)."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._it = dataset._iterate()

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return structure.to_tensors(next(self._it))

    def get_next(self):
        """The next element; ``tf.errors.OutOfRangeError`` at the end, as TF raises."""
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None

    def get_next_as_optional(self):
        """The next element as an :class:`Optional` (empty at the end)."""
        try:
            return Optional(next(self))
        except StopIteration:
            return Optional(None, has_value=False)

    def close(self):
        """Stop the pass now: background threads and open files are released."""
        close = getattr(self._it, "close", None)
        if close is not None:
            close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass


class NumpyIterator(DatasetIterator):
    """One pass over a dataset, yielding NumPy values (bytes for scalar strings)."""

    def __next__(self):
        return structure.to_user_numpy(next(self._it))

    def __repr__(self):
        return f"<NumpyIterator over {self._dataset!r}>"


class Optional:
    """A value that may be absent, as ``tf.experimental.Optional``."""

    def __init__(self, value, has_value=True):
        self._value = value
        self._has_value = has_value

    def has_value(self):
        return Tensor(np.array(self._has_value))

    def get_value(self):
        if not self._has_value:
            raise InvalidArgumentError("The Optional has no value.")
        return self._value
