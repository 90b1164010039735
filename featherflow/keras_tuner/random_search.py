"""``RandomSearch``: values drawn by Optuna's ``RandomSampler``."""

from featherflow.keras_tuner.oracle import Oracle
from featherflow.keras_tuner.trial import TrialStatus
from featherflow.keras_tuner.tuner import Tuner


class RandomSearchOracle(Oracle):
    """Random values for every trial (Optuna's ``RandomSampler``, seeded by ``seed``)."""

    def __init__(self, objective=None, max_trials=10, seed=None, hyperparameters=None,
                 allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, sampler=None, pruner=None, storage=None):
        super().__init__(objective=objective, max_trials=max_trials,
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials,
                         sampler=sampler, pruner=pruner, storage=storage)

    def populate_space(self, trial_id, optuna_trial):
        values = self._new_values(optuna_trial)
        if values is None:  # every draw was a configuration already tried
            return {"status": TrialStatus.STOPPED, "values": None}
        return {"status": TrialStatus.RUNNING, "values": values}


class RandomSearch(Tuner):
    """Random search over the space of ``hypermodel``.

    Example::

        tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=10)
        tuner.search(x, y, epochs=5, validation_data=(x_val, y_val))

    ``storage`` (an Optuna database URL; default: SQLite in ``directory/project_name``),
    ``sampler`` and ``pruner`` (Optuna objects) are featherflow's additions.
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, sampler=None,
                 pruner=None, storage=None, **kwargs):
        self.seed = seed
        oracle = RandomSearchOracle(
            objective=objective, max_trials=max_trials, seed=seed,
            hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials, sampler=sampler,
            pruner=pruner, storage=storage)
        super().__init__(oracle, hypermodel, **kwargs)
