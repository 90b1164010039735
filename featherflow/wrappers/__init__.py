"""scikit-learn estimators around featherflow models (``tf.keras.wrappers``).

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` are Keras 3.15's
``keras.wrappers``; ``KerasClassifier`` and ``KerasRegressor`` are SciKeras-style aliases
whose extra keyword arguments (``model__units=...``) go to the model function. They need
scikit-learn (``pip install 'featherflow[sklearn]'``). See docs/tuning.md.
"""

from featherflow.wrappers.scikeras import KerasClassifier, KerasRegressor
from featherflow.wrappers.sklearn_wrapper import (
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

__all__ = ["KerasClassifier", "KerasRegressor", "SKLearnClassifier", "SKLearnRegressor",
           "SKLearnTransformer"]
