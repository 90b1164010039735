"""tf.autodiff.ForwardAccumulator (Jacobian-vector products), recorded from TensorFlow 2.21
eagerly: elementwise and matrix ops, a Dense layer along a kernel direction, a convolution,
forward-over-backward Hessian-vector products, nests, watch(), unconnected outputs, errors."""

import numpy as np

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 3)).astype("float32")
V = RNG.standard_normal((4, 3)).astype("float32")
K = RNG.standard_normal((3, 2)).astype("float32")
KV = RNG.standard_normal((3, 2)).astype("float32")
IMG = RNG.standard_normal((1, 5, 5, 2)).astype("float32")
FIL = RNG.standard_normal((3, 3, 2, 3)).astype("float32")
FILV = RNG.standard_normal((3, 3, 2, 3)).astype("float32")


def _elementwise(tf):
    x = tf.constant(X)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(V)) as acc:
        a = tf.sin(x) * x
        b = tf.reduce_sum(tf.exp(x / 3.0), axis=1)
        c = tf.nn.softmax(x)
        d = tf.math.log(tf.square(x) + 1.0)
    return acc.jvp([a, b, c, d])


def _matmul(tf):
    x, k = tf.constant(X), tf.constant(K)
    with tf.autodiff.ForwardAccumulator([x, k], [tf.constant(V), tf.constant(KV)]) as acc:
        y = tf.nn.relu(tf.matmul(x, k) + 0.1)
        z = tf.reduce_mean(y ** 2)
    return acc.jvp({"y": y, "z": z})


def _dense_kernel_direction(tf):
    # a Dense layer written out with a tf.Variable kernel: TF 2.21's accumulator cannot take a
    # Keras 3 layer's variables (featherflow's can: tests/autodiff/test_forward_accumulator.py)
    w = tf.Variable(K)
    b = tf.Variable([0.1, -0.2])
    with tf.autodiff.ForwardAccumulator(w, tf.constant(KV)) as acc:
        y = tf.tanh(tf.matmul(tf.constant(X), w) + b)
    return acc.jvp(y)


def _conv(tf):
    f = tf.constant(FIL)
    with tf.autodiff.ForwardAccumulator(f, tf.constant(FILV)) as acc:
        y = tf.nn.conv2d(tf.constant(IMG), f, strides=1, padding="SAME")
        m = tf.nn.max_pool2d(y, 2, 2, "VALID")
    return acc.jvp([y, m])


def _hvp(tf):
    x = tf.constant(X[0])
    v = tf.constant(V[0])
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x ** 2)
        g = tape.gradient(y, x)
    return acc.jvp(g)


def _watch(tf):
    x, w = tf.constant(X), tf.Variable(K)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(V)) as acc:
        acc.watch(w, tf.constant(KV))  # not public in TF 2.21: AttributeError
        y = tf.matmul(x, w)
    return acc.jvp(y)


def _unconnected(tf):
    x = tf.constant(X)
    other = tf.constant(V)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(V)) as acc:
        y = other * 2.0
    return [acc.jvp(y), acc.jvp(y, unconnected_gradients=tf.UnconnectedGradients.ZERO), acc.jvp(x)]


def _shape_mismatch(tf):
    with tf.autodiff.ForwardAccumulator(tf.constant(X), tf.constant(K)):
        pass


SCENARIOS = {
    "elementwise": _elementwise,
    "matmul_relu_nest": _matmul,
    "dense_kernel_direction": _dense_kernel_direction,
    "conv_and_pool": _conv,
    "hessian_vector_product": _hvp,
    "watch_inside": _watch,
    "unconnected": _unconnected,
    "shape_mismatch": _shape_mismatch,
}
