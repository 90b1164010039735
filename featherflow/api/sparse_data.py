"""SparseTensors as components of tf.data elements: what ``featherflow/data`` calls when a
leaf of an element is a SparseTensor (its spec, its rows for ``from_tensor_slices``, a batch
of several).

Inside a pipeline a sparse component stays a SparseTensor (the other leaves are arrays); its
spec is a SparseTensorSpec, as TF's ``element_spec`` shows.
"""

import numpy as np

from featherflow.api.sparse_ops import lexsort_rows, make
from featherflow.api.sparse_tensor import SparseTensor, SparseTensorSpec
from featherflow.errors import InvalidArgumentError


def is_sparse(leaf):
    return isinstance(leaf, SparseTensor)


def spec_of(st):
    """The SparseTensorSpec of one sparse component."""
    return SparseTensorSpec(st.shape, st.dtype)


def slice_spec(st):
    """The spec of one row of ``st`` (``from_tensor_slices``)."""
    return SparseTensorSpec(st.shape[1:], st.dtype)


def check_sliceable(st):
    """``from_tensor_slices`` needs a first dimension: the SparseTensor's row count, or a
    ValueError naming the problem."""
    if st.indices.data.shape[1] == 0:
        raise ValueError("from_tensor_slices: a SparseTensor component needs rank >= 1 to be "
                         "sliced; received a scalar SparseTensor. Use from_tensors instead.")
    return int(st.dense_shape.data[0])


class Rows:
    """A SparseTensor ordered by its first index, so each row is one contiguous run."""

    def __init__(self, st):
        order = lexsort_rows(st.indices.data)
        self.indices = st.indices.data[order]
        self.values = st.values.data[order]
        self.shape = st.dense_shape.data
        self.dtype = st.dtype
        n = int(self.shape[0])
        self.bounds = np.searchsorted(self.indices[:, 0], np.arange(n + 1))

    def row(self, i):
        """Row ``i``: rank one less, indices without the first column."""
        lo, hi = self.bounds[i], self.bounds[i + 1]
        return make(self.indices[lo:hi, 1:], self.values[lo:hi], self.shape[1:])

    def rows(self, start, stop):
        """Rows ``start:stop`` as one SparseTensor (a batch sliced from the source)."""
        stop = min(stop, int(self.shape[0]))
        lo, hi = self.bounds[start], self.bounds[stop]
        idx = self.indices[lo:hi].copy()
        idx[:, 0] -= start
        return make(idx, self.values[lo:hi], [stop - start, *self.shape[1:]])

    def gather(self, index):
        """Rows ``index`` (an int array) stacked in that order: what ``stack`` of those rows
        gives, in one gather of their runs (a shuffled batch of the source)."""
        index = np.asarray(index, dtype=np.int64).reshape(-1)
        lo, counts = self.bounds[index], self.bounds[index + 1] - self.bounds[index]
        starts = np.cumsum(counts) - counts
        source = np.repeat(lo - starts, counts) + np.arange(int(counts.sum()))
        position = np.repeat(np.arange(index.size, dtype=np.int64), counts)
        idx = np.concatenate([position[:, None], self.indices[source, 1:]], axis=1)
        return make(idx, self.values[source], [index.size, *self.shape[1:]])


class Slices:
    """A SparseTensor component of ``from_tensor_slices``, indexed as the source indexes
    its arrays: ``[i, ...]`` is row ``i``, ``[i:j]`` a batch of rows, ``[index]`` (an int
    array) the rows a shuffled batch gathers. ``spec`` is the spec of one row."""

    def __init__(self, st):
        self.spec = slice_spec(st)
        self._rows = Rows(st)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            return self._rows.row(int(key[0]))
        if isinstance(key, slice):
            return self._rows.rows(key.start or 0, key.stop)
        return self._rows.gather(key)


def stack(elements):
    """A batch of SparseTensors of one rank: indices get the element's position in front and
    the dense shape is the largest of the elements' in each dimension, as TF's batch does."""
    ranks = {e.indices.data.shape[1] for e in elements}
    if len(ranks) != 1:
        raise InvalidArgumentError(
            f"Cannot batch SparseTensors of different ranks {sorted(ranks)}; every element's "
            "SparseTensor needs the same rank.")
    rank = ranks.pop()
    counts = [e.indices.data.shape[0] for e in elements]
    position = np.repeat(np.arange(len(elements), dtype=np.int64), counts)
    inner = np.concatenate([e.indices.data for e in elements]) if elements else np.zeros(
        (0, rank), np.int64)
    idx = np.concatenate([position[:, None], inner.reshape(position.size, rank)], axis=1)
    values = np.concatenate([e.values.data for e in elements])
    shape = np.max(np.stack([e.dense_shape.data for e in elements]), axis=0) if rank else []
    return make(idx, values, [len(elements), *np.asarray(shape, np.int64).tolist()])


def unbatch(st):
    """The rows of a batched SparseTensor (``unbatch``)."""
    rows = Rows(st)
    return [rows.row(i) for i in range(int(st.dense_shape.data[0]))]


__all__ = ["Rows", "Slices", "check_sliceable", "is_sparse", "slice_spec", "spec_of", "stack",
           "unbatch"]
