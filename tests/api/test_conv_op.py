"""tf.conv against TF 2.21 (tools/data_fixtures/conv_op.py).

Tolerance rtol 1e-5 / atol 1e-5: float32 sums of up to 18 products, accumulated in another
order than TF's Eigen kernel."""

import numpy as np

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

test_conv_op_scenario, workdir = scenario_test(
    "conv_op", rtol=1e-5, atol=1e-5,
    skip=lambda name: ("TF 2.21 registers no gradient for Conv; featherflow differentiates "
                       "it (tested below)") if name == "gradient" else None)


def test_conv_gradients_by_finite_differences():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 4, 4, 2)), rng.standard_normal((2, 2, 2, 3))
    check_gradients(lambda a, b: tf.conv(a, b, strides=[1, 2, 1, 1], padding="SAME"), [x, w])
