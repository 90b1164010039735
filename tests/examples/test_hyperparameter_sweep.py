"""examples/hyperparameter_sweep.py end to end: the runs, their TensorBoard logs, the picture."""

import os
import runpy
import struct

import numpy as np
import pytest

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                       "hyperparameter_sweep.py")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    mp = pytest.MonkeyPatch()
    mp.setenv("FEATHERFLOW_EXAMPLES_OUT", str(out))
    mp.chdir(out)
    try:
        result = runpy.run_path(EXAMPLE, run_name="__main__")
    finally:
        mp.undo()
    import matplotlib.pyplot as plt

    plt.close("all")
    return out, result


def test_every_learning_rate_trained_and_the_best_found(sweep):
    _, g = sweep
    rates = g["learning_rates"]
    assert list(g["histories"]) == [f"lr={lr}" for lr in rates]
    for history in g["histories"].values():
        assert len(history.history["loss"]) == g["EPOCHS"]
        assert len(history.history["val_loss"]) == g["EPOCHS"]
    by_rate = {r[0]: r for r in g["results"]}
    # 0.001 is far too slow for 60 epochs; the others reach the least-squares line
    # (about slope 2.06, intercept -0.95 on these 200 points; the last 40 are held out)
    assert by_rate[0.001][1] > 1.5
    for lr in (0.01, 0.05, 0.1):
        assert by_rate[lr][1] < 0.9
        assert by_rate[lr][3] == pytest.approx(2.0, abs=0.25)
        assert by_rate[lr][4] == pytest.approx(-1.0, abs=0.25)
    assert g["best_lr"] == min(g["results"], key=lambda r: r[2])[0]


def test_loss_picture_is_a_real_png(sweep):
    pytest.importorskip("matplotlib")
    import matplotlib.image as mpimg

    out, g = sweep
    path = out / "hparam_sweep_loss.png"
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    assert struct.unpack(">II", head[16:24]) == (500, 360)
    assert np.var(mpimg.imread(path)[..., :3]) > 1e-3
    legend = [t.get_text() for t in g["figure"].axes[0].get_legend().get_texts()]
    assert legend[0] == "lr=0.001" and len(legend) == 2 * len(g["learning_rates"])


def test_tensorboard_runs_and_hparams(sweep):
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    tb_metadata = pytest.importorskip("tensorboard.plugins.hparams.metadata")

    out, g = sweep
    logdir = out / "logs" / "hparam_sweep"

    def load(path):
        acc = event_accumulator.EventAccumulator(str(path), size_guidance={"tensors": 0})
        acc.Reload()
        return acc

    experiment = load(logdir)
    content = experiment.summary_metadata["_hparams_/experiment"].plugin_data.content
    config = tb_metadata.parse_experiment_plugin_data(content)
    (hparam,) = config.hparam_infos
    assert hparam.name == "learning_rate"
    assert [v.number_value for v in hparam.domain_discrete.values] == g["learning_rates"]
    assert [(m.name.group, m.name.tag) for m in config.metric_infos] == [
        ("train", "epoch_loss"), ("validation", "epoch_loss")]

    for lr in g["learning_rates"]:
        run = logdir / f"lr={lr}"
        start = tb_metadata.parse_session_start_info_plugin_data(
            load(run).summary_metadata["_hparams_/session_start_info"].plugin_data.content)
        assert start.hparams["learning_rate"].number_value == lr
        history = g["histories"][f"lr={lr}"].history
        for sub, key in (("train", "loss"), ("validation", "val_loss")):
            events = load(run / sub).Tensors("epoch_loss")
            assert [e.step for e in events] == list(range(g["EPOCHS"]))
            values = [float(np.frombuffer(e.tensor_proto.tensor_content, np.float32)[0])
                      if e.tensor_proto.tensor_content else e.tensor_proto.float_val[0]
                      for e in events]
            np.testing.assert_allclose(values, history[key], rtol=1e-6)


def test_the_tuner_runs_the_same_trainings(sweep):
    """GridSearch over the same learning rates trains the same four models: each trial's
    score is the lowest val_loss of the loop's run with that rate."""
    pytest.importorskip("optuna")
    _, g = sweep
    tuner = g["tuner"]
    trials = list(tuner.oracle.trials.values())
    rates = [t.hyperparameters.get("learning_rate") for t in trials]
    assert rates == g["learning_rates"]
    for trial, lr in zip(trials, rates):
        val_loss = g["histories"][f"lr={lr}"].history["val_loss"]
        assert trial.score == pytest.approx(min(val_loss), rel=1e-6)
        assert trial.best_step == int(np.argmin(val_loss))
    best = min(g["learning_rates"], key=lambda lr: min(g["histories"][f"lr={lr}"]
                                                       .history["val_loss"]))
    assert g["best_hp"].get("learning_rate") == best
    # the best model has the weights of the best epoch: its val_loss is the best score
    x_val, y_val = g["x"][160:], g["y"][160:]
    assert g["best_model"].evaluate(x_val, y_val, verbose=0) == pytest.approx(
        min(t.score for t in trials), rel=1e-5)


def test_the_tuner_trials_reach_the_hparams_dashboard(sweep):
    pytest.importorskip("optuna")
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    tb_metadata = pytest.importorskip("tensorboard.plugins.hparams.metadata")
    out, g = sweep
    for trial in g["tuner"].oracle.trials.values():
        run = out / "logs" / "hparam_tuner" / trial.trial_id / "execution0"
        acc = event_accumulator.EventAccumulator(str(run), size_guidance={"tensors": 0})
        acc.Reload()
        start = tb_metadata.parse_session_start_info_plugin_data(
            acc.summary_metadata["_hparams_/session_start_info"].plugin_data.content)
        assert start.hparams["learning_rate"].number_value == \
            trial.hyperparameters.get("learning_rate")
        assert len(event_accumulator.EventAccumulator(str(run / "validation")).Reload()
                   .Tags()["tensors"]) > 0
