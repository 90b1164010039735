"""3-D convolution and pooling primitives (ops/conv3d.py, ops/pooling3d.py).

Forwards are compared with direct sums over the windows (float64, rtol 1e-10); every
primitive goes through the gradient checker (central differences, float64, rtol 1e-5,
atol 1e-6). The transposed convolution is checked as the adjoint of the convolution
(<conv_t(x), z> == <x, conv(z)>, rtol 1e-10), which also covers the dilated transposed
convolution that TensorFlow's CPU kernels cannot run. Values against real TensorFlow/Keras are
in tests/layers/test_layers_3d.py.
"""

import itertools

import numpy as np
import pytest

import featherflow as tf
from featherflow.ops import conv3d as conv3d_ops
from featherflow.ops import pooling3d as pooling3d_ops
from featherflow.ops.conv_geometry import conv_pads
from featherflow.testing import check_gradients

RNG = np.random.default_rng(7)


def _windows(xp, ksize, strides, dilations):
    outs = [(xp.shape[1 + i] - ((ksize[i] - 1) * dilations[i] + 1)) // strides[i] + 1
            for i in range(3)]
    for tap in itertools.product(*[range(k) for k in ksize]):
        index = (slice(None),) + tuple(
            slice(t * d, t * d + (o - 1) * s + 1, s)
            for t, s, d, o in zip(tap, strides, dilations, outs))
        yield tap, xp[index]


def direct_conv3d(x, kernel, strides, padding, dilations):
    """The convolution as a plain sum over kernel taps and groups."""
    pads = conv_pads(x.shape[1:4], kernel.shape[:3], strides, dilations, padding)
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)])
    cg, f = kernel.shape[3:]
    groups = x.shape[-1] // cg
    fg = f // groups
    y = 0
    for tap, window in _windows(xp, kernel.shape[:3], strides, dilations):
        parts = [window[..., i * cg:(i + 1) * cg] @ kernel[tap][:, i * fg:(i + 1) * fg]
                 for i in range(groups)]
        y = y + np.concatenate(parts, axis=-1)
    return y


def direct_pool3d(x, pool, strides, padding, kind):
    pads = conv_pads(x.shape[1:4], pool, strides, (1, 1, 1), padding)
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)], constant_values=np.nan)
    stack = np.stack([w for _, w in _windows(xp, pool, strides, (1, 1, 1))])
    return np.nanmax(stack, axis=0) if kind == "max" else np.nanmean(stack, axis=0)


CONV_CASES = [
    # channels, groups, strides, padding, dilations
    (2, 1, (1, 1, 1), "valid", (1, 1, 1)),
    (1, 1, (2, 1, 2), "same", (1, 1, 1)),
    (6, 1, (2, 1, 2), "same", (1, 1, 1)),
    (4, 2, (1, 1, 1), "same", (2, 1, 1)),
    (6, 3, (2, 2, 2), "valid", (1, 1, 1)),
]


@pytest.mark.parametrize("channels,groups,strides,padding,dilations", CONV_CASES)
def test_conv3d_forward_and_gradients(channels, groups, strides, padding, dilations):
    x = RNG.normal(size=(2, 4, 5, 5, channels))
    kernel = RNG.normal(size=(3, 2, 3, channels // groups, 6))
    bias = RNG.normal(size=6)
    y = conv3d_ops.convolution3d(x, kernel, bias, strides, padding, dilations).numpy()
    np.testing.assert_allclose(y, direct_conv3d(x, kernel, strides, padding, dilations) + bias,
                               rtol=1e-10, atol=1e-10)
    check_gradients(lambda a, k, b: conv3d_ops.convolution3d(
        a, k, b, strides, padding, dilations, activation="tanh"), [x, kernel, bias])
    # channels_first: the same numbers, transposed (the checker wants C-contiguous inputs)
    xcf = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    ycf = conv3d_ops.convolution3d(xcf, kernel, bias, strides, padding, dilations,
                                   data_format="channels_first").numpy()
    np.testing.assert_allclose(np.moveaxis(ycf, 1, -1), y, rtol=1e-12, atol=1e-12)
    check_gradients(lambda a, k: conv3d_ops.convolution3d(
        a, k, None, strides, padding, dilations, data_format="channels_first"), [xcf, kernel])


TRANSPOSE_CASES = [
    # strides, padding, output_padding, dilations
    ((2, 2, 2), "same", None, (1, 1, 1)),
    ((2, 1, 3), "valid", (1, 0, 2), (1, 1, 1)),
    ((1, 1, 1), "same", None, (2, 1, 2)),
    ((2, 2, 1), "valid", None, (1, 1, 1)),
]


@pytest.mark.parametrize("strides,padding,output_padding,dilations", TRANSPOSE_CASES)
def test_conv3d_transpose_is_the_adjoint_and_differentiates(strides, padding, output_padding,
                                                            dilations):
    x = RNG.normal(size=(1, 3, 2, 3, 3))
    kernel = RNG.normal(size=(3, 2, 3, 4, 3))
    bias = RNG.normal(size=4)
    y = conv3d_ops.convolution3d_transpose(x, kernel, bias, strides, padding, output_padding,
                                           dilations).numpy()
    z = RNG.normal(size=y.shape)
    back = conv3d_ops.convolution3d(z, kernel, None, strides, padding, dilations).numpy()
    assert back.shape[1:4] == x.shape[1:4]
    np.testing.assert_allclose(np.sum((y - bias) * z), np.sum(x * back), rtol=1e-10)
    check_gradients(lambda a, k, b: conv3d_ops.convolution3d_transpose(
        a, k, b, strides, padding, output_padding, dilations, activation="sigmoid"),
        [x, kernel, bias])
    xcf = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    check_gradients(lambda a, k: conv3d_ops.convolution3d_transpose(
        a, k, None, strides, padding, output_padding, dilations,
        data_format="channels_first"), [xcf, kernel])


POOL_CASES = [
    ((2, 2, 2), (2, 2, 2), "valid"),
    ((3, 2, 3), (2, 1, 2), "same"),
    ((2, 3, 2), (1, 1, 1), "valid"),
    ((3, 3, 3), (2, 2, 2), "same"),
    ((1, 1, 1), (1, 1, 1), "valid"),
]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pool,strides,padding", POOL_CASES)
def test_pool3d_forward_and_gradients(kind, pool, strides, padding):
    fn = pooling3d_ops.max_pool3d_keras if kind == "max" else \
        pooling3d_ops.average_pool3d_keras
    x = RNG.normal(size=(2, 4, 5, 5, 2))
    y = fn(x, pool, strides, padding).numpy()
    np.testing.assert_allclose(y, direct_pool3d(x, pool, strides, padding, kind), rtol=1e-12)
    check_gradients(lambda a: fn(a, pool, strides, padding), [x])
    xcf = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    ycf = fn(xcf, pool, strides, padding, data_format="channels_first").numpy()
    np.testing.assert_array_equal(np.moveaxis(ycf, 1, -1), y)
    check_gradients(lambda a: fn(a, pool, strides, padding, data_format="channels_first"),
                    [xcf])


def test_max_pool3d_gradient_follows_tensorflows_tie_rule():
    # TF's MaxPool3DGrad (CPU): every pixel within 1e-5 of the window's maximum gets the
    # window's gradient; recorded with tensorflow-cpu 2.21 on these inputs
    x = np.zeros((1, 2, 2, 2, 1), np.float32)
    x[0, 0, 0, 0, 0] = x[0, 1, 1, 1, 0] = 1
    x[0, 0, 1, 0, 0] = 1 - 5e-6
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.nn.max_pool3d(xt, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, xt).numpy().ravel(),
                                  [1, 0, 1, 0, 0, 0, 0, 1])
    xt = tf.constant(x * 1000)  # 999.995 is 5e-3 from the maximum: not a tie
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.nn.max_pool3d(xt, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, xt).numpy().ravel(),
                                  [1, 0, 0, 0, 0, 0, 0, 1])
    xt = tf.constant(np.ones((1, 3, 3, 3, 1), np.float32))  # overlapping windows add up
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.nn.max_pool3d(xt, 2, 1, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, xt).numpy().reshape(3, 3, 3)[1],
                                  [[2, 4, 2], [4, 8, 4], [2, 4, 2]])


def test_avg_pool3d_same_padding_counts_real_pixels_only():
    y = tf.nn.avg_pool3d(np.ones((1, 3, 3, 3, 1), np.float32), 2, 2, "SAME")
    np.testing.assert_array_equal(y.numpy(), np.ones((1, 2, 2, 2, 1)))


def test_tf_nn_names_take_tf_arguments():
    x = RNG.normal(size=(2, 5, 6, 7, 3)).astype(np.float32)
    kernel = RNG.normal(size=(2, 3, 2, 3, 4)).astype(np.float32)
    y = tf.nn.conv3d(x, kernel, strides=[1, 2, 1, 2, 1], padding="SAME")
    assert y.dtype == np.float32 and tuple(y.shape) == (2, 3, 6, 4, 4)
    np.testing.assert_allclose(
        y.numpy(), direct_conv3d(x.astype(np.float64), kernel.astype(np.float64), (2, 1, 2),
                                 "same", (1, 1, 1)), rtol=1e-4, atol=1e-5)
    ycf = tf.nn.conv3d(np.moveaxis(x, -1, 1), kernel, strides=[1, 1, 2, 1, 2], padding="SAME",
                       data_format="NCDHW")
    np.testing.assert_allclose(np.moveaxis(ycf.numpy(), 1, -1), y.numpy(), rtol=1e-6)
    up = tf.nn.conv3d_transpose(y, kernel, output_shape=[2, 5, 6, 7, 3],
                                strides=[1, 2, 1, 2, 1], padding="SAME")
    assert tuple(up.shape) == (2, 5, 6, 7, 3)
    assert tuple(tf.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID").shape) == \
        (2, 2, 3, 3, 3)
    assert tuple(tf.nn.avg_pool3d(x, 3, 2, "SAME").shape) == (2, 3, 3, 4, 3)


@pytest.mark.parametrize("call,match", [
    (lambda: conv3d_ops.convolution3d(np.zeros((1, 4, 4, 4)), np.zeros((2, 2, 2, 4, 1))),
     r"expected a 5-D input \(batch, depth, height, width, channels\), received shape"),
    (lambda: conv3d_ops.convolution3d(np.zeros((1, 2, 4, 4, 1)), np.zeros((3, 3, 3, 1, 1))),
     "smaller than the"),
    (lambda: conv3d_ops.convolution3d(np.zeros((1, 4, 4, 4, 3)), np.zeros((2, 2, 2, 2, 2))),
     "input has 3 channels"),
    (lambda: conv3d_ops.convolution3d_transpose(np.zeros((1, 4, 4, 4, 3)),
                                                np.zeros((2, 2, 2, 2, 2))), "expects 2 input"),
    (lambda: tf.nn.conv3d(np.zeros((1, 4, 4, 4, 1)), np.zeros((2, 2, 2, 1, 1)), [1, 1, 1, 1, 1],
                          "VALID", data_format="NCHW"), "tf.nn.conv3d: data_format"),
    (lambda: tf.nn.max_pool3d(np.zeros((1, 4, 4, 1)), 2, 2, "VALID"), "tf.nn.max_pool3d.*5-D"),
    (lambda: tf.nn.avg_pool3d(np.zeros((1, 4, 4, 4, 1)), 2, 2, "CAUSAL"), "padding"),
])
def test_bad_input_is_refused_clearly(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("channels", [1, 3])
def test_conv3d_unfolds_big_inputs_a_few_samples_at_a_time(channels, monkeypatch):
    x = RNG.normal(size=(5, 4, 5, 4, channels))
    kernel = RNG.normal(size=(2, 3, 2, channels, 3))
    bias = RNG.normal(size=3)
    r = RNG.normal(size=(5, 3, 3, 3, 3))

    def run():
        xt, kt, bt = (tf.Variable(a) for a in (x, kernel, bias))
        with tf.GradientTape() as tape:
            y = conv3d_ops.convolution3d(xt, kt, bt, 1, "valid", 1, activation="relu")
        grads = tape.gradient(y, [xt, kt, bt], output_gradients=r)
        return [y.numpy()] + [g.numpy() for g in grads]

    whole = run()
    # 2 samples' windows per piece (27 windows x (12 * channels + 1) columns each)
    monkeypatch.setattr(conv3d_ops, "COL_LIMIT", 2 * 27 * (12 * channels + 1))
    unfolded = []
    unfold = conv3d_ops.im2col3d

    def counting(xp, *args, **kwargs):
        unfolded.append(xp.shape[0])
        return unfold(xp, *args, **kwargs)

    monkeypatch.setattr(conv3d_ops, "im2col3d", counting)
    pieces = run()
    assert unfolded == [2, 2, 1, 2, 2, 1]  # forward, then again for the kernel gradient
    for a, b in zip(whole, pieces, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    check_gradients(lambda a, k, b: conv3d_ops.convolution3d(a, k, b, 1, "same", 1),
                    [x, kernel, bias])


def test_conv3d_transpose_backward_unfolds_big_gradients_in_pieces(monkeypatch):
    x = RNG.normal(size=(5, 2, 3, 2, 3))
    kernel = RNG.normal(size=(2, 3, 2, 4, 3))
    r = RNG.normal(size=(5, 4, 6, 4, 4))

    def run():
        xt, kt = tf.Variable(x), tf.Variable(kernel)
        with tf.GradientTape() as tape:
            y = conv3d_ops.convolution3d_transpose(xt, kt, strides=2, padding="same")
        return [y.numpy()] + [g.numpy() for g in tape.gradient(y, [xt, kt],
                                                                output_gradients=r)]

    whole = run()
    monkeypatch.setattr(conv3d_ops, "COL_LIMIT", 2 * 12 * 48)  # 2 samples' windows a piece
    pieces = run()
    for a, b in zip(whole, pieces, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
