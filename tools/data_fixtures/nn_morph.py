# ruff: noqa: E501 - a table of one-line scenarios
"""tf.nn's depthwise/conv2d backprop ops, atrous_conv2d_transpose, dilation2d / erosion2d,
batch_norm_with_global_normalization and isotonic_regression, recorded from TensorFlow 2.21
eagerly (values, gradients, errors)."""

import numpy as np

RNG = np.random.default_rng(4)
X = RNG.standard_normal((2, 7, 6, 3)).astype("float32")
DW = RNG.standard_normal((3, 3, 3, 2)).astype("float32")
W = RNG.standard_normal((3, 2, 3, 4)).astype("float32")
M = (RNG.standard_normal((3, 2, 3)) * 0.5).astype("float32")


def _dw_input(tf, strides, padding, dil=(1, 1, 1, 1)):
    y = tf.nn.depthwise_conv2d(tf.constant(X), tf.constant(DW), strides, padding, dilations=dil[1:3])
    g = tf.constant(np.linspace(-2, 2, int(np.prod(y.shape))).reshape(y.shape).astype("float32"))
    return [tf.nn.depthwise_conv2d_backprop_input(X.shape, tf.constant(DW), g, strides, padding, dilations=list(dil)),
            tf.nn.depthwise_conv2d_backprop_filter(tf.constant(X), DW.shape, g, strides, padding, dilations=list(dil))]


def _conv_bp(tf, strides, padding, explicit=()):
    """The input and filter gradients of conv2d for a fixed out_backprop, by GradientTape
    (TF 2.21 has no CPU kernel for Conv2DBackprop*V2): tests/api/test_nn_morph.py checks
    tf.conv2d_backprop_input_v2 / _filter_v2 against them."""
    pad = padding if padding != "EXPLICIT" else [list(explicit[i:i + 2]) for i in range(0, 8, 2)]
    x, w = tf.constant(X), tf.constant(W)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, strides, pad)
    g = tf.constant(np.linspace(-2, 2, int(np.prod(y.shape))).reshape(y.shape).astype("float32"))
    return [g, tape.gradient(y, x, output_gradients=g), tape.gradient(y, w, output_gradients=g)]


def _morph(tf, fn, strides, padding, rates):
    x = tf.constant(X)
    f = tf.constant(M)
    with tf.GradientTape() as tape:
        tape.watch([x, f])
        y = fn(x, f, strides, padding, "NHWC", rates)
        loss = tf.reduce_sum(y * tf.constant(np.linspace(-1, 1, int(np.prod(y.shape))).reshape(y.shape).astype("float32")))
    gx, gf = tape.gradient(loss, [x, f])
    return [y, gx, gf]


def _iso(tf, values, **kw):
    x = tf.constant(values)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, seg = tf.nn.isotonic_regression(x, **kw)
        loss = tf.reduce_sum(out * tf.constant(np.arange(out.shape.num_elements(), dtype="float32").reshape(out.shape)))
    return [out, seg, tape.gradient(loss, x)]


SCENARIOS = {
    "dw_backprop_same": lambda tf: _dw_input(tf, [1, 1, 1, 1], "SAME"),
    "dw_backprop_strided_valid": lambda tf: _dw_input(tf, [1, 2, 2, 1], "VALID"),
    # TF 2.21's CPU kernel ignores `dilations` (its result equals the undilated one); recorded
    # to show it, skipped in the test, which checks featherflow against the tape gradient
    "dw_backprop_dilated": lambda tf: _dw_input(tf, [1, 1, 1, 1], "SAME", (1, 2, 2, 1)),
    "conv_backprop_same": lambda tf: _conv_bp(tf, [1, 1, 1, 1], "SAME"),
    "conv_backprop_strided": lambda tf: _conv_bp(tf, [1, 2, 2, 1], "VALID"),
    "conv_backprop_explicit": lambda tf: _conv_bp(tf, [1, 1, 1, 1], "EXPLICIT", (0, 0, 1, 2, 0, 1, 0, 0)),
    "atrous_transpose_same": lambda tf: tf.nn.atrous_conv2d_transpose(
        tf.constant(np.linspace(-1, 1, 2 * 7 * 6 * 3).reshape(2, 7, 6, 3).astype("float32")), tf.constant(np.transpose(W, (0, 1, 3, 2))), [2, 7, 6, 4], 2, "SAME"),
    "atrous_transpose_valid": lambda tf: tf.nn.atrous_conv2d_transpose(
        tf.constant(np.linspace(-1, 1, 2 * 3 * 4 * 3).reshape(2, 3, 4, 3).astype("float32")), tf.constant(np.transpose(W, (0, 1, 3, 2))), [2, 7, 6, 4], 2, "VALID"),
    "dilation_same": lambda tf: _morph(tf, tf.nn.dilation2d, [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    "dilation_valid_strided": lambda tf: _morph(tf, tf.nn.dilation2d, [1, 2, 1, 1], "VALID", [1, 1, 1, 1]),
    "dilation_rates": lambda tf: _morph(tf, tf.nn.dilation2d, [1, 1, 2, 1], "SAME", [1, 2, 2, 1]),
    "erosion_same": lambda tf: _morph(tf, tf.nn.erosion2d, [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    "erosion_valid": lambda tf: _morph(tf, tf.nn.erosion2d, [1, 2, 2, 1], "VALID", [1, 2, 1, 1]),
    "batch_norm_global": lambda tf: [tf.nn.batch_norm_with_global_normalization(
        tf.constant(X), tf.constant([0.1, -0.2, 0.3]), tf.constant([1.5, 0.5, 2.0]), tf.constant([0.0, 1.0, -1.0]),
        tf.constant([2.0, 0.5, 1.0]), 1e-3, scale)[0, 0] for scale in (True, False)],
    "isotonic_decreasing": lambda tf: _iso(tf, np.array([[3.0, 1.0, 2.0, 5.0, 4.0, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], "float32")),
    "isotonic_increasing": lambda tf: _iso(tf, np.array([[3.0, 1.0, 2.0, 5.0, 4.0, 0.0]], "float32"), decreasing=False),
    "isotonic_axis0": lambda tf: _iso(tf, np.array([[3.0, 1.0], [1.0, 2.0], [2.0, 0.5]], "float32"), axis=0),
    "isotonic_ties": lambda tf: _iso(tf, np.array([[2.0, 2.0, 1.0, 1.0, 3.0]], "float32")),
}
