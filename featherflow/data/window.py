"""``Dataset.window``: overlapping or strided runs of elements, each given as a dataset.

A window's element has the input's structure with a dataset in place of every component
(``(a, b)`` elements give ``(dataset_of_a, dataset_of_b)`` windows), as TensorFlow; the
usual way to turn them into tensors is ``flat_map``::

    ds.window(5, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(5))
"""

import collections

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import INFINITE, UNKNOWN, Dataset
from featherflow.data.nested import DatasetSpec, ElementsDataset
from featherflow.errors import InvalidArgumentError


def _count(value, what):
    if hasattr(value, "numpy"):
        value = value.numpy()
    n = int(np.asarray(value))
    if n <= 0:
        raise InvalidArgumentError(f"window: {what} must be at least 1, received {n}.")
    return n


class WindowDataset(Dataset):
    """Windows of ``size`` elements, starting every ``shift`` elements, taking every
    ``stride``-th element; each window is a (nest of) dataset(s).

    Example::

        >>> ds = tf.data.Dataset.range(7).window(3, shift=2, drop_remainder=True)
        >>> [list(w.as_numpy_iterator()) for w in ds]
        [[0, 1, 2], [2, 3, 4], [4, 5, 6]]

    Without ``drop_remainder`` the last windows are shorter (one starts at every multiple of
    ``shift`` before the end), as TensorFlow.
    """

    def __init__(self, input_dataset, size, shift=None, stride=1, drop_remainder=False,
                 name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._size = _count(size, "size")
        self._shift = self._size if shift is None else _count(shift, "shift")
        self._stride = _count(stride, "stride")
        self._drop = bool(drop_remainder)

    def _compute_spec(self):
        return structure.map_element(DatasetSpec, self._input.element_spec)

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        if self._drop:
            span = (self._size - 1) * self._stride + 1
            return 0 if n < span else (n - span) // self._shift + 1
        return -(-n // self._shift)

    def _iterate(self):
        size, shift, stride, drop = self._size, self._shift, self._stride, self._drop
        span = (size - 1) * stride + 1
        spec = self._input.element_spec
        specs = structure.flatten(spec)
        it = self._input._iterate()
        # the elements from the next window's start on; the window takes every stride-th
        buffer = collections.deque()
        exhausted = False
        try:
            while True:
                while not exhausted and len(buffer) < span:
                    element = next(it, _END)
                    if element is _END:
                        exhausted = True
                    else:
                        buffer.append(element)
                if not buffer or (drop and len(buffer) < span):
                    return
                members = [buffer[i] for i in range(0, min(span, len(buffer)), stride)]
                yield self._as_datasets(spec, specs, members)
                if shift >= len(buffer):
                    skip = shift - len(buffer)
                    buffer.clear()
                    while skip and not exhausted:
                        if next(it, _END) is _END:
                            exhausted = True
                        skip -= 1
                    if exhausted:
                        return
                else:
                    for _ in range(shift):
                        buffer.popleft()
        finally:
            getattr(it, "close", lambda: None)()

    @staticmethod
    def _as_datasets(spec, specs, members):
        if isinstance(spec, structure.TensorSpec):
            return ElementsDataset(members, spec)
        columns = zip(*(structure.flatten(m) for m in members))
        return structure.pack_as(spec, [ElementsDataset(list(column), s)
                                        for s, column in zip(specs, columns)])


_END = object()
