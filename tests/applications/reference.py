"""The Keras 3.15 application references (tools/keras_fixtures/applications.py), NumPy only."""

import json

import numpy as np

from tests.fixtures.keras_loader import ROOT

DIR = ROOT / "applications"


def case_names():
    return sorted(p.stem for p in DIR.glob("*.h5"))


def load_case(name):
    with np.load(DIR / f"{name}.npz", allow_pickle=False) as f:
        data = {k: f[k] for k in f.files}
    out = {k: v for k, v in data.items() if v.dtype.kind != "U"}
    for key in ("layers", "kwargs"):
        out[key] = json.loads(str(data[key]))
    for key in ("module", "ctor", "model_name"):
        out[key] = str(data[key])
    out["kwargs"]["input_shape"] = tuple(out["kwargs"]["input_shape"])
    out["weights"] = DIR / f"{name}.h5"
    return out


def architectures():
    return json.loads((DIR / "architectures.json").read_text())


def preprocess():
    with np.load(DIR / "preprocess.npz", allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def layer_rows(model):
    """(name, class, output shape, params) per layer, as the fixture records them."""
    rows = []
    for layer in model.layers:
        shape = [None if d is None else int(d) for d in layer.output.shape]
        rows.append([layer.name, type(layer).__name__, shape, int(layer.count_params())])
    return rows


def max_rel_err(got, want):
    """Largest absolute difference relative to the largest reference output (at least 1)."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return float(np.max(np.abs(got - want)) / max(1.0, float(np.max(np.abs(want)))))
