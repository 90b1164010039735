"""Issue 4's CNN check: scikit-learn's 8x8 digits, at least 97% on held-out images."""

import os
import runpy

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def test_cnn_reads_digits(capsys):
    pytest.importorskip("sklearn")
    g = runpy.run_path(os.path.join(EXAMPLES, "cnn_digits.py"), run_name="__main__")
    assert g["test_accuracy"] >= 0.97
    assert len(g["history"].history["val_accuracy"]) == 15
    assert "test accuracy" in capsys.readouterr().out
