"""``Dataset.rejection_resample``: reshape the class distribution of a dataset.

TensorFlow's construction, step for step: the class of every element (``class_func``), the
input's class distribution (given as ``initial_dist``, or estimated from running counts over
batches of 32 starting from 10 per class), per-class acceptance rates that keep as much data
as possible (``a_i = (r_i - m) / (max r - m)`` with ``r_i = target_i / initial_i`` and
``m = min r``), a filter that keeps each element with its class's rate, and a mix of that
filtered stream with the untouched input in the proportion ``m`` (so elements of rare
classes can be repeated). Elements are ``(class, element)`` pairs.

The keep-or-drop draws come from NumPy's generator (seeded by ``seed`` when given), not from
TF's random kernels, so the kept elements are TF's only in distribution; the mixing draws are
``sample_from_datasets``'s, which follow TF's.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.data.dataset import UNKNOWN, Dataset

ESTIMATION_BATCH = 32
SMOOTHING = 10


def _ratio(initial, target):
    return target / (initial + np.finfo(initial.dtype).tiny)


def acceptance_with_mixing(initial, target):
    """Per-class acceptance rates and the probability of drawing from the original data."""
    ratio = _ratio(initial, target)
    low, high = ratio.min(), ratio.max()
    if high == low:
        # already on target: every element comes from the original data
        return np.zeros_like(ratio), low
    return (ratio - low) / (high - low), low


class _Accepted(Dataset):
    """``(class, element)`` for the elements a uniform draw keeps at their class's rate;
    the input gives ``(rates, element)``."""

    def __init__(self, input_dataset, class_func, seed, label_dtype):
        super().__init__([input_dataset])
        self._input = input_dataset
        self._class_func = class_func
        self._seed = seed
        self._label_dtype = label_dtype

    def _compute_cardinality(self):
        return UNKNOWN

    def _compute_spec(self):
        rates_spec, element_spec = self._input.element_spec
        return (structure.TensorSpec((), self._label_dtype), element_spec)

    def _iterate(self):
        rng = np.random.default_rng(self._seed)
        it = self._input._iterate()
        try:
            for rates, element in it:
                label = _class_of(self._class_func, element)
                if rng.random(dtype=np.float32) < rates[label]:
                    yield np.asarray(label, dtype=self._label_dtype), element
        finally:
            getattr(it, "close", lambda: None)()


def _class_of(class_func, element):
    value = structure.call_with_element(class_func, element)
    label = value.data if isinstance(value, Tensor) else np.asarray(value)
    if label.shape != () or label.dtype.kind not in "iu":
        raise TypeError(
            f"rejection_resample: class_func must return a scalar integer tensor; it returned "
            f"dtype {label.dtype} and shape {label.shape}.")
    return int(label)


class _RunningEstimate(Dataset):
    """The estimated class distribution seen so far, one row per element of the input, as
    TF computes it: counts start at 10 per class and grow by each batch of 32 classes."""

    def __init__(self, class_values, num_classes):
        super().__init__([class_values])
        self._input = class_values
        self._k = num_classes

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _compute_spec(self):
        return structure.TensorSpec((self._k,), np.float32)

    def _iterate(self):
        counts = np.full(self._k, SMOOTHING, dtype=np.int64)
        it = self._input.batch(ESTIMATION_BATCH)._iterate()
        try:
            for labels in it:
                counts = counts + np.bincount(labels.astype(np.int64), minlength=self._k)[
                    :self._k]
                dist = (counts / counts.sum()).astype(np.float32)
                for _ in range(ESTIMATION_BATCH):
                    yield dist
        finally:
            getattr(it, "close", lambda: None)()


def rejection_resample(dataset, class_func, target_dist, initial_dist=None, seed=None,
                       name=None):
    target = np.asarray(getattr(target_dist, "data", target_dist), dtype=np.float32)
    if target.ndim != 1 or target.size == 0:
        raise ValueError(
            f"rejection_resample: target_dist must be a 1-D list of class probabilities, "
            f"received shape {target.shape}.")
    labelled = dataset.map(lambda *x: (class_func(*x), x[0] if len(x) == 1 else x))
    label_spec = labelled.element_spec[0]
    if label_spec.shape != () or label_spec.dtype.kind not in "iu":
        raise TypeError(
            f"rejection_resample: class_func must return a scalar integer tensor (the class "
            f"index, e.g. tf.cast(label, tf.int32)); it returned {label_spec!r}.")
    if initial_dist is not None:
        initial = np.asarray(getattr(initial_dist, "data", initial_dist), dtype=np.float32)
        if initial.shape != target.shape:
            raise ValueError(
                f"rejection_resample: initial_dist has shape {initial.shape} but target_dist "
                f"{target.shape}; give one probability per class in both.")
        rates, original = acceptance_with_mixing(initial, target)
        if original == 1:
            return labelled
        accepted = _Accepted(Dataset.zip((Dataset.from_tensors(rates).repeat(), dataset)),
                             class_func, seed, label_spec.dtype).prefetch(3)
        if original == 0:
            return accepted
        weights = Dataset.from_tensors([original, 1.0 - original]).repeat()
    else:
        estimate = _RunningEstimate(dataset.map(class_func), target.size)
        mixing = estimate.map(lambda initial: _mixing(initial, target))
        accepted = _Accepted(Dataset.zip((mixing.map(lambda rates, _: rates), dataset)),
                             class_func, seed, label_spec.dtype).prefetch(3)
        weights = mixing.map(lambda _, original: [(original, 1.0 - original)])
    return Dataset.sample_from_datasets([labelled, accepted], weights=weights, seed=seed,
                                        stop_on_empty_dataset=True)


def _mixing(initial, target):
    rates, original = acceptance_with_mixing(initial.numpy(), target)
    return rates.astype(np.float32), np.float32(original)
