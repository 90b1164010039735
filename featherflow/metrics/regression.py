"""Regression metrics (MSE, MAE, RMSE, MAPE, MSLE, cosine similarity, log-cosh).

Computed in NumPy on the batch arrays (metrics are not differentiated), with the same rank
alignment and epsilon handling as the loss functions of the same names.
"""

import math

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.metrics.metric import Mean, MeanMetricWrapper, align, to_array


def _pair(y_true, y_pred, dtype=None):
    p = to_array(y_pred)
    if p.dtype.kind != "f":
        p = p.astype(config.floatx_dtype() if dtype is None else dtype)
    elif dtype is not None:
        p = p.astype(dtype, copy=False)
    y = to_array(y_true, p.dtype)
    return align(y, p)


def _mean_last(x):
    return np.mean(x, axis=-1) if x.ndim else x


def mean_squared_error(y_true, y_pred):
    """Per-sample ``mean((y_true - y_pred)^2, axis=-1)`` as an array."""
    y, p = _pair(y_true, y_pred)
    d = y - p
    return _mean_last(d * d)


def mean_absolute_error(y_true, y_pred):
    """Per-sample ``mean(|y_true - y_pred|, axis=-1)`` as an array."""
    y, p = _pair(y_true, y_pred)
    return _mean_last(np.abs(y - p))


def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample ``100 * mean(|(y - p) / max(|y|, eps)|, axis=-1)`` as an array."""
    y, p = _pair(y_true, y_pred)
    diff = np.abs((y - p) / np.maximum(np.abs(y), config.epsilon()))
    return 100.0 * _mean_last(diff)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample mean squared difference of ``log(max(x, eps) + 1)`` as an array."""
    y, p = _pair(y_true, y_pred)
    eps = config.epsilon()
    d = np.log(np.maximum(p, eps) + 1.0) - np.log(np.maximum(y, eps) + 1.0)
    return _mean_last(d * d)


def _normalize(x, axis):
    eps = config.epsilon()
    sq = np.sum(x * x, axis=axis, keepdims=True)
    return x / np.sqrt(np.maximum(sq, eps * eps))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample cosine similarity along ``axis`` (1 for aligned vectors)."""
    y, p = _pair(y_true, y_pred)
    return np.sum(_normalize(y, axis) * _normalize(p, axis), axis=axis)


def log_cosh(y_true, y_pred):
    """Per-sample ``mean(log(cosh(y_pred - y_true)), axis=-1)`` as an array."""
    y, p = _pair(y_true, y_pred)
    x = p - y
    return _mean_last(x + np.logaddexp(0.0, -2.0 * x) - math.log(2.0))


class _RegressionMetric(MeanMetricWrapper):
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_RegressionMetric):
    """Running mean of squared errors.

    Example::

        >>> m = MeanSquaredError()
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_RegressionMetric):
    """Running mean of absolute errors.

    Example::

        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_RegressionMetric):
    """Running mean absolute percentage error.

    Example::

        >>> m = MeanAbsolutePercentageError()
        >>> m.update_state([[2.0]], [[1.0]])
        >>> float(m.result())
        50.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_RegressionMetric):
    """Running mean squared logarithmic error.

    Example::

        >>> m = MeanSquaredLogarithmicError()
        >>> m.update_state([[0.0]], [[0.0]])
        >>> float(m.result())
        0.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(_RegressionMetric):
    """Running mean cosine similarity along ``axis``.

    Example::

        >>> m = CosineSimilarity()
        >>> m.update_state([[1.0, 0.0]], [[2.0, 0.0]])
        >>> float(m.result())
        1.0
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(_RegressionMetric):
    """Running mean of ``log(cosh(error))``.

    Example::

        >>> m = LogCoshError()
        >>> m.update_state([[0.0]], [[0.0]])
        >>> float(m.result())
        0.0
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the running mean of squared errors.

    Example::

        >>> m = RootMeanSquaredError()
        >>> m.update_state([[0.0, 0.0]], [[3.0, 4.0]])
        >>> round(float(m.result()), 4)
        3.5355
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y, p = _pair(y_true, y_pred, self._np_dtype)
        d = p - y
        super().update_state(d * d, sample_weight=sample_weight)

    def result(self):
        count = self.count.data
        value = self.total.data / count if count else np.zeros((), self._np_dtype)
        return Tensor(np.sqrt(value).astype(self._np_dtype, copy=False))
