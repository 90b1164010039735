"""``Dataset.batch``: consecutive elements stacked along a new first dimension.

A source that can hand out whole batches (``_iterate_batches``: array slices, or a gather
of shuffled indices) does so, which gives the same batches as stacking element by element
without touching each element in Python.
"""

import numpy as np

from featherflow.api import sparse_data
from featherflow.data import structure
from featherflow.data.dataset import END, INFINITE, UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError


def positive_size(value, what):
    n = int(np.asarray(value.numpy() if hasattr(value, "numpy") else value))
    if n <= 0:
        raise InvalidArgumentError(f"{what} must be a positive integer, received {value!r}.")
    return n


def stack(elements, what="batch", ragged=None):
    """One batch of a list of elements of the same structure, leaf by leaf; the leaves
    flagged in ``ragged`` (their spec is a RaggedTensorSpec) join as RaggedTensors,
    SparseTensors as one SparseTensor of rank + 1 (its dense shape the largest of the
    elements' in each dimension, as TensorFlow's batch makes it)."""
    first = elements[0]
    if type(first) is np.ndarray and ragged is None:
        try:
            return np.stack(elements)
        except ValueError:
            _raise_shapes([e.shape for e in elements], 0, what)
    leaves = [structure.flatten(e) for e in elements]
    flags = ragged if ragged is not None else [None] * len(leaves[0])
    out = []
    for c, spec in enumerate(flags):
        column = [row[c] for row in leaves]
        if spec is not None:
            out.append(structure.ragged_batch(column, spec))
        elif structure.is_sparse(column[0]):
            out.append(sparse_data.stack(column))
        else:
            try:
                out.append(np.stack(column))
            except ValueError:
                _raise_shapes([a.shape for a in column], c, what)
    return structure.pack_as(first, out)


def ragged_flags(spec):
    """Per leaf of ``spec``, its RaggedTensorSpec (or None); None when there is none."""
    flags = [s if structure.is_ragged_spec(s) else None for s in structure.flatten(spec)]
    return flags if any(f is not None for f in flags) else None


def batched_spec(spec, first):
    """The spec of a batch of elements of ``spec`` (``first``: the static batch size)."""
    def one(s):
        if structure.is_ragged_spec(s):
            return s._batched(first)
        return s._with_shape(None if s._shape is None else (first,) + tuple(s._shape))
    return structure.map_element(one, spec)


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
        return batched_spec(self._batching_spec(), first)

    def _batching_spec(self):
        """The spec each element is batched by (ragged_batch turns dense ones ragged)."""
        return self._input.element_spec

    def _peek(self):
        """A batch of ``batch_size`` copies of the input's peeked element (a broadcast view,
        so no memory is spent on it)."""
        first = self._input._peek()
        if first is END:
            return END
        n = self._batch_size
        spec = self._batching_spec()
        ragged = ragged_flags(spec)
        if ragged is not None or any(structure.is_sparse_spec(s)
                                     for s in structure.flatten(spec)):
            return stack([first] * n, ragged=ragged)
        return structure.map_element(lambda a: np.broadcast_to(a, (n,) + a.shape), first)

    def _iterate(self):
        # a source with whole batches holds arrays only (ragged sources offer none)
        fast = getattr(self._input, "_iterate_batches", None)
        if fast is not None and type(self) is BatchDataset:
            it = fast(self._batch_size, self._drop)
            if it is not None:
                return it
        return self._stacked(ragged_flags(self._batching_spec()))

    def _stacked(self, ragged=None):
        bs, drop = self._batch_size, self._drop
        it = self._input._iterate()
        try:
            batch = []
            for element in it:
                batch.append(element)
                if len(batch) == bs:
                    yield stack(batch, ragged=ragged)
                    batch = []
            if batch and not drop:
                yield stack(batch, ragged=ragged)
        finally:
            getattr(it, "close", lambda: None)()


class RaggedBatchDataset(BatchDataset):
    """``Dataset.ragged_batch``: batches whose components of varying shape become
    RaggedTensors (a new ragged outer dimension); scalars and fully known shapes batch
    densely, as in TensorFlow.

    Example::

        >>> ds = tf.data.Dataset.range(4).map(lambda x: tf.range(x)).ragged_batch(2)
        >>> [b.to_list() for b in ds]
        [[[], [0]], [[0, 1], [0, 1, 2]]]
    """

    def __init__(self, input_dataset, batch_size, drop_remainder=False,
                 row_splits_dtype="int64", name=None):
        super().__init__(input_dataset, batch_size, drop_remainder, name=name)
        self._splits_dtype = row_splits_dtype

    def _batching_spec(self):
        """As TF: a dense component of rank >= 1 batches as ragged, its ragged_rank the last
        varying axis; scalars batch densely. TF also keeps a fully known shape dense; here
        it is ragged_rank 0, as map's specs (read from one element) can be fully known
        where TF's tracer says None (tf.range(x) is (None,) in TF, (0,) here)."""
        ragged = structure.ragged_module()

        def one(s):
            if (not isinstance(s, structure.TensorSpec) or structure.is_ragged_spec(s)
                    or s._shape is None or len(s._shape) == 0):
                return s
            if None not in s._shape:
                return ragged.RaggedTensorSpec((None, *s._shape[1:]), s._dtype, 0,
                                               self._splits_dtype)
            rank = max(axis for axis, d in enumerate(s._shape) if d is None)
            return ragged.RaggedTensorSpec(s._shape, s._dtype, rank, self._splits_dtype)
        return structure.map_element(one, self._input.element_spec)
