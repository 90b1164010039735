"""``keras.utils.timeseries_dataset_from_array``: sliding windows over an array, as a dataset.

Keras's construction (start positions ``0, stride, 2*stride...``, shuffled with
``np.random.RandomState(seed)`` when asked, then a ``shuffle(batch_size * 8, seed)`` and
``batch``), so the windows, their order and the batches are Keras's. The windows are a
random-access source: a shuffled, batched pass gathers each batch of windows with one NumPy
index instead of one gather per window.
"""

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import AUTOTUNE, Dataset


class _Windows(Dataset):
    """Element ``i``: ``data[start + positions[i] + k * rate]`` for ``k < length``, or with
    ``windows=False`` the single row ``data[start + positions[i]]`` (the targets)."""

    def __init__(self, data, positions, length, rate, start, windows=True):
        super().__init__()
        self._data = data
        self._positions = positions
        self._offsets = np.arange(length) * rate if windows else None
        self._start = start

    def _compute_cardinality(self):
        return len(self._positions)

    def _compute_spec(self):
        rest = self._data.shape[1:]
        # Keras builds the windows with a tf.range of tensors: TF's spec leaves the length open
        shape = rest if self._offsets is None else (None,) + rest
        return structure.TensorSpec(shape, self._data.dtype)

    def _rows(self, index):
        base = self._positions[index] + self._start
        return base if self._offsets is None else base[..., None] + self._offsets

    def _gather(self, index):
        return self._data[self._rows(np.asarray(index))]

    def _iterate(self):
        for i in range(len(self._positions)):
            yield self._data[self._rows(i), ...]

    def _iterate_batches(self, batch_size, drop_remainder):
        n = len(self._positions)
        stop = n - n % batch_size if drop_remainder else n
        return (self._gather(np.arange(i, min(i + batch_size, n)))
                for i in range(0, stop, batch_size))


def _check(data, start_index, end_index, sampling_rate, sequence_stride):
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        if start_index >= n:
            raise ValueError(f"`start_index` must be lower than the length of the data. "
                             f"Received: start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError(f"`end_index` must be lower than the length of the data. "
                             f"Received: end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: "
                             f"end_index={end_index}")
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")
        if value >= n:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: "
                             f"{name}={value}, for data of length {n}")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """Batches of sliding windows over ``data`` (and the target of each window's start).

    Example::

        >>> ds = tf.keras.utils.timeseries_dataset_from_array(
        ...     np.arange(10), None, sequence_length=3, batch_size=2)
        >>> next(iter(ds)).numpy().tolist()
        [[0, 1, 2], [1, 2, 3]]
    """
    data = structure.to_array(data)
    if targets is not None:
        targets = structure.to_array(targets)
    _check(data, start_index, end_index, sampling_rate, sequence_stride)
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    index_dtype = "int32" if num_seqs < 2147483647 else "int64"
    positions = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    dataset = _Windows(data, positions, sequence_length, sampling_rate, start)
    if targets is not None:
        dataset = Dataset.zip((dataset, _Windows(targets, positions, 1, 1, start,
                                                 windows=False)))
    if batch_size is not None:
        if shuffle:
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        dataset = dataset.batch(batch_size)
    elif shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset.prefetch(AUTOTUNE)
