"""``keras_tuner.tuners``: the tuners under their KerasTuner namespace."""

from featherflow.keras_tuner.bayesian import BayesianOptimization
from featherflow.keras_tuner.grid_search import GridSearch
from featherflow.keras_tuner.hyperband import Hyperband
from featherflow.keras_tuner.random_search import RandomSearch

__all__ = ["BayesianOptimization", "GridSearch", "Hyperband", "RandomSearch"]
