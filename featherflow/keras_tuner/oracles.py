"""``keras_tuner.oracles``: the oracles under their KerasTuner namespace."""

from featherflow.keras_tuner.bayesian import BayesianOptimizationOracle
from featherflow.keras_tuner.grid_search import GridSearchOracle
from featherflow.keras_tuner.hyperband import HyperbandOracle
from featherflow.keras_tuner.random_search import RandomSearchOracle

__all__ = ["BayesianOptimizationOracle", "GridSearchOracle", "HyperbandOracle",
           "RandomSearchOracle"]
