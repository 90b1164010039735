"""tf.dtypes.DType objects against TensorFlow 2.21 (tools/data_fixtures/tf_core2.py: the name,
repr, str, enum, size, is_* kinds, min/max/limits, real/base dtype of every dtype; equalities;
as_dtype; the dtypes of tensors and specs; saturate_cast), and what featherflow adds on purpose:
NumPy accepts a DType, hashing matches NumPy's dtypes."""

import copy
import pickle

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

D = tf.dtypes

# exact comparisons (names, booleans, integers); min/max of floats to float32/64 rounding
test_dtype_scenario, workdir = scenario_test("tf_core2", rtol=1e-7, atol=0, prefixes=["dtype_"])


def test_numpy_accepts_a_dtype():
    assert np.zeros(3, dtype=D.float32).dtype == np.float32
    assert np.arange(3).astype(D.int8).dtype == np.int8
    assert np.asarray([1, 2], dtype=D.float64).dtype == np.float64
    assert np.dtype(D.string) == np.dtype(object)
    assert np.issubdtype(D.float16, np.floating)
    assert np.result_type(D.int8, np.float32) == np.float32


def test_hash_matches_numpy_dtypes():
    table = {np.dtype("float32"): "f", np.dtype("int64"): "i"}
    assert table[D.float32] == "f" and table[D.int64] == "i"
    assert {D.float32: 1}[np.dtype("float32")] == 1
    assert len({D.float32, D.as_dtype("float"), D.as_dtype(np.float32)}) == 1


def test_interned_through_pickle_and_copy():
    for d in (D.float32, D.string, D.qint8, D.bfloat16, D.variant):
        assert pickle.loads(pickle.dumps(d)) is d
        assert copy.deepcopy(d) is d and copy.copy(d) is d


def test_bfloat16_needs_ml_dtypes_for_arrays():
    assert D.bfloat16.name == "bfloat16" and D.bfloat16.is_floating
    try:
        import ml_dtypes  # noqa: F401
    except ImportError:
        with pytest.raises(TypeError, match="ml_dtypes"):
            np.zeros(2, dtype=D.bfloat16)
        with pytest.raises(TypeError, match="ml_dtypes"):
            D.bfloat16.as_numpy_dtype  # noqa: B018
    else:
        assert np.zeros(2, dtype=D.bfloat16).dtype.name == "bfloat16"


def test_variant_and_resource_have_no_numpy_dtype():
    for d in (D.variant, D.resource):
        with pytest.raises(TypeError):
            np.dtype(d)
        with pytest.raises(TypeError, match="no NumPy equivalent"):
            d.as_numpy_dtype  # noqa: B018


def test_as_dtype_error_names_the_value():
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`: 'foo'"):
        D.as_dtype("foo")
