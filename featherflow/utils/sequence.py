"""PyDataset (alias Sequence): an indexable source of batches for fit, as in Keras 3."""

import itertools
import warnings

_SUPER_NOT_CALLED = (
    "Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. "
    "`**kwargs` can include `workers`, `use_multiprocessing`, `max_queue_size`. Do not pass "
    "these arguments to `fit()`, as they will be ignored."
)


class PyDataset:
    """Base class for batch sources: write ``__len__`` (batches per epoch) and
    ``__getitem__`` (one whole batch), or a ``num_batches`` property returning None for an
    endless one. ``fit`` calls ``on_epoch_begin``/``on_epoch_end`` around every epoch and,
    with ``workers > 1``, runs ``__getitem__`` on a thread pool (results keep their order);
    ``use_multiprocessing=True`` runs it in spawned worker processes.

    Example::

        class Batches(tf.keras.utils.PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.bs = x, y, batch_size

            def __len__(self):
                return -(-len(self.x) // self.bs)

            def __getitem__(self, i):
                s = slice(i * self.bs, (i + 1) * self.bs)
                return self.x[s], self.y[s]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = False
        for name, default in (("_workers", 1), ("_use_multiprocessing", False),
                              ("_max_queue_size", 10)):
            if name not in self.__dict__:
                setattr(self, name, default)
                missing = True
        if missing:
            warnings.warn(_SUPER_NOT_CALLED, stacklevel=3)

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        raise TypeError(
            f"{type(self).__name__} must define __getitem__(index), returning the batch at "
            "position index: x, (x,), (x, y) or (x, y, sample_weight).")

    @property
    def num_batches(self):
        """Batches per epoch, or None for an endless dataset; ``len(self)`` by default."""
        if hasattr(self, "__len__"):
            return len(self)
        raise TypeError(
            f"{type(self).__name__} must define __len__ or a num_batches property (return "
            "None from num_batches for an endless dataset).")

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch."""

    def __iter__(self):
        count = self.num_batches
        for index in itertools.count() if count is None else range(count):
            yield self[index]


Sequence = PyDataset
