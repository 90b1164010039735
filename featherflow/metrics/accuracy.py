"""Accuracy metrics (functions on arrays and stateful classes) with Keras 3 semantics.

The classes' ``update_state`` count matches straight into their running mean: one comparison
and one count per step when no sample weights are given.
"""

import numpy as np

from featherflow.backend import config
from featherflow.metrics.metric import MeanMetricWrapper, align, to_array


def _floatx(matches):
    return matches.astype(config.floatx_dtype())


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0 (per element)."""
    p = to_array(y_pred)
    y = to_array(y_true, p.dtype)
    y, p = align(y, p)
    return _floatx(y == p)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``(y_pred > threshold)`` equals the 0/1 label, else 0.0 (per element)."""
    p = to_array(y_pred)
    y = to_array(y_true)
    y, p = align(y, p)
    return _floatx(y == (p > threshold))


def _argmax_last(a):
    return np.argmax(a, axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of the one-hot ``y_true`` equals that of ``y_pred``."""
    p = to_array(y_pred)
    y = to_array(y_true)
    return _floatx(_argmax_last(y) == _argmax_last(p))


def _sparse_labels(y, p):
    """Labels of shape ``p.shape[:-1]`` (a trailing 1 dropped) and whether one was dropped."""
    if y.ndim == p.ndim and y.ndim and y.shape[-1] == 1:
        return y[..., 0], True
    return y, False


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label equals the arg-max of ``y_pred``."""
    p = to_array(y_pred)
    y, _ = _sparse_labels(to_array(y_true), p)
    return _floatx(y.astype(p.dtype, copy=False) == _argmax_last(p))


def _in_top_k(targets, predictions, k):
    """TensorFlow's ``in_top_k``: ties at the k-th value count as inside the top k."""
    predictions = predictions.reshape(-1, predictions.shape[-1])
    targets = targets.reshape(-1).astype(np.int64)
    rows = np.arange(predictions.shape[0])
    valid = (targets >= 0) & (targets < predictions.shape[-1])
    safe = np.where(valid, targets, 0)
    target_values = predictions[rows, safe]
    better = np.sum(predictions > target_values[:, None], axis=-1)
    return valid & np.isfinite(target_values) & (better < k)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest predictions."""
    p = to_array(y_pred)
    y = to_array(y_true)
    labels = _argmax_last(y)
    return _floatx(_in_top_k(labels, p, k)).reshape(labels.shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions.

    With ``from_sorted_ids=True``, ``y_pred`` already holds class ids sorted by score.
    """
    p = to_array(y_pred)
    y = to_array(y_true)
    shape = y.shape
    if from_sorted_ids:
        flat = y.reshape(-1, 1)
        matches = np.any(flat == p.reshape(flat.shape[0], -1)[:, :k], axis=1)
    else:
        matches = _in_top_k(y, p, k)
    return _floatx(matches).reshape(shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Example::

        >>> m = Accuracy()
        >>> m.update_state([1, 2, 3, 4], [0, 2, 3, 4])
        >>> float(m.result())
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches 0/1 labels.

    Example::

        >>> m = BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> float(m.result())
        0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        if sample_weight is not None:
            return super().update_state(y_true, y_pred, sample_weight)
        p = to_array(y_pred)
        y = to_array(y_true)
        if y.shape != p.shape:
            y, p = align(y, p)
        hits = np.count_nonzero(y == (p > self.threshold))
        n = p.shape[0] if p.ndim else 1
        per_sample = max(p.size // n, 1) if n else 1
        self._add_counts(hits / per_sample, n)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the predictions matches that of one-hot labels.

    Example::

        >>> m = CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the predictions equals integer labels.

    Example::

        >>> m = SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the top ``k`` predictions.

    Example::

        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top ``k`` predictions.

    Example::

        >>> m = SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        cfg = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            cfg["from_sorted_ids"] = True
        return cfg
