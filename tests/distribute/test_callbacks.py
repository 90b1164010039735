"""ModelCheckpoint, TensorBoard and BackupAndRestore in a MultiWorkerMirroredStrategy fit
on 2 MPI ranks (tests/distribute/workers/callbacks.py): only the chief's files remain (a
non-chief writes into <dir>/workertemp_<id>, removed, as tf_keras does), and a run
interrupted at epoch 2 then rerun with BackupAndRestore ends where an uninterrupted run
ends, on every rank."""

import json

import pytest

from tests.distribute.mpi import launch


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    out = tmp_path_factory.mktemp("callbacks")
    launch("callbacks.py", [str(out)], n=2)
    return [json.loads((out / f"callbacks{r}.json").read_text()) for r in range(2)]


def test_model_checkpoint_writes_only_on_the_chief(ranks):
    for r in ranks:
        assert r["ckpt"] == ["best.keras", "w1.weights.h5", "w2.weights.h5"]


def test_tensorboard_writes_only_on_the_chief(ranks):
    # the non-chief's run folder exists while it trains and is gone after
    assert ranks[0]["tensorboard_temp_during_fit"] == [False, False]
    assert ranks[1]["tensorboard_temp_during_fit"] == [True, True]
    for r in ranks:
        assert r["tb"] == ["train", "validation"]


def test_backup_and_restore_resumes_every_rank_alike(ranks):
    for r in ranks:
        assert r["interrupted"]
        # the chief's backup of epoch 2 only
        assert r["backup_after_interrupt"] == ["latest.weights.h5"]
        assert r["resumed_epochs"] == [2, 3]
        # shuffled epochs included: the generator state is restored too
        assert r["resumed_loss"] == r["reference_loss"][2:]
        assert r["resumed_weights"] == r["reference_weights"]
        assert "latest.weights.h5" not in (r["backup_after_finish"] or [])
    assert ranks[0]["resumed_weights"] == ranks[1]["resumed_weights"]


def test_killed_job_resumes_after_a_relaunch(ranks, tmp_path):
    # every rank is killed (os._exit) at the start of epoch 2; a new mpiexec job reruns
    # the fit with the same BackupAndRestore folder and ends as the uninterrupted run
    code, out = launch("callbacks.py", [str(tmp_path), "kill"], n=2, check=False)
    assert code != 0, out[-2000:]
    assert (tmp_path / "killed_backup" / "latest.weights.h5").exists()
    launch("callbacks.py", [str(tmp_path), "resume"], n=2)
    for r in range(2):
        got = json.loads((tmp_path / f"resumed{r}.json").read_text())
        assert got["epochs"] == [2, 3]
        assert got["loss"] == ranks[0]["reference_loss"][2:]
        assert got["weights"] == ranks[0]["reference_weights"]
