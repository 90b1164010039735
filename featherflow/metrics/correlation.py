"""Pearson and concordance correlation between ``y_true`` and ``y_pred`` along an axis.

The functions give one value per sample (``axis=-1``) and the classes average them over
batches, as Keras's ``MeanMetricWrapper`` does. ``concordance_correlation`` keeps Keras
3.15's formula as it is written: the covariance term centres ``y_true`` on the mean of
``y_pred`` (not on its own mean), so values differ from the textbook CCC unless the two
means are equal; featherflow gives Keras's numbers.
"""

import numpy as np

from featherflow.backend import config
from featherflow.metrics.metric import MeanMetricWrapper
from featherflow.metrics.regression import _pair


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``.

    Example::

        >>> float(pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])[0]) > 0.98
        True
    """
    y, p = _pair(y_true, y_pred)
    y = y - np.mean(y, axis=axis, keepdims=True)
    p = p - np.mean(p, axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = y / np.std(y, axis=axis, keepdims=True)
        p = p / np.std(p, axis=axis, keepdims=True)
    return np.mean(y * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis``, in Keras 3.15's form.

    Example::

        >>> round(float(concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])[0]), 4)
        1.0
    """
    y, p = _pair(y_true, y_pred)
    y_mean = np.mean(y, axis=axis, keepdims=True)
    p_mean = np.mean(p, axis=axis, keepdims=True)
    y_var = np.var(y - y_mean, axis=axis, keepdims=True)
    p_var = np.var(p - p_mean, axis=axis, keepdims=True)
    covar = (y - p_mean) * (p - p_mean)  # Keras's centring, see the module docstring
    norm = y_var + p_var + (y_mean - p_mean) ** 2
    return np.mean(2 * covar / (norm + y.dtype.type(config.epsilon())), axis=axis)


class _Correlation(MeanMetricWrapper):
    _FN = None

    def __init__(self, name=None, dtype=None, axis=-1):
        super().__init__(type(self)._FN, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class PearsonCorrelation(_Correlation):
    """Mean over samples of the Pearson correlation along ``axis``.

    Example::

        >>> m = PearsonCorrelation()
        >>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
        >>> round(float(m.result()), 4)
        1.0
    """

    _FN = staticmethod(pearson_correlation)

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(_Correlation):
    """Mean over samples of the concordance correlation along ``axis`` (Keras's formula).

    Example::

        >>> m = ConcordanceCorrelation()
        >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
        >>> round(float(m.result()), 4)
        1.0
    """

    _FN = staticmethod(concordance_correlation)

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)
