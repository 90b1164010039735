"""tf.math.special against TensorFlow 2.21 (tools/data_fixtures/special_functions.py).

Every scenario is replayed at rtol 2e-5 / atol 1e-6 (float32 and float16 are evaluated in
float64 here and rounded once, TensorFlow evaluates them in their own precision); the float64
values and gradients are compared again at rtol 1e-13, the accuracy of Cephes' approximations.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import common, scenario_test

test_special_scenario, workdir = scenario_test("special_functions", rtol=2e-5, atol=1e-6)

_RECORDED = common.load("special_functions")["results"]
_F64 = sorted(n for n in _RECORDED if n.endswith(("_f64", "_edges", "_grad")))


@pytest.mark.parametrize("name", _F64)
def test_float64_to_rounding(name):
    import data_fixtures.special_functions as module

    actual = common.run(module.SCENARIOS[name], tf)
    # Y0 and Y1 vanish near 0.89 and 2.2: their float64 relative accuracy near a zero is
    # bounded by the absolute one
    common.assert_matches(_RECORDED[name], actual, name, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
                                  "bessel_k0", "bessel_k0e", "bessel_k1", "bessel_k1e", "dawsn",
                                  "expint", "fresnel_cos", "fresnel_sin", "spence"])
def test_gradients_match_central_differences(name):
    x = np.random.default_rng(5).uniform(0.3, 9.0, (2, 5))
    check_gradients(getattr(tf.math.special, name), [x], rtol=1e-5, atol=1e-6)


def test_namespace_and_refusals():
    assert sorted(tf.math.special.__all__) == sorted(
        n.rsplit("_", 1)[0] for n in _RECORDED if n.endswith("_f16"))
    assert "special" in dir(tf.math)
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected a float tensor"):
        tf.math.special.spence(tf.constant([1, 2]))
