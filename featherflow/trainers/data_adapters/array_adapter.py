"""Batches over in-memory arrays (NumPy, pandas, lists, Tensors), converted once by
trainers/inputs.py: shuffled once per epoch, sliced as views."""

import math

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.trainers.data_adapters.conversion import (
    flat_arrays,
    map_arrays,
    num_samples,
    to_tensors,
)
from featherflow.utils.data_packing import pack_x_y_sample_weight


class ArrayBatches:
    """Batches over in-memory arrays: shuffled once per epoch, then sliced as views.

    Each batch is packed as the data came: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``
    (a class_weight makes a sample weight), of Tensors.
    """

    exhausted = False

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=True,
                 steps=None, class_weight=None):
        self.x, self.y, self.sw = x, y, sample_weight
        self.n = num_samples(x, y, sample_weight)
        if self.n == 0:
            raise ValueError("Expected at least one sample, received empty arrays.")
        self.batch_size = int(batch_size)
        if self.batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, received {batch_size!r}.")
        self.shuffle = shuffle
        self.steps = steps
        self.class_weight = class_weight
        self.num_batches = int(math.ceil(self.n / self.batch_size))
        self._single = (not isinstance(x, (list, dict)) and not isinstance(y, (list, dict))
                        and not isinstance(sample_weight, (list, dict)))
        nbytes = sum(a.nbytes for a in flat_arrays(x) + flat_arrays(y))
        self._large = nbytes > (1 << 22) and self.num_batches > 1

    def num_steps(self):
        """Steps in an epoch."""
        return self.steps if self.steps is not None else self.num_batches

    def epoch(self, rng):
        x, y, sw = self.x, self.y, self.sw
        # one batch holding every sample (full-batch gradient descent): the order inside a
        # batch does not change the step, so there is nothing to shuffle
        full_batch = self.num_batches == 1 and self.steps in (None, 1)
        if self.shuffle and self.n > 1 and not full_batch:
            if self.shuffle == "batch":
                order = _batch_shuffle(rng, self.n, self.batch_size)
            else:
                order = _seeded_order(self.n)
                if order is None:
                    order = rng.permutation(self.n)
            if self._large:
                # gather each batch just before it is used: no shuffled copy of the whole data
                # set, and the batch is still in cache for the first layer
                yield from self._gathered(order)
                return
            take = (lambda a: a[order]) if self._single else (
                lambda v: map_arrays(lambda a: a[order], v))
            x = take(x)
            y = take(y) if y is not None else None
            sw = take(sw) if sw is not None else None
        bs = self.batch_size
        total = self.num_steps()
        if self._single and self.num_batches == 1 and total == 1:
            yield _packed(x, y, self._weights(y, sw))
            return
        for step in range(total):
            i = (step % self.num_batches) * bs
            j = i + bs
            if self._single:
                xb = x[i:j]
                yb = y[i:j] if y is not None else None
                swb = sw[i:j] if sw is not None else None
            else:
                cut = slice(i, j)
                xb = map_arrays(lambda a, c=cut: a[c], x)
                yb = map_arrays(lambda a, c=cut: a[c], y)
                swb = map_arrays(lambda a, c=cut: a[c], sw)
            yield _packed(xb, yb, self._weights(yb, swb))

    def first(self):
        """The first batch, unshuffled (to build a model from)."""
        bs = self.batch_size
        return _packed(*(map_arrays(lambda a: a[:bs], v) for v in (self.x, self.y, self.sw)))

    def _gathered(self, order):
        bs = self.batch_size
        for step in range(self.num_steps()):
            i = (step % self.num_batches) * bs
            idx = order[i:i + bs]
            xb = map_arrays(lambda a, k=idx: a[k], self.x)
            yb = map_arrays(lambda a, k=idx: a[k], self.y)
            swb = map_arrays(lambda a, k=idx: a[k], self.sw)
            yield _packed(xb, yb, self._weights(yb, swb))

    def _weights(self, y, sw):
        if self.class_weight is None or y is None:
            return sw
        return apply_class_weight(y, sw, self.class_weight)


def _packed(x, y, sw):
    if type(x) is np.ndarray and sw is None:
        # the usual batch, packed without the generic walk
        return Tensor(x) if y is None else (Tensor(x), Tensor(y) if type(y) is np.ndarray
                                              else to_tensors(y))
    return pack_x_y_sample_weight(to_tensors(x), to_tensors(y), to_tensors(sw))


def _seeded_order(n):
    """Keras 3's order on TensorFlow once a global seed is set: its array adapter shuffles the
    indices with ``tf.random.shuffle`` inside a ``tf.data`` function, whose kernel gets the
    seeds ``(global seed, 0)`` and starts afresh at each iterator, so every epoch (and every
    ``fit``) sees the same permutation (checked against Keras 3.15 / TF 2.21). None without a
    global seed."""
    from featherflow.api import random as tf_random
    from featherflow.backend import philox, stateless_random
    from featherflow.data import seeds
    from featherflow.utils import random as random_utils

    if random_utils.global_seed() is None:
        return None
    first, second = seeds.get_seed(0)
    cached = _SEEDED_ORDERS.get((first, second, n))
    if cached is None:
        key, counter = philox.seeds_to_key_counter(first, second)
        samples = stateless_random.sample_bits(stateless_random.KeyCounter(key, counter),
                                               n - 1, "fit shuffle")
        cached = tf_random._fisher_yates(n, samples)
        cached.setflags(write=False)
        _SEEDED_ORDERS.clear()  # one data set size at a time is what fit needs
        _SEEDED_ORDERS[(first, second, n)] = cached
    return cached


_SEEDED_ORDERS = {}


def _batch_shuffle(rng, n, bs):
    nb = n // bs
    head = np.arange(nb * bs).reshape(nb, bs)
    head = head[rng.permutation(nb)].reshape(-1)
    return np.concatenate([head, np.arange(nb * bs, n)])


def apply_class_weight(y, sw, class_weight):
    if isinstance(y, (list, dict)):
        raise ValueError(
            "class_weight is only supported for models with a single output; use "
            "sample_weight for several outputs."
        )
    labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else np.round(
        y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64)
    table = np.ones(int(max(max(class_weight) + 1, labels.max() + 1)), config.floatx_dtype())
    for k, v in class_weight.items():
        table[int(k)] = v
    w = table[labels]
    return w if sw is None else sw * w


def split_validation(x, y, sw, validation_split):
    if not 0 < validation_split < 1:
        raise ValueError(
            f"validation_split must be between 0 and 1 (exclusive), received {validation_split}."
        )
    n = num_samples(x, y, sw)
    cut = int(n * (1.0 - validation_split))
    if cut == 0 or cut == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no samples for training or validation "
            f"with {n} samples."
        )

    def head(v):
        return map_arrays(lambda a: a[:cut], v)

    def tail(v):
        return map_arrays(lambda a: a[cut:], v)

    return (head(x), head(y), head(sw)), (tail(x), tail(y), tail(sw))
