"""``tf.keras.wrappers``: the scikit-learn wrappers (``featherflow.wrappers``), re-exported."""

from featherflow.wrappers import (
    KerasClassifier,
    KerasRegressor,
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
