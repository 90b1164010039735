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


class DistributedIterator:
    def __init__(self, dataset):
        self._dataset = dataset
        self._it = iter(dataset._dataset)
        self._chunk = dataset._chunk

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
        batch = sizes.pop()
        if self._chunk is None:
            # the first batch is a full global batch: its size fixes every replica's share
            n = ds._strategy.num_replicas_in_sync
            self._chunk = -(-batch // n)
            ds._chunk = self._chunk
        r = ds._strategy._collective.rank
        start = min(r * self._chunk, batch)
        stop = min(start + self._chunk, batch)
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
        self._chunk = None

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
