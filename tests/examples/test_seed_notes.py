"""The seed notes' code paths, end to end, with their outcomes asserted."""

import os
import runpy

import numpy as np
import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def run_example(name, tmp_path, monkeypatch):
    monkeypatch.setenv("FEATHERFLOW_EXAMPLES_OUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return runpy.run_path(os.path.join(EXAMPLES, f"{name}.py"), run_name="__main__")


def test_linear_regression(tmp_path, monkeypatch, capsys):
    g = run_example("linear_regression", tmp_path, monkeypatch)
    x, y = g["x"], g["y"]
    # With noise of scale 0.5 + x^2/3 the best line through these 200 points is itself
    # (1.837, -1.098), not (2, -1): SGD must land on that line, which is within the noise of
    # the truth.
    slope, intercept = np.polyfit(x, y, 1)
    assert slope == pytest.approx(1.837, abs=1e-3) and intercept == pytest.approx(-1.098, abs=1e-3)
    for model, index in ((g["model"], 0), (g["model_fun_api"], 1)):
        kernel, bias = model.layers[index].get_weights()
        assert kernel[0, 0] == pytest.approx(slope, abs=0.05)
        assert bias[0] == pytest.approx(intercept, abs=0.05)
        assert abs(kernel[0, 0] - 2) < 0.25 and abs(bias[0] + 1) < 0.25
    k2 = g["model_fun_api"].layers[1].get_weights()[0]
    np.testing.assert_allclose(g["model_fun_api2"].get_weights()[0], k2)
    assert len(g["history"].history["loss"]) == 300
    assert (tmp_path / "weights_sample.h5").exists()
    out = capsys.readouterr().out
    assert "Epoch 300/300" in out and 'Model: "sequential' in out


@pytest.mark.parametrize("name,truth", [("and_gate", [0, 0, 0, 1]), ("or_gate", [0, 1, 1, 1]),
                                        ("xor_gate", [0, 1, 1, 0])])
def test_logic_gates_learn_their_truth_tables(name, truth, tmp_path, monkeypatch):
    g = run_example(name, tmp_path, monkeypatch)
    model = g[{"and_gate": "model_and", "or_gate": "model_or", "xor_gate": "model_xor"}[name]]
    pred = np.round(model.predict(g["x_data"], verbose=0)).ravel()
    assert pred.tolist() == truth


def test_twenty_points_are_separated_and_labels_restored(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    g = run_example("classification_20_points", tmp_path, monkeypatch)
    pred = np.round(g["model"].predict(g["x_data"], verbose=0))
    assert np.array_equal(pred, g["y_data"])
    restored = g["scaler"].inverse_transform(pred)
    assert set(np.unique(restored)) == {-1.0, 1.0}
    assert np.array_equal(restored, g["data"][:, 2:])
