"""R2Score: the coefficient of determination, per output column, as Keras 3.15 computes it.

Weighted sums of ``y``, ``y^2`` and squared residuals are kept per column, so the score of
several batches equals the score of their concatenation.
"""

import warnings

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.metrics.metric import Metric, align, to_array

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """Coefficient of determination ``1 - SS_res / SS_tot`` of each output column.

    ``class_aggregation`` averages the columns uniformly (``"uniform_average"``), weighted by
    their variance (``"variance_weighted_average"``) or not at all (None). With
    ``num_regressors=p`` the adjusted score ``1 - (1 - R2) (n - 1) / (n - p - 1)`` is returned,
    where ``n`` counts every entry of ``y_true`` seen, as in Keras.

    Example::

        >>> m = R2Score()
        >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
        >>> round(float(m.result()), 4)
        0.5714
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"R2Score: invalid `class_aggregation` {class_aggregation!r}; expected one of "
                f"{_AGGREGATIONS}."
            )
        if num_regressors < 0:
            raise ValueError(
                f"R2Score: `num_regressors` must be >= 0, received num_regressors="
                f"{num_regressors}."
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        # Keras creates the state in floatx whatever `dtype` says (inputs are still cast to
        # `dtype` first), and the result comes out in the state's dtype
        self._state_dtype = config.floatx_dtype()
        self.num_samples = self.add_variable((), "zeros", dtype=self._state_dtype,
                                             name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"R2Score expects 2-D inputs of shape (batch_size, output_dim); received "
                f"y_pred.shape={tuple(y_pred_shape)} and y_true.shape={tuple(y_true_shape)}. "
                f"Reshape one output column to (batch_size, 1)."
            )
        columns = (y_pred_shape[-1],)
        state = self._state_dtype
        self.squared_sum = self.add_variable(columns, "zeros", dtype=state, name="squared_sum")
        self.sum = self.add_variable(columns, "zeros", dtype=state, name="sum")
        self.total_mse = self.add_variable(columns, "zeros", dtype=state, name="residual")
        self.count = self.add_variable(columns, "zeros", dtype=state, name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        dt = self._np_dtype
        y_true, y_pred = align(to_array(y_true, dt), to_array(y_pred, dt))
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        columns = self.sum.data.shape[0]
        if y_true.shape != y_pred.shape or y_pred.ndim != 2 or y_pred.shape[-1] != columns:
            raise ValueError(
                f"R2Score '{self.name}': y_true and y_pred must both have shape (batch_size, "
                f"{columns}) (the columns seen at the first update); received "
                f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}."
            )
        weight = np.ones((), dt) if sample_weight is None else to_array(sample_weight, dt)
        if weight.ndim == 1:
            weight = weight[:, None]  # one weight per sample, for every column
        weight = np.broadcast_to(weight, y_true.shape)
        weighted = y_true * weight
        self.sum.data[...] += np.sum(weighted, axis=0)
        self.squared_sum.data[...] += np.sum(y_true * weighted, axis=0)
        self.total_mse.data[...] += np.sum((y_true - y_pred) ** 2 * weight, axis=0)
        self.count.data[...] += np.sum(weight, axis=0)
        self.num_samples.data[...] += y_true.size

    def result(self):
        dt = self._state_dtype
        if not self._built:
            return Tensor(np.asarray(np.nan, dt))
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum.data / self.count.data
            total = self.squared_sum.data - self.sum.data * mean
            raw = 1 - self.total_mse.data / total
            raw = np.where(np.isinf(raw), dt.type(0), raw)
            if self.class_aggregation == "uniform_average":
                score = np.mean(raw)
            elif self.class_aggregation == "variance_weighted_average":
                score = np.sum(total * raw) / np.sum(total)
            else:
                score = raw
        if self.num_regressors != 0:
            n = float(self.num_samples.data)
            p = self.num_regressors
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 "
                              "score. Falling back to standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to "
                              "standard R2 score.", stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return Tensor(np.asarray(score, dt))

    def reset_state(self):
        for v in self.variables:
            v.data[...] = 0

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
