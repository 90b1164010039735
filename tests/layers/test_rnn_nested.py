"""keras.layers.RNN with a cell taking nested inputs/states/outputs ("Working with RNNs"
guide), against tf_keras 2.21 (tools/data_fixtures/rnn_nested.py; Keras 3.15 fails on that
guide's cell). Outputs and kernel gradients with return_sequences, return_state, go_backwards,
masks and initial states; rtol 1e-5 (float32 over 4 steps)."""

import numpy as np

import featherflow as tf
from tests.data.scenarios import scenario_test

test_rnn_nested_scenario, workdir = scenario_test("rnn_nested", rtol=1e-5, atol=1e-6)


def test_guide_nested_cell_in_a_functional_model_fits():
    class NestedCell(tf.keras.layers.Layer):
        def __init__(self, **kwargs):
            self.state_size = [tf.TensorShape([3]), tf.TensorShape([2, 2])]
            self.output_size = [tf.TensorShape([3]), tf.TensorShape([2, 2])]
            super().__init__(**kwargs)

        def build(self, shapes):
            self.k1 = self.add_weight(shape=(shapes[0][1], 3), initializer="uniform")
            self.k2 = self.add_weight(shape=(shapes[1][1], shapes[1][2], 2, 2),
                                      initializer="uniform")

        def call(self, inputs, states):
            a, b = tf.nest.flatten(inputs)
            o1 = tf.matmul(a, self.k1) + states[0]
            o2 = tf.einsum("bij,ijkl->bkl", b, self.k2) + states[1]
            return (o1, o2), (o1, o2)

    in1, in2 = tf.keras.Input((None, 4)), tf.keras.Input((None, 2, 3))
    outputs = tf.keras.layers.RNN(NestedCell())((in1, in2))
    model = tf.keras.Model([in1, in2], outputs)
    assert [tuple(o.shape) for o in model.outputs] == [(None, 3), (None, 2, 2)]
    model.compile("adam", "mse")
    x = [np.random.rand(8, 5, 4), np.random.rand(8, 5, 2, 3)]
    y = [np.random.rand(8, 3), np.random.rand(8, 2, 2)]
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2
    assert [p.shape for p in model.predict(x, verbose=0)] == [(8, 3), (8, 2, 2)]
