"""Batches from a Python generator or iterator (and duck-typed Sequences): featherflow's
rule, documented in docs/training.md ("Finite generators")."""

from featherflow.trainers.data_adapters.conversion import expand_1d, to_numpy, to_tensors


def is_generator_like(x):
    """A Python generator or iterator, or a duck-typed Sequence (``__getitem__``, ``__len__``
    and ``on_epoch_end`` without subclassing PyDataset, which py_dataset_adapter.py takes)."""
    return hasattr(x, "__next__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__")
                                      and hasattr(x, "on_epoch_end"))


class GeneratorBatches:
    """Batches from a Python generator or a Sequence/PyDataset yielding ``x``, ``(x,)``,
    ``(x, y)`` or ``(x, y, sample_weight)``; each batch keeps the form it came in.

    A generator without ``steps`` is read to its end in the first epoch; the epochs after
    it get no batches. ``exhausted`` tells that a generator ran out before ``steps``.
    """

    def __init__(self, data, steps=None):
        self.data = data
        self.steps = steps
        self.is_sequence = hasattr(data, "__getitem__") and hasattr(data, "__len__")
        self._iterator = None
        self._peeked = None
        self.exhausted = False

    def num_steps(self):
        """Steps in an epoch, or None when only reading the generator to its end tells."""
        if self.steps is not None:
            return self.steps
        if self.is_sequence:
            return len(self.data)
        return None

    def epoch(self, rng):
        if self.is_sequence:
            n = len(self.data)
            total = self.steps if self.steps is not None else n
            for step in range(total):
                yield unpack(self.data[step % n])
            if hasattr(self.data, "on_epoch_end"):
                self.data.on_epoch_end()
            return
        if self._iterator is None:
            self._iterator = iter(self.data)
        step = 0
        while self.steps is None or step < self.steps:
            if self._peeked is not None:
                item, self._peeked = self._peeked, None
            else:
                try:
                    item = next(self._iterator)
                except StopIteration:
                    self.exhausted = self.steps is not None
                    return
            yield unpack(item)
            step += 1

    def first(self):
        """The first batch, kept to be yielded again by the first epoch."""
        if self.is_sequence:
            return unpack(self.data[0])
        if self._iterator is None:
            self._iterator = iter(self.data)
        if self._peeked is None:
            try:
                self._peeked = next(self._iterator)
            except StopIteration:
                raise ValueError(
                    "The data generator yielded no batches; it must yield x, (x,), (x, y) or "
                    "(x, y, sample_weight) at least once."
                ) from None
        return unpack(self._peeked)


def unpack(item):
    """One generator item as a batch of Tensors, in the form it was yielded."""
    if isinstance(item, tuple):
        if len(item) == 1:
            return (to_tensors(expand_1d(to_numpy(item[0]))),)
        if len(item) in (2, 3):
            parts = [expand_1d(to_numpy(item[0], "x")), expand_1d(to_numpy(item[1], "y"))]
            if len(item) == 3:
                parts.append(to_numpy(item[2], "sample_weight"))
            return tuple(to_tensors(p) for p in parts)
        raise ValueError(
            f"A data generator must yield x, (x,), (x, y) or (x, y, sample_weight); received a "
            f"tuple of {len(item)} items."
        )
    return to_tensors(expand_1d(to_numpy(item)))
