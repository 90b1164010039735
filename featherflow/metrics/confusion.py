"""Confusion-matrix metrics: TP/FP/TN/FN counts, Precision, Recall and AUC (Keras 3 maths)."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.metrics.confusion_matrix import (
    NEG_INF,
    evenly_distributed,
    parse_thresholds,
    safe_divide,
    update_confusion_matrix,
)
from featherflow.metrics.metric import Metric, to_array


class _ConfusionMatrixConditionCount(Metric):
    _KIND = "tp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros",
                                             name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix({self._KIND: self.accumulator.data}, y_true, y_pred,
                                self.thresholds, sample_weight=sample_weight,
                                evenly=self._evenly)

    def result(self):
        acc = self.accumulator.data
        return Tensor(acc[0].copy() if len(self.thresholds) == 1 else acc.copy())

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of true positives (prediction above threshold, label 1).

    Example::

        >>> m = TruePositives()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> float(m.result())
        2.0
    """

    _KIND = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of false positives (prediction above threshold, label 0).

    Example::

        >>> m = FalsePositives()
        >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
        >>> float(m.result())
        2.0
    """

    _KIND = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of true negatives (prediction at or below threshold, label 0).

    Example::

        >>> m = TrueNegatives()
        >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    _KIND = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of false negatives (prediction at or below threshold, label 1).

    Example::

        >>> m = FalseNegatives()
        >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    _KIND = "fn"


class _PrecisionRecall(Metric):
    _SECOND = "fp"
    _SECOND_NAME = "false_positives"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = evenly_distributed(self.thresholds)
        self.true_positives = self.add_variable((len(self.thresholds),), "zeros",
                                                name="true_positives")
        self._second = self.add_variable((len(self.thresholds),), "zeros",
                                         name=self._SECOND_NAME)

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix({"tp": self.true_positives.data,
                                 self._SECOND: self._second.data},
                                y_true, y_pred, self.thresholds, top_k=self.top_k,
                                class_id=self.class_id, sample_weight=sample_weight,
                                evenly=self._evenly)

    def result(self):
        tp = self.true_positives.data
        value = safe_divide(tp, tp + self._second.data)
        return Tensor(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """Fraction of positive predictions that are right: ``tp / (tp + fp)``.

    Example::

        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _SECOND = "fp"
    _SECOND_NAME = "false_positives"

    @property
    def false_positives(self):
        return self._second


class Recall(_PrecisionRecall):
    """Fraction of actual positives found: ``tp / (tp + fn)``.

    Example::

        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _SECOND = "fn"
    _SECOND_NAME = "false_negatives"

    @property
    def false_negatives(self):
        return self._second


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at ``num_thresholds``.

    ``summation_method`` is ``"interpolation"`` (trapezoids for ROC, Davis & Goadrich's
    interpolation for PR), ``"minoring"`` or ``"majoring"``.

    Example::

        >>> m = AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> round(float(m.result()), 4)
        0.75
    """

    _CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
    _SUMMATIONS = ("interpolation", "minoring", "majoring")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        curve_key = str(curve).lower()
        if curve_key not in self._CURVES:
            raise ValueError(
                f"AUC: invalid curve {curve!r}; expected one of {sorted(self._CURVES.values())}."
            )
        summation = str(summation_method).lower()
        if summation not in self._SUMMATIONS:
            raise ValueError(
                f"AUC: invalid summation_method {summation_method!r}; expected one of "
                f"{self._SUMMATIONS}."
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._evenly = evenly_distributed([0.0] + thresholds + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"AUC: num_thresholds must be an integer > 1, received {num_thresholds}."
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + thresholds + [1.0 + eps])
        self.curve = self._CURVES[curve_key]
        self.summation_method = summation
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (None if label_weights is None
                              else np.asarray(label_weights, self._np_dtype))
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("AUC: `num_labels` is needed only when `multi_label=True`.")
            self._build(None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"AUC(multi_label=True): y_pred must be 2-D (samples, labels); received "
                    f"shape {tuple(shape)}."
                )
            self._num_labels = shape[1]
            var_shape = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(var_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(var_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(var_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(var_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_array(y_pred, self._np_dtype)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        update_confusion_matrix(
            {"tp": self.true_positives.data, "tn": self.true_negatives.data,
             "fp": self.false_positives.data, "fn": self.false_negatives.data},
            y_true, y_pred, self._thresholds, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            evenly=self._evenly)

    def _combine(self, per_label):
        if not self.multi_label:
            return np.sum(per_label)
        by_label = np.sum(per_label, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        total = np.sum(self.label_weights)
        return np.sum(by_label * self.label_weights) / total if total else 0.0

    def interpolate_pr_auc(self):
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich, 2006)."""
        n = self.num_thresholds
        tp, fp, fn = (self.true_positives.data, self.false_positives.data,
                      self.false_negatives.data)
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = safe_divide(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        both = (p[: n - 1] > 0) & (p[1:] > 0)
        safe_ratio = np.where(both, safe_divide(p[: n - 1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(safe_ratio)
        increments = safe_divide(prec_slope * (dtp + intercept * log_ratio),
                                  np.maximum(tp[1:] + fn[1:], 0))
        return self._combine(increments)

    def result(self):
        if not self._built:
            return Tensor(np.zeros((), self._np_dtype))
        if self.curve == "PR" and self.summation_method == "interpolation":
            return Tensor(np.asarray(self.interpolate_pr_auc(), self._np_dtype))
        n = self.num_thresholds
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        recall = safe_divide(tp, tp + fn)
        if self.curve == "ROC":
            x, y = safe_divide(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, safe_divide(tp, tp + fp)
        else:
            scale = safe_divide(tp + fn, tn + fp)
            recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * safe_divide(fn, tp))
            precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * safe_divide(fp, tp))
            x, y = np.maximum(recall_gain, 0.0), precision_gain
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[: n - 1], y[1:])
        else:
            heights = np.maximum(y[: n - 1], y[1:])
        area = self._combine((x[: n - 1] - x[1:]) * heights)
        return Tensor(np.asarray(area, self._np_dtype))

    def reset_state(self):
        if self._built:
            for v in self.variables:
                v.data[...] = 0

    def get_config(self):
        cfg = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None
            else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            cfg["thresholds"] = self.thresholds[1:-1]
        return cfg
