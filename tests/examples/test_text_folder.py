"""examples/text_folder.py: a generated folder of reviews loaded, tokenized and learned as the
"Basic text classification" tutorial does."""

from examples import text_folder


def test_text_folder_example(tmp_path, capsys):
    result = text_folder.main(str(tmp_path / "reviews"))
    printed = capsys.readouterr().out
    assert result["class_names"] == ["neg", "pos"]
    assert printed.count("Found 120 files belonging to 2 classes.") == 2
    assert "Using 96 files for training." in printed and "Using 24 files for validation." in printed
    assert "batch: (16, 24) (16,)" in printed
    assert "<br />" not in printed.split("vocabulary size:")[1]
    assert result["history"]["loss"][-1] < result["history"]["loss"][0]
    assert result["val_accuracy"] >= 0.9
