"""``fit``/``evaluate``/``predict`` on a ``keras.utils.PyDataset``: Keras 3's PyDatasetAdapter.

An epoch reads ``__getitem__(0 .. num_batches - 1)``, in a shuffled order when ``fit`` is
given ``shuffle=True`` (the default, as in Keras 3), between ``on_epoch_begin`` and
``on_epoch_end``. With ``workers > 1`` the items are computed on a thread pool, at most
``max_queue_size`` ahead, and handed out in order. ``use_multiprocessing=True`` computes
them in worker processes started with ``spawn`` (safe with threads and BLAS, unlike fork):
the dataset is pickled to the workers once per epoch, so what ``on_epoch_end`` changed is
seen by the next epoch, and its class must be importable (defined in a module, not in
``__main__`` of an interactive session).
"""

import collections
import concurrent.futures
import itertools
import multiprocessing
import random

from featherflow.trainers.data_adapters import array_adapter, conversion
from featherflow.trainers.data_adapters.epochs import KerasEpochs
from featherflow.utils.sequence import PyDataset


def is_pydataset(x):
    return isinstance(x, PyDataset)


class PyDatasetBatches(KerasEpochs):
    """The batches of a PyDataset, each standardized to ``(x,)``, ``(x, y)``,
    ``(x, y, sample_weight)`` or a dict, as Keras 3 does."""

    def __init__(self, dataset, steps=None, shuffle=False, class_weight=None):
        super().__init__(steps, dataset.num_batches)
        self.dataset = dataset
        self.shuffle = bool(shuffle) and dataset.num_batches is not None
        self.class_weight = class_weight
        self.workers = dataset.workers
        self.use_multiprocessing = dataset.use_multiprocessing
        self.max_queue_size = max(int(dataset.max_queue_size), 1)
        self._within_epoch = False

    def on_epoch_begin(self):
        self._within_epoch = True
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        if self._within_epoch:
            self._within_epoch = False
            self.dataset.on_epoch_end()

    def _indices(self):
        count = self.dataset.num_batches
        if count is None:
            return itertools.count()
        order = list(range(count))
        if self.shuffle:
            random.shuffle(order)
        return iter(order)

    def _fresh(self):
        if self.use_multiprocessing and self.workers > 0:
            return _pooled(self.dataset, self._indices(), self.max_queue_size,
                           _process_pool(self.dataset, self.workers))
        if self.workers > 1:
            return _pooled(self.dataset, self._indices(), self.max_queue_size,
                           concurrent.futures.ThreadPoolExecutor(
                               self.workers, thread_name_prefix="PyDataset"))
        return (self.dataset[i] for i in self._indices())

    def _convert(self, item):
        return standardize(item, self.class_weight)

    def first(self):
        return standardize(self.dataset[0], self.class_weight)


def _process_pool(dataset, workers):
    return concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_set_worker_dataset, initargs=(dataset,))


_WORKER_DATASET = None


def _set_worker_dataset(dataset):
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _worker_item(index):
    return _WORKER_DATASET[index]


def _pooled(dataset, indices, ahead, pool):
    """Items computed by ``pool``, up to ``ahead`` submitted at once, yielded in order."""
    process = isinstance(pool, concurrent.futures.ProcessPoolExecutor)
    fetch = _worker_item if process else dataset.__getitem__
    pending = collections.deque()
    try:
        for index in itertools.islice(indices, ahead):
            pending.append(pool.submit(fetch, index))
        while pending:
            item = pending.popleft().result()
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(fetch, index))
            yield item
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def standardize(item, class_weight=None):
    """One ``__getitem__`` result as a step's batch of Tensors (Keras 3's rules: an array is
    ``(x,)``, a list is a tuple, a dict is ``x``)."""
    if isinstance(item, dict):
        return conversion.to_tensors(conversion.to_numpy(item, "x", strings=True))
    if isinstance(item, list):
        item = tuple(item)
    elif not isinstance(item, tuple):
        item = (item,)
    if len(item) not in (1, 2, 3):
        raise ValueError(
            "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must be "
            "ordered either (input,) or (inputs, targets) or (inputs, targets, "
            f"sample_weights). Received: {str(item)[:100]}... of type {type(item)}")
    if class_weight is not None and len(item) == 3:
        raise ValueError(
            "You cannot specify `class_weight` and `sample_weight` at the same time.")
    x = conversion.expand_1d(conversion.to_numpy(item[0], "x", strings=True))
    if len(item) == 1:
        return (conversion.to_tensors(x),)
    y = conversion.expand_1d(conversion.to_numpy(item[1], "y"))
    sw = conversion.to_numpy(item[2], "sample_weight") if len(item) == 3 else None
    if class_weight is not None:
        sw = array_adapter.apply_class_weight(y, None, class_weight)
    if sw is None:
        return (conversion.to_tensors(x), conversion.to_tensors(y))
    return (conversion.to_tensors(x), conversion.to_tensors(y),
            conversion.to_tensors(sw))
