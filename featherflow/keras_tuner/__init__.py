"""``featherflow.keras_tuner``: KerasTuner's API on Optuna (``import featherflow.keras_tuner
as kt``).

Example::

    import featherflow as tf
    import featherflow.keras_tuner as kt

    def build_model(hp):
        model = tf.keras.Sequential([
            tf.keras.Input((1,)),
            tf.keras.layers.Dense(hp.Int("units", 4, 16, step=4), activation="relu"),
            tf.keras.layers.Dense(1)])
        model.compile(tf.keras.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                      loss="mse")
        return model

    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=4,
                            directory="tuning", project_name="demo")
    tuner.search(x, y, epochs=10, validation_split=0.2, verbose=0)
    tuner.results_summary()

The tuners need Optuna (``pip install 'featherflow[tune]'``); the study lives in
``directory/project_name/study.db`` unless ``storage=`` names another database, which
several processes can search together. See docs/tuning.md.
"""

from featherflow.keras_tuner import errors, oracles, tuners
from featherflow.keras_tuner.bayesian import BayesianOptimization, BayesianOptimizationOracle
from featherflow.keras_tuner.grid_search import GridSearch, GridSearchOracle
from featherflow.keras_tuner.hp_types import Boolean, Choice, Fixed, Float, Int
from featherflow.keras_tuner.hyperband import Hyperband, HyperbandOracle
from featherflow.keras_tuner.hypermodel import HyperModel
from featherflow.keras_tuner.hyperparameters import HyperParameters
from featherflow.keras_tuner.objective import Objective
from featherflow.keras_tuner.oracle import Oracle
from featherflow.keras_tuner.random_search import RandomSearch, RandomSearchOracle
from featherflow.keras_tuner.trial import Trial, TrialStatus
from featherflow.keras_tuner.tuner import Tuner

__version__ = "1.4.8"  # the KerasTuner release whose behaviour this follows

__all__ = [
    "BayesianOptimization", "BayesianOptimizationOracle", "Boolean", "Choice", "Fixed", "Float",
    "GridSearch", "GridSearchOracle", "HyperModel", "HyperParameters", "Hyperband",
    "HyperbandOracle", "Int", "Objective", "Oracle", "RandomSearch", "RandomSearchOracle",
    "Trial", "TrialStatus", "Tuner", "errors", "oracles", "tuners",
]
