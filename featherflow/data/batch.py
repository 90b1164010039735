"""``Dataset.batch``: consecutive elements stacked along a new first dimension.

A source that can hand out whole batches (``_iterate_batches``: array slices, or a gather
of shuffled indices) does so, which gives the same batches as stacking element by element
without touching each element in Python.
"""

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import END, INFINITE, UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError


def positive_size(value, what):
    n = int(np.asarray(value.numpy() if hasattr(value, "numpy") else value))
    if n <= 0:
        raise InvalidArgumentError(f"{what} must be a positive integer, received {value!r}.")
    return n


def stack(elements, what="batch"):
    """One batch of a list of elements of the same structure, leaf by leaf."""
    first = elements[0]
    if type(first) is np.ndarray:
        try:
            return np.stack(elements)
        except ValueError:
            _raise_shapes([e.shape for e in elements], 0, what)
    leaves = [structure.flatten(e) for e in elements]
    out = []
    for c in range(len(leaves[0])):
        column = [row[c] for row in leaves]
        try:
            out.append(np.stack(column))
        except ValueError:
            _raise_shapes([a.shape for a in column], c, what)
    return structure.pack_as(first, out)


def _raise_shapes(shapes, component, what):
    i = next(k for k, s in enumerate(shapes) if s != shapes[0])
    raise InvalidArgumentError(
        f"Cannot {what} tensors with different shapes in component {component}. First "
        f"element had shape {list(shapes[0])} and element {i} had shape {list(shapes[i])}. "
        "Use padded_batch to pad them to one shape, or ragged_batch.")


class BatchDataset(Dataset):
    """Batches of ``batch_size`` elements; the last one smaller unless ``drop_remainder``."""

    def __init__(self, input_dataset, batch_size, drop_remainder=False, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._batch_size = positive_size(batch_size, "batch: batch_size")
        self._drop = bool(drop_remainder)

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        return n // self._batch_size if self._drop else -(-n // self._batch_size)

    def _compute_spec(self):
        first = self._batch_size if self._drop else None
        return structure.map_element(
            lambda s: s._with_shape(None if s._shape is None else (first,) + tuple(s._shape)),
            self._input.element_spec)

    def _peek(self):
        """A batch of ``batch_size`` copies of the input's peeked element (a broadcast view,
        so no memory is spent on it)."""
        first = self._input._peek()
        if first is END:
            return END
        n = self._batch_size
        return structure.map_element(lambda a: np.broadcast_to(a, (n,) + a.shape), first)

    def _iterate(self):
        fast = getattr(self._input, "_iterate_batches", None)
        if fast is not None:
            it = fast(self._batch_size, self._drop)
            if it is not None:
                return it
        return self._stacked()

    def _stacked(self):
        bs, drop = self._batch_size, self._drop
        it = self._input._iterate()
        try:
            batch = []
            for element in it:
                batch.append(element)
                if len(batch) == bs:
                    yield stack(batch)
                    batch = []
            if batch and not drop:
                yield stack(batch)
        finally:
            getattr(it, "close", lambda: None)()
