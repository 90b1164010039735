"""featherflow.constraints: projections as Keras computes them, lookup and configs."""

import numpy as np
import pytest

from featherflow import constraints as C
from featherflow.autodiff.variable import Variable

EPS = 1e-7
W = np.array([[3.0, 0.1], [4.0, -0.2]])  # column norms 5 and sqrt(0.05)


def test_max_norm():
    out = C.MaxNorm(max_value=2.0)(W).numpy()
    norms = np.sqrt((W ** 2).sum(axis=0))
    expected = W * (np.minimum(norms, 2.0) / (EPS + norms))
    np.testing.assert_allclose(out, expected)
    assert C.MaxNorm().get_config() == {"max_value": 2, "axis": 0}


def test_unit_norm_non_neg_min_max_norm():
    norms0 = np.sqrt((W ** 2).sum(axis=0))
    np.testing.assert_allclose(C.UnitNorm()(W).numpy(), W / (EPS + norms0))
    norms1 = np.sqrt((W ** 2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(C.UnitNorm(axis=1)(W).numpy(), W / (EPS + norms1))
    np.testing.assert_array_equal(C.NonNeg()(W).numpy(), np.maximum(W, 0))
    mm = C.MinMaxNorm(min_value=0.5, max_value=1.0, rate=0.5)(W).numpy()
    desired = 0.5 * np.clip(norms0, 0.5, 1.0) + 0.5 * norms0
    np.testing.assert_allclose(mm, W * desired / (EPS + norms0))


def test_dtype_preserved_and_variables_accepted():
    v = Variable(W.astype(np.float32))
    out = C.MaxNorm(1.0)(v)
    assert out.numpy().dtype == np.float32
    v.assign(out)
    assert np.all(np.sqrt((v.numpy() ** 2).sum(axis=0)) <= 1.0 + 1e-6)


def test_get_and_serialize():
    assert isinstance(C.get("non_neg"), C.NonNeg)
    assert isinstance(C.get("MaxNorm"), C.MaxNorm)
    assert C.get(None) is None
    cfg = C.serialize(C.MinMaxNorm(0.1, 2.0, 0.5, 1))
    assert cfg["class_name"] == "MinMaxNorm" and cfg["module"] == "keras.constraints"
    back = C.get(cfg)
    assert back.get_config() == {"min_value": 0.1, "max_value": 2.0, "rate": 0.5, "axis": 1}
    with pytest.raises(ValueError, match="Valid constraint names are"):
        C.get("positive")
