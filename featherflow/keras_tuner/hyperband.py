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

With ``pruner="hyperband"`` (or an ``optuna.pruners.HyperbandPruner``), or
``"successive_halving"`` (a ``SuccessiveHalvingPruner``), Optuna's pruner does the halving
instead: every trial is a new configuration that trains up to ``max_epochs`` epochs
(``tuner/epochs``, ``tuner/initial_epoch`` 0), reports its objective after each epoch (the step
is the number of epochs trained, Optuna's resource) and stops when ``trial.should_prune()``
says so, at the same rungs as the brackets' rounds (1, f, f**2... epochs). Its bracket (the
pruner's, numbered as KerasTuner numbers them) is ``tuner/bracket``; nothing is continued from
a checkpoint, so there is no ``tuner/trial_id``, and no worker ever waits for a round. The
search tries as many configurations as the brackets' first rounds hold.
"""

import math

from featherflow.keras_tuner import callbacks as tuner_callbacks
from featherflow.keras_tuner import engine
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
        self._halving = _halving_pruner(pruner, max_epochs, factor)
        if self._halving is not None:
            pruner = self._halving
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
        if self._halving is not None:  # one trial per configuration of the first rounds
            return sum(1 for slot in self._slots if slot[1] == 0) * int(
                self.hyperband_iterations)
        return len(self._slots) * int(self.hyperband_iterations)

    def report(self, trial, value, step):
        # with a halving pruner the step is the epochs trained (Optuna's resource), so the
        # rungs fall where the brackets' rounds end: after 1, factor, factor**2... epochs
        return super().report(trial, value, step + 1 if self._halving is not None else step)

    def _pruner_bracket(self, optuna_trial):
        """The trial's bracket in the HyperbandPruner, numbered as KerasTuner's (the bracket
        that halves most is the highest); 0 for a SuccessiveHalvingPruner."""
        pruner = self._halving
        if not hasattr(pruner, "_get_bracket_id"):
            return 0
        try:  # Optuna's private API: the bracket it hashes the trial into
            if not pruner._pruners:  # it adds its brackets again on every call
                pruner._try_initialization(self.study)
            return pruner._n_brackets - 1 - pruner._get_bracket_id(self.study, optuna_trial)
        except (AttributeError, TypeError):
            return None

    def slot(self, number):
        """(iteration, bracket, round, index in the round) of trial ``number``."""
        iteration, position = divmod(number, len(self._slots))
        return (iteration, *self._slots[position])

    def populate_space(self, trial_id, optuna_trial):
        if self._halving is not None:
            values = self._new_values(optuna_trial)
            if values is None:
                return {"status": TrialStatus.STOPPED}
            values.update({"tuner/epochs": self.max_epochs, "tuner/initial_epoch": 0,
                           "tuner/bracket": self._pruner_bracket(optuna_trial),
                           "tuner/round": 0})
            return {"status": TrialStatus.RUNNING, "values": values}
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


def _halving_pruner(pruner, max_epochs, factor):
    """The Optuna pruner that does Hyperband's halving, or None (KerasTuner's schedule, with
    ``pruner`` if any on top)."""
    if pruner is None:
        return None
    if isinstance(pruner, str):
        optuna = engine.import_optuna()
        if pruner == "hyperband":
            return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max_epochs,
                                                  reduction_factor=factor)
        if pruner == "successive_halving":
            return optuna.pruners.SuccessiveHalvingPruner(min_resource=1,
                                                          reduction_factor=factor)
        raise ValueError(
            f"Hyperband: pruner={pruner!r} is not a pruner name; use 'hyperband' or "
            "'successive_halving' (Optuna's pruners do the halving), an optuna.pruners "
            "object, or None for KerasTuner's bracket schedule.")
    optuna = engine.import_optuna()
    kinds = (optuna.pruners.HyperbandPruner, optuna.pruners.SuccessiveHalvingPruner)
    if not isinstance(pruner, kinds):
        return None
    most = getattr(pruner, "_max_resource", "auto")
    if isinstance(pruner, kinds[0]) and most not in ("auto", max_epochs):
        raise ValueError(
            f"Hyperband: the HyperbandPruner has max_resource={most} but max_epochs="
            f"{max_epochs}; they are the same budget (epochs). Give both the same number, or "
            "pass pruner='hyperband' to have it made from max_epochs and factor.")
    return pruner


class Hyperband(Tuner):
    """Hyperband over the space of ``hypermodel``; ``search`` gets each trial's ``epochs``
    and ``initial_epoch`` from the schedule.

    ``pruner="hyperband"`` (or ``"successive_halving"``, or such an ``optuna.pruners``
    object) lets Optuna's pruner stop trials early instead of KerasTuner's rounds of
    retraining from checkpoints (see the module's docstring).

    Example::

        tuner = kt.Hyperband(build_model, objective="val_accuracy", max_epochs=9, factor=3)
        tuner.search(x, y, validation_split=0.2)
        tuner = kt.Hyperband(build_model, objective="val_accuracy", max_epochs=9, factor=3,
                             pruner="hyperband")
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
