"""``Dataset.shuffle``: TensorFlow's shuffle buffer, drawing the same numbers in the same order.

The buffer holds up to ``buffer_size`` elements. Each output draws one 32-bit Philox sample
``r``, takes the element at offset ``r % count`` from the front of the buffer, moves the front
element into the hole, and refills from the input; once the input is exhausted the buffer
drains the same way with ``count`` shrinking. With the seeds of ``featherflow.data.seeds``
(``tf.random.set_seed``, ``seed=``, one seed pair per iterator when reshuffling) a seeded
pipeline gives TF 2.21's exact order, epoch after epoch; ``seed=None`` without a global seed
draws its seeds from the operating system, so only the distribution matches TF there.

``buffer_size=tf.data.UNKNOWN_CARDINALITY`` (-2) buffers the whole input (a full shuffle).
"""

import numpy as np

from featherflow.backend.philox import PhiloxStream
from featherflow.data import seeds as seed_rules
from featherflow.data.dataset import UNKNOWN, Dataset, peeking
from featherflow.errors import InvalidArgumentError

_END = object()


def _buffer_size(value):
    raw = value.numpy() if hasattr(value, "numpy") else value
    try:
        size = int(raw)
    except (TypeError, ValueError):
        size = None
    if size is None or isinstance(raw, bool) or size != raw:
        raise TypeError(
            f"shuffle: buffer_size must be an integer, received {value!r} of type "
            f"{type(value).__name__}. Pass the number of elements to sample from, e.g. "
            "buffer_size=1000.")
    if size <= 0 and size != UNKNOWN:
        raise InvalidArgumentError(
            f"shuffle: buffer_size must be greater than zero or UNKNOWN_CARDINALITY (-2), "
            f"received {size}. tf.data.AUTOTUNE is not accepted here; pass a count, or "
            "dataset.cardinality() to shuffle the whole dataset.")
    return size


def shuffled(source, buffer_size, stream):
    """The elements of the iterator ``source`` in TF's shuffle order for the samples of
    ``stream`` (a :class:`PhiloxStream`); ``buffer_size=-2`` buffers everything."""
    if buffer_size == UNKNOWN:
        buffer, exhausted = list(source), True
    else:
        buffer = []
        for element in source:
            buffer.append(element)
            if len(buffer) == buffer_size:
                break
        exhausted = len(buffer) < buffer_size
    samples, k = [], 0
    front = 0
    if not exhausted:
        # Steady state: a full ring of buffer_size slots whose front moves one slot per element;
        # the slot the front element leaves is where the next input element goes. The count is
        # fixed here, so the modulo is taken for a whole run of samples at once.
        size = buffer_size
        raw = stream.chunk()
        offsets = (raw % size).tolist()
        # The first draw follows the initial fill; after it, each input element goes into the
        # slot the front left and is followed by one draw.
        index = offsets[0]
        k = 1
        out = buffer[index]
        buffer[index] = buffer[front]
        yield out
        for element in source:
            buffer[front] = element
            front = front + 1 if front + 1 < size else 0
            if k == len(offsets):
                raw = stream.chunk()
                offsets, k = (raw % size).tolist(), 0
            index = front + offsets[k]
            k += 1
            if index >= size:
                index -= size
            out = buffer[index]
            buffer[index] = buffer[front]
            yield out
        # The buffer_size - 1 elements left, in their order from the front, and the samples
        # not used yet.
        buffer = buffer[front + 1:] + buffer[:front]
        front = 0
        samples = raw[k:].tolist()
        k = 0
    remaining = len(buffer)
    while front < remaining:
        if k == len(samples):
            samples, k = stream.chunk().tolist(), 0
        index = front + samples[k] % (remaining - front)
        k += 1
        out = buffer[index]
        buffer[index] = buffer[front]
        buffer[front] = None  # drop the reference now, as TF moves the tensor out
        front += 1
        yield out


class ShuffleDataset(Dataset):
    """The input's elements in random order, from a buffer of ``buffer_size`` (``tf.data``'s
    ``shuffle``). Each iteration reshuffles unless ``reshuffle_each_iteration=False``.

    Example::

        >>> tf.random.set_seed(42)
        >>> list(tf.data.Dataset.range(2000).shuffle(1000).take(5).as_numpy_iterator())
        [235, 946, 242, 13, 94]
    """

    def __init__(self, input, buffer_size, seed=None, reshuffle_each_iteration=True,
                 name=None):
        super().__init__([input], name=name)
        self._input = input
        self._buffer_size = _buffer_size(buffer_size)
        if reshuffle_each_iteration is None:
            reshuffle_each_iteration = True
        self._reshuffle = bool(reshuffle_each_iteration)
        # As in TF, the seeds are fixed when the dataset is made (this is when an op seed is
        # taken from the global seed), and the generator of per-iteration seeds lives here, so
        # every pass of every iterator over this dataset advances it.
        seed, seed2 = seed_rules.dataset_seeds(seed)
        self._seeds = seed_rules.SeedGenerator(seed, seed2, self._reshuffle)

    def _compute_spec(self):
        return self._input.element_spec

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _peek(self):
        # any element of the input tells the shapes; starting a pass would take seeds
        return self._input._peek()

    def _iterate(self):
        if peeking():
            return self._input._iterate()  # any element will do; keep the seeds for real passes
        # The seeds are taken when the iterator is made (not at its first element), as TF does
        # in the iterator's Initialize: two iterators made in a row get consecutive seeds.
        stream = PhiloxStream(*self._seeds.next_seeds())
        return self._run(stream)

    def _run(self, stream):
        source = self._input._iterate()
        try:
            yield from shuffled(source, self._buffer_size, stream)
        finally:
            getattr(source, "close", lambda: None)()

    def _iterate_batches(self, batch_size, drop_remainder):
        """Batches gathered in one indexing per batch when the input can gather by index
        (an in-memory source): the order is the shuffle of the indices, the same draws."""
        gather = getattr(self._input, "_gather", None)
        n = self._input._compute_cardinality()
        if gather is None or n < 0:
            return None
        stream = PhiloxStream(*self._seeds.next_seeds())
        return self._gathered(gather, n, batch_size, drop_remainder, stream)

    def _gathered(self, gather, n, batch_size, drop_remainder, stream):
        order = np.fromiter(shuffled(iter(range(n)), self._buffer_size, stream),
                            dtype=np.int64, count=n)
        stop = n - n % batch_size if drop_remainder else n
        for start in range(0, stop, batch_size):
            yield gather(order[start:start + batch_size])
