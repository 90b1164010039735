"""Variables, dtypes and Jacobians against real TensorFlow 2.21.

tests/fixtures/keras/variables/cases.json (made by tools/keras_fixtures/variables_dtypes.py)
holds TensorFlow snippets and what TensorFlow gave for each: values with their dtype names, or
the class of the error raised. Here the same snippet runs with ``tf`` bound to featherflow.

Tolerances: float64 results to 1e-10 relative (both sides run the same float64 formulas; only
the summation order differs), float32 results to 1e-6 (the snippets' values are small
integers or a few float32 roundings).
"""

import json
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "variables" / "cases.json"
CASES = json.loads(FIXTURE.read_text())["cases"]

# Where featherflow differs from TensorFlow on purpose (docs/tensors.md), with the dtype it
# gives instead of TensorFlow's InvalidArgumentError: an int tensor meeting a float one takes
# the float type, float32 meeting float64 computes in float64.
DIFFERENCES = {
    "dtype_float32_plus_float64_tensor": "float64",
    "dtype_matmul_float32_float64": "float64",
    "dtype_int32_plus_python_float": "float32",
    "dtype_float64_plus_int32_tensor": "float64",
}

# Cases whose API lands with another change (tf.tensor_scatter_nd_sub, an op of ops/indexing):
# they run as soon as it is there.
PENDING = {
    "tensor_scatter_nd_sub": lambda: hasattr(tf, "tensor_scatter_nd_sub"),
}


def run_case(source):
    scope = {"tf": tf, "np": np}
    try:
        exec(source, scope)
    except Exception as err:  # noqa: BLE001 - the error class is compared with TensorFlow's
        return err
    return scope.get("out")


def assert_matches(expected, got, where):
    kind = expected["kind"]
    if kind == "list":
        assert isinstance(got, (list, tuple)), f"{where}: expected a list, received {got!r}"
        assert len(got) == len(expected["items"]), where
        for i, (e, g) in enumerate(zip(expected["items"], got)):
            assert_matches(e, g, f"{where}[{i}]")
    elif kind == "none":
        assert got is None, f"{where}: expected None, received {got!r}"
    elif kind == "dtype":
        assert np.dtype(got).name == expected["name"], where
    else:
        assert got is not None, f"{where}: expected an array, received None"
        array = np.asarray(got)
        assert array.dtype.name == expected["dtype"], f"{where}: dtype {array.dtype.name}"
        want = np.asarray(expected["value"], dtype=expected["dtype"])
        assert array.shape == want.shape, f"{where}: shape {array.shape} != {want.shape}"
        rtol = 1e-10 if want.dtype == np.float64 else 1e-6
        np.testing.assert_allclose(array, want, rtol=rtol, atol=rtol, err_msg=where)


@pytest.mark.parametrize("name", sorted(set(CASES) - set(DIFFERENCES)))
def test_same_result_as_tensorflow(name):
    for part, available in PENDING.items():
        if part in name and not available():
            pytest.skip(f"{part} is not in featherflow yet")
    case = CASES[name]
    expected = case["result"]
    got = run_case(case["source"])
    if expected["kind"] == "error":
        assert isinstance(got, Exception), f"{name}: TensorFlow raised {expected['class']}, " \
                                           f"featherflow returned {got!r}"
        classes = [c.__name__ for c in type(got).__mro__]
        assert expected["class"] in classes, f"{name}: {type(got).__name__}: {got}"
    else:
        if isinstance(got, Exception):
            raise got
        assert_matches(expected, got, name)


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_documented_differences(name):
    assert CASES[name]["result"]["kind"] == "error"  # TensorFlow refuses these mixes
    got = run_case(CASES[name]["source"])
    assert np.dtype(got.dtype).name == DIFFERENCES[name]
