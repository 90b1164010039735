"""keras.layers.RNN over a cell with nested inputs, states and outputs (the "Working with RNNs"
guide's NestedCell), recorded with tf_keras 2.21 (Keras 2): Keras 3.15's RNN builds such a
cell with only the first input's shape and fails on the guide's code, so Keras 2 is the
reference. Weights are set explicitly; outputs with return_sequences / return_state /
go_backwards / masks / initial states, and the gradients of a loss."""

import numpy as np

RNG = np.random.default_rng(5)
X1 = RNG.standard_normal((3, 4, 2)).astype("float32")
X2 = RNG.standard_normal((3, 4, 2, 3)).astype("float32")
K1 = RNG.standard_normal((2, 5)).astype("float32") * 0.3
K23 = RNG.standard_normal((2, 3, 2, 2)).astype("float32") * 0.3
MASK = np.array([[1, 1, 1, 0], [1, 0, 1, 1], [1, 1, 1, 1]], bool)


def _keras(tf):
    if tf.__name__ == "tensorflow":
        import tf_keras
        return tf_keras
    return tf.keras


def _cell_class(tf, keras):
    class NestedCell(keras.layers.Layer):
        def __init__(self, **kwargs):
            self.state_size = [tf.TensorShape([5]), tf.TensorShape([2, 2])]
            self.output_size = [tf.TensorShape([5]), tf.TensorShape([2, 2])]
            super().__init__(**kwargs)

        def build(self, input_shapes):
            i1, i2, i3 = input_shapes[0][1], input_shapes[1][1], input_shapes[1][2]
            self.kernel_1 = self.add_weight(shape=(i1, 5), initializer="zeros", name="kernel_1")
            self.kernel_2_3 = self.add_weight(shape=(i2, i3, 2, 2), initializer="zeros",
                                              name="kernel_2_3")

        def call(self, inputs, states):
            input_1, input_2 = tf.nest.flatten(inputs)
            s1, s2 = states
            output_1 = tf.tanh(tf.matmul(input_1, self.kernel_1) + s1)
            output_2_3 = tf.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3) + 0.5 * s2
            return (output_1, output_2_3), (output_1, output_2_3)

    return NestedCell


def _run(tf, mask=False, initial=False, **kwargs):
    keras = _keras(tf)
    cell = _cell_class(tf, keras)()
    rnn = keras.layers.RNN(cell, **kwargs)
    a, b = tf.constant(X1), tf.constant(X2)
    extra = {}
    if mask:
        extra["mask"] = tf.constant(MASK)
    if initial:
        extra["initial_state"] = [tf.ones((3, 5)) * 0.1, tf.ones((3, 2, 2)) * -0.2]
    rnn((a, b), **extra)  # builds
    cell.kernel_1.assign(K1)
    cell.kernel_2_3.assign(K23)
    with tf.GradientTape() as tape:
        out = rnn((a, b), **extra)
        flat = tf.nest.flatten(out)
        loss = tf.add_n([tf.reduce_sum(o * o) for o in flat])
    grads = tape.gradient(loss, [cell.kernel_1, cell.kernel_2_3])
    return flat + [tf.convert_to_tensor(g) for g in grads]


SCENARIOS = {
    "last_output": lambda tf: _run(tf),
    "sequences": lambda tf: _run(tf, return_sequences=True),
    "states": lambda tf: _run(tf, return_state=True),
    "backwards_sequences": lambda tf: _run(tf, go_backwards=True, return_sequences=True),
    "masked": lambda tf: _run(tf, mask=True, return_sequences=True),
    "initial_state": lambda tf: _run(tf, initial=True, return_state=True),
}
