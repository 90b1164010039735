"""One rate at a fixed level of another: PrecisionAtRecall, RecallAtPrecision,
SensitivityAtSpecificity and SpecificityAtSensitivity (Keras 3.15 maths).

TP/FP/TN/FN are counted at ``num_thresholds`` evenly spaced thresholds in [0, 1] (one
threshold, 0.5, when ``num_thresholds=1``); ``result()`` is the best value of the dependent
rate over the thresholds where the constrained rate reaches its target (0 when none does).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.metrics.confusion_matrix import safe_divide, update_confusion_matrix
from featherflow.metrics.metric import Metric


class _RateAtRate(Metric):
    _VALUE = None  # the constructor argument holding the target rate

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        cls = type(self).__name__
        if not isinstance(value, (int, float, np.number)) or not 0 <= value <= 1:
            raise ValueError(
                f"{cls}: `{self._VALUE}` must be in the range [0, 1], received "
                f"{self._VALUE}={value!r}."
            )
        if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 0:
            raise ValueError(
                f"{cls}: `num_thresholds` must be an integer > 0, received "
                f"num_thresholds={num_thresholds!r}."
            )
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.value = value
        self.class_id = class_id
        self.num_thresholds = num_thresholds
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._evenly = True
        shape = (len(self.thresholds),)
        # Keras makes these counts in floatx whatever `dtype` says; results follow them
        state = config.floatx_dtype()
        self.true_positives = self.add_variable(shape, "zeros", dtype=state,
                                                name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", dtype=state,
                                                 name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", dtype=state,
                                                name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", dtype=state,
                                                 name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix(
            {"tp": self.true_positives.data, "tn": self.true_negatives.data,
             "fp": self.false_positives.data, "fn": self.false_negatives.data},
            y_true, y_pred, self.thresholds, class_id=self.class_id,
            sample_weight=sample_weight, evenly=self._evenly)

    def _rates(self):
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        return {"recall": safe_divide(tp, tp + fn), "precision": safe_divide(tp, tp + fp),
                "specificity": safe_divide(tn, tn + fp)}

    def _best(self, constrained, dependent):
        # Keras makes the Python target a float32 tensor before comparing: 0.6 becomes
        # 0.6000000238, so a rate of exactly 0.6 (3 of 5) does not reach it.
        feasible = constrained >= np.float32(self.value).astype(constrained.dtype)
        best = np.max(np.where(feasible, dependent, 0), initial=0)
        return Tensor(np.asarray(best, constrained.dtype))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._VALUE: self.value}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class SensitivityAtSpecificity(_RateAtRate):
    """Best sensitivity (recall) where specificity is at least ``specificity``.

    Example::

        >>> m = SensitivityAtSpecificity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _VALUE = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)
        self.specificity = specificity

    def result(self):
        r = self._rates()
        return self._best(r["specificity"], r["recall"])


class SpecificityAtSensitivity(_RateAtRate):
    """Best specificity where sensitivity (recall) is at least ``sensitivity``.

    Example::

        >>> m = SpecificityAtSensitivity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _VALUE = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
        self.sensitivity = sensitivity

    def result(self):
        r = self._rates()
        return self._best(r["recall"], r["specificity"])


class PrecisionAtRecall(_RateAtRate):
    """Best precision where recall is at least ``recall``.

    Example::

        >>> m = PrecisionAtRecall(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _VALUE = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)
        self.recall = recall

    def result(self):
        r = self._rates()
        return self._best(r["recall"], r["precision"])


class RecallAtPrecision(_RateAtRate):
    """Best recall where precision is at least ``precision``.

    Example::

        >>> m = RecallAtPrecision(0.8)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.5
    """

    _VALUE = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
        self.precision = precision

    def result(self):
        r = self._rates()
        return self._best(r["precision"], r["recall"])
