"""ops.activations, ops.softmax, ops.dense, ops.cross_entropy (Keras semantics)."""

import math

import numpy as np
import pytest

import featherflow as tf
from featherflow.ops import activations as activations_ops
from featherflow.ops import cross_entropy as cross_entropy_ops
from featherflow.ops import dense as dense_ops

X = np.linspace(-4, 4, 17).astype(np.float32)


def close(t, expected, **kw):
    np.testing.assert_allclose(np.asarray(t), expected, **{"rtol": 1e-5, "atol": 1e-6, **kw})


def sig(x):
    return 1 / (1 + np.exp(-np.asarray(x, np.float64)))


REFERENCE = {
    "sigmoid": sig,
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: activations_ops.SELU_SCALE * np.where(
        x > 0, x, activations_ops.SELU_ALPHA * np.expm1(x)),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "swish": lambda x: x * sig(x),
    "silu": lambda x: x * sig(x),
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),  # Keras 3: relu6(x + 3) / 6
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "gelu": lambda x: 0.5 * x * (1 + np.array([math.erf(v / math.sqrt(2)) for v in x])),
    "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                  * (x + 0.044715 * x ** 3))),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "exponential": np.exp,
    "linear": lambda x: x,
    "log_sigmoid": lambda x: np.log(sig(x)),
}


@pytest.mark.parametrize("kind", sorted(activations_ops.ELEMENTWISE))
def test_activation_values(kind):
    out = activations_ops.Elementwise(kind)(tf.constant(X))
    assert out.dtype == np.float32
    close(out, REFERENCE[kind](X.astype(np.float64)), rtol=2e-6, atol=2e-6)


def test_nn_functions_match_their_kinds():
    for name in ("relu", "relu6", "selu", "softplus", "softsign", "silu", "swish", "sigmoid",
                 "tanh", "log_sigmoid"):
        close(getattr(tf.nn, name)(X), REFERENCE[name](X.astype(np.float64)), rtol=2e-6)
    close(tf.nn.gelu(X), REFERENCE["gelu"](X), rtol=2e-6, atol=2e-6)
    close(tf.nn.gelu(X, approximate=True), REFERENCE["gelu_tanh"](X), rtol=2e-6, atol=2e-6)
    close(tf.nn.leaky_relu(X), np.where(X > 0, X, 0.2 * X))  # TF's default alpha is 0.2
    close(tf.nn.elu(X, alpha=0.5), np.where(X > 0, X, 0.5 * np.expm1(X)))
    close(tf.math.log_sigmoid([-100.0, 30.0]), [-100.0, -9.357623e-14])


def test_softmax_and_log_softmax_over_axes():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    for axis in (-1, 0, 1):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        sm = e / e.sum(axis=axis, keepdims=True)
        close(tf.nn.softmax(x, axis=axis), sm)
        close(tf.nn.log_softmax(x, axis=axis), np.log(sm), atol=1e-5)


@pytest.mark.parametrize("activation", [None, "linear",
                                        "softmax"] + sorted(activations_ops.ELEMENTWISE))
@pytest.mark.parametrize("lead", [(5,), (2, 3)], ids=["2d", "3d"])
def test_fused_dense_equals_unfused(activation, lead):
    rng = np.random.default_rng(1)
    x = rng.normal(size=lead + (4,)).astype(np.float32)
    k = tf.Variable(rng.normal(size=(4, 3)).astype(np.float32))
    b = tf.Variable(rng.normal(size=(3,)).astype(np.float32))

    def unfused(x):
        z = tf.matmul(tf.reshape(x, (-1, 4)), k) + b
        z = tf.reshape(z, lead + (3,))
        if activation in (None, "linear"):
            return z
        if activation == "softmax":
            return tf.nn.softmax(z)
        return activations_ops.Elementwise(activation)(z)

    xs = tf.constant(x)
    results = []
    for fn in (lambda x: dense_ops.dense(x, k, b, activation), unfused):
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = fn(xs)
            loss = tf.reduce_sum(y * np.linspace(0.5, 1.5, y.shape[-1]))
        results.append((y, *tape.gradient(loss, [xs, k, b])))
    for fused, plain in zip(*results):
        assert fused.dtype == np.float32
        assert fused.shape == plain.shape
        close(fused, plain, rtol=1e-4, atol=1e-5)


def test_dense_without_bias_and_with_int_input():
    k = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    out = dense_ops.dense([[1, 1]], k)
    assert out.dtype == np.float32
    close(out, [[4.0, 6.0]])
    with pytest.raises(ValueError, match=r"input of shape \(1, 3\).*kernel of shape \(2, 2\)"):
        dense_ops.dense(np.ones((1, 3)), k)
    with pytest.raises(ValueError, match="unknown activation 'foo'"):
        dense_ops.dense(np.ones((1, 2)), k, activation="foo")
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        dense_ops.dense(np.ones((1, 2)), k, np.ones(3))


def test_fused_dense_is_one_tape_node():
    x = tf.constant(np.ones((2, 2), np.float32))
    k, b = tf.Variable(np.ones((2, 2), np.float32)), tf.Variable(np.zeros(2, np.float32))
    with tf.GradientTape():
        y = dense_ops.dense(x, k, b, "sigmoid")
    assert isinstance(y._node, dense_ops.Dense)
    assert y._node.inputs[1] is k and y._node.inputs[2] is b


Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
P = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]], np.float32)
Z = np.array([[1.0, 3.0, -2.0], [0.5, 0.0, 2.0]], np.float32)
EPS = 1e-7


def test_binary_crossentropy_probabilities_and_logits():
    c = np.clip(P, EPS, 1 - EPS)
    expected = -(Y * np.log(c) + (1 - Y) * np.log(1 - c)).mean(axis=-1)
    close(cross_entropy_ops.binary_crossentropy(Y, P), expected)
    s = sig(Z)
    close(cross_entropy_ops.binary_crossentropy(Y, Z, from_logits=True),
          -(Y * np.log(s) + (1 - Y) * np.log(1 - s)).mean(axis=-1))
    close(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=Z),
          -(Y * np.log(s) + (1 - Y) * np.log(1 - s)))
    w = 2.5
    close(tf.nn.weighted_cross_entropy_with_logits(Y, Z, w),
          -(w * Y * np.log(s) + (1 - Y) * np.log(1 - s)), rtol=1e-5)
    assert cross_entropy_ops.binary_crossentropy(Y, P).shape == (2,)


def test_categorical_crossentropies():
    q = P / P.sum(axis=-1, keepdims=True)
    close(cross_entropy_ops.categorical_crossentropy(Y, P), -(Y * np.log(np.clip(q, EPS,
                                                                                 1 - EPS))).sum(-1))
    logp = Z - Z.max(-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
    close(cross_entropy_ops.categorical_crossentropy(Y, Z, from_logits=True), -(Y * logp).sum(-1))
    close(tf.nn.softmax_cross_entropy_with_logits(Y, Z), -(Y * logp).sum(-1))
    labels = np.array([1, 0])
    close(cross_entropy_ops.sparse_categorical_crossentropy(labels, P), -np.log(q[[0, 1], labels]))
    close(cross_entropy_ops.sparse_categorical_crossentropy(labels[:, None], Z, from_logits=True),
          -logp[[0, 1], labels])
    close(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, Z), -logp[[0, 1], labels])
    # unnormalised probabilities are renormalised, as Keras does
    close(cross_entropy_ops.categorical_crossentropy(Y, P * 3),
          cross_entropy_ops.categorical_crossentropy(Y, P))


def test_crossentropy_label_errors():
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\).*\[3\]"):
        cross_entropy_ops.sparse_categorical_crossentropy([3, 0], P)
    with pytest.raises(ValueError, match="whole numbers"):
        cross_entropy_ops.sparse_categorical_crossentropy([0.5, 1.0], P)
    with pytest.raises(ValueError, match=r"labels of shape \(3,\)"):
        cross_entropy_ops.sparse_categorical_crossentropy([0, 1, 1], P)
    with pytest.raises(ValueError, match="only axis=-1"):
        cross_entropy_ops.sparse_categorical_crossentropy([0, 1], P, axis=0)
    with pytest.raises(ValueError, match=r"labels of shape \(2, 2\) and predictions of shape"):
        cross_entropy_ops.categorical_crossentropy(np.ones((2, 2)), P)


def test_crossentropy_with_tensor_labels_of_another_dtype():
    labels = tf.constant([[0, 1, 0], [1, 0, 0]])
    close(cross_entropy_ops.binary_crossentropy(labels, P),
          cross_entropy_ops.binary_crossentropy(Y, P))
    assert cross_entropy_ops.categorical_crossentropy(labels, P).dtype == np.float32


def test_bias_add_l2_loss_moments_batch_normalization():
    x = np.random.default_rng(2).normal(size=(2, 3, 2, 2)).astype(np.float32)
    b = np.array([1.0, 2.0, 3.0], np.float32)
    close(tf.nn.bias_add(x, b, data_format="NCHW"), x + b[:, None, None])
    close(tf.nn.bias_add(x[..., :1, :1, :1].reshape(2, 1), [5.0]), x[:, :1, 0, 0] + 5)
    close(tf.nn.l2_loss(Z), (Z * Z).sum() / 2)
    mean, var = tf.nn.moments(x, axes=[0, 2, 3])
    close(mean, x.mean(axis=(0, 2, 3)))
    close(var, x.var(axis=(0, 2, 3)), rtol=1e-5)
    out = tf.nn.batch_normalization(Z, 0.5, 2.0, 0.1, 3.0, 1e-3)
    close(out, (Z - 0.5) / np.sqrt(2.0 + 1e-3) * 3.0 + 0.1)


def test_dropout_scales_kept_values_and_is_seeded():
    x = np.ones((100, 100), np.float32)
    a = tf.nn.dropout(x, 0.25, seed=4).numpy()
    b = tf.nn.dropout(x, 0.25, seed=4).numpy()
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, np.float32(1 / 0.75)}
    assert 0.2 < (a == 0).mean() < 0.3
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        tf.nn.dropout(x, 1.0)
