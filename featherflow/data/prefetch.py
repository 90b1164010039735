"""``Dataset.prefetch``: a background thread runs the pipeline ahead of the consumer.

The producer thread iterates the input and fills a bounded queue while the consumer (say,
``fit``'s training step) works; NumPy and BLAS release the GIL, so the two really overlap.
An exception in the producer is handed to the consumer at the element where it happened,
and closing the iterator (or dropping it) stops the thread.
"""

import queue
import threading

from featherflow.data import debug_mode
from featherflow.data.dataset import AUTOTUNE, Dataset

#: the queue length for ``prefetch(tf.data.AUTOTUNE)``: enough to hide a slow batch behind
#: a few fast ones, small enough not to hold many batches in memory
AUTOTUNE_BUFFER = 4


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


_END = object()


class PrefetchDataset(Dataset):
    """The input's elements, computed up to ``buffer_size`` ahead in a background thread."""

    def __init__(self, input_dataset, buffer_size, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        size = int(buffer_size.numpy() if hasattr(buffer_size, "numpy") else buffer_size)
        if size < 0 and size != AUTOTUNE:
            raise ValueError(
                f"prefetch: buffer_size must be a non-negative integer or tf.data.AUTOTUNE, "
                f"received {buffer_size!r}.")
        self._size = AUTOTUNE_BUFFER if size == AUTOTUNE else size

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _compute_spec(self):
        return self._input.element_spec

    def _peek(self):
        return self._input._peek()

    def _iterate(self):
        if self._size == 0 or debug_mode.enabled():
            return self._input._iterate()
        return self._background()

    def _background(self):
        slots = queue.Queue(self._size)
        stop = threading.Event()
        source = self._input

        def produce():
            it = None
            try:
                it = source._iterate()
                for element in it:
                    while not stop.is_set():
                        try:
                            slots.put(element, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                _put_last(slots, stop, _END)
            except BaseException as err:  # noqa: BLE001 - handed to the consumer
                _put_last(slots, stop, _Failure(err))
            finally:
                if it is not None:
                    getattr(it, "close", lambda: None)()

        worker = threading.Thread(target=produce, name="tf.data.prefetch", daemon=True)
        worker.start()
        try:
            while True:
                item = slots.get()
                if item is _END:
                    return
                if type(item) is _Failure:
                    raise item.error
                yield item
        finally:
            stop.set()
            while worker.is_alive():
                try:
                    slots.get_nowait()
                except queue.Empty:
                    worker.join(timeout=0.05)


def _put_last(slots, stop, item):
    while not stop.is_set():
        try:
            slots.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
