"""train_on_batch / test_on_batch / predict_on_batch under MultiWorkerMirroredStrategy on 2
MPI ranks (tests/distribute/workers/on_batch.py) against the same calls in one process
(tests/distribute/on_batch_case.py): the batch given to every rank is the global batch, split
across the replicas by rows as fit splits its batches, gradients all-reduced (weighted by
rows), metrics global, predictions gathered in order. A BatchNormalization model keeps
per-replica batch statistics (as TF): its reference is tf_keras on 2 MultiWorkerMirroredStrategy
workers (tests/fixtures/tf/distribute/on_batch.json, tools/distribute_fixtures.py on_batch)."""

import json
import os

import numpy as np
import pytest

import featherflow as tf
from tests.distribute import on_batch_case
from tests.distribute.mpi import launch

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf", "distribute",
                       "on_batch.json")


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    out = tmp_path_factory.mktemp("on_batch")
    launch("on_batch.py", [str(out)], n=2)
    return [json.loads((out / f"on_batch{r}.json").read_text()) for r in range(2)]


@pytest.fixture(scope="module")
def plain():
    return on_batch_case.run(tf.keras)


_KEYS = ("train", "test", "test7", "test1", "predict7", "predict1", "weights", "bn_train",
         "bn_test", "bn_predict", "bn_weights", "bn_even_train", "bn_even_test",
         "bn_even_predict", "bn_even_weights")


def test_one_replica_strategies_are_the_plain_calls(plain):
    for strategy in (tf.distribute.get_strategy(), tf.distribute.MirroredStrategy()):
        assert on_batch_case.run(tf.keras, strategy) == plain


def test_every_rank_ends_identical(ranks):
    for key in _KEYS:
        assert ranks[0][key] == ranks[1][key], key


def _close_logs(a, b, what):
    if isinstance(b, dict):
        assert sorted(a) == sorted(b), what
        a, b = [a[k] for k in sorted(b)], [b[k] for k in sorted(b)]
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=what)


def test_two_ranks_equal_one_process(ranks, plain):
    # the 7-row batches split 4 + 3 and are weighted by rows; the 1-row ones 1 + 0 (the
    # second replica trains on no rows: a zero-gradient step)
    got = ranks[0]
    for i, (a, b) in enumerate(zip(got["train"], plain["train"])):
        _close_logs(a, b, f"train[{i}]")
    for key in ("test", "test7", "test1"):
        _close_logs(got[key], plain[key], key)
    for key in ("predict7", "predict1"):
        assert np.shape(got[key]) == np.shape(plain[key]), key  # every row, in order
        np.testing.assert_allclose(got[key], plain[key], rtol=1e-5, atol=2e-6, err_msg=key)
    for wa, wb in zip(got["weights"], plain["weights"]):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=2e-6, err_msg="weights")


def test_batch_normalization_matches_tensorflow_two_workers(ranks):
    with open(FIXTURE) as f:
        ref = json.load(f)["workers"][0]
    got = ranks[0]
    # tf_keras's train_on_batch (and test_on_batch) under MultiWorkerMirroredStrategy return
    # the SUM over the workers of each worker's own metric values (reduce_per_replica's
    # "auto" -> "sum"): on evenly split batches twice the global value featherflow returns
    for i, (a, b) in enumerate(zip(got["bn_even_train"], ref["train"])):
        _close_logs(a, {k: v / 2 for k, v in b.items()}, f"bn train[{i}]")
    for wa, wb in zip(got["bn_even_weights"], ref["weights"]):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=2e-6, err_msg="bn weights")
    # in inference each tf_keras worker normalises with its own replica's moving statistics
    # (1.5e-3 away here); featherflow's replicas hold their average after every step (what
    # tf_keras's get_weights reads), so its test/predict_on_batch are the model of those
    # weights in one process
    _close_logs(got["bn_even_test"], ref["averaged_test"], "bn test")
    np.testing.assert_allclose(got["bn_even_predict"], ref["averaged_predict"], rtol=1e-5,
                               atol=2e-6)


def test_one_gradient_all_reduce_per_train_on_batch(ranks):
    assert ranks[0]["stats"]["calls"] == 6 + 3 + 3


def test_different_batch_sizes_give_a_clear_error_on_every_rank(ranks):
    for rank in range(2):
        got = ranks[rank]["mismatch"]
        for name in ("train", "test", "predict"):
            assert f"{name}_on_batch under MultiWorkerMirroredStrategy" in got[name], got
            assert "rank 0: 8, rank 1: 6 rows" in got[name], got
        assert got["after"] == ranks[0]["mismatch"]["after"]
