# ruff: noqa: E501 - a table of one-line scenarios
"""tf.space_to_batch(_nd) / batch_to_space(_nd), required_space_to_batch_paddings and
tf.nn.with_space_to_batch, recorded from TensorFlow 2.21 eagerly (values, gradients, errors)."""

import numpy as np

RNG = np.random.default_rng(2)
X = RNG.standard_normal((2, 5, 6, 3)).astype("float32")
F = RNG.standard_normal((3, 3, 3, 2)).astype("float32")


def _grad(tf, fn):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
        loss = tf.reduce_sum(y * y)
    return [y, tape.gradient(loss, x)]


def _atrous(tf, padding, rate):
    def op(inp, num_spatial_dims, pad):
        return tf.nn.conv2d(inp, tf.constant(F), 1, pad)
    x = tf.constant(X)
    return [tf.nn.with_space_to_batch(x, rate, padding, op, filter_shape=F.shape),
            tf.nn.conv2d(x, tf.constant(F), 1, padding, dilations=rate)]


SCENARIOS = {
    "s2b_2d": lambda tf: _grad(tf, lambda x: tf.space_to_batch(x, [2, 3], [[1, 0], [0, 0]])),
    "s2b_1d": lambda tf: _grad(tf, lambda x: tf.space_to_batch_nd(x, [2], [[1, 2]])),
    "s2b_nn": lambda tf: tf.nn.space_to_batch(tf.constant(X[:, :4, :4]), [2, 2], [[0, 0], [0, 0]]),
    "b2s_2d": lambda tf: _grad(tf, lambda x: tf.batch_to_space(tf.reshape(x, (6, 5, 2, 3))[:4], [2, 2], [[1, 0], [0, 1]])),
    "b2s_nd_1d": lambda tf: tf.batch_to_space_nd(tf.constant(X), [2], [[0, 1]]),
    "roundtrip": lambda tf: tf.batch_to_space(tf.space_to_batch(tf.constant(X), [2, 2], [[1, 0], [0, 0]]), [2, 2], [[1, 0], [0, 0]]),
    "required_paddings": lambda tf: [list(tf.required_space_to_batch_paddings([5, 7], [2, 3])),
                                     list(tf.required_space_to_batch_paddings([5, 7], [2, 3], [[1, 1], [2, 0]]))],
    "s2b_not_divisible": lambda tf: tf.space_to_batch(tf.constant(X), [2, 4], [[0, 0], [0, 0]]),
    "s2b_bad_paddings_shape": lambda tf: tf.space_to_batch(tf.constant(X), [2, 2], [[0, 0]]),
    "b2s_bad_batch": lambda tf: tf.batch_to_space(tf.constant(X), [2, 2], [[0, 0], [0, 0]]),
    "atrous_valid": lambda tf: _atrous(tf, "VALID", [2, 2]),
    "atrous_same": lambda tf: _atrous(tf, "SAME", [2, 3]),
    "atrous_rate_1": lambda tf: _atrous(tf, "SAME", [1, 1]),
}
