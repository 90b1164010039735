"""The oracles' schedules against KerasTuner 1.4.8: GridSearch's order (conditional scopes
included), Hyperband's brackets, rounds, epochs and promotions, and the printed summaries.
No model is trained: ``run_trial`` returns a score computed from the values."""

import contextlib
import io
import json
import os

import pytest

optuna = pytest.importorskip("optuna")

import featherflow.keras_tuner as kt  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_tuner",
                       "keras_tuner.json")
with open(FIXTURE) as f:
    KT = json.load(f)


def build_space(hp):
    hp.Int("units", 8, 32, step=8)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    kind = hp.Choice("kind", ["mlp", "cnn"])
    with hp.conditional_scope("kind", ["cnn"]):
        hp.Int("filters", 4, 8, step=4)
    hp.Boolean("dropout")
    hp.Fixed("epochs", 3)
    return kind


def quiet(function, *args, **kwargs):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function(*args, **kwargs)
    return buffer.getvalue()


class ScoredGrid(kt.GridSearch):
    def run_trial(self, trial, *args, **kwargs):
        return 0.0


def test_grid_order_and_search_space_summary(tmp_path):
    tuner = ScoredGrid(build_space, objective="val_loss", directory=tmp_path,
                       project_name="grid", storage=optuna.storages.InMemoryStorage())
    assert quiet(tuner.search_space_summary) == KT["grid"]["search_space_summary"]
    quiet(tuner.search)
    trials = list(tuner.oracle.trials.values())
    assert [t.hyperparameters.values for t in trials] == KT["grid"]["order"]
    assert [t.trial_id for t in trials] == KT["grid"]["trial_ids"]
    # the values are the Optuna trials' parameters too (lr, a log range, is sampled as itself)
    frozen = tuner.oracle.study.trials[2]
    assert frozen.params == {"units": 8, "lr": 1e-4, "kind": "cnn", "filters": 4,
                             "dropout": False}


def test_grid_stops_at_max_trials(tmp_path):
    tuner = ScoredGrid(build_space, objective="val_loss", max_trials=5, directory=tmp_path,
                       project_name="grid5", storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    assert [t.hyperparameters.values for t in tuner.oracle.trials.values()] == \
        KT["grid"]["order"][:5]
    assert list(tuner.oracle.trials) == ["0", "1", "2", "3", "4"]


class ScoredHyperband(kt.Hyperband):
    def run_trial(self, trial, *args, **kwargs):
        values = trial.hyperparameters.values
        return float(values["x"]) / (1 + values.get("tuner/epochs", 0))


@pytest.mark.parametrize("case", KT["hyperband"], ids=lambda c: "R{max_epochs}f{factor}i"
                         "{hyperband_iterations}".format(**c))
def test_hyperband_schedule(case, tmp_path):
    def build(hp):
        hp.Int("x", 0, 1000)

    tuner = ScoredHyperband(build, objective=kt.Objective("score", "min"),
                            max_epochs=case["max_epochs"], factor=case["factor"],
                            hyperband_iterations=case["hyperband_iterations"], seed=1,
                            directory=tmp_path, project_name="hb",
                            storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    trials = list(tuner.oracle.trials.values())
    expected = case["trials"]
    assert [t.trial_id for t in trials] == [row["trial_id"] for row in expected]
    for trial, row in zip(trials, expected):
        values = trial.hyperparameters.values
        assert (values["tuner/epochs"], values["tuner/initial_epoch"], values["tuner/bracket"],
                values["tuner/round"]) == (row["epochs"], row["initial_epoch"], row["bracket"],
                                           row["round"])
        assert ("tuner/trial_id" in values) == (row["from"] is not None)
    # promotions carry the best of the previous round (our random values differ from
    # KerasTuner's, so which trial that is is checked on our scores)
    by_id = {t.trial_id: t for t in trials}
    for trial in trials:
        source = trial.hyperparameters.values.get("tuner/trial_id")
        if source is not None:
            assert by_id[source].hyperparameters.values["x"] == \
                trial.hyperparameters.values["x"]
            previous = [t for t in trials if t.hyperparameters.values["tuner/round"] ==
                        trial.hyperparameters.values["tuner/round"] - 1
                        and t.hyperparameters.values["tuner/bracket"] ==
                        trial.hyperparameters.values["tuner/bracket"]
                        and abs(t.number - trial.number) < len(trials)]
            assert by_id[source].score <= sorted(p.score for p in previous)[
                len([p for p in previous if p.score < by_id[source].score])]


def test_results_summary_layout(tmp_path):
    class Scored(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return {"val_accuracy": trial.hyperparameters.values["units"] / 100.0}

    def build(hp):
        hp.Choice("units", [10, 20, 30])
        hp.Fixed("act", "relu")

    tuner = Scored(build, objective="val_accuracy", max_trials=3, seed=2, directory=tmp_path,
                   project_name="summ")
    quiet(tuner.search)
    text = quiet(tuner.results_summary, num_trials=2).replace(str(tmp_path), "<directory>")
    best = tuner.oracle.get_best_trials(2)
    expected_head = KT["summaries"]["results_summary"].split("\n\n")[0]
    assert text.split("\n\n")[0] == expected_head
    blocks = text.split("\n\n")[1:]
    for block, trial in zip(blocks, best):
        assert block.strip() == (f"Trial {trial.trial_id} summary\nHyperparameters:\n"
                                 f"units: {trial.hyperparameters.values['units']}\n"
                                 f"act: relu\nScore: {trial.score}")
    assert [t.score for t in best] == sorted((t.score for t in best), reverse=True)
    assert os.path.exists(tmp_path / "summ" / "study.db")
    # as KerasTuner, tried configurations are not drawn again: three choices, three trials
    everything = tuner.oracle.get_best_trials(3)
    assert [t.hyperparameters.values for t in everything] == KT["summaries"]["best_values"]
    assert [t.score for t in everything] == KT["summaries"]["best_scores"]


def test_random_search_ends_when_the_space_is_used_up(tmp_path):
    class Scored(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return float(trial.hyperparameters.values["units"])

    def build(hp):
        hp.Choice("units", [1, 2, 3])
        hp.Boolean("bias")

    tuner = Scored(build, objective="val_loss", max_trials=10, seed=1, directory=tmp_path,
                   project_name="rs", storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    combos = [tuple(sorted(t.hyperparameters.values.items()))
              for t in tuner.oracle.trials.values()]
    assert len(combos) == len(set(combos)) == 6  # every combination once, then stop

    class ScoredBO(kt.BayesianOptimization):
        run_trial = Scored.run_trial

    # BayesianOptimization: its 6 random initial points are new; TPE's proposals may repeat
    tuner = ScoredBO(build, objective="val_loss", max_trials=10, seed=1, directory=tmp_path,
                     project_name="bo", storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    combos = [tuple(sorted(t.hyperparameters.values.items()))
              for t in tuner.oracle.trials.values()]
    assert len(combos) == 10 and len(set(combos[:6])) == 6


def test_kinds_without_a_natural_distribution_are_sampled_as_probabilities(tmp_path):
    class Scored(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return 0.0

    def build(hp):
        hp.Float("decay", 0.9, 0.999, sampling="reverse_log")
        hp.Float("dropout", 0.0, 0.5, step=0.1)
        hp.Int("batch", 8, 128, step=2, sampling="log")
        hp.Int("units", 4, 64, sampling="log")
        hp.Fixed("act", "relu")

    tuner = Scored(build, objective="val_loss", max_trials=12, seed=0, directory=tmp_path,
                   project_name="kinds", storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    space = {hp.name: hp for hp in tuner.oracle.get_space().space}
    for trial, frozen in zip(tuner.oracle.trials.values(), tuner.oracle.study.trials):
        values = trial.hyperparameters.values
        assert set(frozen.params) == {"decay:prob", "dropout:prob", "batch:prob", "units"}
        assert values["decay"] == space["decay"].prob_to_value(frozen.params["decay:prob"])
        assert 0.9 <= values["decay"] <= 0.999
        assert values["dropout"] in space["dropout"].values
        assert values["batch"] in (8, 16, 32, 64, 128)
        assert values["units"] == frozen.params["units"] and 4 <= values["units"] <= 64
        assert values["act"] == "relu"


def test_namespaces_and_no_optuna_at_import():
    import subprocess
    import sys

    assert kt.oracles.HyperbandOracle is kt.HyperbandOracle
    assert kt.tuners.BayesianOptimization is kt.BayesianOptimization
    code = ("import sys, featherflow.keras_tuner as kt; hp = kt.HyperParameters(); "
            "hp.Int('a', 1, 3); print('optuna' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=os.path.join(os.path.dirname(__file__), "..", ".."))
    assert out.stdout.strip() == "False", out.stderr


def test_given_hyperparameters_and_tune_new_entries(tmp_path):
    class Scored(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return 0.0

    def build(hp):
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        hp.Int("units", 1, 100)
        hp.Choice("act", ["relu", "tanh"])

    fixed = kt.HyperParameters()
    fixed.Fixed("lr", 0.01)  # overrides the build's Float of the same name
    tuner = Scored(build, objective="val_loss", max_trials=4, seed=0, hyperparameters=fixed,
                   tune_new_entries=False, directory=tmp_path, project_name="fixed",
                   storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    assert [hp.name for hp in tuner.oracle.get_space().space] == ["lr"]
    # only the given space is searched (a single point), so the search ends after one trial
    assert [t.hyperparameters.values for t in tuner.oracle.trials.values()] == [{"lr": 0.01}]

    tuner = Scored(build, objective="val_loss", max_trials=4, seed=0,
                   hyperparameters=kt.HyperParameters(), allow_new_entries=True,
                   directory=tmp_path, project_name="new",
                   storage=optuna.storages.InMemoryStorage())
    quiet(tuner.search)
    for trial in tuner.oracle.trials.values():
        assert set(trial.hyperparameters.values) == {"lr", "units", "act"}
    with pytest.raises(ValueError, match="tune_new_entries=False.*hyperparameters"):
        Scored(build, objective="val_loss", tune_new_entries=False, directory=tmp_path)


def test_a_misspelled_argument_gets_a_suggestion(tmp_path):
    with pytest.raises(ValueError, match=r"Unrecognized arguments \['max_trial'\].*did you "
                                         r"mean 'max_trials'\?"):
        kt.RandomSearch(build_space, objective="val_loss", max_trial=3, directory=tmp_path)
