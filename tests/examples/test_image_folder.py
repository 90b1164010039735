"""examples/image_folder.py: a generated image folder loaded and learned as the tutorial does."""

import pytest

pytest.importorskip("PIL", reason="image decoding needs Pillow (featherflow[image])")

from examples import image_folder  # noqa: E402


def test_image_folder_example(tmp_path, capsys):
    result = image_folder.main(str(tmp_path / "stripes"))
    printed = capsys.readouterr().out
    assert result["class_names"] == ["horizontal", "vertical"]
    assert "Found 60 files belonging to 2 classes." in printed
    assert "Using 48 files for training." in printed and "Using 12 files for validation." in printed
    assert "batch: (8, 24, 24, 3) (8,)" in printed
    assert result["val_accuracy"] >= 0.9
