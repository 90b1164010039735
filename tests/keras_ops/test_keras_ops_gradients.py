"""keras.ops gradients against central differences (float64), for the ops whose gradient
featherflow writes itself (``featherflow/keras/ops/_primitives.py``) and for compositions."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients

ops = tf.keras.ops
rng = np.random.default_rng(7)
X = rng.uniform(-1.5, 1.5, (3, 4))
POS = rng.uniform(0.5, 2.0, (3, 4))
UNIT = rng.uniform(-0.8, 0.8, (3, 4))
SQ = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)

CASES = {
    "arcsinh": (lambda x: ops.arcsinh(x), [X]),
    "arccosh": (lambda x: ops.arccosh(x + 2.0), [POS]),
    "arctanh": (lambda x: ops.arctanh(x), [UNIT]),
    "erfinv": (lambda x: ops.erfinv(x), [UNIT]),
    "cbrt": (lambda x: ops.cbrt(x), [POS]),
    "exp2_log2_log10": (lambda x: ops.exp2(x) + ops.log2(x) + ops.log10(x), [POS]),
    "sinc": (lambda x: ops.sinc(x), [X]),
    "arctan2": (lambda a, b: ops.arctan2(a, b), [X, POS]),
    "hypot": (lambda a, b: ops.hypot(a, b), [X, POS]),
    "logaddexp2": (lambda a, b: ops.logaddexp2(a, b), [X, X[::-1]]),
    "fmod": (lambda a, b: ops.fmod(a, b), [X * 3, POS]),
    "cumprod": (lambda x: ops.cumprod(x, axis=1), [X]),
    "cumprod_with_zero": (lambda x: ops.cumprod(x * np.array([1.0, 0.0, 1.0, 1.0]), axis=1),
                          [X]),
    "take_repeated": (lambda x: ops.take(x, np.array([1, 1, 3, -1]), axis=1), [X]),
    "take_along_repeated": (lambda x: ops.take_along_axis(x, np.array([[0, 0], [2, 2], [1, 3]]),
                                                          axis=1), [X]),
    "diagonal_trace": (lambda x: ops.diagonal(x, 1) * 2.0 + ops.trace(x), [X]),
    "inv": (lambda a: ops.inv(a), [SQ]),
    "det": (lambda a: ops.det(a), [SQ]),
    "slogdet": (lambda a: ops.slogdet(a)[1], [SQ]),
    "solve": (lambda a, b: ops.solve(a, b), [SQ, X[:, :2]]),
    "solve_vector": (lambda a, b: ops.linalg.solve(a, b), [SQ, X[:, 0]]),
    "pinv": (lambda a: ops.pinv(a), [X]),
    "quantile": (lambda x: ops.quantile(x, np.array([0.2, 0.5]), axis=1), [X]),
    "median_all": (lambda x: ops.median(x), [X]),
    "kron": (lambda a, b: ops.kron(a, b), [X[:2, :2], X[1:, 2:]]),
    "cross": (lambda a, b: ops.cross(a, b), [X[:, :3], X[:, 1:]]),
    "correlate": (lambda a, v: ops.correlate(a, v, mode="full"), [X[0], X[1, :3]]),
    "trapezoid": (lambda y: ops.trapezoid(y, dx=0.5), [X]),
    "norm_matrix_1": (lambda x: ops.norm(x, ord=1, axis=(0, 1)), [X]),
    "norm_p3": (lambda x: ops.norm(x, ord=3, axis=1), [POS]),
    "var_std": (lambda x: ops.var(x, axis=0) + ops.std(x), [X]),
    "nanmean_nansum": (lambda x: ops.nanmean(x) + ops.nansum(x, axis=1), [X]),
    "softmax_multi_axis": (lambda x: ops.softmax(x, axis=(0, 1)), [X]),
    "dot_product_attention": (
        lambda q, k, v: ops.dot_product_attention(q, k, v, is_causal=True),
        [rng.normal(size=(1, 3, 2, 4)), rng.normal(size=(1, 3, 2, 4)),
         rng.normal(size=(1, 3, 2, 4))]),
    "layer_normalization": (lambda x: ops.layer_normalization(x, axis=-1), [X]),
    "rms_normalization": (lambda x: ops.rms_normalization(x), [X]),
    "fori_loop": (lambda x: ops.fori_loop(0, 3, lambda i, v: v * x + 1.0, x), [X]),
    "scan": (lambda x: ops.scan(lambda c, r: (c * r, c + r), ops.ones((4,), "float64"), x)[0],
             [X]),
    "where_select": (lambda x: ops.select([x > 0.5, x < -0.5], [x * 2, x * x], 1.0), [X]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_central_differences(name):
    fn, inputs = CASES[name]
    check_gradients(fn, inputs, atol=1e-6, rtol=1e-5)


def test_custom_gradient_through_keras_ops():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return ops.clip(upstream, -0.1, 0.1)
        return x * 1.0, grad

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(clipped_identity(x) * 5.0)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.1, 0.1])


def test_jvp_is_jacobian_times_tangent():
    x = np.array([0.3, -1.2, 2.0])
    t = np.array([1.0, 0.5, -2.0])
    out, tangent = ops.linalg.jvp(lambda v: ops.sin(v) * v, [x], [t])
    np.testing.assert_allclose(out.numpy(), np.sin(x) * x, rtol=1e-6)
    np.testing.assert_allclose(tangent.numpy(), (np.cos(x) * x + np.sin(x)) * t, rtol=1e-5)


def test_bad_inputs_say_what_was_expected():
    with pytest.raises(ValueError, match="square matrices"):
        ops.inv(np.ones((2, 3)))
    with pytest.raises(ValueError, match="q must be in"):
        ops.quantile(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="equal parts"):
        ops.split(np.ones(5), 2)
    with pytest.raises(ValueError, match="mode must be"):
        ops.pad(np.ones(3), 1, mode="edge")
    with pytest.raises(ValueError, match="invalid dtype"):
        ops.zeros((2,), dtype="floaty")
    with pytest.raises(ValueError, match="scalar boolean"):
        ops.cond(np.array([True, False]), lambda: 1, lambda: 2)


def test_namespaces_match_keras():
    assert ops.numpy.matmul is ops.matmul
    assert ops.nn.relu is ops.relu
    assert ops.linalg.inv is ops.inv
    assert callable(ops.image.resize)
    assert tf.keras.ops is __import__("featherflow.keras.ops", fromlist=["x"])


def test_sparsemax_rows_are_distributions():
    x = np.array([[1.0, 0.9, -2.0, 0.95], [0.1, 0.2, 0.3, 0.25]], np.float32)
    out = ops.sparsemax(x).numpy()
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-6)
    assert (out >= 0).all()
    assert out[0, 2] == 0  # far below the others: outside the support
