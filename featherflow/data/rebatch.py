"""``Dataset.rebatch``: the rows of a batched dataset regrouped into batches of other sizes.

``rebatch(n)`` gives what ``unbatch().batch(n)`` gives; a list of sizes is used in turn,
over and over (``rebatch([2, 1, 1])`` makes batches of 2, 1, 1, 2, 1, 1, ...). Rows are
sliced out of the input batches, never one element at a time.
"""

import itertools

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.data.unbatch import leading_dims
from featherflow.errors import InvalidArgumentError


def _sizes(batch_size):
    value = batch_size.numpy() if hasattr(batch_size, "numpy") else batch_size
    sizes = np.asarray(value).reshape(-1).tolist()
    if not sizes or any(int(s) <= 0 for s in sizes) or any(
            float(s) != int(s) for s in sizes):
        raise ValueError(
            f"rebatch: batch_size must be a positive integer or a non-empty list of them, "
            f"received {batch_size!r}.")
    return [int(s) for s in sizes]


class RebatchDataset(Dataset):
    """Batches of ``batch_size`` rows (or the sizes of a list, in turn) of a batched input.

    Example::

        >>> ds = tf.data.Dataset.range(8).batch(4).rebatch([2, 1, 1])
        >>> [b.tolist() for b in ds.as_numpy_iterator()]
        [[0, 1], [2], [3], [4, 5], [6], [7]]

    As TensorFlow 2.21: the cardinality is unknown, and the batch dimension is static only
    with ``drop_remainder`` and one size.
    """

    def __init__(self, input_dataset, batch_size, drop_remainder=False, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        spec = input_dataset.element_spec
        if any(s._shape is not None and len(s._shape) == 0 for s in structure.flatten(spec)):
            raise ValueError(
                "rebatch: the input's elements must be batches (rank 1 or more); it has "
                "scalar components. Batch the dataset first (ds.batch(n).rebatch(m)).")
        leading_dims(spec, "rebatch")
        self._sizes = _sizes(batch_size)
        self._drop = bool(drop_remainder)

    def _compute_spec(self):
        fixed = self._sizes[0] if self._drop and len(set(self._sizes)) == 1 else None
        return structure.map_element(
            lambda s: s if s._shape is None else s._with_shape((fixed,) + tuple(s._shape)[1:]),
            self._input.element_spec)

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        sizes = itertools.cycle(self._sizes)
        it = self._input._iterate()
        spec = self._input.element_spec
        try:
            want = next(sizes)
            pieces, have = [], 0
            for element in it:
                leaves = structure.flatten(element)
                counts = [structure.leaf_size(a) for a in leaves]
                rows = counts[0]
                if any(n != rows for n in counts[1:]):
                    raise InvalidArgumentError(
                        "rebatch: input element must have the same batch size in each "
                        f"component; found sizes {counts}.")
                start = 0
                while start < rows:
                    take = min(want - have, rows - start)
                    pieces.append([structure.leaf_slice(a, start, start + take)
                                   for a in leaves])
                    have += take
                    start += take
                    if have == want:
                        yield _join(spec, pieces)
                        pieces, have = [], 0
                        want = next(sizes)
            if have and not self._drop:
                yield _join(spec, pieces)
        finally:
            getattr(it, "close", lambda: None)()


def _join(spec, pieces):
    if len(pieces) == 1:
        leaves = pieces[0]
    else:
        leaves = [structure.leaf_concat(list(column)) for column in zip(*pieces)]
    return structure.pack_as(spec, leaves)
