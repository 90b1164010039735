"""examples/fine_tune_mobilenet_v2.py: the keras.io "Transfer learning & fine-tuning" flow on
MobileNetV2 and a generated image folder; its freezing rules, checked on the weights."""

import pytest

pytest.importorskip("PIL", reason="image decoding needs Pillow (featherflow[image])")
pytest.importorskip("h5py", reason="the stand-in weights file needs h5py (featherflow[h5])")

from examples import fine_tune_mobilenet_v2  # noqa: E402


def test_fine_tune_example(tmp_path, capsys):
    result = fine_tune_mobilenet_v2.main(str(tmp_path / "stripes"), head_epochs=1,
                                         fine_tune_epochs=1)
    printed = capsys.readouterr().out
    assert "Found 48 files belonging to 2 classes." in printed
    assert "Using 36 files for training." in printed and "Using 12 files for validation." in printed
    assert (tmp_path / "base.weights.h5").exists()  # weights= a file, as a cached imagenet file
    assert result["class_names"] == ["horizontal", "vertical"]
    assert "trainable weights of the frozen base: 0" in printed
    assert "trainable weights, head only: 2" in printed  # the Dense head's kernel and bias
    # 2 (head) + 54: the trainable weights of MobileNetV2's layers from #100 on
    assert "trainable weights, top of the base unfrozen: 56" in printed
    assert result["base_unchanged_while_frozen"]
    assert result["frozen_unchanged_in_fine_tuning"]
    assert result["unfrozen_changed"] == result["unfrozen_trainable"] == 54
    assert result["moving_statistics_unchanged"]  # BatchNormalization ran in inference mode
    assert result["epochs"] == [0, 1]
    assert 0.0 <= result["val_accuracy"] <= 1.0
