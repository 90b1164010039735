"""examples/ctc_digits.py: a recurrent model trained with CTC reads digit strings."""

import os
import runpy

import numpy as np

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def test_ctc_digits_reads_the_test_signals(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FEATHERFLOW_EXAMPLES_OUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    g = runpy.run_path(os.path.join(EXAMPLES, "ctc_digits.py"), run_name="__main__")
    # whole strings of 1 to 4 digits read exactly, blanks and repeats included
    assert g["accuracy"] >= 0.95
    losses = g["history"].history["loss"]
    assert losses[-1] < losses[0] / 10
    # the greedy reading is one of the beam search's two best paths
    best = g["beams"][0].numpy()[0]
    greedy = g["decoded"][0]
    assert np.array_equal(best[best >= 0], greedy[greedy >= 0])
    assert "test sequences read exactly" in capsys.readouterr().out
