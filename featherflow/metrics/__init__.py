"""Stateful metrics (``update_state``/``result``/``reset_state``) with Keras 3 names.

``get`` resolves metric names, config dicts, instances and functions;
:func:`resolve_accuracy` picks the accuracy class behind ``metrics=["accuracy"]`` the way
Keras does.

Example::

    >>> from featherflow import metrics
    >>> m = metrics.get("binary_accuracy")
    >>> m.update_state([1, 0], [0.9, 0.8])
    >>> float(m.result())
    0.5
"""

import inspect

from featherflow.losses.functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from featherflow.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from featherflow.metrics.confusion import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from featherflow.metrics.correlation import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from featherflow.metrics.f_score import F1Score, FBetaScore
from featherflow.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from featherflow.metrics.metric import Mean, MeanMetricWrapper, Metric, Sum
from featherflow.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from featherflow.metrics.r2_score import R2Score
from featherflow.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)
from featherflow.metrics.sensitivity_specificity import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
from featherflow.serialization import resolver
from featherflow.utils.naming import to_snake_case

# Keras 2 short names for the functions (`keras.metrics.mse` etc.).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
logcosh = log_cosh

_CLASSES = [
    Metric, Mean, Sum, MeanMetricWrapper, MeanSquaredError, RootMeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCoshError, AUC, FalseNegatives, FalsePositives, Precision, Recall,
    TrueNegatives, TruePositives, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Accuracy,
    BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, F1Score, FBetaScore, R2Score, IoU, MeanIoU, BinaryIoU,
    OneHotIoU, OneHotMeanIoU, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity, PearsonCorrelation, ConcordanceCorrelation,
]
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "acc": Accuracy, "rmse": RootMeanSquaredError, "logcosh": LogCoshError,
    "kld": KLDivergence, "KLD": KLDivergence,
})

# Serialized functions ({"class_name": "function", "config": name}) resolve to these.
_FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, binary_crossentropy,
    binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    categorical_hinge, hinge, huber, kl_divergence, log_cosh, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, poisson,
    sparse_categorical_crossentropy, squared_hinge, pearson_correlation,
    concordance_correlation)}

__all__ = [
    "ALL_OBJECTS_DICT", "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU",
    "CategoricalAccuracy", "CategoricalCrossentropy", "CategoricalHinge",
    "ConcordanceCorrelation", "CosineSimilarity", "F1Score", "FBetaScore", "FalseNegatives",
    "FalsePositives", "Hinge", "IoU", "KLD", "KLDivergence", "LogCoshError", "MAE", "MAPE",
    "MSE", "MSLE", "Mean", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanIoU",
    "MeanMetricWrapper", "MeanSquaredError", "MeanSquaredLogarithmicError", "Metric",
    "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation", "Poisson", "Precision",
    "PrecisionAtRecall", "R2Score", "Recall", "RecallAtPrecision", "RootMeanSquaredError",
    "SensitivityAtSpecificity", "SpecificityAtSensitivity", "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy", "SparseTopKCategoricalAccuracy", "SquaredHinge", "Sum",
    "TopKCategoricalAccuracy", "TrueNegatives", "TruePositives", "accuracy",
    "binary_accuracy", "binary_crossentropy", "binary_focal_crossentropy",
    "categorical_accuracy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_hinge", "concordance_correlation", "deserialize", "get", "hinge", "huber",
    "kl_divergence", "kld",
    "log_cosh", "logcosh", "mae", "mape", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error",
    "mse", "msle", "pearson_correlation", "poisson", "resolve_accuracy", "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy", "squared_hinge",
    "top_k_categorical_accuracy",
]


def serialize(metric):
    """Keras 3 config dict of a metric (or of a metric function)."""
    if isinstance(metric, Metric):
        return resolver.serialize_object(metric, "keras.metrics")
    return resolver.serialize_function(metric, "keras.metrics")


def deserialize(config, custom_objects=None):
    """The metric a name or config dict describes."""
    return resolver.deserialize(config, ALL_OBJECTS_DICT, "metric", custom_objects,
                               functions=_FUNCTIONS)


def get(identifier):
    """Resolve a metric: a name, a config dict, a Metric, a Metric class or a function.

    Names give new instances (``"mse"`` -> ``MeanSquaredError()``); functions are returned as
    they are (wrap them with :class:`MeanMetricWrapper`).

    Example::

        >>> type(get("mae")).__name__
        'MeanAbsoluteError'
    """
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret metric identifier {identifier!r}: expected a metric name (one "
        f"of {sorted(ALL_OBJECTS_DICT)}), a config dict, a Metric or a function."
    )


_BINARY_LOSSES = {"binary_crossentropy", "bce", "BinaryCrossentropy",
                  "binary_focal_crossentropy", "BinaryFocalCrossentropy"}
_SPARSE_LOSSES = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}


def _loss_name(loss):
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        return loss.get("class_name")
    fn = getattr(loss, "fn", None)
    if fn is not None and hasattr(fn, "__name__"):
        return fn.__name__
    name = getattr(loss, "__name__", None)
    return name if name is not None else type(loss).__name__


def resolve_accuracy(loss=None, output_shape=None, y_true_shape=None):
    """The accuracy class that ``metrics=["accuracy"]`` means for this model.

    Binary when the model has one output unit (last dimension 1) or the loss is binary
    cross-entropy; sparse categorical when the loss is sparse categorical cross-entropy (or
    the labels have one dimension less than the output, or a last dimension of 1); otherwise
    categorical.

    Example::

        >>> resolve_accuracy("binary_crossentropy", (None, 1)).__name__
        'BinaryAccuracy'
    """
    name = _loss_name(loss)
    last = output_shape[-1] if output_shape else None
    if name in _BINARY_LOSSES or last == 1:
        return BinaryAccuracy
    if name in _SPARSE_LOSSES:
        return SparseCategoricalAccuracy
    if y_true_shape is not None and output_shape is not None and (
            len(y_true_shape) < len(output_shape)
            or (y_true_shape and y_true_shape[-1] == 1 and (last or 0) > 1)):
        return SparseCategoricalAccuracy
    return CategoricalAccuracy
