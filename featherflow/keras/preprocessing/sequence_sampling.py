"""``skipgrams``, ``make_sampling_table`` and ``TimeseriesGenerator``: the older
``tf.keras.preprocessing.sequence`` helpers that TensorFlow 2.21 still exports and the word2vec and
time-series tutorials use.

``skipgrams`` draws from Python's ``random`` module in the order Keras's does (one
``random.random()`` per kept word when a sampling table is given, one ``random.shuffle`` of the
source words and one ``random.randint`` per negative sample, then a seeded shuffle of the pairs
and of the labels), so after the same ``random.seed(...)`` it returns the same pairs as
``tf.keras.preprocessing.sequence.skipgrams``.
"""

import json
import random

import numpy as np

from featherflow.utils.sequence import PyDataset

__all__ = ["TimeseriesGenerator", "make_sampling_table", "skipgrams"]

_EULER_GAMMA = 0.577  # the rounded constant of word2vec's table, as Keras uses it


def make_sampling_table(size, sampling_factor=1e-5):
    """Probability of keeping the word of each frequency rank ``0..size-1`` (word2vec's
    sub-sampling rule, with Zipf-law frequencies): ``min(1, sqrt(f) )`` where
    ``f = sampling_factor * rank * (log(rank) + gamma) + 1/2 - 1/(12 rank)``.

    Example::

        >>> tf.keras.preprocessing.sequence.make_sampling_table(4)   # doctest: +SKIP
        array([0.00315225, 0.00315225, 0.00547597, 0.00741556])
    """
    size = int(size)
    if size < 0:
        raise ValueError(f"make_sampling_table: `size` must be >= 0, received {size}")
    rank = np.arange(size)
    if size:
        rank[0] = 1
    with np.errstate(divide="ignore"):
        inv_frequency = rank * (np.log(rank) + _EULER_GAMMA) + 0.5 - 1.0 / (12.0 * rank)
    scaled = sampling_factor * inv_frequency
    return np.minimum(1.0, scaled / np.sqrt(scaled))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Skip-gram pairs of a sequence of word indices: ``(word, neighbour)`` with label 1 for
    every neighbour within ``window_size`` (index 0 is padding and never paired), then
    ``int(negative_samples * positives)`` pairs ``(word, random index in [1, vocabulary_size))``
    with label 0. With ``sampling_table``, word ``w`` is kept with probability
    ``sampling_table[w]``. ``categorical=True`` gives labels ``[0, 1]`` / ``[1, 0]``.

    Returns ``(couples, labels)``: lists of ``[word, context]`` pairs and labels.
    """
    if negative_samples < 0:
        raise ValueError(f"skipgrams: `negative_samples` must be >= 0, received "
                         f"{negative_samples}")
    positive = [0, 1] if categorical else 1
    negative = [1, 0] if categorical else 0
    couples, labels = [], []
    sequence = list(sequence)
    length = len(sequence)
    for i, word in enumerate(sequence):
        if not word:
            continue
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        for j in range(max(0, i - window_size), min(length, i + window_size + 1)):
            if j == i or not sequence[j]:
                continue
            couples.append([word, sequence[j]])
            labels.append(list(positive) if categorical else positive)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        if count and vocabulary_size < 2:
            raise ValueError(f"skipgrams: negative samples are drawn from [1, vocabulary_size); "
                             f"`vocabulary_size` must be >= 2, received {vocabulary_size}")
        sources = [pair[0] for pair in couples]
        random.shuffle(sources)
        couples.extend([sources[k % len(sources)], random.randint(1, vocabulary_size - 1)]
                       for k in range(count))
        labels.extend(list(negative) if categorical else negative for _ in range(count))
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10_000_000)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


class TimeseriesGenerator(PyDataset):
    """Batches of windows over a time series, for ``fit``: batch ``i`` holds, for each target
    row ``r`` in ``[start_index + length, end_index]`` (every ``stride`` rows),
    ``data[r - length:r:sampling_rate]`` and ``targets[r]``. ``shuffle=True`` draws the rows of
    each batch with NumPy's global generator; ``reverse=True`` reverses each window in time.
    (Newer code uses ``tf.keras.utils.timeseries_dataset_from_array``.)
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128, **kwargs):
        super().__init__(**kwargs)
        if len(data) != len(targets):
            raise ValueError(f"TimeseriesGenerator: `data` and `targets` must have the same "
                             f"length; received {len(data)} data rows and {len(targets)} "
                             "targets")
        for name, value in (("length", length), ("sampling_rate", sampling_rate),
                            ("stride", stride), ("batch_size", batch_size)):
            if int(value) != value or value < 1:
                raise ValueError(f"TimeseriesGenerator: `{name}` must be a positive integer, "
                                 f"received {value!r}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(
                f"TimeseriesGenerator: `start_index+length={self.start_index} > "
                f"end_index={self.end_index}` leaves no row to use as the current step; "
                "pass a shorter `length` or more data")

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = np.array([self.data[r - self.length:r:self.sampling_rate] for r in rows])
        targets = np.array([self.targets[r] for r in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self):
        def as_json(value, what):
            if type(value).__module__ == np.__name__:
                value = value.tolist()
            try:
                return json.dumps(value)
            except TypeError as err:
                raise TypeError(f"TimeseriesGenerator.get_config: {what} are not JSON "
                                f"serializable: {value!r}") from err

        return {"data": as_json(self.data, "data"), "targets": as_json(self.targets, "targets"),
                "length": self.length, "sampling_rate": self.sampling_rate,
                "stride": self.stride, "start_index": self.start_index,
                "end_index": self.end_index, "shuffle": self.shuffle, "reverse": self.reverse,
                "batch_size": self.batch_size}

    def to_json(self, **kwargs):
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)
