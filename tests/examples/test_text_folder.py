"""examples/text_folder.py: a generated folder of reviews loaded, vectorized and learned as the
"Basic text classification" tutorial does (TextVectorization, and the older Tokenizer way)."""

import pytest

from examples import text_folder


@pytest.mark.parametrize("vectorizer", ["text_vectorization", "tokenizer"])
def test_text_folder_example(tmp_path, capsys, vectorizer):
    result = text_folder.main(str(tmp_path / "reviews"), vectorizer=vectorizer)
    printed = capsys.readouterr().out
    assert result["class_names"] == ["neg", "pos"]
    assert printed.count("Found 120 files belonging to 2 classes.") == 2
    assert "Using 96 files for training." in printed and "Using 24 files for validation." in printed
    assert "batch: (16, 24) (16,)" in printed
    assert result["history"]["loss"][-1] < result["history"]["loss"][0]
    assert result["val_accuracy"] >= 0.9
    if vectorizer == "text_vectorization":
        # sigmoid(logit) > 0.5 exactly when logit > 0: the exported model scores the same.
        assert result["export_accuracy"] == pytest.approx(result["val_accuracy"], abs=1e-6)
        positive, negative = result["export_predictions"]
        assert positive > 0.5 > negative
