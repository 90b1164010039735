"""tf.autodiff.ForwardAccumulator against TensorFlow 2.21 (tools/data_fixtures/forward_ad.py:
elementwise/matmul/Dense/conv jvps, a forward-over-backward Hessian-vector product, nests,
watch, unconnected outputs, a shape mismatch). rtol 1e-5, atol 5e-6: float32 sums in another
order; one Dense jvp element is -3.86e-4 made of terms of size ~1 and differs by 1.4e-6."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

# shape_mismatch: TensorFlow accepts a tangent of another shape silently; featherflow refuses
# it (test_errors)
test_forward_ad_scenario, workdir = scenario_test("forward_ad", rtol=1e-5, atol=5e-6,
                                                  skip=lambda name: "TF accepts a mismatched "
                                                  "tangent" if name == "shape_mismatch" else None)


def test_jvp_equals_jacobian_times_tangent_on_both_paths():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((3, 4)).astype("float64"))
    v = rng.standard_normal((3, 4))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant(v)) as acc:
            smooth = tf.tanh(x) @ tf.transpose(x)                  # second-order path
            pooled = tf.nn.avg_pool2d(tf.reshape(x, (1, 3, 4, 1)), 2, 1, "VALID")  # Jacobian path
    for y in (smooth, pooled):
        jac = tape.jacobian(y, x).numpy().reshape(y.shape.num_elements(), -1)
        np.testing.assert_allclose(acc.jvp(y).numpy().reshape(-1), jac @ v.reshape(-1),
                                   rtol=1e-10)


def test_keras_layer_variables_can_be_primals():
    layer = tf.keras.layers.Dense(2)
    layer.build((None, 3))
    v = np.ones((3, 2), "float32")
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.autodiff.ForwardAccumulator(layer.kernel, tf.constant(v)) as acc:
        y = layer(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), x.numpy() @ v)


def test_errors():
    with pytest.raises(ValueError, match="shape"):
        with tf.autodiff.ForwardAccumulator(tf.constant([1.0, 2.0]), tf.constant([1.0])):
            pass
    with pytest.raises(ValueError, match="floating"):
        with tf.autodiff.ForwardAccumulator(tf.constant([1, 2]), tf.constant([1, 1])):
            pass
    with pytest.raises(ValueError, match="unconnected_gradients"):
        with tf.autodiff.ForwardAccumulator(tf.constant([1.0]), tf.constant([1.0])) as acc:
            y = tf.constant([1.0]) * 2
        acc.jvp(y, unconnected_gradients="sometimes")
