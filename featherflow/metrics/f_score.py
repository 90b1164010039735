"""F-beta and F1 scores over multi-class and multi-label predictions (Keras 3.15 maths).

Counts of true positives, false positives, false negatives and true labels are kept per class
(one number each with ``average="micro"``); ``result()`` turns them into the score with
Keras's epsilons, so a class never predicted or never true scores 0 instead of NaN.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.metrics.metric import Metric, to_array

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """F-beta score: ``(1 + b^2) * precision * recall / (b^2 * precision + recall)``.

    ``average`` is None (one score per class), ``"micro"`` (global counts), ``"macro"`` (mean
    of the per-class scores) or ``"weighted"`` (mean weighted by each class's true count).
    Predictions above ``threshold`` count as positive; with ``threshold=None`` the largest
    value of each row (all tied largest values, none if the row is all zeros) does.

    Example::

        >>> m = FBetaScore(beta=2.0, threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
        ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
        >>> [round(float(v), 4) for v in m.result()]
        [0.3846, 0.9091, 0.8333]
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in _AVERAGES:
            raise ValueError(
                f"{type(self).__name__}: invalid `average` {average!r}; expected one of None, "
                f"'micro', 'macro', 'weighted'."
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"{type(self).__name__}: `beta` must be a Python float (Keras refuses ints "
                f"too), received beta={beta!r} of type {type(beta).__name__}; write e.g. "
                f"beta=2.0."
            )
        if beta <= 0.0:
            raise ValueError(f"{type(self).__name__}: `beta` must be > 0, received beta={beta}.")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    f"{type(self).__name__}: `threshold` must be a Python float or None (as in "
                    f"Keras), received threshold={threshold!r} of type "
                    f"{type(threshold).__name__}."
                )
            if not 0.0 < threshold <= 1.0:
                raise ValueError(
                    f"{type(self).__name__}: `threshold` must satisfy 0 < threshold <= 1, "
                    f"received threshold={threshold}."
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2-D inputs of shape (batch_size, output_dim); "
                f"received y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}. One-hot encode the labels (or give one "
                f"column per label)."
            )
        self._num_classes = y_pred_shape[-1]
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, "zeros",
                                                      name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        dt = self._np_dtype
        y_true = to_array(y_true, dt)
        y_pred = to_array(y_pred, dt)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        self._check_shapes(y_true, y_pred)
        if self.threshold is None:
            top = np.max(y_pred, axis=-1, keepdims=True)
            # an all-zero row predicts nothing (not every class)
            predicted = (y_pred >= top) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        y_pred = predicted.astype(dt)
        if sample_weight is not None:
            sample_weight = to_array(sample_weight, dt)
            if sample_weight.ndim < y_true.ndim:
                sample_weight = sample_weight.reshape(
                    sample_weight.shape + (1,) * (y_true.ndim - sample_weight.ndim))

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sample_weight
            return np.sum(values, axis=self.axis)

        not_true = 1 - y_true
        self.true_positives.data[...] += weighted_sum(y_pred * y_true)
        self.false_positives.data[...] += weighted_sum(y_pred * not_true)
        self.false_negatives.data[...] += weighted_sum((1 - y_pred) * y_true)
        self.intermediate_weights.data[...] += weighted_sum(y_true)

    def _check_shapes(self, y_true, y_pred):
        classes = self._num_classes
        if y_true.shape != y_pred.shape or y_pred.ndim != 2 or y_pred.shape[-1] != classes:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': y_true and y_pred must both have shape "
                f"(batch_size, {classes}) (the number of classes seen at the first update); "
                f"received y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}."
            )

    def result(self):
        dt = self._np_dtype
        if not self._built:
            return Tensor(np.zeros((), dt))
        eps = dt.type(config.epsilon())
        tp, fp = self.true_positives.data, self.false_positives.data
        fn = self.false_negatives.data
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        b2 = dt.type(self.beta ** 2)
        score = (precision * recall) / (b2 * precision + recall + eps) * (1 + b2)
        if self.average == "weighted":
            weights = self.intermediate_weights.data
            score = np.sum(score * (weights / (np.sum(weights) + eps)))
        elif self.average is not None:
            score = np.mean(score)
        return Tensor(np.asarray(score, dt))

    def reset_state(self):
        for v in self.variables:
            v.data[...] = 0

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 score: the harmonic mean of precision and recall (``FBetaScore`` with beta 1).

    Example::

        >>> m = F1Score(threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
        ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
        >>> [round(float(v), 4) for v in m.result()]
        [0.5, 0.8, 0.6667]
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        cfg = super().get_config()
        del cfg["beta"]
        return cfg
