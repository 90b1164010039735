"""Encode what a scenario returns so real TensorFlow's answer and featherflow's can be compared.

A scenario is ``fn(tf) -> value``: the same function runs with ``tensorflow`` (recorded by
``tools/make_data_fixtures.py`` into ``tests/fixtures/tf/data/<module>.json``) and with
``featherflow`` (in the tests), and the two encodings must match. Values may be nests of
tuples, lists, dicts, arrays, tensors, ``TensorSpec``s, bytes, numbers and strings.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "tf" / "data"


def _dtype_name(dtype) -> str:
    name = getattr(dtype, "name", None) or str(dtype)
    return "string" if name in ("object", "bytes", "str") or name.startswith("|S") else name


def _shape_list(shape):
    dims = getattr(shape, "dims", None)
    if dims is None and getattr(shape, "rank", 0) is None:
        return None  # unknown rank
    return [None if d is None else int(d) for d in (shape.as_list() if hasattr(shape, "as_list")
                                                    else shape)]


def _leaf(value):
    if isinstance(value, (bytes, np.bytes_)):
        return {"bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    return value


def encode(value):
    """A JSON-able form of ``value`` that keeps types a comparison must see."""
    kind = type(value).__name__
    if kind in ("TensorSpec", "RaggedTensorSpec", "SparseTensorSpec"):
        return {"spec": kind, "shape": _shape_list(value.shape),
                "dtype": _dtype_name(value.dtype)}
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        a = np.asarray(value)
        if a.dtype.kind in "OSU":
            flat = [_leaf(v if isinstance(v, bytes) else str(v).encode()) for v in a.reshape(-1)]
            return {"array": "string", "shape": list(a.shape), "values": flat}
        values = a.reshape(-1).tolist()
        if a.dtype.kind == "f":
            values = [_leaf(float(v)) for v in values]
        return {"array": a.dtype.name, "shape": list(a.shape), "values": values}
    if kind == "TensorShape":  # featherflow's TensorShape is a tuple: encode it as TF's
        return {"shape": _shape_list(value)}
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v) for k, v in sorted(value.items(), key=lambda kv:
                                                              str(kv[0]))}}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, float):
        return _leaf(value)
    if isinstance(value, (bytes, np.bytes_)):
        return _leaf(value)
    if hasattr(value, "as_list") or kind == "TensorShape":
        return {"shape": _shape_list(value)}
    raise TypeError(f"cannot encode {type(value).__name__}: {value!r}")


def run(scenario, tf):
    """The encoded value of ``scenario(tf)``, or the error class it raised. The global
    seed is cleared first, so a scenario that sets one does not change the next."""
    tf.random.set_seed(None)
    try:
        return encode(scenario(tf))
    except Exception as err:  # noqa: BLE001 - a refused scenario is recorded as such
        return {"raised": type(err).__name__, "message": str(err)[:300]}


def load(module_name: str) -> dict:
    return json.loads((OUT / f"{module_name}.json").read_text())


def assert_matches(expected, actual, path="value", rtol=1e-6, atol=1e-7):
    """Raise AssertionError naming the first place where two encodings differ."""
    if isinstance(expected, dict) and "raised" in expected:
        assert isinstance(actual, dict) and "raised" in actual, (
            f"{path}: TensorFlow raised {expected['raised']} ({expected['message']}); "
            f"featherflow returned {actual!r}")
        assert actual["raised"] == expected["raised"], (
            f"{path}: featherflow raised {actual['raised']} ({actual['message']}); TensorFlow "
            f"raised {expected['raised']} ({expected['message']})")
        return
    if isinstance(expected, dict) and "array" in expected:
        assert isinstance(actual, dict) and "array" in actual, f"{path}: {actual!r} not an array"
        assert expected["array"] == actual["array"], (
            f"{path}: dtype {actual['array']} != TF's {expected['array']}")
        assert expected["shape"] == actual["shape"], (
            f"{path}: shape {actual['shape']} != TF's {expected['shape']}")
        if expected["array"] in ("float16", "float32", "float64"):
            e = np.array([float(v["float"]) if isinstance(v, dict) else v
                          for v in expected["values"]], dtype=float)
            a = np.array([float(v["float"]) if isinstance(v, dict) else v
                          for v in actual["values"]], dtype=float)
            np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=path)
        else:
            assert expected["values"] == actual["values"], (
                f"{path}: {actual['values'][:20]} != TF's {expected['values'][:20]}")
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and expected.keys() == actual.keys(), (
            f"{path}: {actual!r} != TF's {expected!r}")
        for k in expected:
            assert_matches(expected[k], actual[k], f"{path}.{k}", rtol, atol)
        return
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(expected) == len(actual), (
            f"{path}: {len(actual) if isinstance(actual, list) else actual!r} items, TF has "
            f"{len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_matches(e, a, f"{path}[{i}]", rtol, atol)
        return
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        assert math.isclose(expected, actual, rel_tol=rtol, abs_tol=atol), (
            f"{path}: {actual} != TF's {expected}")
        return
    assert expected == actual, f"{path}: {actual!r} != TF's {expected!r}"
