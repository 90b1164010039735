"""Turning what users pass to fit/evaluate/predict into batches of NumPy arrays."""

import math

import numpy as np

from featherflow import tree
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.utils.data_packing import pack_x_y_sample_weight


def to_numpy(x, what="x"):
    """Arrays, lists, pandas objects and Tensors to ndarrays (floats as floatx); nests kept."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: to_numpy(v, f"{what}[{k!r}]") for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and _is_array_like(x[0]) and not _is_numeric_list(x):
        return [to_numpy(v, f"{what}[{i}]") for i, v in enumerate(x)]
    if isinstance(x, Tensor):
        a = x.data
    elif hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        a = x.to_numpy()
    else:
        try:
            a = np.asarray(x)
        except ValueError as err:
            raise ValueError(
                f"{what}: could not make an array ({err}). Rows of different lengths? Every "
                "sample must have the same shape."
            ) from None
    kind = a.dtype.kind
    if kind in "OUSV":
        raise TypeError(
            f"{what} must hold numbers; received an array of dtype {a.dtype} (e.g. "
            f"{_first(a)!r}). Convert text or categories to numbers first (e.g. with "
            "np.asarray(x, dtype='float32'), a lookup table, or to_categorical)."
        )
    if kind == "f" and a.dtype != config.floatx_dtype():
        a = a.astype(config.floatx_dtype())
    elif kind == "b":
        a = a.astype(config.floatx_dtype())
    return a


def _first(a):
    return a.reshape(-1)[0] if a.size else None


def _is_array_like(v):
    return isinstance(v, (np.ndarray, Tensor)) or hasattr(v, "to_numpy") or (
        isinstance(v, (list, tuple)) and len(v) > 0)


def _is_numeric_list(x):
    """A (nested) list of numbers is one array, not a list of inputs."""
    first = x[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (int, float, np.number, bool))


def flat_arrays(x):
    """Every array in the nest ``x`` (``None`` entries skipped)."""
    return [a for a in tree.flatten(x) if a is not None]


def map_arrays(fn, x):
    """``fn`` on every array of ``x``, lists and tuples as lists. Used on every batch of a
    multi-input model: 4x faster than ``tree.map_structure``, which checks more cases."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: map_arrays(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [map_arrays(fn, v) for v in x]
    return fn(x)


def to_tensors(x):
    """Every array in ``x`` (a nest) as a Tensor: steps receive tensors, as in Keras."""
    if x is None or isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    if isinstance(x, dict):
        return {k: to_tensors(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_tensors(v) for v in x)
    return Tensor(np.asarray(x))


def expand_1d(x):
    """Keras 2's rule: 1-D arrays become columns, so ``fit(x, y)`` with 1-D x and y works."""
    return map_arrays(lambda a: a.reshape(-1, 1) if a.ndim == 1 else a, x)


def check_finite(x, what):
    for a in flat_arrays(x):
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            bad = np.argwhere(~np.isfinite(a))[0]
            raise ValueError(
                f"{what} contains NaN or infinity (first at index {tuple(int(i) for i in bad)}). "
                "Remove or impute missing values before training (e.g. np.nan_to_num, or drop "
                "those rows)."
            )


def num_samples(x, y=None, sample_weight=None):
    sizes = {}
    for name, v in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        for a in flat_arrays(v):
            if a.ndim == 0:
                raise ValueError(f"{name} must have a batch dimension; received a scalar.")
            sizes.setdefault(name, set()).add(a.shape[0])
    all_sizes = set().union(*sizes.values()) if sizes else set()
    if len(all_sizes) > 1:
        detail = ", ".join(f"{k}: {sorted(v)}" for k, v in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: x and y must have the same number of samples "
            f"(first dimension); received {detail}. Make sure every array has one row per "
            "sample."
        )
    return all_sizes.pop() if all_sizes else 0


def is_generator_like(x):
    return (hasattr(x, "__next__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__")
                                       and hasattr(x, "on_epoch_end"))
            or _is_pydataset(x))


def _is_pydataset(x):
    from featherflow.utils.sequence import Sequence

    return isinstance(x, Sequence)


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
