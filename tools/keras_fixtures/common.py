"""Shared helpers for the Keras reference-fixture generators.

Every generator writes into ``tests/fixtures/keras/<group>/<case>.npz``. Files are written
deterministically (fixed zip timestamps, per-case seeds derived from the case name) so that
regenerating with the same TensorFlow/Keras versions gives byte-identical ``.npz`` files and
adding a case never changes the random numbers of another one.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "keras"

# Fixed zip member date: np.savez stamps the current time, which would make every
# regeneration show up as a binary change even when no value moved.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ start-up chatter before it is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # oneDNN reorders float sums; turning it off keeps results identical between runs.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def rng_for(name: str) -> np.random.Generator:
    """A generator seeded from the case name, so cases do not shift each other's data."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def to_json(obj) -> str:
    """JSON with tuples as lists and NumPy scalars as Python numbers (Keras configs hold both)."""

    def default(o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        raise TypeError(f"cannot serialise {type(o).__name__} in a fixture config: {o!r}")

    return json.dumps(obj, default=default, sort_keys=True)


def save_npz(relpath: str, arrays: dict) -> Path:
    """Write ``arrays`` to ``OUT/relpath`` (``.npz`` added) with no pickled objects.

    Strings become 0-d unicode arrays so ``np.load(..., allow_pickle=False)`` reads them.
    """
    path = OUT / (relpath + ".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            value = arrays[key]
            arr = np.asarray(value)
            if arr.dtype == object:
                raise TypeError(f"{relpath}: key {key!r} would need pickle ({type(value)})")
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arr, allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    return path


def save_json(relpath: str, obj) -> Path:
    path = OUT / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, sort_keys=True, default=_np_default) + "\n")
    return path


def _np_default(o):
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(f"cannot serialise {type(o).__name__}: {o!r}")


def put_list(out: dict, prefix: str, values) -> None:
    """Store one array as ``prefix`` or several as ``prefix0, prefix1, ...``."""
    values = list(values)
    if len(values) == 1:
        out[prefix] = values[0]
    else:
        for i, v in enumerate(values):
            out[f"{prefix}{i}"] = v


def as_numpy(t) -> np.ndarray:
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)
