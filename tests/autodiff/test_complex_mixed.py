"""A real tensor next to a complex one: featherflow promotes (TF refuses the op), and the real
tensor's gradient is the real part, as through an explicit tf.cast (TF's rule, recorded in
tools/data_fixtures/complex_grads.py)."""

import numpy as np

import featherflow as tf


def _gradients(mixed):
    x = tf.constant(np.array([0.5, -1.5]))
    z = tf.constant(np.array([1.0 + 2.0j, -0.5 + 0.3j]))
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as tape:
            tape.watch([x, z])
            real = x if mixed else tf.cast(x, tf.complex128)
            y = tf.reduce_sum(tf.exp(z * real) * real)
        gx, gz = tape.gradient(y, [x, z], output_gradients=tf.constant(0.5 - 1.0j))
        second = tf.reduce_sum(gx * gx)
    return gx.numpy(), gz.numpy(), outer.gradient(second, x).numpy()


def test_real_input_of_complex_op_gets_real_gradient():
    mixed, cast = _gradients(True), _gradients(False)
    assert mixed[0].dtype == np.float64 and mixed[2].dtype == np.float64
    for ours, reference in zip(mixed, cast):
        np.testing.assert_allclose(ours, reference, rtol=1e-12)
