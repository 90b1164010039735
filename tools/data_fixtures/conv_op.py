# ruff: noqa: E501 - a table of one-line scenarios
"""tf.conv (TF's generic Conv op) from TF 2.21 eager: 1-D/2-D/3-D, strides, dilations,
SAME/VALID/EXPLICIT padding, two batch dims, channels-first, the gradient, and the errors."""

import numpy as np

RNG = np.random.default_rng(4)
X2 = RNG.standard_normal((2, 6, 5, 3)).astype(np.float32)
W2 = RNG.standard_normal((3, 2, 3, 4)).astype(np.float32)
X1 = RNG.standard_normal((2, 7, 2)).astype(np.float32)
W1 = RNG.standard_normal((3, 2, 3)).astype(np.float32)
X3 = RNG.standard_normal((1, 4, 4, 4, 2)).astype(np.float32)
W3 = RNG.standard_normal((2, 2, 2, 2, 3)).astype(np.float32)
XB = RNG.standard_normal((2, 3, 5, 5, 3)).astype(np.float32)


def _grad(tf):
    x, w = tf.constant(X2), tf.constant(W2)
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.conv(x, w, strides=[1, 2, 1, 1], padding="SAME")
        loss = tf.reduce_sum(y * y)
    return tape.gradient(loss, [x, w])


SCENARIOS = {
    "conv2d_same": lambda tf: tf.conv(X2, W2, strides=[1, 1, 1, 1], padding="SAME"),
    "conv2d_valid_strided": lambda tf: tf.conv(X2, W2, strides=[1, 2, 2, 1], padding="VALID"),
    "conv2d_dilated": lambda tf: tf.conv(X2, W2, strides=[1, 1, 1, 1], padding="SAME", dilations=[1, 2, 1, 1]),
    "conv2d_explicit": lambda tf: tf.conv(X2, W2, strides=[1, 1, 1, 1], padding="EXPLICIT", explicit_paddings=[0, 0, 1, 2, 0, 1, 0, 0]),
    "conv1d": lambda tf: tf.conv(X1, W1, strides=[1, 1, 1], padding="SAME"),
    "conv3d": lambda tf: tf.conv(X3, W3, strides=[1, 1, 2, 1, 1], padding="VALID"),
    "two_batch_dims": lambda tf: tf.conv(XB, W2, strides=[1, 1, 1, 1], padding="SAME", batch_dims=2),
    "two_batch_dims_strides_per_axis_refused": lambda tf: tf.conv(XB, W2, strides=[1, 1, 1, 1, 1], padding="SAME", batch_dims=2),
    "two_batch_dims_explicit": lambda tf: tf.conv(XB, W2, strides=[1, 2, 1, 1], padding="EXPLICIT", explicit_paddings=[0, 0, 1, 0, 2, 1, 0, 0], batch_dims=2),
    "channels_first": lambda tf: tf.conv(np.moveaxis(X2, -1, 1), W2, strides=[1, 1, 1, 1], padding="SAME", data_format="CHANNELS_FIRST"),
    "gradient": _grad,
    "groups_refused": lambda tf: tf.conv(np.concatenate([X2, X2], -1), W2, strides=[1, 1, 1, 1], padding="SAME", groups=2),
    "depth_mismatch": lambda tf: tf.conv(X2[..., :2], W2, strides=[1, 1, 1, 1], padding="SAME"),
}
