"""Two processes search one Optuna study in one SQLite file: every trial is run exactly once,
none is lost, and the study holds exactly ``max_trials`` trials of the search."""

import json
import os
import subprocess
import sys

import pytest

optuna = pytest.importorskip("optuna")

import featherflow.keras_tuner as kt  # noqa: E402

WORKER = os.path.join(os.path.dirname(__file__), "worker.py")
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def run_workers(tmp_path, kind):
    """Start two workers on one SQLite study; the trial ids each ran."""
    storage = "sqlite:///" + str(tmp_path / "shared.db")
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = dict(os.environ, PYTHONPATH=os.path.abspath(ROOT))
    workers = []
    for name in ("worker0", "worker1"):
        workers.append(subprocess.Popen(
            [sys.executable, WORKER, storage, str(tmp_path), name, str(tmp_path / f"{name}.json"),
             str(barrier), kind], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    try:
        for worker in workers:
            _, err = worker.communicate(timeout=240)
            assert worker.returncode == 0, err.decode()[-2000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    ran = {}
    for name in ("worker0", "worker1"):
        with open(tmp_path / f"{name}.json") as f:
            ran[name] = json.load(f)
    return storage, ran


def test_two_workers_share_one_sqlite_study(tmp_path):
    storage, ran = run_workers(tmp_path, "random")
    everything = ran["worker0"] + ran["worker1"]
    assert sorted(everything) == [str(i) for i in range(8)]  # each trial once, none lost
    assert ran["worker0"] and ran["worker1"]  # both workers took part

    study = optuna.load_study(study_name="shared", storage=storage)
    search_trials = [t for t in study.trials if not t.user_attrs.get("featherflow:surplus")]
    assert len(search_trials) == 8
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in search_trials), [
        (t.number, t.state, t.user_attrs.get("featherflow:message")) for t in search_trials]
    for t in search_trials:
        owner = t.user_attrs["featherflow:tuner_id"]
        assert t.user_attrs["featherflow:trial_id"] in ran[owner]
    # a third tuner on the same storage sees the finished search
    tuner = kt.RandomSearch(lambda hp: hp.Int("units", 1, 8), objective="val_loss",
                            max_trials=8, storage=storage, directory=tmp_path,
                            project_name="shared", tuner_id="reader")
    assert len(tuner.oracle.trials) == 8 and tuner.remaining_trials == 0
    assert len(tuner.oracle.get_best_trials(3)) == 3


@pytest.mark.slow
def test_two_workers_share_one_hyperband_schedule(tmp_path):
    """Hyperband's slots split between two workers: a promotion waits for its round, then
    continues the best trial of it, whichever worker trained that one."""
    storage, ran = run_workers(tmp_path, "hyperband")
    assert sorted(ran["worker0"] + ran["worker1"]) == [f"{i:04d}" for i in range(6)]
    tuner = kt.Hyperband(lambda hp: hp.Int("units", 1, 8), objective="val_loss", max_epochs=3,
                         factor=3, storage=storage, directory=tmp_path, project_name="shared",
                         tuner_id="reader")
    trials = list(tuner.oracle.trials.values())
    assert [t.hyperparameters.values["tuner/epochs"] for t in trials] == [1, 1, 1, 3, 3, 3]
    best_first_round = min(trials[:3], key=lambda t: t.score)
    assert trials[3].hyperparameters.values["tuner/trial_id"] == best_first_round.trial_id
    assert all(t.status == "COMPLETED" for t in trials)


@pytest.mark.slow  # two subprocesses (~10 s); the pruner mode itself is in test_search.py
def test_two_workers_share_one_hyperband_pruner_study(tmp_path):
    """With Optuna's HyperbandPruner doing the halving, two workers take the five
    configurations between them, none twice, and nobody waits for a round."""
    storage, ran = run_workers(tmp_path, "hyperband_pruner")
    assert sorted(ran["worker0"] + ran["worker1"]) == [f"{i:04d}" for i in range(5)]
    assert ran["worker0"] and ran["worker1"]
    study = optuna.load_study(study_name="shared", storage=storage)
    search_trials = [t for t in study.trials if not t.user_attrs.get("featherflow:surplus")]
    assert len(search_trials) == 5
    assert all(t.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
               for t in search_trials)
    for t in search_trials:  # the objective after each epoch trained (steps 1, 2, 3)
        assert set(t.intermediate_values) <= {1, 2, 3} and 1 in t.intermediate_values
