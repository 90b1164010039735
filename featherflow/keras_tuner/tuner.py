"""``Tuner``: builds a model per trial, fits it with the arguments given to ``search``, and
records the result in the oracle (an Optuna study).

Example::

    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=5,
                            directory="tuning", project_name="regression")
    tuner.search(x, y, epochs=20, validation_split=0.2)
    best_model = tuner.get_best_models(num_models=1)[0]
"""

import copy
import difflib
import inspect
import os
import time
import traceback

from featherflow.keras_tuner import callbacks as tuner_callbacks
from featherflow.keras_tuner import errors
from featherflow.keras_tuner import hypermodel as hypermodel_module
from featherflow.keras_tuner.oracle import Oracle
from featherflow.keras_tuner.trial import TrialStatus
from featherflow.keras_tuner.tuner_utils import (
    convert_hyperparams_to_hparams,
    convert_to_metrics_dict,
    get_best_step,
    validate_trial_results,
)


class Tuner:
    """The base of the tuners; subclass and override ``run_trial`` for a custom loop."""

    _idle_wait = 0.5  # seconds between asks while another worker finishes a round

    def __init__(self, oracle, hypermodel=None, max_model_size=None, optimizer=None, loss=None,
                 metrics=None, distribution_strategy=None, directory=None, project_name=None,
                 logger=None, tuner_id=None, overwrite=False, executions_per_trial=1, **kwargs):
        if kwargs:
            known = list(inspect.signature(type(self).__init__).parameters) + list(
                inspect.signature(Tuner.__init__).parameters)
            hints = [f"{k!r} -> did you mean {m[0]!r}?" for k in kwargs
                     for m in [difflib.get_close_matches(k, known, n=1)] if m]
            raise ValueError(f"Unrecognized arguments {list(kwargs)} for `Tuner.__init__()`."
                             + (" " + "; ".join(hints) if hints else ""))
        if not isinstance(oracle, Oracle):
            raise ValueError("Expected `oracle` argument to be an instance of `Oracle`. "
                             f"Received: oracle={oracle} (of type ({type(oracle)}).")
        if hypermodel is None and type(self).run_trial is Tuner.run_trial:
            raise ValueError(
                "Received `hypermodel=None`. We only allow not specifying `hypermodel` if the "
                "user defines the search space in `Tuner.run_trial()` by subclassing a `Tuner` "
                "class without using a `HyperModel` instance.")
        self.oracle = oracle
        self.hypermodel = hypermodel_module.get_hypermodel(hypermodel)
        self.max_model_size = max_model_size
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.distribution_strategy = distribution_strategy
        self.executions_per_trial = executions_per_trial
        self.logger = logger
        self.directory = directory or "."
        self.project_name = project_name or "untitled_project"
        self.oracle._set_project_dir(self.directory, self.project_name)
        if overwrite and self.oracle.storage is None:
            self.oracle._remove_project()
        self.tuner_id = tuner_id or os.environ.get("KERASTUNER_TUNER_ID", "tuner0")
        if self.oracle._open_study(self.tuner_id, overwrite):
            print(f"Reloading Tuner from {self.project_dir} "
                  f"(study {self.project_name!r}, {len(self.oracle.trials)} trials)")
        self._populate_initial_space()

    # -- the search space
    def _activate_all_conditions(self):
        """Build with values that open every conditional scope once, so the space is known."""
        never_active, once_active = [], []
        hp = self.oracle.get_space()
        while True:
            self.hypermodel.build(hp)
            self.oracle.update_space(hp)
            for conditions in hp.active_scopes:
                if conditions not in once_active:
                    once_active.append(copy.deepcopy(conditions))
                if conditions in never_active:
                    never_active.remove(conditions)
            for conditions in hp.inactive_scopes:
                if conditions not in once_active:
                    never_active.append(copy.deepcopy(conditions))
            if not never_active:
                break
            hp = self.oracle.get_space()
            for condition in never_active[0]:
                hp.values[condition.name] = condition.values[0]
            hp.ensure_active_values()

    def _populate_initial_space(self):
        if self.hypermodel is None:
            return
        hp = self.oracle.get_space()
        self.hypermodel.declare_hyperparameters(hp)
        self.oracle.update_space(hp)
        self._activate_all_conditions()

    # -- the search loop
    def search(self, *fit_args, **fit_kwargs):
        """Run trials until the oracle stops; the arguments are ``model.fit``'s."""
        if "verbose" in fit_kwargs:
            self.oracle.verbose = fit_kwargs.get("verbose")
        self.on_search_begin()
        while True:
            self.pre_create_trial()
            trial = self.oracle.create_trial(self.tuner_id)
            if trial.status == TrialStatus.STOPPED:
                break
            if trial.status == TrialStatus.IDLE:
                time.sleep(self._idle_wait)
                continue
            self.on_trial_begin(trial)
            self._try_run_and_update_trial(trial, *fit_args, **fit_kwargs)
            self.on_trial_end(trial)
        self.on_search_end()

    def _run_and_update_trial(self, trial, *fit_args, **fit_kwargs):
        results = self.run_trial(trial, *fit_args, **fit_kwargs)
        if self.oracle._own_trials[trial.trial_id].metrics.exists(self.oracle.objective.name):
            return  # run_trial reported through oracle.update_trial itself
        validate_trial_results(results, self.oracle.objective, "Tuner.run_trial()")
        self.oracle.update_trial(trial.trial_id,
                                 convert_to_metrics_dict(results, self.oracle.objective),
                                 step=get_best_step(results, self.oracle.objective))

    def _try_run_and_update_trial(self, trial, *fit_args, **fit_kwargs):
        trial.pruned = False
        try:
            self._run_and_update_trial(trial, *fit_args, **fit_kwargs)
            trial.status = TrialStatus.STOPPED if trial.pruned else TrialStatus.COMPLETED
            return
        except errors.FatalError:
            # end this trial in the study (not left running), then stop the search
            trial.status, trial.message = TrialStatus.FAILED, traceback.format_exc()
            limit = self.oracle.max_consecutive_failed_trials
            self.oracle.max_consecutive_failed_trials = None
            try:
                self.oracle.end_trial(trial)
            finally:
                self.oracle.max_consecutive_failed_trials = limit
            raise
        except Exception as err:
            trial.status = (TrialStatus.FAILED if isinstance(err, errors.FailedTrialError)
                            else TrialStatus.INVALID)
            trial.message = traceback.format_exc()

    def run_trial(self, trial, *args, **kwargs):
        """Build and fit the model ``executions_per_trial`` times; returns the Histories."""
        checkpoint = tuner_callbacks.SaveBestEpoch(self.oracle.objective,
                                                   self._get_checkpoint_fname(trial.trial_id))
        original_callbacks = kwargs.pop("callbacks", None) or []
        histories = []
        for execution in range(self.executions_per_trial):
            copied_kwargs = copy.copy(kwargs)
            callbacks = self._deepcopy_callbacks(original_callbacks)
            self._configure_tensorboard_dir(callbacks, trial, execution)
            reporter = tuner_callbacks.TunerCallback(self, trial, report=execution == 0)
            callbacks.append(reporter)
            callbacks.append(checkpoint)
            copied_kwargs["callbacks"] = callbacks
            histories.append(self._build_and_fit_model(trial, *args, **copied_kwargs))
            trial.pruned = trial.pruned or reporter.pruned
        return histories

    def _build_and_fit_model(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        model = self._try_build(hp)
        results = self.hypermodel.fit(hp, model, *args, **kwargs)
        validate_trial_results(results, self.oracle.objective, "HyperModel.fit()")
        return results

    def _build_hypermodel(self, hp):
        if self.distribution_strategy is None:
            model = self.hypermodel.build(hp)
        else:
            with self.distribution_strategy.scope():
                model = self.hypermodel.build(hp)
        self._override_compile_args(model)
        return model

    def _try_build(self, hp):
        # the models package imports the layer stack; only a running search needs it
        from featherflow import backend, models

        backend.clear_session()
        model = self._build_hypermodel(hp)
        if not isinstance(model, models.Model):
            raise errors.FatalTypeError(
                "Expected the model-building function, or HyperModel.build() to return a valid "
                f"Keras Model instance. Received: {model} of type {type(model)}.")
        size = model.count_params() if model.built else 0
        if self.max_model_size and size > self.max_model_size:
            raise errors.FailedTrialError(f"Oversized model: {size} parameters. Skip model.")
        return model

    def _override_compile_args(self, model):
        if not (self.optimizer or self.loss or self.metrics):
            return
        model.compile(optimizer=self.optimizer or model.optimizer,
                      loss=self.loss or model.loss,
                      metrics=self.metrics or (getattr(model, "compile_config", None)
                                               or {}).get("metrics"))

    def _deepcopy_callbacks(self, callbacks):
        try:
            return copy.deepcopy(list(callbacks))
        except Exception as err:
            raise errors.FatalValueError(
                "All callbacks used during a search should be deep-copyable (since they are "
                f"reused across trials). It is not possible to do `copy.deepcopy({callbacks})`"
            ) from err

    def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
        """Each trial's TensorBoard run goes to ``<log_dir>/<trial_id>/execution<n>``, with
        its values for the HParams dashboard."""
        from featherflow.summary import hparams as hparams_api  # the writer stack, lazily

        for callback in list(callbacks):
            if type(callback).__name__ == "TensorBoard":
                logdir = os.path.join(str(callback.log_dir), str(trial.trial_id),
                                      f"execution{execution}")
                callback.log_dir = logdir
                callbacks.append(hparams_api.KerasCallback(
                    logdir, convert_hyperparams_to_hparams(trial.hyperparameters, hparams_api),
                    trial_id=trial.trial_id))

    # -- results
    def load_model(self, trial):
        model = self._try_build(trial.hyperparameters)
        tuner_callbacks.load_weights(model, self._get_checkpoint_fname(trial.trial_id))
        return model

    def get_best_models(self, num_models=1):
        """The best models, rebuilt and given the weights of their best epoch."""
        return [self.load_model(t) for t in self.oracle.get_best_trials(num_models)]

    def get_best_hyperparameters(self, num_trials=1):
        """The ``HyperParameters`` of the best trials, best first."""
        return [t.hyperparameters for t in self.oracle.get_best_trials(num_trials)]

    def search_space_summary(self, extended=False):
        """Print the hyperparameters and their configs, as KerasTuner prints them."""
        print("Search space summary")
        hp = self.oracle.get_space()
        print(f"Default search space size: {len(hp.space)}")
        for p in hp.space:
            config = p.get_config()
            name = config.pop("name")
            print(f"{name} ({type(p).__name__})")
            print(config)

    def results_summary(self, num_trials=10):
        """Print the best trials' values and scores, as KerasTuner prints them."""
        print("Results summary")
        print(f"Results in {self.project_dir}")
        print(f"Showing {num_trials} best trials")
        print(f"{self.oracle.objective}")
        for trial in self.oracle.get_best_trials(num_trials):
            print()
            trial.summary()

    @property
    def remaining_trials(self):
        return self.oracle.remaining_trials()

    @property
    def project_dir(self):
        path = os.path.join(str(self.directory), self.project_name)
        os.makedirs(path, exist_ok=True)
        return path

    def get_trial_dir(self, trial_id):
        path = os.path.join(self.project_dir, f"trial_{trial_id}")
        os.makedirs(path, exist_ok=True)
        return path

    def _get_checkpoint_fname(self, trial_id):
        return os.path.join(self.get_trial_dir(trial_id), "checkpoint.weights.npz")

    def get_state(self):
        return {"tuner_id": self.tuner_id, "oracle": self.oracle.get_state()}

    # -- hooks
    def pre_create_trial(self):
        pass

    def on_search_begin(self):
        pass

    def on_search_end(self):
        pass

    def on_trial_begin(self, trial):
        pass

    def on_trial_end(self, trial):
        self.oracle.end_trial(trial)

    def on_epoch_begin(self, trial, model, epoch, logs=None):
        pass

    def on_epoch_end(self, trial, model, epoch, logs=None):
        pass

    def on_batch_begin(self, trial, model, batch, logs):
        pass

    def on_batch_end(self, trial, model, batch, logs=None):
        pass
