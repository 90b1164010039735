"""``Oracle``: the trials of a search, kept in an Optuna study.

Each trial is an Optuna trial (asked with ``study.ask()``, ended with ``study.tell``), so
its number is given out by the storage: several processes (tuners with different
``tuner_id``) pointing at one database URL share one search without running a trial twice.
What KerasTuner keeps per trial that Optuna has no field for (the values, the metric
histories, the best step, the status and message) is stored in the trial's user attributes;
the search space in the study's.
"""

import collections
import json
import math
import os
import random
import shutil
import time
import zlib

from featherflow.keras_tuner import engine, sampling
from featherflow.keras_tuner import objective as objective_module
from featherflow.keras_tuner.display import Display
from featherflow.keras_tuner.hyperparameters import HyperParameters
from featherflow.keras_tuner.trial import Trial, TrialStatus

_ATTR = engine.ATTR


class Oracle:
    """The base oracle; subclasses choose the values (``populate_space``) and the sampler."""

    def __init__(self, objective=None, max_trials=None, hyperparameters=None,
                 allow_new_entries=True, tune_new_entries=True, seed=None,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, sampler=None,
                 pruner=None, storage=None):
        self.objective = objective_module.create_objective(objective)
        self.max_trials = max_trials
        if not hyperparameters:
            if not tune_new_entries:
                raise ValueError("If you set `tune_new_entries=False`, you must specify the "
                                 "search space via the `hyperparameters` argument.")
            if not allow_new_entries:
                raise ValueError("If you set `allow_new_entries=False`, you must specify the "
                                 "search space via the `hyperparameters` argument.")
            self.hyperparameters = HyperParameters()
        else:
            self.hyperparameters = hyperparameters
        self.allow_new_entries = allow_new_entries
        self.tune_new_entries = tune_new_entries
        self.seed = seed or random.randint(1, 10000)
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.sampler = sampler
        self.pruner = pruner
        self.storage = storage
        self.study = None
        self.ongoing_trials = {}
        self.end_order = []
        self._optuna_trials = {}
        self._own_trials = {}
        self._retry_queue = []
        self._pending = {}
        self._run_times = collections.defaultdict(int)
        self._reported = collections.defaultdict(set)
        self._finished = {}
        self._max_collisions = 20
        self._directed = None
        self._display = Display(oracle=self)
        self._directory = None
        self._project_name = None

    # -- verbosity, as ``search(verbose=...)`` sets it
    @property
    def verbose(self):
        return self._display.verbose

    @verbose.setter
    def verbose(self, value):
        self._display.verbose = 1 if value == "auto" else value

    # -- the study
    def _set_project_dir(self, directory, project_name):
        self._directory = directory
        self._project_name = project_name

    @property
    def _project_dir(self):
        path = os.path.join(str(self._directory), self._project_name)
        os.makedirs(path, exist_ok=True)
        return path

    def _storage_url(self):
        if self.storage is not None:
            return self.storage
        return "sqlite:///" + os.path.abspath(os.path.join(self._project_dir, "study.db"))

    def _make_sampler(self, seed):
        """The Optuna sampler for new values (a subclass's default unless ``sampler=``)."""
        return engine.import_optuna().samplers.RandomSampler(seed=seed)

    def _worker_seed(self, tuner_id):
        # one seed per tuner, so workers of one study draw different values
        if tuner_id == "tuner0":
            return self.seed
        return (self.seed + zlib.crc32(tuner_id.encode("utf-8"))) % (2 ** 31)

    def _open_study(self, tuner_id, overwrite):
        """Create or load the study; True when it already held trials (a reload)."""
        optuna = engine.import_optuna()
        if optuna.logging.get_verbosity() == optuna.logging.INFO:
            optuna.logging.set_verbosity(optuna.logging.WARNING)
        name = self._project_name
        base = self.sampler if self.sampler is not None else self._make_sampler(
            self._worker_seed(tuner_id))
        self._directed = engine.directed_sampler(base)
        direction = "maximize" if self.objective.direction == "max" else "minimize"
        for attempt in range(5):
            try:
                storage = engine.open_storage(self._storage_url())
                if overwrite and self.storage is not None:
                    try:
                        optuna.delete_study(study_name=name, storage=storage)
                    except KeyError:
                        pass
                # no pruning unless asked for (Optuna's own default is a MedianPruner)
                pruner = self.pruner if self.pruner is not None else \
                    optuna.pruners.NopPruner()
                self.study = optuna.create_study(
                    storage=storage, study_name=name, direction=direction,
                    sampler=self._directed, pruner=pruner, load_if_exists=True)
                break
            except Exception:  # processes creating the database tables at once: try again
                if attempt == 4:
                    raise
                time.sleep(0.2 + random.random())
        self.tuner_id = tuner_id
        stored = self.study.user_attrs.get(_ATTR + "space")
        if stored:
            self.hyperparameters.merge(HyperParameters.from_config(
                {"space": stored, "values": {}}), overwrite=False)
        reloaded = len(self.study.get_trials(deepcopy=False)) > 0
        if reloaded:
            self._requeue_own_trials()
        return reloaded

    def _save_space(self):
        if self.study is not None:
            space = self.hyperparameters.get_config()["space"]
            if self.study.user_attrs.get(_ATTR + "space") != space:
                self.study.set_user_attr(_ATTR + "space", space)

    def _requeue_own_trials(self):
        """Trials this tuner left running (the process stopped): run them again."""
        optuna = engine.import_optuna()
        for frozen in self.study.get_trials(deepcopy=False,
                                            states=(optuna.trial.TrialState.RUNNING,)):
            if frozen.user_attrs.get(_ATTR + "tuner_id") != self.tuner_id:
                continue
            # Optuna has no public way back to a running trial but its storage id
            optuna_trial = optuna.trial.Trial(self.study, frozen._trial_id)
            if _ATTR + "values" not in frozen.user_attrs:
                self._pending[self.tuner_id] = optuna_trial
                continue
            trial = self._trial_from_frozen(frozen)
            trial.status = TrialStatus.RUNNING
            self._own_trials[trial.trial_id] = trial
            self._optuna_trials[trial.trial_id] = optuna_trial
            self._retry_queue.append(trial.trial_id)

    # -- trials
    def _format_id(self, number):
        return f"{number:0{len(str(self.max_trials))}d}"

    def _trial_limit(self):
        """How many trials the search has at most (None: no limit)."""
        return self.max_trials

    def create_trial(self, tuner_id):
        """The next trial for ``tuner_id``: RUNNING, IDLE (wait) or STOPPED (search over)."""
        if tuner_id in self.ongoing_trials:
            return self.ongoing_trials[tuner_id]
        if self._retry_queue:
            trial = self._own_trials[self._retry_queue.pop()]
            trial.status = TrialStatus.RUNNING
            self.ongoing_trials[tuner_id] = trial
            self._display.on_trial_begin(trial)
            return trial
        optuna = engine.import_optuna()
        optuna_trial = self._pending.pop(tuner_id, None)
        limit = self._trial_limit()
        if optuna_trial is None:
            if limit is not None and self._count_trials() >= limit:
                return Trial(self.get_space(), status=TrialStatus.STOPPED)
            optuna_trial = self.study.ask()
            optuna_trial.set_user_attr(_ATTR + "tuner_id", tuner_id)
        number = optuna_trial.number
        trial_id = self._format_id(number)
        response = {"status": TrialStatus.STOPPED}
        if limit is None or number < limit:
            response = self.populate_space(trial_id, optuna_trial)
        status = response["status"]
        if status == TrialStatus.IDLE:
            self._pending[tuner_id] = optuna_trial
            return Trial(self.get_space(), trial_id=trial_id, status=status, number=number)
        if status == "SKIPPED":
            # a Hyperband promotion with nothing left to promote: on to the next slot
            optuna_trial.set_user_attr(_ATTR + "surplus", True)
            self.study.tell(optuna_trial, state=optuna.trial.TrialState.FAIL)
            return self.create_trial(tuner_id)
        if status == TrialStatus.STOPPED:
            # asked after another worker took the last trial: not a trial of the search
            optuna_trial.set_user_attr(_ATTR + "surplus", True)
            self.study.tell(optuna_trial, state=optuna.trial.TrialState.FAIL)
            return Trial(self.get_space(), status=TrialStatus.STOPPED)
        hyperparameters = self.get_space()
        hyperparameters.values = response.get("values") or {}
        hyperparameters.ensure_active_values()
        trial = Trial(hyperparameters, trial_id=trial_id, status=TrialStatus.RUNNING,
                      number=number)
        optuna_trial.set_user_attr(_ATTR + "trial_id", trial_id)
        optuna_trial.set_user_attr(_ATTR + "values", _jsonable(hyperparameters.values))
        self._own_trials[trial_id] = trial
        self._optuna_trials[trial_id] = optuna_trial
        self.ongoing_trials[tuner_id] = trial
        self._display.on_trial_begin(trial)
        return trial

    def populate_space(self, trial_id, optuna_trial):
        """``{"status": ..., "values": ...}`` for a new trial (subclasses)."""
        return {"status": TrialStatus.RUNNING, "values": self._suggest_values(optuna_trial)}

    def _suggest_values(self, optuna_trial, chosen=None):
        """Values for every active hyperparameter, sampled by Optuna (or ``chosen``)."""
        return sampling.suggest_values(self, optuna_trial, chosen)

    def _new_values(self, optuna_trial):
        """Values no trial of the study has had (None: the space looks used up)."""
        return sampling.new_values(self, optuna_trial)

    def report(self, trial, value, step):
        """Give Optuna's pruner the objective at ``step``; True when it says stop."""
        optuna_trial = self._optuna_trials.get(trial.trial_id)
        if optuna_trial is None or value is None or not math.isfinite(value):
            return False
        if step in self._reported[trial.trial_id]:
            return False  # a second execution of the trial: Optuna keeps the first value
        self._reported[trial.trial_id].add(step)
        optuna_trial.report(float(value), step=int(step))
        return optuna_trial.should_prune()

    def update_trial(self, trial_id, metrics, step=0):
        """Record ``metrics`` (a dict) of a trial at ``step``."""
        trial = self._own_trials[trial_id]
        self._check_objective_found(metrics)
        for name, value in metrics.items():
            if not trial.metrics.exists(name):
                trial.metrics.register(name, direction=_direction_from_objective(
                    self.objective, name))
            trial.metrics.update(name, value, step=step)
        self._optuna_trials[trial_id].set_user_attr(_ATTR + "metrics", trial.metrics.get_config())
        return trial

    def _check_objective_found(self, metrics):
        if isinstance(self.objective, objective_module.MultiObjective):
            names = list(self.objective.name_to_direction)
        else:
            names = [self.objective.name]
        missing = [n for n in names if n not in metrics]
        if missing:
            raise ValueError("Objective value missing in metrics reported to the Oracle, "
                             f"expected: {missing}, found: {list(metrics)}")

    def score_trial(self, trial):
        trial.score = trial.metrics.get_best_value(self.objective.name)
        trial.best_step = trial.metrics.get_best_step(self.objective.name)

    def end_trial(self, trial):
        """Score the trial and tell Optuna; an INVALID trial may be queued to run again."""
        optuna = engine.import_optuna()
        own = self._own_trials[trial.trial_id]
        own.hyperparameters, own.status, own.message = (trial.hyperparameters, trial.status,
                                                        trial.message)
        trial = own
        self.update_space(trial.hyperparameters)
        if trial.status in (TrialStatus.COMPLETED, TrialStatus.STOPPED):
            if trial.metrics.exists(self.objective.name):
                self.score_trial(trial)
            if trial.score is None or math.isnan(trial.score):
                trial.status = TrialStatus.INVALID
        self._run_times[trial.trial_id] += 1
        for tuner_id, ongoing in list(self.ongoing_trials.items()):
            if ongoing.trial_id == trial.trial_id:
                self.ongoing_trials.pop(tuner_id)
        if trial.status == TrialStatus.INVALID:
            max_runs = self.max_retries_per_trial + 1
            if self._run_times[trial.trial_id] < max_runs:
                print(f"Trial {trial.trial_id} failed {self._run_times[trial.trial_id]} times. "
                      f"{max_runs - self._run_times[trial.trial_id]} retries left.")
                self._retry_queue.append(trial.trial_id)
                return
            trial.status = TrialStatus.FAILED
        optuna_trial = self._optuna_trials.pop(trial.trial_id)
        optuna_trial.set_user_attr(_ATTR + "values", _jsonable(trial.hyperparameters.values))
        optuna_trial.set_user_attr(_ATTR + "status", trial.status)
        optuna_trial.set_user_attr(_ATTR + "best_step", trial.best_step)
        optuna_trial.set_user_attr(_ATTR + "score", trial.score)
        if trial.message:
            optuna_trial.set_user_attr(_ATTR + "message", trial.message[-4000:])
        if trial.status == TrialStatus.COMPLETED:
            self.study.tell(optuna_trial, float(trial.score))
        elif trial.status == TrialStatus.STOPPED:
            self.study.tell(optuna_trial, state=optuna.trial.TrialState.PRUNED)
        else:
            self.study.tell(optuna_trial, state=optuna.trial.TrialState.FAIL)
        self.end_order.append(trial.trial_id)
        self._display.on_trial_end(trial)
        self._check_consecutive_failures()

    def _check_consecutive_failures(self):
        failures = 0
        for trial_id in self.end_order:
            trial = self._own_trials[trial_id]
            failures = failures + 1 if trial.status == TrialStatus.FAILED else 0
            if failures == self.max_consecutive_failed_trials:
                raise RuntimeError("Number of consecutive failures exceeded the limit of "
                                   f"{self.max_consecutive_failed_trials}.\n"
                                   + (trial.message or ""))

    def get_space(self):
        return self.hyperparameters.copy()

    def update_space(self, hyperparameters):
        """Add the hyperparameters a build registered for the first time."""
        new = [hp for hp in hyperparameters.space
               if not self.hyperparameters._exists(hp.name, hp.conditions)]
        if new and not self.allow_new_entries:
            raise RuntimeError(f"`allow_new_entries` is `False`, but found new entries {new}")
        if not self.tune_new_entries:
            return
        self.hyperparameters.merge(new)
        if new:
            self._save_space()

    # -- reading the study
    def _count_trials(self):
        return sum(1 for t in self.study.get_trials(deepcopy=False)
                   if not t.user_attrs.get(_ATTR + "surplus"))

    def _trial_from_frozen(self, frozen):
        optuna = engine.import_optuna()
        attrs = frozen.user_attrs
        states = optuna.trial.TrialState
        status = attrs.get(_ATTR + "status")
        if status is None:
            status = {states.RUNNING: TrialStatus.RUNNING, states.WAITING: TrialStatus.IDLE,
                      states.COMPLETE: TrialStatus.COMPLETED, states.PRUNED: TrialStatus.STOPPED,
                      }.get(frozen.state, TrialStatus.FAILED)
        hyperparameters = self.get_space()
        hyperparameters.values = dict(attrs.get(_ATTR + "values", {}))
        state = {"trial_id": attrs.get(_ATTR + "trial_id", self._format_id(frozen.number)),
                 "hyperparameters": hyperparameters.get_config(),
                 "metrics": attrs.get(_ATTR + "metrics", {"metrics": {}}),
                 "score": attrs.get(_ATTR + "score", frozen.value),
                 "best_step": attrs.get(_ATTR + "best_step", 0), "status": status,
                 "message": attrs.get(_ATTR + "message")}
        return Trial.from_state(state, number=frozen.number)

    @property
    def trials(self):
        """Every trial of the study (all workers'), by trial id, in the order they began."""
        found = {}
        for frozen in sorted(self.study.get_trials(deepcopy=False), key=lambda t: t.number):
            if frozen.user_attrs.get(_ATTR + "surplus") or \
                    _ATTR + "values" not in frozen.user_attrs:
                continue
            trial = self._finished.get(frozen.number)
            if trial is None:
                trial = self._trial_from_frozen(frozen)
                if frozen.state.is_finished():  # a finished trial no longer changes
                    self._finished[frozen.number] = trial
            own = self._own_trials.get(trial.trial_id)
            found[trial.trial_id] = own if own is not None and own.number == trial.number \
                else trial
        return found

    def get_trial(self, trial_id):
        return self.trials[trial_id]

    def get_best_trials(self, num_trials=1):
        """The ``num_trials`` best completed trials (then the others, to fill up)."""
        trials = list(self.trials.values())
        done = sorted((t for t in trials if t.status == TrialStatus.COMPLETED),
                      key=lambda t: t.score, reverse=self.objective.direction == "max")
        if len(done) < num_trials:
            done += [t for t in trials if t.status != TrialStatus.COMPLETED]
        return done[:num_trials]

    def remaining_trials(self):
        return self.max_trials - self._count_trials() if self.max_trials else None

    def get_state(self):
        return {"objective": str(self.objective), "max_trials": self.max_trials,
                "seed": self.seed, "study_name": self._project_name,
                "hyperparameters": self.hyperparameters.get_config()}

    def _remove_project(self):
        if os.path.isdir(self._project_dir):
            shutil.rmtree(self._project_dir)


def _direction_from_objective(objective, name):
    objectives = objective.objectives if isinstance(
        objective, objective_module.MultiObjective) else [objective]
    return next((o.direction for o in objectives if o.name == name), None)


def _jsonable(values):
    return json.loads(json.dumps(values, default=lambda v: v.item()))
