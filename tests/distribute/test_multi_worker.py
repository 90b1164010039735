"""MultiWorkerMirroredStrategy on 2 MPI ranks (loopback) against the same loop in one
process: the TF tutorial's custom training loop, reduce, gather, an uneven final batch."""

import json
import os

import numpy as np
import pytest

import featherflow as tf
from tests.distribute import loop
from tests.distribute.mpi import launch

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf", "distribute",
                       "mirrored.json")


@pytest.fixture(scope="module")
def tf_ref():
    """TensorFlow 2.21's MirroredStrategy on 2 logical CPUs (tools/distribute_fixtures.py)."""
    with open(FIXTURE) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    out = tmp_path_factory.mktemp("ctl")
    launch("ctl.py", [str(out)], n=2)
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(2)]


@pytest.fixture(scope="module")
def reference(ranks):
    """The same loop in one process on the full global batches, from rank 0's start."""
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model, optimizer = loop.build(tf, seed=100)
    shapes = [w.shape for w in model.get_weights()]
    flat, weights, pos = ranks[0]["initial"], [], 0
    for s in shapes:
        n = int(np.prod(s))
        weights.append(flat[pos:pos + n].reshape(s))
        pos += n
    model.set_weights(weights)
    losses = loop.train(tf, strategy, model, optimizer)
    final = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    return {"losses": np.asarray(losses), "final": final}


def test_cluster(ranks):
    assert [int(r["num_replicas"]) for r in ranks] == [2, 2]
    assert [int(r["task_id"]) for r in ranks] == [0, 1]
    assert [int(r["is_chief"]) for r in ranks] == [1, 0]


def test_initial_weights_broadcast_from_rank0(ranks):
    # each rank built the model with its own seed: creation in scope broadcast rank 0's
    np.testing.assert_array_equal(ranks[0]["initial"], ranks[1]["initial"])


def test_ranks_stay_identical(ranks):
    np.testing.assert_array_equal(ranks[0]["final"], ranks[1]["final"])
    np.testing.assert_array_equal(ranks[0]["optimizer"], ranks[1]["optimizer"])
    np.testing.assert_array_equal(ranks[0]["losses"], ranks[1]["losses"])


def test_training_equals_one_process(ranks, reference):
    # 15 Adam steps (lr 0.05); the last batch of each epoch is 1 row: shards [1, 0]. The
    # 2-rank gradient is the sum of two partial sums: float32 reassociation only (measured:
    # losses within 6e-8, weights within 1.5e-7 of weights up to 0.9; tolerances ~10x that).
    assert not np.array_equal(ranks[0]["final"], ranks[0]["initial"])
    np.testing.assert_allclose(ranks[0]["losses"], reference["losses"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ranks[0]["final"], reference["final"], rtol=1e-5, atol=2e-6)


def test_gradients_all_reduced_once_per_step(ranks):
    calls, nbytes, _ = ranks[0]["stats"]
    steps = loop.EPOCHS * -(-loop.N_SAMPLES // loop.GLOBAL_BATCH)
    assert int(calls) == steps
    assert int(nbytes) == steps * ranks[0]["final"].size * 4


def test_reduce_and_gather(ranks, tf_ref):
    # rank r holds local = arange(3(r+1)).reshape(r+1, 3) + 10r, as TF's replica r did
    for r in ranks:
        np.testing.assert_array_equal(r["sum_none"], [3.0, 6.0])
        assert float(r["mean_none"]) == tf_ref["mean_none"] == 0.5
        np.testing.assert_allclose(r["mean_axis0"], tf_ref["mean_axis0"], rtol=1e-7)
        np.testing.assert_array_equal(r["sum_axis0"], tf_ref["sum_axis0"])
        np.testing.assert_array_equal(r["gather0"], tf_ref["gather0"])
        np.testing.assert_array_equal(r["gather1"], [[0, 0, 1, 1]])
        # rank 1 holds no rows: the mean is over rank 0's rows only (count-weighted)
        np.testing.assert_array_equal(r["mean_empty"], [1.0, 1.0, 1.0])
        assert float(r["replica_all_reduce"]) == 3.0


def test_dataset_split_matches_tensorflow(ranks, tf_ref):
    # full and short global batches: each rank reads the rows TF's replica of that index read
    for rank, r in enumerate(ranks):
        mine = json.loads(str(r["splits"]))
        for key, batches in tf_ref["splits"].items():
            assert mine[key] == [b[rank] for b in batches], key


def test_average_loss_in_replica_matches_tensorflow(ranks, tf_ref):
    # [compute_average_loss(x), (x, global_batch_size=4), scale_regularization_loss, empty]:
    # without global_batch_size the divisor is 3 rows x 2 replicas; an empty batch gives 0
    for rank, r in enumerate(ranks):
        np.testing.assert_allclose(r["in_replica"], [v[rank] for v in tf_ref["in_replica"]],
                                   rtol=1e-7)
