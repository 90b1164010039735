"""``Hyperband``: KerasTuner's brackets of successive halving, on an Optuna study.

With ``max_epochs`` R and ``factor`` f there are ``B = floor(log_f R) + 1`` brackets (counted
as KerasTuner counts them). Bracket b runs rounds 0..b; round r holds
``ceil(ceil(1 + log_f R) / (b + 1) * f ** (b - r))`` trials of ``ceil(R / f ** (b - r))``
epochs. Round 0 draws new values (Optuna's ``RandomSampler``); round r continues the best
trials of round r - 1 from their checkpoints (``tuner/trial_id``, ``tuner/initial_epoch``).
The brackets run from b = B - 1 down to 0, ``hyperband_iterations`` times.

The schedule is a fixed sequence of slots, so Optuna trial ``n`` is slot ``n``: workers
sharing a study each take the next slot; a promotion waits until its previous round has
finished, then takes the k-th best trial of that round (KerasTuner, with one worker, takes
the best not yet promoted, which is the same trial).
"""

import math

from featherflow.keras_tuner import callbacks as tuner_callbacks
from featherflow.keras_tuner.oracle import _ATTR, Oracle
from featherflow.keras_tuner.trial import TrialStatus
from featherflow.keras_tuner.tuner import Tuner

SKIPPED = "SKIPPED"  # a promotion slot whose previous round has too few completed trials


class HyperbandOracle(Oracle):
    """Hyperband's schedule over the trials of an Optuna study."""

    def __init__(self, objective=None, max_epochs=100, factor=3, hyperband_iterations=1,
                 seed=None, hyperparameters=None, allow_new_entries=True, tune_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, sampler=None,
                 pruner=None, storage=None):
        super().__init__(objective=objective, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries,
                         seed=seed, max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials,
                         sampler=sampler, pruner=pruner, storage=storage)
        if factor < 2:
            raise ValueError("factor needs to be a int larger than 1.")
        if not isinstance(max_epochs, int) or max_epochs < 1:
            raise ValueError(f"Hyperband: max_epochs must be a positive int; received "
                             f"{max_epochs!r}.")
        self.hyperband_iterations = hyperband_iterations or float("inf")
        self.max_epochs = max_epochs
        self.min_epochs = 1
        self.factor = factor
        self._slots = []
        self._offsets = {}
        for bracket in range(self._get_num_brackets() - 1, -1, -1):
            for round_num in range(bracket + 1):
                self._offsets[(bracket, round_num)] = len(self._slots)
                size = self._get_size(bracket, round_num)
                self._slots.extend((bracket, round_num, k) for k in range(size))

    def _get_size(self, bracket_num, round_num):
        bracket0_end_size = math.ceil(1 + math.log(self.max_epochs, self.factor))
        bracket_end_size = bracket0_end_size / (bracket_num + 1)
        return math.ceil(bracket_end_size * self.factor ** (bracket_num - round_num))

    def _get_epochs(self, bracket_num, round_num):
        return math.ceil(self.max_epochs / self.factor ** (bracket_num - round_num))

    def _get_num_brackets(self):
        epochs, brackets = self.max_epochs, 0
        while epochs >= self.min_epochs:
            epochs = epochs / self.factor
            brackets += 1
        return brackets

    def _trial_limit(self):
        if math.isinf(self.hyperband_iterations):
            return None
        return len(self._slots) * int(self.hyperband_iterations)

    def slot(self, number):
        """(iteration, bracket, round, index in the round) of trial ``number``."""
        iteration, position = divmod(number, len(self._slots))
        return (iteration, *self._slots[position])

    def populate_space(self, trial_id, optuna_trial):
        iteration, bracket, round_num, index = self.slot(optuna_trial.number)
        epochs = self._get_epochs(bracket, round_num)
        if round_num == 0:
            values = self._new_values(optuna_trial)
            if values is None:  # every draw was a configuration already tried
                return {"status": TrialStatus.STOPPED}
            values.update({"tuner/epochs": epochs, "tuner/initial_epoch": 0,
                           "tuner/bracket": bracket, "tuner/round": 0})
            return {"status": TrialStatus.RUNNING, "values": values}
        start = iteration * len(self._slots) + self._offsets[(bracket, round_num - 1)]
        numbers = range(start, start + self._get_size(bracket, round_num - 1))
        frozen = {t.number: t for t in self.study.get_trials(deepcopy=False)
                  if t.number in numbers}
        if len(frozen) < len(numbers) or any(
                t.user_attrs.get(_ATTR + "status") is None and not t.state.is_finished()
                for t in frozen.values()):
            return {"status": TrialStatus.IDLE}
        completed = [self._trial_from_frozen(frozen[n]) for n in numbers]
        completed = [t for t in completed if t.status == TrialStatus.COMPLETED]
        completed.sort(key=lambda t: t.score, reverse=self.objective.direction == "max")
        if index >= len(completed):
            return {"status": SKIPPED}
        best = completed[index]
        values = dict(best.hyperparameters.values)
        self._suggest_values(optuna_trial, chosen=values)
        values.update({"tuner/trial_id": best.trial_id, "tuner/epochs": epochs,
                       "tuner/initial_epoch": self._get_epochs(bracket, round_num - 1),
                       "tuner/bracket": bracket, "tuner/round": round_num})
        return {"status": TrialStatus.RUNNING, "values": values}

    def get_state(self):
        state = super().get_state()
        state.update(hyperband_iterations=self.hyperband_iterations, max_epochs=self.max_epochs,
                     min_epochs=self.min_epochs, factor=self.factor)
        return state


class Hyperband(Tuner):
    """Hyperband over the space of ``hypermodel``; ``search`` gets each trial's ``epochs``
    and ``initial_epoch`` from the schedule.

    Example::

        tuner = kt.Hyperband(build_model, objective="val_accuracy", max_epochs=9, factor=3)
        tuner.search(x, y, validation_split=0.2)
    """

    def __init__(self, hypermodel=None, objective=None, max_epochs=100, factor=3,
                 hyperband_iterations=1, seed=None, hyperparameters=None, tune_new_entries=True,
                 allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, sampler=None, pruner=None, storage=None,
                 **kwargs):
        oracle = HyperbandOracle(
            objective, max_epochs=max_epochs, factor=factor,
            hyperband_iterations=hyperband_iterations, seed=seed,
            hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials, sampler=sampler,
            pruner=pruner, storage=storage)
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)

    def run_trial(self, trial, *fit_args, **fit_kwargs):
        values = trial.hyperparameters.values
        if "tuner/epochs" in values:
            fit_kwargs["epochs"] = values["tuner/epochs"]
            fit_kwargs["initial_epoch"] = values["tuner/initial_epoch"]
        return super().run_trial(trial, *fit_args, **fit_kwargs)

    def _build_hypermodel(self, hp):
        model = super()._build_hypermodel(hp)
        if "tuner/trial_id" in hp.values:
            source = hp.values["tuner/trial_id"]
            tuner_callbacks.load_weights(model, self._get_checkpoint_fname(source))
        return model
