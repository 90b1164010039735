"""``Dataset.sparse_batch`` (``tf.data.experimental.dense_to_sparse_batch``): dense elements
of varying shape batched into one SparseTensor.

Every entry of every element (zeros included) becomes a value of the batch, at index
``[position in the batch, *index in the element]``; the dense shape is ``[batch size,
*row_shape]`` where ``row_shape`` has a size, and the batch's largest element where it has
``None``, as TensorFlow's DenseToSparseBatch kernel builds it.
"""

import numpy as np

from featherflow.api import sparse_ops
from featherflow.api.sparse_tensor import SparseTensorSpec
from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.data.batch import BatchDataset
from featherflow.data.dataset import END
from featherflow.errors import DataLossError, InvalidArgumentError


def _row_shape(row_shape):
    if isinstance(row_shape, Tensor):
        row_shape = row_shape.data
    if getattr(row_shape, "rank", 0) is None:
        raise ValueError("sparse_batch: row_shape must have a known rank; received an unknown "
                         "shape. Give one size (or None) per dimension of the elements.")
    if isinstance(row_shape, (int, np.integer)):
        row_shape = [row_shape]
    try:
        dims = [None if d is None else int(d) for d in np.asarray(
            row_shape, dtype=object).reshape(-1).tolist()]
    except (TypeError, ValueError):
        raise TypeError(f"sparse_batch: row_shape must be a shape (a list of ints or None), "
                        f"received {row_shape!r}.") from None
    bad = [d for d in dims if d is not None and d < 0]
    if bad:
        # TF reads row_shape as a TensorShape, where -1 is no unknown dimension
        raise ValueError(f"sparse_batch: Dimension {bad[0]} must be >= 0 in row_shape "
                         f"{row_shape!r}; write None for a dimension of any size.")
    return tuple(dims)


class SparseBatchDataset(BatchDataset):
    """Batches of ``batch_size`` dense elements as SparseTensors of dense shape
    ``[batch, *row_shape]``.

    Example::

        >>> ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([n], n))
        >>> st = next(iter(ds.sparse_batch(2, row_shape=[5])))
        >>> st.dense_shape.numpy().tolist(), st.values.numpy().tolist()
        ([2, 5], [1, 2, 2])
    """

    def __init__(self, input_dataset, batch_size, row_shape, name=None):
        super().__init__(input_dataset, batch_size, drop_remainder=False, name=name)
        spec = input_dataset.element_spec
        if not isinstance(spec, structure.TensorSpec) or structure.is_ragged_spec(spec):
            raise TypeError(
                f"`dense_to_sparse_batch` requires an input dataset whose elements have a "
                f"single dense component, but the given dataset has elements "
                f"{structure.describe_structure(spec)}. Map the elements to one tensor first.")
        self._row_shape = _row_shape(row_shape)

    def _compute_spec(self):
        spec = self._input.element_spec
        return SparseTensorSpec((None, *self._row_shape), spec.dtype)

    def _peek(self):
        first = self._input._peek()
        return first if first is END else self._sparse([first])

    def _iterate(self):
        bs = self._batch_size
        it = self._input._iterate()
        try:
            batch = []
            for element in it:
                batch.append(element)
                if len(batch) == bs:
                    yield self._sparse(batch)
                    batch = []
            if batch:
                yield self._sparse(batch)
        finally:
            getattr(it, "close", lambda: None)()

    def _sparse(self, elements):
        row = self._row_shape
        sizes = [0] * len(row)
        for e in elements:
            if e.ndim != len(row):
                raise InvalidArgumentError(
                    f"sparse_batch: Input element had shape ({list(e.shape)}) that is "
                    f"incompatible with the row shape ({_text(row)}): every element needs "
                    f"rank {len(row)}.")
            for d, (n, limit) in enumerate(zip(e.shape, row)):
                if limit is not None and n > limit:
                    raise DataLossError(
                        f"sparse_batch: Input element had shape ({list(e.shape)}) that is "
                        f"larger than the row shape ({_text(row)}). Raise row_shape or use "
                        "None for that dimension.")
                sizes[d] = max(sizes[d], n)
        shape = [len(elements)] + [s if limit is None else limit
                                   for s, limit in zip(sizes, row)]
        indices = [np.concatenate([np.full((e.size, 1), i, np.int64),
                                   np.indices(e.shape, np.int64).reshape(len(row), e.size).T],
                                  axis=1) for i, e in enumerate(elements)]
        values = np.concatenate([e.reshape(-1) for e in elements])
        return sparse_ops.make(np.concatenate(indices).reshape(-1, len(row) + 1), values,
                               shape)


def _text(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"
