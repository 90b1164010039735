"""featherflow-demo, README's first command, runs the seed notes' sections."""

import pytest

from featherflow import demo


def test_demo_runs_chosen_sections_into_the_output_folder(tmp_path, capsys):
    out = tmp_path / "demo"
    assert demo.main(["--only", "xor_gate,and_gate", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Dense 3) XOR" in text and "Dense 1) AND" in text
    assert "Epoch 2000/2000" in text
    assert "Seed notes done" in text


def test_demo_rejects_unknown_sections(tmp_path):
    with pytest.raises(SystemExit):
        demo.main(["--only", "nope", "--out", str(tmp_path)])
