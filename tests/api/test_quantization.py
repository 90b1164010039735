"""tf.quantization's fake-quant ops against TF 2.21 (tools/data_fixtures/quantization.py):
outputs, TF's gradient ops and the gradients the tape gives.

Tolerance rtol/atol 1e-6: the kernels' float32 arithmetic is reproduced step by step, so
values agree to the last bit or one float32 rounding."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

test_quantization_scenario, workdir = scenario_test("quantization", rtol=1e-6, atol=1e-6)


def test_float64_tensor_refused_and_gradients_straight_through():
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32"):
        tf.quantization.fake_quant_with_min_max_args(tf.constant([1.0], tf.float64))
    x = tf.constant([-0.2, 0.3, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.quantization.fake_quant_with_min_max_args(x, min=-1.0, max=1.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 1.0, 0.0])


def test_min_max_gradients_match_the_gradient_op():
    x = np.linspace(-2.0, 2.0, 9).astype(np.float32)
    low, high = tf.Variable(-0.75), tf.Variable(1.25)
    with tf.GradientTape() as tape:
        y = tf.quantization.fake_quant_with_min_max_vars(x, low, high, num_bits=4)
    grads = tape.gradient(y, [low, high])
    expected = tf.quantization.fake_quant_with_min_max_vars_gradient(np.ones_like(x), x, -0.75,
                                                                     1.25, num_bits=4)
    assert [float(g) for g in grads] == [float(e) for e in expected[1:]]
    # outside the range the output is the clamp itself: its gradient in x is 0, as checked
    check_gradients(lambda t: tf.quantization.fake_quant_with_min_max_args(
        tf.cast(t, tf.float32), min=-1.0, max=1.0) * 0.0 + t, [np.array([-3.0, 3.0])])
