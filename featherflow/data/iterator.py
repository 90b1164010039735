"""Iterators over a dataset: what ``iter(ds)`` and ``ds.as_numpy_iterator()`` return.

An iterator can be saved in a ``tf.train.Checkpoint``: its state is how many elements it
has produced, and restoring starts a fresh pass and skips that many, so a deterministic
pipeline resumes where it was saved (TensorFlow saves its C++ iterator's buffers instead).
"""

import itertools
import json

from featherflow.data import structure
from featherflow.data.optional import Optional
from featherflow.errors import InvalidArgumentError, OutOfRangeError


class DatasetIterator:
    """One pass over a dataset, yielding featherflow Tensors (``tf.data.Iterator``)."""

    _STATE_FORMAT = "featherflow-iterator-1"

    def __init__(self, dataset):
        self._dataset = dataset
        self._it = dataset._iterate()
        self._produced = 0

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        value = next(self._it)
        self._produced += 1
        return structure.to_tensors(value)

    def get_next(self):
        """The next element; ``tf.errors.OutOfRangeError`` at the end, as TF raises."""
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None

    def get_next_as_optional(self):
        """The next element as a ``tf.experimental.Optional`` (empty at the end)."""
        spec = self.element_spec
        try:
            return Optional(next(self), True, spec)
        except StopIteration:
            return Optional.empty(spec)

    @property
    def _type_spec(self):
        return IteratorSpec(self.element_spec)

    def _checkpoint_state(self):
        """The state ``tf.train.Checkpoint`` saves (JSON text)."""
        return json.dumps({"format": self._STATE_FORMAT, "produced": self._produced})

    def _restore_checkpoint_state(self, state):
        """Resume after the element a saved state had reached."""
        if not isinstance(state, dict) or state.get("format") != self._STATE_FORMAT:
            raise InvalidArgumentError(
                f"Not a featherflow iterator state: {state!r}; expected the JSON object "
                f"an iterator's checkpoint holds (format {self._STATE_FORMAT!r}).")
        produced = int(state["produced"])
        self.close()
        self._it = self._dataset._iterate()
        skipped = sum(1 for _ in itertools.islice(self._it, produced))
        if skipped < produced:
            raise OutOfRangeError(
                f"The checkpoint's iterator had produced {produced} elements, but this "
                f"dataset has only {skipped}; restore it with the dataset it was saved with.")
        self._produced = produced

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
        value = next(self._it)
        self._produced += 1
        return structure.to_user_numpy(value)

    def __repr__(self):
        return f"<NumpyIterator over {self._dataset!r}>"


class IteratorSpec:
    """The type of an iterator: the spec of its elements (``tf.data.IteratorSpec``)."""

    __slots__ = ("_element_spec",)

    def __init__(self, element_spec):
        self._element_spec = element_spec

    @property
    def value_type(self):
        return DatasetIterator

    @property
    def _shape(self):
        return None  # an iterator is no tensor: it has no static shape of its own

    def __eq__(self, other):
        return type(other) is IteratorSpec and other._element_spec == self._element_spec

    def __hash__(self):
        return hash(("IteratorSpec", repr(self._element_spec)))

    def __repr__(self):
        return f"IteratorSpec({self._element_spec!r},)"
