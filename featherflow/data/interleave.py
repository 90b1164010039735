"""``flat_map`` and ``interleave``: datasets made from every element, their elements chained
or taken in turn.

``interleave`` keeps ``cycle_length`` inner datasets open and takes ``block_length``
elements from each in turn, in TensorFlow's exact order: when an inner dataset ends, its
place in the cycle stays empty until the cycle comes back to it, and only then is the next
input element's dataset opened there. ``cycle_length=None`` (``tf.data.AUTOTUNE``) is
resolved as TensorFlow resolves it (see ``InterleaveDataset._cycle_length``). With
``num_parallel_calls`` the open datasets are read ahead on worker threads (a block at a time
each), and the order stays the same unless ``deterministic=False``, which takes a ready
block from any open dataset before waiting.
"""

import concurrent.futures
import os

import numpy as np

from featherflow.data import debug_mode, nested, structure
from featherflow.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from featherflow.data.functions import annotate
from featherflow.data.map import worker_count
from featherflow.errors import InvalidArgumentError


def cpu_count():
    """Schedulable CPUs, what TensorFlow's AUTOTUNE cycle_length becomes."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _int(value, what):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return int(np.asarray(value))


def _close(it):
    getattr(it, "close", lambda: None)()


class InterleaveDataset(Dataset):
    """The elements of ``map_func(element)``'s datasets, ``block_length`` at a time from
    ``cycle_length`` of them in turn.

    Example::

        >>> ds = tf.data.Dataset.range(1, 4).interleave(
        ...     lambda x: tf.data.Dataset.from_tensors(x).repeat(2), cycle_length=2)
        >>> [int(x) for x in ds]
        [1, 2, 1, 2, 3, 3]

    The element spec is that of the dataset ``map_func`` returns for the first element
    (featherflow has no tracer, so it runs the function once on it; an empty input is an
    error here, where TensorFlow would trace). The cardinality is unknown, as TensorFlow's.
    """

    transformation = "interleave"

    def __init__(self, input_dataset, map_func, cycle_length=None, block_length=None,
                 num_parallel_calls=None, deterministic=None, name=None):
        super().__init__([input_dataset], name=name)
        if not callable(map_func):
            raise TypeError(f"{self.transformation}: expected a function, received "
                            f"{type(map_func).__name__} ({map_func!r}).")
        self._input = input_dataset
        self._fn = map_func
        cycle = AUTOTUNE if cycle_length is None else _int(cycle_length, "cycle_length")
        block = 1 if block_length is None else _int(block_length, "block_length")
        if cycle != AUTOTUNE and cycle <= 0:
            raise InvalidArgumentError(
                f"{self.transformation}: cycle_length must be greater than zero (or "
                f"tf.data.AUTOTUNE), received {cycle}.")
        if block <= 0:
            raise InvalidArgumentError(
                f"{self.transformation}: block_length must be greater than zero, received "
                f"{block}.")
        self._cycle, self._block = cycle, block
        self._parallel = num_parallel_calls
        self._deterministic = deterministic
        if num_parallel_calls is not None and cycle != AUTOTUNE:
            self._check_parallel(cycle)

    def _check_parallel(self, cycle):
        n = _int(self._parallel, "num_parallel_calls")
        if n != AUTOTUNE and n > cycle:
            raise InvalidArgumentError(
                f"{self.transformation}: num_parallel_calls={n} is more than the "
                f"cycle_length of {cycle}; at most cycle_length datasets are read at once. "
                "Lower num_parallel_calls or pass tf.data.AUTOTUNE.")

    def _compute_cardinality(self):
        # TensorFlow's parallel kernel knows an infinite input stays infinite; its
        # sequential one does not say
        if self._parallel is not None and self._input._compute_cardinality() == INFINITE:
            return INFINITE
        return UNKNOWN

    def _compute_spec(self):
        it = self._input._iterate()
        try:
            first = next(it, None)
        finally:
            _close(it)
        if first is None:
            raise ValueError(
                f"{self.transformation}: the input dataset is empty, so the output spec "
                "cannot be read from the dataset map_func makes (featherflow runs map_func "
                "on the first element to learn it).")
        return self._open(first, 0).element_spec

    def _open(self, element, index):
        """The dataset ``map_func`` makes of one input element."""
        try:
            out = structure.call_with_element(self._fn, element)
        except Exception as err:
            raise annotate(err, self.transformation, self._fn, index) from None
        return nested.require_dataset(out, self.transformation, self._fn)

    def _cycle_length(self):
        """TensorFlow's resolution of ``cycle_length=AUTOTUNE``: one place per CPU, or with
        ``num_parallel_calls`` that many (at most one per CPU); with both autotuned, a third
        of the CPUs (rounded up), as each place then also reads ahead for two more."""
        if self._cycle != AUTOTUNE:
            return self._cycle
        if self._parallel is None:
            return cpu_count()
        n = _int(self._parallel, "num_parallel_calls")
        if n == AUTOTUNE:
            return -(-cpu_count() // 3)
        return min(n, cpu_count())

    def _iterate(self):
        cycle = self._cycle_length()
        if self._parallel is None or debug_mode.enabled():
            return self._sequential(cycle)
        self._check_parallel(cycle)
        workers = max(1, worker_count(self._parallel, self.options(), self.transformation))
        deterministic = self._deterministic
        if deterministic is None:
            deterministic = self.options().deterministic is not False
        return self._threaded(cycle, min(workers, cycle), deterministic)

    def _sequential(self, cycle):
        block = self._block
        source = self._input._iterate()
        slots = [None] * cycle
        index = 0  # of the next input element
        try:
            position, open_count, input_done = 0, 0, False
            while not input_done or open_count:
                it = slots[position]
                if it is None:
                    if not input_done:
                        element = next(source, _END)
                        if element is _END:
                            input_done = True
                        else:
                            slots[position] = self._open(element, index)._iterate()
                            index += 1
                            open_count += 1
                            continue
                    position = (position + 1) % cycle
                    continue
                taken = 0
                while taken < block:
                    value = next(it, _END)
                    if value is _END:
                        _close(it)
                        slots[position] = None
                        open_count -= 1
                        break
                    taken += 1
                    yield value
                position = (position + 1) % cycle
        finally:
            for it in slots:
                if it is not None:
                    _close(it)
            _close(source)

    def _threaded(self, cycle, workers, deterministic):
        """The sequential order, with every open dataset's next block fetched ahead on a
        thread pool (an iterator is only ever advanced by one task at a time)."""
        block = self._block
        source = self._input._iterate()
        pool = concurrent.futures.ThreadPoolExecutor(
            workers, thread_name_prefix=f"tf.data.{self.transformation}")
        slots = [None] * cycle  # (iterator, future of its next block) per place
        index = 0
        try:
            position, open_count, input_done = 0, 0, False
            while not input_done or open_count:
                if slots[position] is None:
                    if not input_done:
                        element = next(source, _END)
                        if element is _END:
                            input_done = True
                        else:
                            it = self._open(element, index)._iterate()
                            index += 1
                            open_count += 1
                            slots[position] = (it, pool.submit(_fetch, it, block))
                            continue
                    position = (position + 1) % cycle
                    continue
                if not deterministic:
                    position = _ready_place(slots, position)
                it, future = slots[position]
                values, ended = future.result()
                if ended:
                    _close(it)
                    slots[position] = None
                    open_count -= 1
                else:
                    slots[position] = (it, pool.submit(_fetch, it, block))
                yield from values
                position = (position + 1) % cycle
        finally:
            for slot in slots:
                if slot is not None:
                    slot[1].cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            for slot in slots:
                if slot is not None:
                    _close(slot[0])
            _close(source)


def _fetch(it, block):
    """Up to ``block`` elements of ``it``, and whether it ended before giving them all."""
    values = []
    for _ in range(block):
        value = next(it, _END)
        if value is _END:
            return values, True
        values.append(value)
    return values, False


def _ready_place(slots, position):
    """The first open place from ``position`` on whose block is ready, else ``position``'s
    own (or the next open one) to wait on."""
    n = len(slots)
    fallback = None
    for step in range(n):
        k = (position + step) % n
        if slots[k] is not None:
            if slots[k][1].done():
                return k
            if fallback is None:
                fallback = k
    return fallback


class FlatMapDataset(InterleaveDataset):
    """The elements of the datasets ``map_func`` makes of every element, one dataset after
    another (``interleave`` with ``cycle_length=1``).

    Example::

        >>> ds = tf.data.Dataset.range(3).flat_map(lambda x: tf.data.Dataset.range(x))
        >>> [int(x) for x in ds]
        [0, 0, 1]
    """

    transformation = "flat_map"

    def __init__(self, input_dataset, map_func, name=None):
        super().__init__(input_dataset, map_func, cycle_length=1, block_length=1, name=name)

    def _iterate(self):
        return self._chained()

    def _chained(self):
        source = self._input._iterate()
        it = None
        try:
            for index, element in enumerate(source):
                it = self._open(element, index)._iterate()
                yield from it
                _close(it)
                it = None
        finally:
            if it is not None:
                _close(it)
            _close(source)


_END = object()
