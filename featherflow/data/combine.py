"""``Dataset.zip`` and ``concatenate``: elements of several datasets side by side, or one
after another."""

from featherflow.data import structure
from featherflow.data.dataset import END, INFINITE, UNKNOWN, Dataset


def _close(it):
    getattr(it, "close", lambda: None)()


class ZipDataset(Dataset):
    """Elements of several datasets together, in the nest (tuple, dict) they were given in;
    it ends with the shortest."""

    def __init__(self, datasets, name=None):
        if isinstance(datasets, Dataset):
            datasets = (datasets,)
        if isinstance(datasets, list):
            datasets = tuple(datasets)
        members = structure.flatten(datasets) if isinstance(datasets, (tuple, dict)) else []
        if not members or not all(isinstance(d, Dataset) for d in members):
            raise TypeError(
                "zip: expected datasets, as separate arguments or a (nested) tuple or dict of "
                f"them; received {datasets!r}.")
        super().__init__(members, name=name)
        self._nest = datasets
        self._members = members

    def _compute_cardinality(self):
        result = INFINITE
        for d in self._members:
            n = d._compute_cardinality()
            if n == UNKNOWN:
                return UNKNOWN
            if n != INFINITE:
                result = n if result == INFINITE else min(result, n)
        return result

    def _compute_spec(self):
        return structure.pack_as(self._nest, [d.element_spec for d in self._members])

    @property
    def _gather(self):
        """Random access when every zipped dataset has it (a shuffle-and-batch above then
        gathers whole batches)."""
        gathers = [getattr(d, "_gather", None) for d in self._members]
        if any(g is None for g in gathers):
            return None
        counts = {d._compute_cardinality() for d in self._members}
        if len(counts) != 1:
            return None  # the zip ends with the shortest; keep the element path
        nest = self._nest
        return lambda index: structure.pack_as(nest, [g(index) for g in gathers])

    def _peek(self):
        parts = [d._peek() for d in self._members]
        if any(p is END for p in parts):
            return END
        return structure.pack_as(self._nest, parts)

    def _iterate(self):
        its = [d._iterate() for d in self._members]
        nest = self._nest
        simple = type(nest) is tuple and all(isinstance(d, Dataset) for d in nest)
        try:
            while True:
                parts = []
                for it in its:
                    element = next(it, END)
                    if element is END:
                        return
                    parts.append(element)
                yield tuple(parts) if simple else structure.pack_as(nest, parts)
        finally:
            for it in its:
                _close(it)


class ConcatenateDataset(Dataset):
    """The elements of the first dataset, then the second's; their structures and dtypes
    must agree (shapes that differ become unknown dims in the spec)."""

    def __init__(self, first, second, name=None):
        if not isinstance(second, Dataset):
            raise TypeError(
                f"concatenate: expected a Dataset, received {type(second).__name__}.")
        super().__init__([first, second], name=name)
        self._first, self._second = first, second
        a, b = first.element_spec, second.element_spec
        if not structure.same_structure(a, b) or any(
                x.dtype != y.dtype for x, y in zip(structure.flatten(a), structure.flatten(b))):
            raise TypeError(
                f"Incompatible dataset elements:\n  {structure.describe_structure(a)} vs. "
                f"\n  {structure.describe_structure(b)}\nBoth datasets must have the same "
                "structure and dtypes; cast or map one of them first.")

    def _compute_cardinality(self):
        a = self._first._compute_cardinality()
        b = self._second._compute_cardinality()
        if INFINITE in (a, b):
            return INFINITE
        if UNKNOWN in (a, b):
            return UNKNOWN
        return a + b

    def _compute_spec(self):
        a, b = self._first.element_spec, self._second.element_spec
        return structure.pack_as(a, [x._with_shape(structure.relax_shape(x._shape, y._shape))
                                     for x, y in zip(structure.flatten(a),
                                                     structure.flatten(b))])

    def _peek(self):
        first = self._first._peek()
        return self._second._peek() if first is END else first

    def _iterate(self):
        for d in (self._first, self._second):
            it = d._iterate()
            try:
                yield from it
            finally:
                _close(it)

