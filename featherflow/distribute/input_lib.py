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

    if x is None:  # an absent y or sample_weight of a (x, y, sample_weight) batch
        return None
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
        strategy = dataset._strategy
        if not dataset._split or strategy.num_replicas_in_sync == 1:
            self._it = iter(dataset._dataset)
            return
        plan = shard_plan(dataset._dataset, strategy)
        self._it = replica_elements(iter(plan.dataset), strategy, plan, empty=self._empty)

    def _empty(self, _):
        """A batch of 0 rows shaped as the dataset's elements."""
        from featherflow.autodiff.tensor import Tensor
        from featherflow.data import structure

        def zero(spec):
            shape = tuple(0 if d is None else d for d in (spec.shape or (None,)))
            return Tensor(np.zeros((0,) + shape[1:], spec.dtype))

        return structure.map_element(zero, self._dataset._dataset.element_spec)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)

    def get_next(self):
        return next(self)

    def get_next_as_optional(self):
        from featherflow.data.optional import Optional

        try:
            return Optional(next(self), True, self.element_spec)
        except StopIteration:
            return Optional.empty(self.element_spec)

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


# -- auto-shard policies (TF's tf.data.experimental.AutoShardPolicy) -------------------------

class Plan:
    """How replicas read an input. ``mode`` "data": every replica reads every batch and keeps
    its rows (``shard_bounds``); "pieces": each batch is cut into pieces of ``chunk`` rows
    (the per-replica batch) and this replica reads all of them (OFF: the whole dataset on
    every worker; FILE: ``dataset`` already reads this worker's files). ``agree``: the
    replicas may run out at different steps, so each step they agree whether any has data
    (the others then take an empty step)."""

    def __init__(self, dataset, mode, chunk=None, agree=False):
        self.dataset = dataset
        self.mode = mode
        self.chunk = chunk
        self.agree = agree


def _policy(dataset):
    from featherflow.data.options import AutoShardPolicy

    value = dataset.options().experimental_distribute.auto_shard_policy
    if value is None:
        return AutoShardPolicy.AUTO
    return AutoShardPolicy(int(value))


def _chain(dataset):
    """The single-input chain from ``dataset`` down to its source."""
    out = [dataset]
    while True:
        d = out[-1]
        nxt = getattr(d, "_input", None)
        if nxt is None or len(d._inputs) != 1 or d._inputs[0] is not nxt:
            return out
        out.append(nxt)


def _is_string_scalars(dataset):
    from featherflow.data import structure

    spec = dataset.element_spec
    return isinstance(spec, structure.TensorSpec) and spec.dtype == np.dtype(object) and \
        tuple(spec.shape) == ()


def _too_few(count, workers):
    from featherflow.errors import InvalidArgumentError

    return InvalidArgumentError(
        f"Could not apply FILE based sharding: the dataset only has {count} file(s), which is "
        f"not enough for the required {workers} shards/workers. If you are using datasets "
        f"with distribution strategy, consider setting the auto sharding policy to either "
        f"DATA or OFF using the `experimental_distribute.auto_shard_policy` option of "
        f"`tf.data.Options()`.")


# the file readers (by class name: importing them all would pull in featherflow.io)
_READERS = ("TextLineDataset", "TFRecordDataset", "FixedLengthRecordDataset")


def _file_sharded(dataset, workers, index):
    """``dataset`` reading only this worker's files (files ``index``, ``index + workers``,
    ...), or None when no file reader feeds it (TF's "unshardable source")."""
    import copy

    from featherflow.data.dataset import Dataset
    from featherflow.data.interleave import FlatMapDataset, InterleaveDataset

    chain = _chain(dataset)
    for depth, node in enumerate(chain):
        replacement = None
        if type(node).__name__ in _READERS:
            names = node._filenames
            replacement = copy.copy(node)
            if isinstance(names, Dataset):
                n = names._compute_cardinality()
                if 0 <= n < workers:
                    raise _too_few(n, workers)
                sharded = names.shard(workers, index)
                replacement._filenames = sharded
                replacement._inputs = [sharded]
            else:
                paths = [names] if isinstance(names, (str, bytes)) else list(names)
                if len(paths) < workers:
                    raise _too_few(len(paths), workers)
                replacement._filenames = paths[index::workers]
        elif isinstance(node, (InterleaveDataset, FlatMapDataset)) and \
                _is_string_scalars(node._input):
            n = node._input._compute_cardinality()
            if 0 <= n < workers:
                raise _too_few(n, workers)
            replacement = copy.copy(node)
            replacement._input = node._input.shard(workers, index)
            replacement._inputs = [replacement._input]
        if replacement is None:
            continue
        # copy the chain above the sharded node, each copy reading the next one
        below = replacement
        for parent in reversed(chain[:depth]):
            above = copy.copy(parent)
            above._input = below
            above._inputs = [below]
            below = above
        return below
    return None


def _static_batch(dataset):
    for node in _chain(dataset):
        size = getattr(node, "_batch_size", None)
        if isinstance(size, (int, np.integer)) and size > 0:
            return int(size)
    return None


def shard_plan(x, strategy):
    """The Plan of an input given to fit/evaluate/predict or experimental_distribute_dataset.
    Arrays, generators and PyDatasets are split by data (Keras sets DATA for arrays)."""
    from featherflow.data.dataset import Dataset
    from featherflow.data.options import AutoShardPolicy
    from featherflow.errors import NotFoundError

    if not isinstance(x, Dataset):
        return Plan(None, "data")
    workers = strategy.num_replicas_in_sync
    policy = _policy(x)
    batch = _static_batch(x)
    chunk = None if batch is None else -(-batch // workers)
    if policy == AutoShardPolicy.OFF:
        return Plan(x, "pieces", chunk)
    if policy in (AutoShardPolicy.DATA, AutoShardPolicy.HINT):
        return Plan(x, "data")
    sharded = _file_sharded(x, workers, strategy._collective.rank)
    if sharded is None:
        if policy == AutoShardPolicy.FILE:
            raise NotFoundError(
                "Found an unshardable source dataset: with AutoShardPolicy.FILE the dataset "
                "must read files (TFRecordDataset, TextLineDataset, FixedLengthRecordDataset, "
                "or an interleave/flat_map over file names such as Dataset.list_files); "
                f"this one starts from {type(_chain(x)[-1]).__name__}. Use "
                "AutoShardPolicy.DATA or OFF.")
        return Plan(x, "data")
    return Plan(sharded, "pieces", chunk, agree=True)


def split_rows(element, start, stop):
    from featherflow.tree import nest

    leaves = nest.flatten(element)
    return nest.pack_sequence_as(element, [_rows(x, start, stop) for x in leaves])


def batch_rows(element):
    from featherflow.tree import nest

    sizes = {_leading(x) for x in nest.flatten(element) if x is not None}
    if len(sizes) != 1:
        raise ValueError(f"tf.distribute: the components of a batch have different batch "
                         f"sizes {sorted(sizes)}; they must agree to be split across "
                         f"replicas.")
    return sizes.pop()


def _pieces(source, chunk, replicas):
    for element in source:
        b = batch_rows(element)
        c = chunk or max(1, -(-b // replicas))
        for i in range(0, b, c):
            yield split_rows(element, i, min(i + c, b))


def replica_elements(source, strategy, plan, empty=None):
    """This replica's elements of ``source`` (an iterator of global batches) under
    ``plan``; with ``plan.agree`` a replica that ran out yields ``empty`` until all have."""
    from featherflow.distribute.keras_training import _EMPTY

    n, rank = strategy.num_replicas_in_sync, strategy._collective.rank
    if plan.mode == "data":
        for element in source:
            start, stop = shard_bounds(batch_rows(element), n, rank)
            yield split_rows(element, start, stop)
        return
    stream = _pieces(source, plan.chunk, n)
    if not plan.agree:
        yield from stream
        return
    done = False
    while True:
        element = None if done else next(stream, None)
        done = element is None
        have = strategy._collective.allreduce_sum([np.asarray([0 if done else 1], np.int64)])
        if not int(have[0][0]):
            return
        yield (_EMPTY if empty is None else empty(element)) if done else element
