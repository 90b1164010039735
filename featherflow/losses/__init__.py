"""Losses as functions (per-sample values) and classes (reduced), with Keras 3 names.

``get`` resolves what ``compile(loss=...)`` accepts: a name (``"mse"``,
``"binary_crossentropy"``, ``"BinaryCrossentropy"``...), a config dict, a Loss or a callable.

Example::

    >>> from featherflow import losses
    >>> float(losses.get("MeanSquaredError")([[0.0]], [[2.0]]))
    4.0
"""

import inspect

from featherflow.losses.circle import Circle, circle
from featherflow.losses.ctc import CTC, ctc
from featherflow.losses.functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    categorical_hinge,
    cosine_similarity,
    dice,
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
    tversky,
)
from featherflow.losses.loss import (
    Loss,
    LossFunctionWrapper,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
)
from featherflow.losses.losses import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    CategoricalHinge,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
)
from featherflow.serialization import resolver

# Keras 2 short names, still accepted by Keras 3's `get` and common in tutorials.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy

_CLASSES = [
    Loss, LossFunctionWrapper, KLDivergence, Poisson, BinaryCrossentropy,
    BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, LogCosh, Huber,
    Hinge, SquaredHinge, CategoricalHinge, Dice, Tversky, CategoricalGeneralizedCrossEntropy,
    CTC, Circle,
]
_FUNCTIONS = [
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy, sparse_categorical_crossentropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, log_cosh, huber, hinge, squared_hinge,
    categorical_hinge, dice, tversky, categorical_generalized_cross_entropy, ctc,
    circle,
]
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "logcosh": log_cosh, "huber_loss": huber,
})

# The class behind each built-in function: same maths and defaults, plus the fused fast path.
_CLASS_OF = {
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    cosine_similarity: CosineSimilarity, huber: Huber, log_cosh: LogCosh, hinge: Hinge,
    squared_hinge: SquaredHinge, categorical_hinge: CategoricalHinge,
    kl_divergence: KLDivergence, poisson: Poisson, binary_crossentropy: BinaryCrossentropy,
    binary_focal_crossentropy: BinaryFocalCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    categorical_focal_crossentropy: CategoricalFocalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy, dice: Dice,
    tversky: Tversky, ctc: CTC, circle: Circle,
}

__all__ = [
    "ALL_OBJECTS_DICT", "BCE", "BinaryCrossentropy", "BinaryFocalCrossentropy", "CTC", "Circle",
    "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy", "CategoricalHinge", "CosineSimilarity", "Dice", "Hinge",
    "Huber", "KLD", "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MAE", "MAPE", "MSE",
    "MSLE", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge",
    "Tversky", "as_loss_object", "bce", "binary_crossentropy", "binary_focal_crossentropy",
    "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy", "categorical_hinge", "circle", "cosine_similarity",
    "ctc",
    "deserialize", "dice", "get", "hinge", "huber", "kl_divergence", "kld",
    "kullback_leibler_divergence", "log_cosh", "logcosh", "mae", "mape", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error",
    "mse", "msle", "poisson", "reduce_weighted_values", "serialize",
    "sparse_categorical_crossentropy", "squared_hinge", "squeeze_or_expand_to_same_rank", "tversky",
]

def serialize(loss):
    """Keras 3 config dict of a Loss, or of a loss function."""
    if isinstance(loss, Loss):
        return resolver.serialize_object(loss, "keras.losses")
    return resolver.serialize_function(loss, "keras.losses")


def deserialize(name, custom_objects=None):
    """The loss a name or config dict describes."""
    return resolver.deserialize(name, ALL_OBJECTS_DICT, "loss", custom_objects)


def get(identifier):
    """Resolve a loss as Keras does: names give functions or instances, classes are built.

    Example::

        >>> get("mse").__name__
        'mean_squared_error'
    """
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if inspect.isclass(obj):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret loss identifier {identifier!r}: expected a loss name (one of "
        f"{sorted(ALL_OBJECTS_DICT)}), a config dict, a Loss instance or a callable."
    )


def as_loss_object(identifier, name=None):
    """A :class:`Loss` instance for ``compile``: built-in functions become their classes.

    The classes compute the unweighted batch mean in fused primitives (the hot path of
    ``fit``); other callables are wrapped in :class:`LossFunctionWrapper`.

    Example::

        >>> type(as_loss_object("mse")).__name__
        'MeanSquaredError'
    """
    obj = get(identifier)
    if obj is None or isinstance(obj, Loss):
        return obj
    cls = _CLASS_OF.get(obj)
    if name is None:
        name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", None)
    if cls is not None:
        return cls(name=name) if name else cls()
    return LossFunctionWrapper(obj, name=name)
