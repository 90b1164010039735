"""Edge values: kinks (relu at 0), huge logits and probabilities of exactly 0 or 1.

Every check runs with NumPy's overflow/invalid/divide-by-zero errors raised, so a finite
result that came through an intermediate inf or nan fails too.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.ops import activations as activations_ops
from featherflow.ops import cross_entropy as cross_entropy_ops
from featherflow.ops import dense as dense_ops
from featherflow.ops import math as M


@pytest.fixture(autouse=True)
def _numpy_errors_raise():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yield


def value_and_grads(fn, *arrays, dtype="float32"):
    xs = [tf.Variable(np.asarray(a, dtype), dtype=dtype) for a in arrays]
    with tf.GradientTape() as tape:
        y = fn(*xs)
    return y, tape.gradient(y, xs)


def assert_finite(*tensors):
    for t in tensors:
        assert t is not None
        assert np.all(np.isfinite(np.asarray(t))), np.asarray(t)


# -- kinks ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [tf.nn.relu, lambda x: activations_ops.Elementwise("relu")(x)],
                         ids=["nn.relu", "Elementwise"])
def test_relu_subgradient_at_zero_is_zero(fn):
    # TF's ReluGrad passes the gradient where x > 0 only
    y, (g,) = value_and_grads(fn, [-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(np.asarray(y), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 1.0])


def test_maximum_tie_sends_gradient_to_first_operand():
    y, (ga, gb) = value_and_grads(tf.maximum, [1.0, 2.0], [1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(ga), [1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(gb), [0.0, 0.0])


def test_fused_dense_relu_at_zero_preactivation():
    x = tf.constant([[1.0, -1.0]])
    k = tf.Variable([[1.0], [1.0]])  # pre-activation exactly 0
    with tf.GradientTape() as tape:
        y = dense_ops.dense(x, k, None, "relu")
    np.testing.assert_array_equal(tape.gradient(y, k).numpy(), [[0.0], [0.0]])


def test_relu6_and_abs_and_leaky_relu_at_their_kinks():
    _, (g,) = value_and_grads(tf.nn.relu6, [0.0, 6.0, 3.0])
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 1.0])
    _, (g,) = value_and_grads(tf.abs, [0.0, -2.0])
    np.testing.assert_array_equal(np.asarray(g), [0.0, -1.0])
    _, (g,) = value_and_grads(lambda x: tf.nn.leaky_relu(x, alpha=0.1), [0.0, 1.0])
    np.testing.assert_allclose(np.asarray(g), [0.1, 1.0])


def test_clip_by_value_passes_gradient_at_the_bounds():
    _, (g,) = value_and_grads(lambda x: tf.clip_by_value(x, 0.0, 1.0), [-1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(g), [0.0, 1.0, 1.0, 0.0])


def test_reduce_max_ties_share_the_gradient():
    _, (g,) = value_and_grads(tf.reduce_max, [3.0, 1.0, 3.0])
    np.testing.assert_array_equal(np.asarray(g), [0.5, 0.0, 0.5])


def test_reduce_prod_gradient_is_exact_with_zeros():
    _, (g,) = value_and_grads(tf.reduce_prod, [0.0, 2.0, 3.0], dtype="float64")
    np.testing.assert_array_equal(np.asarray(g), [6.0, 0.0, 0.0])
    _, (g,) = value_and_grads(tf.reduce_prod, [0.0, 2.0, 0.0], dtype="float64")
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 0.0])


def test_sign_gradient_is_zero_not_none():
    _, (g,) = value_and_grads(tf.sign, [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0, 0.0])


# -- large logits -----------------------------------------------------------------------------
BIG = [[1e4, 0.0, -1e4], [-1e4, -1e4, 1e4]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_and_log_softmax_at_large_logits(dtype):
    y, (g,) = value_and_grads(lambda z: tf.nn.softmax(z) * [[1.0, 2.0, 3.0]], BIG, dtype=dtype)
    assert_finite(y, g)
    np.testing.assert_allclose(tf.nn.softmax(tf.constant(BIG, dtype)).numpy(),
                               [[1, 0, 0], [0, 0, 1]], atol=1e-7)
    y, (g,) = value_and_grads(tf.nn.log_softmax, BIG, dtype=dtype)
    assert_finite(y, g)
    np.testing.assert_allclose(y.numpy(), [[0, -1e4, -2e4], [-2e4, -2e4, 0]], rtol=1e-6)
    y, (g,) = value_and_grads(tf.reduce_logsumexp, BIG, dtype=dtype)
    assert_finite(y, g)
    np.testing.assert_allclose(float(y), 1e4 + np.log(2), rtol=1e-6)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "softsign", "elu", "selu",
                                  "swish", "gelu", "gelu_tanh", "mish", "hard_sigmoid",
                                  "hard_silu", "relu", "relu6", "linear", "log_sigmoid"])
def test_activations_finite_at_large_inputs(name):
    y, (g,) = value_and_grads(lambda x: activations_ops.Elementwise(name)(x), [-1e4, -100.0, 100.0,
                                                                               1e4])
    assert_finite(y, g)


def test_sigmoid_saturates_without_overflow():
    y = tf.sigmoid(tf.constant([-1e4, 1e4])).numpy()
    assert 0.0 <= y[0] < 1e-30 and y[1] == 1.0


LOGIT_LABELS = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_crossentropies_from_logits_at_large_logits(dtype):
    y = np.asarray(LOGIT_LABELS, dtype)
    cases = {
        "binary": lambda z: cross_entropy_ops.binary_crossentropy(y, z, from_logits=True),
        "categorical": lambda z: cross_entropy_ops.categorical_crossentropy(y, z, from_logits=True),
        "sparse": lambda z: cross_entropy_ops.sparse_categorical_crossentropy([0, 1], z,
                                                                              from_logits=True),
        "sigmoid_ce": lambda z: tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z),
        "softmax_ce": lambda z: tf.nn.softmax_cross_entropy_with_logits(y, z),
        "sparse_softmax_ce": lambda z: tf.nn.sparse_softmax_cross_entropy_with_logits(
            [0, 1], z),
    }
    for name, fn in cases.items():
        loss, (g,) = value_and_grads(lambda z, fn=fn: tf.reduce_mean(fn(z)), BIG, dtype=dtype)
        assert_finite(loss, g)
        assert loss.dtype == np.dtype(dtype), name
    # row 2 puts all mass on the wrong class: the loss is the logit gap, not inf
    per_sample = cross_entropy_ops.categorical_crossentropy(y, tf.constant(BIG, dtype),
                                                            from_logits=True)
    np.testing.assert_allclose(per_sample.numpy(), [0.0, 2e4], rtol=1e-6)


PROBS = [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_crossentropies_from_probabilities_of_zero_and_one(dtype):
    y = np.asarray(LOGIT_LABELS, dtype)
    cases = {
        "binary": lambda p: cross_entropy_ops.binary_crossentropy(y, p),
        "categorical": lambda p: cross_entropy_ops.categorical_crossentropy(y, p),
        "sparse": lambda p: cross_entropy_ops.sparse_categorical_crossentropy([0, 1], p),
    }
    for name, fn in cases.items():
        loss, (g,) = value_and_grads(lambda p, fn=fn: tf.reduce_mean(fn(p)), PROBS, dtype=dtype)
        assert_finite(loss, g)
        assert loss.dtype == np.dtype(dtype) and g.dtype == np.dtype(dtype), name
    # a wrong certain prediction costs -log(epsilon), as Keras clips to [eps, 1 - eps]
    per_sample = cross_entropy_ops.categorical_crossentropy(y, tf.constant(PROBS, dtype))
    np.testing.assert_allclose(per_sample.numpy(), [0.0, -np.log(1e-7)], rtol=1e-5, atol=1e-6)
    bce = cross_entropy_ops.binary_crossentropy(np.array([[1.0], [0.0]], dtype),
                                tf.constant([[1.0], [1.0]], dtype))
    # 1 - eps rounds in float32 (to 1 - 2**-23), as it does in Keras
    top = np.asarray(1 - 1e-7, dtype)
    np.testing.assert_allclose(bce.numpy(), [0.0, -np.log(1 - top)], rtol=1e-5, atol=1e-6)


def test_labels_gradient_of_crossentropies_is_finite():
    y = tf.Variable(LOGIT_LABELS)
    p = tf.constant(PROBS)
    with tf.GradientTape(persistent=True) as tape:
        losses = [cross_entropy_ops.binary_crossentropy(y, p),
                  cross_entropy_ops.categorical_crossentropy(y, p),
                  cross_entropy_ops.binary_crossentropy(y, tf.constant(BIG), from_logits=True),
                  cross_entropy_ops.categorical_crossentropy(y, tf.constant(BIG), from_logits=True)]
    for loss in losses:
        assert_finite(tape.gradient(loss, y))


def test_divide_no_nan_and_xlogy_at_zero():
    _, (gx, gy) = value_and_grads(M.divide_no_nan, [1.0, 0.0], [0.0, 2.0])
    assert_finite(gx, gy)
    y, (gx, gy) = value_and_grads(tf.math.xlogy, [0.0, 2.0], [0.0, 1.0])
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.0])
    assert_finite(gx, gy)


def test_clip_by_norm_of_zero_has_finite_gradient():
    _, (g,) = value_and_grads(lambda x: M.clip_by_norm(x, 1.0), [0.0, 0.0])
    assert_finite(g)
