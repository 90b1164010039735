"""``GridSearch``: every combination, in KerasTuner's order.

The order is KerasTuner's odometer: the first trial takes every default; each next one bumps
the last hyperparameter (in the space's order) that is not at its last value and resets the
ones after it; each hyperparameter's values start with its default; conditional
hyperparameters are left out while inactive. Trial ``n`` of the study (its Optuna number)
is combination ``n``, so workers sharing the study split the grid between them. The values
go to Optuna as the trial's parameters through the directed sampler.
"""

import copy

from featherflow.keras_tuner.oracle import Oracle
from featherflow.keras_tuner.trial import TrialStatus
from featherflow.keras_tuner.tuner import Tuner


class GridSearchOracle(Oracle):
    """Combinations in order; stops after the last one (or ``max_trials``)."""

    def __init__(self, objective=None, max_trials=None, seed=None, hyperparameters=None,
                 allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, sampler=None, pruner=None, storage=None):
        super().__init__(objective=objective, max_trials=max_trials,
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials,
                         sampler=sampler, pruner=pruner, storage=storage)
        self._grid = []
        self._grid_space = None

    def combination(self, index):
        """The values of combination ``index`` (None past the last one)."""
        signature = [(type(hp).__name__, hp.get_config()) for hp in self.hyperparameters.space]
        if signature != self._grid_space:
            self._grid_space = signature
            hps = self.get_space()
            self._grid = [{hp.name: hp.default for hp in hps.space if hps.is_active(hp)}]
        while len(self._grid) <= index and self._grid[-1] is not None:
            self._grid.append(self._next_combination(self._grid[-1]))
        return self._grid[index] if index < len(self._grid) else None

    def _next_combination(self, values):
        hps = self.get_space()
        all_values = {}
        for hp in hps.space:
            ordered = list(hp.values)
            if hp.default in ordered:
                ordered.remove(hp.default)
            all_values[hp.name] = [hp.default] + ordered
        defaults = {hp.name: hp.default for hp in hps.space}
        hps.values = copy.deepcopy(values)
        bumped = False
        for hp in reversed(hps.space):
            name = hp.name
            if hps.is_active(hp):
                value = hps.values[name]
                if value != all_values[name][-1]:
                    hps.values[name] = all_values[name][all_values[name].index(value) + 1]
                    bumped = True
                    break
            hps.values[name] = defaults[name]
        hps.ensure_active_values()
        return hps.values if bumped else None

    def populate_space(self, trial_id, optuna_trial):
        values = self.combination(optuna_trial.number)
        if values is None:
            return {"status": TrialStatus.STOPPED, "values": None}
        return {"status": TrialStatus.RUNNING,
                "values": self._suggest_values(optuna_trial, chosen=values)}


class GridSearch(Tuner):
    """Grid search over the space of ``hypermodel`` (Float/Int ranges without a step are
    visited at ten spread values, as in KerasTuner).

    Example::

        tuner = kt.GridSearch(build_model, objective="val_loss")
        tuner.search(x, y, epochs=3, validation_split=0.2)
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=None, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, sampler=None,
                 pruner=None, storage=None, **kwargs):
        self.seed = seed
        oracle = GridSearchOracle(
            objective=objective, max_trials=max_trials, seed=seed,
            hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials, sampler=sampler,
            pruner=pruner, storage=storage)
        super().__init__(oracle, hypermodel, **kwargs)
