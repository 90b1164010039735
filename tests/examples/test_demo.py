"""featherflow-demo, README's first command, runs the seed notes' sections: compact output,
one distinct picture per figure, files reported at the end, and no h5py needed."""

import hashlib
import re
import sys

import numpy as np
import pytest

from featherflow import demo

ALL_FIGURES = {
    "linear_before_training", "linear_loss", "linear_history", "linear_fitted",
    "and_decision_line", "and_regions", "and_model", "or_decision_line", "or_regions",
    "or_model", "xor_lines", "xor_regions", "xor_model", "classification_20_points",
    "classification_20_points_regions", "points_model",
}


def check_pictures(folder, names):
    """Every figure is a real picture (not tiny, not blank) and differs from the others."""
    image_module = pytest.importorskip("PIL.Image")
    digests = {}
    for name in names:
        path = folder / f"{name}.png"
        assert path.exists(), f"{name}.png was not written"
        image = np.asarray(image_module.open(path).convert("L"), dtype=np.float64)
        height, width = image.shape
        assert 100 <= width <= 2000 and 100 <= height <= 1000, (name, image.shape)
        assert image.std() > 5, f"{name}.png is blank"
        digests.setdefault(hashlib.md5(path.read_bytes()).hexdigest(), []).append(name)
    assert all(len(v) == 1 for v in digests.values()), f"identical pictures: {digests}"
    return digests


def test_demo_runs_chosen_sections_compactly_into_the_output_folder(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "demo"
    assert demo.main(["--only", "or_gate,and_gate", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Dense 1) AND" in text and "Dense 2) OR" in text
    # 3000 epochs each: one line per 300 epochs (and the first), not 2 lines per epoch
    for gate in ("AND", "OR"):
        section = text.split(f") {gate}")[1].split("s]")[0]
        epochs = [int(k) for k in re.findall(r"^Epoch (\d+)/3000 - loss: [\d.]+ - accuracy",
                                             section, re.M)]
        assert epochs == [1] + list(range(300, 3001, 300))
        assert "one line every 300 of 3000 epochs" in section
    assert len(text.splitlines()) < 120
    assert "Seed notes done" in text and f"Its files are in {out}" in text
    assert "6 figures: and_decision_line.png" in text
    # plot_model closes its figure: the OR decision line is not drawn over AND's diagram
    check_pictures(out, ["and_decision_line", "and_regions", "and_model", "or_decision_line",
                         "or_regions", "or_model"])
    assert "matplotlib.pyplot" not in sys.modules or not sys.modules[
        "matplotlib.pyplot"].get_fignums()


def test_all_epochs_keeps_every_line(tmp_path, capsys):
    assert demo.main(["--only", "tensorboard_logs", "--out", str(tmp_path),
                      "--all-epochs"]) == 0
    text = capsys.readouterr().out
    assert [int(k) for k in re.findall(r"^Epoch (\d+)/30$", text, re.M)] == list(range(1, 31))
    assert f"TensorBoard logs: {tmp_path / 'logs'}" in text


def test_epoch_digest_passes_other_text_and_short_fits():
    class Sink:
        def __init__(self):
            self.text = ""

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    sink = Sink()
    digest = demo.EpochDigest(sink, "xor_gate")
    digest.write("Epoch 1/5\n1/1 [====] - 0s 1ms/step - loss: 0.5\nhello ")
    digest.write("world\n")
    for k in range(1, 201):
        digest.write(f"Epoch {k}/200\n1/1 [====] - 0s 1ms/step - loss: {k}\n")
    digest.write("partial")
    digest.flush()
    lines = sink.text.splitlines()
    assert lines[:3] == ["Epoch 1/5", "1/1 [====] - 0s 1ms/step - loss: 0.5", "hello world"]
    assert lines[3] == "Epoch 1/200 - loss: 1"
    assert lines[5:] == [f"Epoch {k}/200 - loss: {k}" for k in range(20, 201, 20)] + ["partial"]
    assert not digest.isatty()


def test_demo_rejects_unknown_sections(tmp_path):
    with pytest.raises(SystemExit):
        demo.main(["--only", "nope", "--out", str(tmp_path)])


@pytest.mark.slow
def test_whole_demo_pictures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("sklearn")
    assert demo.main(["--out", str(tmp_path)]) == 0
    assert "16 figures" in capsys.readouterr().out
    check_pictures(tmp_path, sorted(ALL_FIGURES))


@pytest.mark.slow
def test_demo_without_h5py_saves_a_checkpoint_and_continues(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    assert demo.main(["--only", "linear_regression", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "pip install featherflow[h5]" in text and "Saving a TensorFlow checkpoint" in text
    assert "Reloaded model predicts the same: True" in text
    assert (tmp_path / "weights_sample.index").exists()
    assert "saved model weights: weights_sample.index" in text
