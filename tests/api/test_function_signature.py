"""tf.function against TensorFlow 2.21 (tools/data_fixtures/tf_core2.py): input_signature
checks and TF's TypeError text (up to the received arguments, whose tensor reprs differ),
tracing counts with and without reduce_retracing, get_concrete_function's
structured_input_signature / structured_outputs / call, outputs turned into tensors; and
featherflow's eager behaviour (the Python body runs on every call)."""

import featherflow as tf
from tests.data.scenarios import scenario_test

test_function_scenario, workdir = scenario_test("tf_core2", prefixes=["function_"])


def test_body_runs_on_every_call_and_gradients_flow():
    calls = []

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        calls.append(1)
        return tf.reduce_sum(x * x)

    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = f(x)
    assert float(y) == 5.0
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 4.0]
    f(tf.constant([3.0]))
    assert len(calls) == 2 and f.experimental_get_tracing_count() == 1


def test_method_binds_per_instance():
    class Scaler(tf.Module):
        def __init__(self, k):
            super().__init__()
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    assert float(a(tf.constant(1.0))) == 2.0 and float(b(tf.constant(1.0))) == 3.0
    assert a.__call__.experimental_get_tracing_count() == 1


def test_wraps_name_and_doc():
    def scaled(x):
        """Doubles."""
        return 2 * x

    f = tf.function(scaled)
    assert f.__name__ == "scaled" and f.__doc__ == "Doubles." and f.python_function is scaled
