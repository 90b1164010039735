"""autodiff/jacobian.py called directly with a tape (GradientTape's methods delegate to it).

TensorFlow's numbers for the same functions are in test_variables_reference.py; here: the
number of backward sweeps, and agreement with finite differences in float64 (central
differences with h=1e-6 leave an error of ~1e-9 on these smooth functions: tolerance 1e-7).
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff import jacobian as jacobian_module


def central_differences(fn, x, h=1e-6):
    out = np.asarray(fn(x))
    jac = np.zeros(out.shape + x.shape)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        jac[(Ellipsis,) + i] = (np.asarray(fn(x + step)) - np.asarray(fn(x - step))) / (2 * h)
    return jac


def mlp(x):
    w = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    return tf.tanh(tf.matmul(x, tf.constant(w))) ** 2


def test_jacobian_matches_finite_differences():
    x0 = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    x = tf.constant(x0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = mlp(x)
    got = jacobian_module.jacobian(tape, y, x)
    assert got.shape == (2, 4, 2, 3)
    np.testing.assert_allclose(got.numpy(), central_differences(lambda a: mlp(a), x0),
                               rtol=1e-7, atol=1e-7)


def test_batch_jacobian_is_the_diagonal_of_the_jacobian_in_one_sweep_per_feature(monkeypatch):
    x = tf.constant(np.linspace(-1.0, 1.0, 15).reshape(5, 3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = mlp(x)
    sweeps = []
    real = jacobian_module.backprop
    monkeypatch.setattr(jacobian_module, "backprop", lambda *a: sweeps.append(1) or real(*a))
    batch = jacobian_module.batch_jacobian(tape, y, x)
    assert len(sweeps) == 4  # one per output feature, all 5 rows at once
    full = jacobian_module.jacobian(tape, y, x).numpy()
    assert batch.shape == (5, 4, 3)
    for i in range(5):
        np.testing.assert_allclose(batch.numpy()[i], full[i, :, i], rtol=1e-12)


def test_non_persistent_tape_answers_once():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(jacobian_module.jacobian(tape, y, x).numpy(), [[2, 0], [0, 4]])
    with pytest.raises(RuntimeError, match="non-persistent"):
        jacobian_module.jacobian(tape, y, x)


def test_bad_unconnected_gradients_value():
    x = tf.constant([1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    with pytest.raises(ValueError, match="'none' or 'zero'"):
        jacobian_module.jacobian(tape, y, x, unconnected_gradients="zeros")
