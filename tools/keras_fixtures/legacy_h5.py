"""Older-looking copies of tf_keras .h5 files (derived, not written by an old Keras).

Files from Keras <= 2.3 with h5py 2.x differ from what tf_keras writes today in ways a reader
must survive: string attributes are fixed-length byte strings (h5py 3 reads them as
``numpy.bytes_``, not ``str``), a Functional model is called ``"Model"``, and initializers are
plain ``{"class_name", "config"}`` dicts without ``module``/``registered_name``. No Keras that
old runs on this Python, so these copies are made by rewriting exactly those three things.
"""

from __future__ import annotations

import json
import shutil

import numpy as np

SOURCES = [
    "dense_seq.h5",
    "dense_seq_weights.h5",
    "functional_branches.h5",
    "functional_branches_weights.h5",
    "lstm_seq.h5",
    "lstm_seq_weights.h5",
]


def _strip_new_keys(obj):
    if isinstance(obj, dict):
        if "class_name" in obj and "config" in obj and "module" in obj:
            obj = {k: v for k, v in obj.items() if k not in ("module", "registered_name")}
        return {k: _strip_new_keys(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_strip_new_keys(v) for v in obj]
    return obj


def _as_fixed_bytes(value):
    if isinstance(value, str):
        return np.bytes_(value.encode("utf-8"))
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind == "U":
        items = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in arr.ravel()]
        return np.array(items, dtype="S").reshape(arr.shape)
    return None


def _rewrite_attrs(obj):
    for key in list(obj.attrs):
        value = obj.attrs[key]
        if key == "model_config":
            cfg = _strip_new_keys(json.loads(value))
            if cfg["class_name"] == "Functional":
                cfg["class_name"] = "Model"
            value = json.dumps(cfg)
        elif key == "training_config":
            value = json.dumps(_strip_new_keys(json.loads(value)))
        fixed = _as_fixed_bytes(value)
        if fixed is not None:
            del obj.attrs[key]
            obj.attrs[key] = fixed


def make(folder):
    import h5py

    out = folder / "legacy_bytes"
    out.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        target = out / name
        shutil.copyfile(folder / name, target)
        with h5py.File(target, "r+") as f:
            _rewrite_attrs(f)
            f.visititems(lambda _n, o: _rewrite_attrs(o))
