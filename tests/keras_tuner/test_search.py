"""Searches that train real (tiny) featherflow models: the best model and values, resuming,
overwrite, callbacks, TensorBoard's HParams runs, Optuna's pruner, and failing trials."""

import contextlib
import io
import json
import os
import tempfile

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

import featherflow as tf  # noqa: E402
import featherflow.keras_tuner as kt  # noqa: E402

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(64, 2)).astype("float32")
Y = (X @ np.array([[2.0], [-1.0]], "float32") + 0.5).astype("float32")


def build_model(hp):
    model = tf.keras.Sequential([
        tf.keras.Input((2,)),
        tf.keras.layers.Dense(hp.Int("units", 2, 6, step=2), activation="tanh"),
        tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.SGD(hp.Choice("lr", [0.001, 0.05, 0.2])), loss="mse")
    return model


def quiet(function, *args, **kwargs):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = function(*args, **kwargs)
    return result, buffer.getvalue()


def search(tuner, epochs=4, **kwargs):
    return quiet(tuner.search, X, Y, epochs=epochs, validation_split=0.25, verbose=0,
                 **kwargs)[1]


def test_random_search_best_model_and_values(tmp_path):
    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=3, seed=3,
                            directory=tmp_path, project_name="rs")
    search(tuner)
    trials = list(tuner.oracle.trials.values())
    assert len(trials) == 3 and all(t.status == "COMPLETED" for t in trials)
    best = tuner.oracle.get_best_trials(3)
    assert [t.score for t in best] == sorted(t.score for t in trials)
    (hp,) = tuner.get_best_hyperparameters()
    assert hp.values == best[0].hyperparameters.values
    assert set(hp.values) == {"units", "lr"}
    # the best model carries the weights of the trial's best epoch: its val_loss is the score
    (model,) = tuner.get_best_models()
    val = model.evaluate(X[48:], Y[48:], verbose=0)
    assert val == pytest.approx(best[0].score, rel=1e-5)
    # each trial is an Optuna trial with its score as the value
    study = tuner.oracle.study
    assert sorted(t.value for t in study.trials) == pytest.approx(sorted(t.score for t in trials))
    assert study.direction == optuna.study.StudyDirection.MINIMIZE
    # no pruning unless a pruner is given (Optuna's default would be a MedianPruner)
    assert isinstance(study.pruner, optuna.pruners.NopPruner)
    assert all(len(t.intermediate_values) == 4 for t in study.trials)


def test_verbose_output_as_keras_tuner(tmp_path):
    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=1, seed=3,
                            directory=tmp_path, project_name="v")
    _, out = quiet(tuner.search, X, Y, epochs=1, validation_split=0.25, verbose=1)
    lines = out.splitlines()
    assert lines[1] == "Search: Running Trial #1"
    assert lines[3] == "Value             |Best Value So Far |Hyperparameter"
    # as in KerasTuner, the running trial is the "best so far" while none has completed
    value, best_so_far, name = lines[4].split("|")
    assert name == "units" and value == best_so_far and len(value) == 18
    assert any(line.startswith("Trial 1 Complete [00h 00m ") for line in lines)
    assert any(line.startswith("Best val_loss So Far: ") for line in lines)


def test_resume_and_overwrite(tmp_path):
    def make(overwrite=False, max_trials=2):
        return kt.RandomSearch(build_model, objective="val_loss", max_trials=max_trials,
                               seed=5, directory=tmp_path, project_name="resume",
                               overwrite=overwrite)

    tuner = make()
    search(tuner, epochs=2)
    first = {t.trial_id: t.hyperparameters.values for t in tuner.oracle.trials.values()}
    assert len(first) == 2
    tuner, out = quiet(make, max_trials=3)
    assert "Reloading Tuner from" in out
    search(tuner, epochs=2)
    again = {t.trial_id: t.hyperparameters.values for t in tuner.oracle.trials.values()}
    assert len(again) == 3 and {k: again[k] for k in first} == first
    tuner = make(overwrite=True, max_trials=1)
    search(tuner, epochs=1)
    assert len(tuner.oracle.trials) == 1


def test_resume_reruns_a_trial_left_running(tmp_path):
    """A process that dies mid-trial leaves an Optuna trial RUNNING; the same tuner_id picks
    it up again (KerasTuner re-queues its ongoing trials the same way)."""
    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=2, seed=1,
                            directory=tmp_path, project_name="crash")
    trial, _ = quiet(tuner.oracle.create_trial, tuner.tuner_id)
    values = dict(trial.hyperparameters.values)
    del tuner  # the process "dies" here: trial 0 stays RUNNING in the study
    tuner, _ = quiet(kt.RandomSearch, build_model, objective="val_loss", max_trials=2, seed=1,
                     directory=tmp_path, project_name="crash")
    search(tuner, epochs=1)
    trials = tuner.oracle.trials
    assert list(trials) == ["0", "1"]
    assert trials["0"].hyperparameters.values == values
    assert all(t.status == "COMPLETED" for t in trials.values())


def test_bayesian_optimization_uses_tpe(tmp_path):
    tuner = kt.BayesianOptimization(build_model, objective="val_loss", max_trials=4,
                                    num_initial_points=2, seed=0, directory=tmp_path,
                                    project_name="bo")
    search(tuner, epochs=2)
    sampler = tuner.oracle.study.sampler.base
    assert isinstance(sampler, optuna.samplers.TPESampler)
    assert sampler._n_startup_trials == 2
    assert len(tuner.oracle.trials) == 4
    default = kt.BayesianOptimization(build_model, objective="val_loss", directory=tmp_path,
                                      project_name="bo_default")
    # KerasTuner's default: three random points per hyperparameter (units, lr)
    assert default.oracle.study.sampler.base._n_startup_trials == 6


def test_hyperband_trains_promoted_trials_from_their_checkpoints(tmp_path):
    tuner = kt.Hyperband(build_model, objective="val_loss", max_epochs=3, factor=3, seed=1,
                         directory=tmp_path, project_name="hb")
    search(tuner)
    trials = list(tuner.oracle.trials.values())
    # bracket 1: 3 trials of 1 epoch, the best continued for epochs 1..2; bracket 0: 2 trials
    assert [(t.hyperparameters.values["tuner/epochs"],
             t.hyperparameters.values["tuner/initial_epoch"]) for t in trials] == \
        [(1, 0)] * 3 + [(3, 1)] + [(3, 0)] * 2
    promoted = trials[3]
    source = promoted.hyperparameters.values["tuner/trial_id"]
    assert source == min(trials[:3], key=lambda t: t.score).trial_id
    # its history has epochs 1 and 2 only (initial_epoch=1): best_step counts from there
    assert promoted.metrics.get_history("val_loss")[0].step in (0, 1)


@pytest.mark.parametrize("pruner", ["hyperband", "successive_halving"])
def test_hyperband_with_optuna_pruners_stops_trials_at_the_rungs(tmp_path, pruner):
    class Counting(kt.Hyperband):
        epochs_run = []

        def on_epoch_end(self, trial, model, epoch, logs=None):
            self.epochs_run.append((trial.trial_id, epoch))

    tuner = Counting(build_model, objective="val_loss", max_epochs=3, factor=3, seed=1,
                     pruner=pruner, directory=tmp_path, project_name=pruner)
    search(tuner)
    trials = list(tuner.oracle.trials.values())
    assert len(trials) == 5  # the configurations of the brackets' first rounds (3 + 2)
    for trial in trials:
        values = trial.hyperparameters.values
        assert values["tuner/epochs"] == 3 and values["tuner/initial_epoch"] == 0
        assert "tuner/trial_id" not in values and values["tuner/bracket"] in (0, 1)
    states = {t.number: t for t in tuner.oracle.study.trials}
    pruned = 0
    for trial in trials:
        ran = [e for tid, e in Counting.epochs_run if tid == trial.trial_id]
        frozen = states[trial.number]
        # the objective after each epoch trained: steps 1, 2, 3 (Optuna's resource)
        assert sorted(frozen.intermediate_values) == list(range(1, len(ran) + 1))
        if frozen.state == optuna.trial.TrialState.PRUNED:
            pruned += 1
            assert trial.status == "STOPPED"
        else:
            assert trial.status == "COMPLETED" and len(ran) == 3
    assert pruned >= 1  # seed 1: a configuration worse than the first at epoch 1 stops there
    assert tuner.get_best_hyperparameters()[0].values["tuner/epochs"] == 3


def test_hyperband_pruner_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="'median' is not a pruner name; use 'hyperband'"):
        kt.Hyperband(build_model, objective="val_loss", max_epochs=3, pruner="median",
                     directory=tmp_path)
    with pytest.raises(ValueError, match="max_resource=10 but max_epochs=3"):
        kt.Hyperband(build_model, objective="val_loss", max_epochs=3, directory=tmp_path,
                     pruner=optuna.pruners.HyperbandPruner(max_resource=10))
    # another pruner keeps KerasTuner's schedule and stops trials on top of it
    tuner = kt.Hyperband(build_model, objective="val_loss", max_epochs=3, directory=tmp_path,
                         pruner=optuna.pruners.MedianPruner())
    assert tuner.oracle._trial_limit() == 6


def test_callbacks_and_hparams_runs(tmp_path):
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    tb_metadata = pytest.importorskip("tensorboard.plugins.hparams.metadata")
    seen = []
    logs = tmp_path / "logs"
    tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=2, seed=4,
                            directory=tmp_path, project_name="tb")
    search(tuner, epochs=3, callbacks=[
        tf.keras.callbacks.TensorBoard(log_dir=str(logs)),
        tf.keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))])
    assert seen == [0, 1, 2, 0, 1, 2]  # a fresh copy of each callback per trial
    for trial in tuner.oracle.trials.values():
        run = logs / trial.trial_id / "execution0"
        acc = event_accumulator.EventAccumulator(str(run), size_guidance={"tensors": 0})
        acc.Reload()
        start = tb_metadata.parse_session_start_info_plugin_data(
            acc.summary_metadata["_hparams_/session_start_info"].plugin_data.content)
        assert start.group_name == trial.trial_id
        assert start.hparams["units"].number_value == trial.hyperparameters.values["units"]
        assert start.hparams["lr"].number_value == pytest.approx(
            trial.hyperparameters.values["lr"])
        assert (run / "validation").is_dir()


def test_pruner_stops_poor_trials_early(tmp_path):
    class Stopping(kt.RandomSearch):
        epochs_run = []

        def on_epoch_end(self, trial, model, epoch, logs=None):
            self.epochs_run.append((trial.trial_id, epoch))

    pruner = optuna.pruners.ThresholdPruner(upper=0.5)  # val_loss above 0.5: stop
    tuner = Stopping(build_model, objective="val_loss", max_trials=3, seed=2, pruner=pruner,
                     directory=tmp_path, project_name="prune")
    search(tuner, epochs=6)
    states = {t.number: t.state for t in tuner.oracle.study.trials}
    trials = tuner.oracle.trials
    for trial in trials.values():
        ran = [e for tid, e in tuner.epochs_run if tid == trial.trial_id]
        if states[trial.number] == optuna.trial.TrialState.PRUNED:
            assert trial.status == "STOPPED" and len(ran) < 6
        else:
            assert trial.status == "COMPLETED" and len(ran) == 6
    assert optuna.trial.TrialState.PRUNED in states.values()


def test_failing_trials_and_fatal_errors(tmp_path):
    class Broken(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            raise RuntimeError("this trial always fails")

    tuner = Broken(build_model, objective="val_loss", max_trials=5, directory=tmp_path,
                   project_name="fail", max_retries_per_trial=1)
    with pytest.raises(RuntimeError, match="Number of consecutive failures exceeded the limit "
                                           "of 3"):
        search(tuner)
    states = [t.state for t in tuner.oracle.study.trials]
    assert states == [optuna.trial.TrialState.FAIL] * 3  # each run twice (one retry)
    assert all("this trial always fails" in t.message for t in tuner.oracle.trials.values())

    tuner = kt.RandomSearch(lambda hp: "not a model", objective="val_loss", max_trials=2,
                            directory=tmp_path, project_name="fatal")
    with pytest.raises(kt.errors.FatalTypeError, match="valid Keras Model instance"):
        search(tuner)
    assert tuner.oracle.study.trials[0].state == optuna.trial.TrialState.FAIL
    assert tuner.oracle.max_consecutive_failed_trials == 3

    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=1,
                            directory=tmp_path, project_name="nometric")
    with pytest.raises(kt.errors.FatalValueError, match="'val_accuracy' is not among"):
        search(tuner)


def test_custom_run_trial_and_hypermodel(tmp_path):
    class Tiny(kt.HyperModel):
        def build(self, hp):
            return build_model(hp)

        def fit(self, hp, model, *args, **kwargs):
            kwargs["batch_size"] = hp.Choice("batch_size", [8, 16])
            return model.fit(*args, **kwargs)

    tuner = kt.GridSearch(Tiny(), objective="val_loss", max_trials=2, directory=tmp_path,
                          project_name="hm")
    search(tuner, epochs=1)
    assert [t.hyperparameters.values for t in tuner.oracle.trials.values()] == [
        {"units": 2, "lr": 0.001, "batch_size": 8}, {"units": 2, "lr": 0.001, "batch_size": 16}]

    class Custom(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return (trial.hyperparameters.Float("x", -1.0, 1.0) - 0.25) ** 2

    tuner = Custom(max_trials=3, seed=0, directory=tmp_path, project_name="custom")
    quiet(tuner.search)
    best = tuner.oracle.get_best_trials(3)
    assert [t.score for t in best] == sorted(t.score for t in best)
    assert tuner.oracle.objective.name == "default_objective"


def test_missing_optuna_names_the_extra(monkeypatch):
    import builtins

    from featherflow.keras_tuner import engine

    real_import = builtins.__import__

    def no_optuna(name, *args, **kwargs):
        if name == "optuna":
            raise ImportError("No module named 'optuna'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_optuna)
    with pytest.raises(ImportError, match=r"pip install 'featherflow\[tune\]'"):
        engine.import_optuna()


def test_grid_search_scores_equal_keras_tuner_on_keras():
    """KerasTuner's GridSearch on Keras 3.15 models (constant initial weights, no shuffling),
    recorded: the same trials, scores, best epochs and best model's predictions here."""
    fixture = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_tuner",
                           "keras_tuner.json")
    with open(fixture) as f:
        expected = json.load(f)["keras_grid_search"]
    x = np.array(expected["x"], "float32")
    y = np.array(expected["y"], "float32")

    def build(hp):
        init = tf.keras.initializers.Constant(0.3)
        model = tf.keras.Sequential([
            tf.keras.Input((2,)),
            tf.keras.layers.Dense(hp.Choice("units", [2, 4]), activation="tanh",
                                  kernel_initializer=init),
            tf.keras.layers.Dense(1, kernel_initializer=init)])
        model.compile(tf.keras.optimizers.SGD(hp.Choice("lr", [0.05, 0.3])), loss="mse",
                      metrics=["mae"])
        return model

    with tempfile.TemporaryDirectory() as tmp:
        tuner = kt.GridSearch(build, objective="val_loss", directory=tmp, project_name="k")
        quiet(tuner.search, x, y, epochs=4, batch_size=5, shuffle=False,
              validation_split=0.25, verbose=0)
        trials = list(tuner.oracle.trials.values())
        assert [t.trial_id for t in trials] == [r["trial_id"] for r in expected["trials"]]
        for trial, row in zip(trials, expected["trials"]):
            assert trial.hyperparameters.values == row["values"]
            assert trial.score == pytest.approx(row["score"], rel=1e-5)
            assert trial.best_step == row["best_step"]
            assert trial.metrics.get_best_value("val_mae") == pytest.approx(row["val_mae"],
                                                                            rel=1e-5)
            assert [o.mean() for o in trial.metrics.get_history("loss")] == pytest.approx(
                row["loss_history"], rel=1e-5)
        (best,) = tuner.get_best_models()
        np.testing.assert_allclose(best.predict(x, verbose=0).ravel(),
                                   expected["best_prediction"], rtol=1e-5, atol=1e-6)
