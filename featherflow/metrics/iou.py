"""Intersection-over-union metrics (IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU).

One ``(num_classes, num_classes)`` confusion matrix (rows: true class, columns: predicted
class) is accumulated in the metric's dtype, integers by default as in Keras 3.15: float
sample weights are then truncated (Keras warns, and so do we). Labels outside
``[0, num_classes)`` and pixels whose true class is ``ignore_class`` are skipped. The result
is float32 whatever the state's dtype, as in Keras.
"""

import warnings

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.metrics.metric import Metric, to_array


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(
                f"{type(self).__name__}: `num_classes` must be a positive integer, received "
                f"num_classes={num_classes!r}."
            )
        super().__init__(name=name, dtype=dtype or "int64")
        self._direction = "up"
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable((self.num_classes, self.num_classes), "zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        dt = self._np_dtype
        y_true, y_pred = to_array(y_true), to_array(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(dt, copy=False).reshape(-1)
        y_pred = y_pred.astype(dt, copy=False).reshape(-1)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{type(self).__name__}: y_true and y_pred must hold one class per pixel "
                f"each; received {y_true.size} labels and {y_pred.size} predictions "
                f"(after argmax/flattening). Check sparse_y_true/sparse_y_pred."
            )
        if sample_weight is None:
            weight = np.ones((), dt)
        else:
            weight = to_array(sample_weight)
            # Keras warns only for weights that carry a float dtype (not for Python lists)
            if (hasattr(sample_weight, "dtype") and weight.dtype.kind == "f"
                    and dt.kind in "iu"):
                warnings.warn(
                    "You are passing weight as `float`, but dtype is `int`. This may result in "
                    "an incorrect weight due to type casting Consider using integer weights.",
                    stacklevel=2)
            weight = weight.astype(dt, copy=False)
            if weight.ndim > 1:
                weight = weight.reshape(-1)
        try:
            weight = np.broadcast_to(weight, y_true.shape)
        except ValueError:
            raise ValueError(
                f"{type(self).__name__}: sample_weight of shape {np.shape(sample_weight)} "
                f"does not fit the {y_true.size} flattened labels; give one weight per label "
                f"(the labels' shape) or a scalar."
            ) from None
        n = self.num_classes
        keep = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            keep &= y_true != self.ignore_class
        cells = (y_true[keep].astype(np.int64) * n + y_pred[keep].astype(np.int64))
        counts = np.bincount(cells, weights=weight[keep].astype(np.float64),
                             minlength=n * n).reshape(n, n)
        self.total_cm.data[...] += counts.astype(dt)

    def reset_state(self):
        self.total_cm.data[...] = 0


class IoU(_IoUBase):
    """Mean intersection-over-union of the classes in ``target_class_ids``.

    ``IoU = TP / (TP + FP + FN)`` per class, from the accumulated confusion matrix; classes
    that never occur (empty denominator) are left out of the mean.

    Example::

        >>> m = IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)
        ids = list(target_class_ids)
        if not ids:
            raise ValueError(f"{type(self).__name__}: `target_class_ids` is empty; give at "
                             f"least one class id in [0, {self.num_classes}).")
        if max(ids) >= self.num_classes or min(ids) < 0:
            bad = max(ids) if max(ids) >= self.num_classes else min(ids)
            raise ValueError(
                f"{type(self).__name__}: target class id {bad} is out of range, which is "
                f"[0, {self.num_classes})."
            )
        self.target_class_ids = ids

    def result(self):
        cm = self.total_cm.data
        dt = self._np_dtype
        tp = np.diagonal(cm).astype(dt)
        denominator = cm.sum(axis=0).astype(dt) + cm.sum(axis=1).astype(dt) - tp
        ids = np.asarray(self.target_class_ids)
        tp = tp[ids].astype(np.float32)
        denominator = denominator[ids].astype(np.float32)
        valid = denominator > 1e-9
        eps = np.float32(config.epsilon())
        iou = np.where(valid, tp / (denominator + eps), np.float32(0))
        value = np.sum(iou, axis=self.axis) / (np.float32(valid.sum()) + eps)
        return Tensor(np.asarray(value, np.float32))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of binary predictions: ``y_pred >= threshold`` is class 1, the rest class 0.

    Example::

        >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        # Keras compares in float32, so a prediction equal to the threshold counts as 1.
        predicted = to_array(y_pred, np.float32) >= np.float32(self.threshold)
        super().update_state(to_array(y_true).astype(self._np_dtype),
                             predicted.astype(self._np_dtype), sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes.

    Example::

        >>> m = MeanIoU(num_classes=2)
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes,
                         target_class_ids=list(range(num_classes))
                         if isinstance(num_classes, (int, np.integer)) else [0],
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU of the ``target_class_ids`` for one-hot labels (and, by default, predictions):
    the arg-max along ``axis`` picks each class.

    Example::

        >>> m = OneHotIoU(num_classes=2, target_class_ids=[1])
        >>> m.update_state([[1, 0], [0, 1], [0, 1]], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids,
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """IoU averaged over all classes, for one-hot labels (and by default predictions).

    Example::

        >>> m = OneHotMeanIoU(num_classes=2)
        >>> m.update_state([[1, 0], [0, 1], [0, 1]], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
