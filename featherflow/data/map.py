"""``Dataset.map``: a function on every element, in order, optionally on worker threads.

With ``num_parallel_calls`` (a number, or ``tf.data.AUTOTUNE`` for one thread per core) up to
that many elements are in flight on a thread pool. NumPy releases the GIL in its kernels, so
array-heavy functions run in parallel; a pure-Python function gains little. Results come back
in input order unless ``deterministic=False`` (or the pipeline's
``Options.deterministic = False``), which yields each one as soon as it is ready.
"""

import collections
import concurrent.futures
import os
import warnings

from featherflow.data import debug_mode, structure, tracing, vectorize
from featherflow.data.batch import stack
from featherflow.data.dataset import AUTOTUNE, END, UNKNOWN, Dataset
from featherflow.data.functions import ElementFunction, annotate
from featherflow.data.vectorize import BatchedFunction


def worker_count(num_parallel_calls, options, what):
    """Threads for a parallel transformation, or 0 for running in the consumer's thread."""
    if num_parallel_calls is None or debug_mode.enabled():
        return 0
    n = int(num_parallel_calls)
    cap = options.threading.private_threadpool_size or os.cpu_count() or 1
    if n == AUTOTUNE:
        return max(1, min(os.cpu_count() or 1, cap))
    if n <= 0:
        raise ValueError(
            f"{what}: num_parallel_calls must be a positive integer or tf.data.AUTOTUNE, "
            f"received {num_parallel_calls}.")
    return 0 if n == 1 else min(n, max(cap, 1))


class MapDataset(Dataset):
    """Elements of the input, each passed through ``map_func``."""

    def __init__(self, input_dataset, map_func, num_parallel_calls=None, deterministic=None,
                 name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._fn = map_func
        ElementFunction(map_func, "map")  # checks it is callable now, not at iteration
        self._parallel = num_parallel_calls
        self._deterministic = deterministic

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _compute_spec(self):
        """The spec TF's tracer gives: the function runs once on the first element while
        its ops are recorded, and the input spec's static shapes are replayed through them
        (featherflow/data/tracing.py)."""
        first = self._input._peek()
        if first is END:
            raise ValueError(
                "map: the input dataset is empty, so the output spec cannot be read from an "
                "element (featherflow runs the function on the first element to learn it).")
        try:
            _, spec = tracing.traced_spec(self._fn, first, self._input.element_spec)
        except Exception as err:
            raise annotate(err, "map", self._fn, 0) from None
        return spec

    def _peek(self):
        first = self._input._peek()
        return first if first is END else ElementFunction(self._fn, "map")(first, 0)

    # -- whole batches at once, when the function is element-wise (vectorize.py) -------------
    @property
    def _gather(self):
        """The elements at an index array, mapped as one batch: random access for a shuffle
        and batch above, or None when the input has none."""
        source = getattr(self._input, "_gather", None)
        if source is None:
            return None
        fn = ElementFunction(self._fn, "map")
        batched = BatchedFunction(fn)
        state = {}

        def gather(index):
            batch = source(index)
            if "elementwise" not in state:
                state["elementwise"] = vectorize.is_elementwise(self._fn, _row(batch, 0))
            return _map_batch(batch, fn, batched if state["elementwise"] else None, self)

        return gather

    def _iterate_batches(self, batch_size, drop_remainder):
        source = getattr(self._input, "_iterate_batches", None)
        if source is None:
            return None
        batches = source(batch_size, drop_remainder)
        if batches is None:
            return None
        return self._mapped_batches(batches)

    def _mapped_batches(self, batches):
        fn = ElementFunction(self._fn, "map")
        batched = BatchedFunction(fn)
        elementwise = None
        try:
            for batch in batches:
                if elementwise is None:
                    elementwise = vectorize.is_elementwise(self._fn, _row(batch, 0))
                yield _map_batch(batch, fn, batched if elementwise else None, self)
        finally:
            getattr(batches, "close", lambda: None)()

    def _iterate(self):
        workers = worker_count(self._parallel, self.options(), "map")
        fn = ElementFunction(self._fn, "map")
        if workers == 0:
            return self._sequential(fn)
        deterministic = self._deterministic
        if deterministic is None:
            deterministic = self.options().deterministic is not False
        return self._threaded(fn, workers, deterministic)

    def _sequential(self, fn):
        it = self._input._iterate()
        try:
            for i, element in enumerate(it):
                yield fn(element, i)
        finally:
            getattr(it, "close", lambda: None)()

    def _threaded(self, fn, workers, deterministic):
        it = self._input._iterate()
        pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="tf.data.map")
        pending = collections.deque()
        window = 2 * workers
        try:
            index = 0
            exhausted = False
            while True:
                while not exhausted and len(pending) < window:
                    element = next(it, END)
                    if element is END:
                        exhausted = True
                        break
                    pending.append(pool.submit(fn, element, index))
                    index += 1
                if not pending:
                    return
                if deterministic:
                    yield pending.popleft().result()
                else:
                    done, _ = concurrent.futures.wait(
                        pending, return_when=concurrent.futures.FIRST_COMPLETED)
                    for future in [f for f in pending if f in done]:
                        pending.remove(future)
                        yield future.result()
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            getattr(it, "close", lambda: None)()


class IgnoreErrorsDataset(Dataset):
    """The input, with the elements whose computation raised dropped (``ignore_errors``).

    A Python generator cannot go on after it raised, so the maps (and filters) just above
    are run here, one element at a time, each in its own ``try``; an error from further up
    (a source) ends the pass if the source cannot go on, as a generator's error ends
    TensorFlow's.
    """

    def __init__(self, input_dataset, log_warning=False, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._log = log_warning

    def _compute_cardinality(self):
        return UNKNOWN

    def _compute_spec(self):
        return self._input.element_spec

    def _iterate(self):
        from featherflow.data.filter import FilterDataset  # filter.py imports this module

        stages = []
        ds = self._input
        while isinstance(ds, (MapDataset, FilterDataset)):
            stages.append(ds)
            ds = ds._input
        stages.reverse()
        calls = [ElementFunction(d._fn, "map" if isinstance(d, MapDataset) else "filter")
                 for d in stages]
        kinds = [isinstance(d, MapDataset) for d in stages]
        it = ds._iterate()
        try:
            index = 0
            while True:
                try:
                    element = next(it)
                except StopIteration:
                    return
                except Exception as err:  # noqa: BLE001 - dropping errors is the point
                    # a source that can go on after an error (a TFRecord reader skipping a
                    # damaged file) does; a generator that raised is finished and stops
                    self._warn(err)
                    continue
                try:
                    for is_map, call in zip(kinds, calls):
                        if is_map:
                            element = call(element, index)
                        elif not call.keep(element, index):
                            element = END
                            break
                except Exception as err:  # noqa: BLE001 - dropping errors is the point
                    self._warn(err)
                    element = END
                index += 1
                if element is not END:
                    yield element
        finally:
            getattr(it, "close", lambda: None)()

    def _warn(self, err):
        if self._log:
            warnings.warn(f"ignore_errors: dropped an element: {err!r}", stacklevel=3)


def _row(batch, i):
    return structure.map_element(lambda a: structure.leaf_row(a, i), batch)


def _rows(batch):
    leaves = [structure.leaf_rows(a) for a in structure.flatten(batch)]
    return [structure.pack_as(batch, [rows[i] for rows in leaves])
            for i in range(len(leaves[0]))]


def _map_batch(batch, fn, batched, dataset):
    """``fn`` on every row of ``batch``, stacked: in one call when ``batched`` can.
    RaggedTensor results batch by the element spec of ``dataset`` (the map)."""
    if batched is not None:
        out = batched(batch, _row(batch, 0))
        if out is not None:
            return out
    outputs = [fn(row, i) for i, row in enumerate(_rows(batch))]
    leaves = structure.flatten(outputs[0]) if outputs else []
    if any(structure.is_ragged(a) for a in leaves):
        # RaggedTensor results batch as ragged rows, as batch() of the mapped dataset does
        ragged = [s if structure.is_ragged(a) else None
                  for s, a in zip(structure.flatten(dataset.element_spec), leaves)]
        return stack(outputs, ragged=ragged)
    return stack(outputs)
