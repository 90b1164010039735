"""Distributed datasets: each process iterates its replica's part of the input."""

import numpy as np


def _leading(x):
    from featherflow.autodiff.tensor import Tensor

    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    if np.ndim(a) == 0:
        raise ValueError(
            "experimental_distribute_dataset: each element must be a batch (a leading batch "
            "dimension) so it can be split across replicas; received a scalar element. Call "
            "dataset.batch(global_batch_size) before distributing it.")
    return a.shape[0]


def _rows(x, start, stop):
    from featherflow.autodiff.tensor import Tensor

    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    return Tensor(a[start:stop])


def shard_bounds(batch, num_replicas, replica):
    """Rows ``[start, stop)`` of a global batch of ``batch`` rows that ``replica`` reads: each
    batch, short or full, is cut into pieces of ``ceil(batch / num_replicas)`` rows, earlier
    replicas first (TensorFlow's rebatch of a dataset whose batch size is not static), so a
    short final batch may leave the last replicas an empty batch."""
    chunk = -(-batch // num_replicas)
    start = min(replica * chunk, batch)
    return start, min(start + chunk, batch)


class DistributedIterator:
    def __init__(self, dataset):
        self._dataset = dataset
        self._it = iter(dataset._dataset)

    def __iter__(self):
        return self

    def __next__(self):
        element = next(self._it)
        ds = self._dataset
        if not ds._split or ds._strategy.num_replicas_in_sync == 1:
            return element
        from featherflow.tree import nest

        leaves = nest.flatten(element)
        sizes = {_leading(x) for x in leaves}
        if len(sizes) != 1:
            raise ValueError(f"experimental_distribute_dataset: the components of an element "
                             f"have different batch sizes {sorted(sizes)}; they must agree.")
        start, stop = shard_bounds(sizes.pop(), ds._strategy.num_replicas_in_sync,
                                   ds._strategy._collective.rank)
        return nest.pack_sequence_as(element, [_rows(x, start, stop) for x in leaves])

    def get_next(self):
        return next(self)

    def get_next_as_optional(self):
        from featherflow.data.iterator import Optional

        try:
            return Optional(next(self))
        except StopIteration:
            return Optional(None, has_value=False)

    @property
    def element_spec(self):
        return self._dataset.element_spec


class DistributedDataset:
    """``tf.distribute.DistributedDataset``: iterate it (``for x in dist_ds``) to get this
    replica's inputs for ``strategy.run``."""

    def __init__(self, dataset, strategy, split):
        self._dataset = dataset
        self._strategy = strategy
        self._split = split

    def __iter__(self):
        return DistributedIterator(self)

    @property
    def element_spec(self):
        return getattr(self._dataset, "element_spec", None)

    def reduce(self, initial_state, reduce_fn):
        state = initial_state
        for element in self:
            state = reduce_fn(state, element)
        return state
