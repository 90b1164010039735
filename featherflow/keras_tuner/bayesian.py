"""``BayesianOptimization``: values proposed by Optuna's TPE sampler after
``num_initial_points`` random trials (KerasTuner fits a Gaussian process instead)."""

from featherflow.keras_tuner import engine
from featherflow.keras_tuner.oracle import Oracle
from featherflow.keras_tuner.trial import TrialStatus
from featherflow.keras_tuner.tuner import Tuner


class BayesianOptimizationOracle(Oracle):
    """Optuna's ``TPESampler`` with ``n_startup_trials=num_initial_points`` (default, as
    KerasTuner's: three per hyperparameter, at least 3); the initial points are never a
    configuration already tried, as in KerasTuner. ``alpha`` and ``beta`` are the
    Gaussian process's noise and exploration terms in KerasTuner; they are kept in the state
    and used by no TPE step (pass ``sampler=optuna.samplers.GPSampler(...)`` for a GP)."""

    def __init__(self, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4,
                 beta=2.6, seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0, max_consecutive_failed_trials=3,
                 sampler=None, pruner=None, storage=None):
        super().__init__(objective=objective, max_trials=max_trials,
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials,
                         sampler=sampler, pruner=pruner, storage=storage)
        if num_initial_points is not None and num_initial_points < 1:
            raise ValueError("BayesianOptimization: num_initial_points must be at least 1; "
                             f"received {num_initial_points}.")
        self.num_initial_points = num_initial_points
        self.alpha = alpha
        self.beta = beta

    def populate_space(self, trial_id, optuna_trial):
        # as KerasTuner: the random initial points are new configurations (the search ends
        # when none is left); the model's proposals afterwards may repeat one
        optuna = engine.import_optuna()
        completed = self.study.get_trials(deepcopy=False,
                                          states=(optuna.trial.TrialState.COMPLETE,))
        if len(completed) >= self._initial_points():
            return {"status": TrialStatus.RUNNING, "values": self._suggest_values(optuna_trial)}
        values = self._new_values(optuna_trial)
        if values is None:
            return {"status": TrialStatus.STOPPED, "values": None}
        return {"status": TrialStatus.RUNNING, "values": values}

    def _initial_points(self):
        # KerasTuner's default: three per hyperparameter (Fixed ones counted), at least 3
        return self.num_initial_points or max(3 * len(self.hyperparameters.space), 3)

    def _make_sampler(self, seed):
        optuna = engine.import_optuna()
        return optuna.samplers.TPESampler(n_startup_trials=self._initial_points(), seed=seed)

    def update_space(self, hyperparameters):
        # the sampler is made when the study opens, before the first build tells the space's
        # size (the default number of initial points): make it again when the space grows
        before = len(self.hyperparameters.space)
        super().update_space(hyperparameters)
        if self.sampler is None and self._directed is not None and \
                len(self.hyperparameters.space) != before:
            self._directed.base = self._make_sampler(self._worker_seed(self.tuner_id))

    def get_state(self):
        state = super().get_state()
        state.update(num_initial_points=self.num_initial_points, alpha=self.alpha,
                     beta=self.beta)
        return state


class BayesianOptimization(Tuner):
    """Model-based search (Optuna's TPE) over the space of ``hypermodel``.

    Example::

        tuner = kt.BayesianOptimization(build_model, objective="val_loss", max_trials=20,
                                        num_initial_points=5)
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None,
                 alpha=1e-4, beta=2.6, seed=None, hyperparameters=None, tune_new_entries=True,
                 allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, sampler=None, pruner=None, storage=None,
                 **kwargs):
        oracle = BayesianOptimizationOracle(
            objective=objective, max_trials=max_trials, num_initial_points=num_initial_points,
            alpha=alpha, beta=beta, seed=seed, hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries, allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials, sampler=sampler,
            pruner=pruner, storage=storage)
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)
