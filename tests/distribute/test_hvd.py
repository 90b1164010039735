"""One `mpiexec -n 2` launch (tests/distribute/workers/hvd_collectives.py): the MPI
collectives' packs and mismatch errors, a strategy fit with small packs, and
featherflow.distribute.hvd (Horovod's API) against Horovod's semantics and a one-process
fit."""

import json

import numpy as np
import pytest

import featherflow as tf
from tests.distribute import fit_case
from tests.distribute.mpi import launch


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    out = tmp_path_factory.mktemp("hvd")
    launch("hvd_collectives.py", [str(out)], n=2, timeout=240)
    res = []
    for r in range(2):
        with open(out / f"hvd{r}.json") as f:
            res.append((json.load(f), dict(np.load(out / f"hvd{r}.npz"))))
    return res


# -- the collectives -----------------------------------------------------------------------
def test_packed_all_reduce(ranks):
    for res, arr in ranks:
        # 4000 + 400 float32 bytes in packs of <= 512 bytes: the 4000-byte array alone, the
        # 400-byte one, then one float64 and one int64 pack
        assert res["pack_buffers"] == 4
        assert res["default_buffers"] == 3  # one per dtype
        np.testing.assert_array_equal(arr["packed0"], np.arange(1000, dtype=np.float32) * 3)
        np.testing.assert_array_equal(arr["packed1"], np.full((10, 10), 2.0, np.float32))
        np.testing.assert_array_equal(arr["packed2"], np.arange(5) * 2.0 - 1)
        np.testing.assert_array_equal(arr["packed3"], [1, 2, 14])
        assert arr["packed3"].dtype == np.int64


def test_mismatched_collectives_raise_on_every_rank(ranks):
    (r0, _), (r1, _) = ranks
    for key in ("mismatch_kind", "mismatch_size", "mismatch_root"):
        assert r0[key] == r1[key], key
        assert r0[key].startswith("InvalidArgumentError: Collective mismatch between the "
                                  "ranks: rank 0: "), r0[key]
    assert "rank 0: all-reduce #4 of 5 values, 1 float32 arrays" in r0["mismatch_kind"]
    assert "rank 1: broadcast #4 from rank 0 of shape (5,) float32" in r0["mismatch_kind"]
    assert "of 6 values" in r0["mismatch_size"]
    assert "rank 1: broadcast #6 from rank 1" in r0["mismatch_root"]
    assert r0["broadcast_shape"] == r1["broadcast_shape"] == (
        "ValueError: broadcast from rank 0: rank 1 holds shape (4,) dtype float64 but rank 0 "
        "holds shape (3,) dtype float64; every rank must create the same variables in the "
        "same order inside strategy.scope().")
    # the job goes on after the errors
    for res, _ in ranks:
        assert res["after_errors"] == [3.0]
        assert res["gather_uneven"] == [[0], [0, 1]]
        assert res["broadcast_str"] == ["rank1"]


def test_fit_with_small_packs_is_bit_identical(ranks):
    for res, arr in ranks:
        # 5 steps of 115 gradient values + the row count: 1 buffer per step by default; with
        # packs of 64 bytes 4 per step (320 bytes alone | 64 | 192 alone | 12 + 4); plus the
        # metrics' all-reduce at the end of the epoch
        assert res["fit_default_buffers"] == 5 + 1
        assert res["fit_packs_buffers"] == 5 * 4 + 1
        np.testing.assert_array_equal(arr["fit_packs"], arr["fit_default"])
        # on one machine the gradients go through shared memory; MPI_Allreduce (the path
        # across machines) gives the same bits
        assert res["fit_default_shared_memory"] is True
        assert res["fit_mpi_buffers"] == 5 + 1
        np.testing.assert_array_equal(arr["fit_mpi"], arr["fit_default"])
        # a rank that cannot allocate the shared window: every rank falls back to MPI
        assert res["fit_fallback_shared_memory"] is True
        assert res["fit_fallback_shared_memory_after"] is False
        assert res["fit_default_shared_memory_after"] is True
        np.testing.assert_array_equal(arr["fit_fallback"], arr["fit_default"])
    np.testing.assert_array_equal(ranks[0][1]["fit_packs"], ranks[1][1]["fit_packs"])


def test_loss_scale_ranks_agree_to_skip_a_step(ranks):
    (r0, a0), (r1, a1) = ranks
    # step 1: only rank 1's gradients are infinite; both skip it and halve the scale, so the
    # ranks stay in step (same collectives) and identical
    assert r0["loss_scale_scales"] == r1["loss_scale_scales"] == [1024.0, 512.0, 512.0, 512.0]
    np.testing.assert_array_equal(a0["loss_scale_weights"], a1["loss_scale_weights"])
    assert np.isfinite(a0["loss_scale_weights"]).all()


# -- hvd ---------------------------------------------------------------------------------------
def test_hvd_topology(ranks):
    for r, (res, _) in enumerate(ranks):
        assert res["hvd"] == {"rank": r, "size": 2, "local_rank": r, "local_size": 2,
                              "cross_rank": 0, "cross_size": 1, "is_initialized": True}


def test_hvd_allreduce_ops(ranks):
    v = np.asarray([1.0, 2.0, 3.0])
    for _, arr in ranks:
        np.testing.assert_allclose(arr["avg"], v * 1.5)
        np.testing.assert_allclose(arr["sum"], v * 3)
        np.testing.assert_allclose(arr["sum_average_false"], v * 3)
        np.testing.assert_allclose(arr["min"], v)
        np.testing.assert_allclose(arr["max"], v * 2)
        np.testing.assert_allclose(arr["prod"], v * v * 2)
        np.testing.assert_allclose(arr["scaled"], v * 3)  # (2 v1 + 2 v2) * 0.5
        np.testing.assert_allclose(arr["int_avg"], [1.5, 3.0])
        assert arr["int_avg"].dtype == np.float64
        # fp16 compression: each rank's float16 value, summed in float16, back to float32
        expected = (np.float16(1.0001) + np.float16(2.0002)).astype(np.float32)
        assert arr["fp16"].dtype == np.float32 and arr["fp16"][0] == expected
        np.testing.assert_allclose(arr["grouped0"], v * 1.5)
        np.testing.assert_allclose(arr["grouped1"], [[0.5]])
        np.testing.assert_array_equal(arr["gather"], [[0, 0], [1, 1], [1, 1]])
        np.testing.assert_array_equal(arr["bcast"], v * 2)
        np.testing.assert_array_equal(arr["bcast_var"], [1.0, 1.0, 1.0])
    for res, _ in ranks:
        assert res["bcast_object"] == {"from": 0}
        assert res["gather_object"] == [0, 10]


def test_hvd_errors(ranks):
    errors = ranks[0][0]["errors"]
    assert errors["adasum"].startswith("ValueError: hvd.allreduce: hvd.Adasum is not")
    assert "mutually exclusive" in errors["both"]
    assert errors["root"] == ("ValueError: hvd.broadcast: root_rank must be a rank in [0, 2); "
                              "received 5.")
    assert "gradient_predivide_factor not supported with op != Average" in errors["predivide"]
    assert "gradient_accumulation_steps=2" in errors["passes"]


def test_distributed_optimizer_fit_equals_one_process(ranks):
    (r0, a0), (r1, a1) = ranks
    assert r0["optimizer_class"] == "Adam"  # Horovod keeps the class name (for saving)
    np.testing.assert_array_equal(a0["hvd_fit"], a1["hvd_fit"])
    assert r0["hvd_history"] == r1["hvd_history"]  # MetricAverageCallback
    # one process: global batches of 8 = rank 0's 4 rows + rank 1's 4 rows, in order
    x, y, xv, yv = fit_case.data(32)
    model = fit_case.build(tf.keras)
    model.set_weights(fit_case.initial_weights())
    fit_case.compile_model(model, tf.keras)
    h = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                  validation_data=(xv, yv))
    final = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    # averaging two 4-row mean gradients = the 8-row mean: float32 reassociation only
    np.testing.assert_allclose(a0["hvd_fit"], final, rtol=1e-5, atol=2e-6)
    # the averaged epoch metrics are means of the ranks' means (Horovod), the same here as
    # the global value since the ranks hold equal row counts
    np.testing.assert_allclose(r0["hvd_history"]["loss"], h.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(r0["hvd_history"]["accuracy"], h.history["accuracy"])
    np.testing.assert_allclose(r0["hvd_history"]["val_loss"], h.history["val_loss"],
                               rtol=1e-5)


def test_broadcast_callback_makes_ranks_identical(ranks):
    (_, a0), (_, a1) = ranks
    assert not np.array_equal(a0["seeded_initial"], a1["seeded_initial"])
    np.testing.assert_array_equal(a0["seeded_final"], a1["seeded_final"])


def test_learning_rate_warmup(ranks):
    res = ranks[0][0]
    # Horovod's formula, 4 steps per epoch, 2 ranks, warm-up over 2 epochs to 0.2
    expected = [0.2 / 2 * ((e + (b + 1) / 4) * 1 / 2 + 1) for e in range(2) for b in range(4)]
    np.testing.assert_allclose(res["warmup_lr"][:8], expected, rtol=1e-6)
    np.testing.assert_allclose(res["warmup_lr"][8:], [0.2] * 4, rtol=1e-6)
    np.testing.assert_allclose(res["warmup_logged_lr"], [expected[3], 0.2, 0.2], rtol=1e-6)
    # momentum scaled by new_lr / old_lr during each warm-up batch, restored after it
    momenta = res["warmup_momentum"]
    olds = [0.1] + expected[:7]  # SGD(0.1) before the first batch
    np.testing.assert_allclose(momenta[0:16:2], [0.9 * n / o for n, o in zip(expected, olds)],
                               rtol=1e-6)
    np.testing.assert_allclose(momenta[1::2], [0.9] * 12)
    np.testing.assert_allclose(momenta[16::2], [0.9] * 4)


def test_distributed_gradient_tape(ranks):
    (_, a0), (_, a1) = ranks
    mean = (a0["tape_local"] + a1["tape_local"]) / 2
    for _, arr in ranks:
        np.testing.assert_allclose(arr["tape_dist"], mean, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(arr["tape_ctx"], mean, rtol=1e-6, atol=1e-7)
