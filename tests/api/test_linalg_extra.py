"""tf.linalg's decompositions, solves, matrix functions and diagonals against TensorFlow 2.21
(tools/data_fixtures/linalg.py), plus central-difference gradient checks.

Tolerance rtol 1e-5 / atol 1e-6, except the SVD's singular-vector gradients (rtol 1e-4): float32
factorisations run on different code paths (NumPy's LAPACK here, Eigen in TF) whose rounding
differs by a few ulps, and the vector gradient divides by s_i^2 - s_j^2 (gaps ~0.3 for this
matrix), which amplifies it to 8.6e-5 relative; float64 cases agree to ~1e-12.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

_LOOSE = ("svd_grad_vectors",)
test_linalg_scenario, workdir = scenario_test(
    "linalg", rtol=1e-5, atol=1e-6,
    skip=lambda n: "checked at rtol 1e-4 below" if n.startswith(_LOOSE) else None)
test_linalg_svd_vector_gradients, _workdir = scenario_test("linalg", rtol=1e-4, atol=1e-5,
                                                           prefixes=_LOOSE)

_rng = np.random.default_rng(8)
_A = _rng.normal(size=(4, 4))
_SPD = _A @ _A.T + 3 * np.eye(4)
_TALL = _rng.normal(size=(5, 3))
_WIDE = _rng.normal(size=(3, 5))
_W = _rng.normal(size=(5, 5))


@pytest.mark.parametrize("fn, x", [
    (lambda x: tf.reduce_sum(_W[:5, :3] * tf.linalg.qr(x)[0]) + tf.reduce_sum(
        _W[:3, :3] * tf.linalg.qr(x)[1]), _TALL),
    (lambda x: tf.reduce_sum(_W[:3, :3] * tf.linalg.qr(x)[0]) + tf.reduce_sum(
        _W[:3, :5] * tf.linalg.qr(x)[1]), _WIDE),
    (lambda x: tf.reduce_sum(_W[0, :3] * tf.linalg.svd(x, compute_uv=False)), _TALL),
    (lambda x: tf.reduce_sum(_W[:5, :3] * tf.square(tf.linalg.svd(x)[1]))
     + tf.reduce_sum(_W[:3, :3] * tf.square(tf.linalg.svd(x)[2])), _TALL),
    (lambda x: tf.reduce_sum(_W[:3, :3] * tf.square(tf.linalg.svd(x)[1]))
     + tf.reduce_sum(_W[:5, :3] * tf.square(tf.linalg.svd(x)[2])), _WIDE),
    (lambda x: tf.reduce_sum(_W[:4, :4] * tf.linalg.inv(x)), _A),
    (lambda x: tf.linalg.det(x), _A),
    (lambda x: tf.linalg.slogdet(x)[1], _A),
    (lambda x: tf.reduce_sum(_W[:4, :4] * tf.linalg.expm(0.3 * x)), _A),
    (lambda x: tf.reduce_sum(_W[:4, :4] * tf.linalg.expm(2.0 * x)), _A),
    (lambda x: tf.reduce_sum(_W[:3, :5] * tf.linalg.pinv(x)), _TALL),
    (lambda x: tf.reduce_sum(_W[:4, :4] * tf.linalg.band_part(x, 1, 0)), _A),
    (lambda x: tf.reduce_sum(_W[0, :4] * tf.linalg.diag_part(x)), _A),
    (lambda x: tf.reduce_sum(_W[:2, :3] * tf.linalg.diag_part(x[:3], k=(0, 1))), _A),
])
def test_gradients_match_central_differences(fn, x):
    check_gradients(fn, [x], rtol=1e-5, atol=1e-6)


def test_symmetric_input_gradients():
    # cholesky, eigh and sqrtm read a symmetric matrix (TF's gradients are symmetrised, or
    # the lower triangle for eigh): check along symmetric perturbations
    check_gradients(lambda x: tf.reduce_sum(_W[:4, :4] * tf.linalg.cholesky(
        (x + tf.linalg.matrix_transpose(x)) / 2.0)), [_SPD], rtol=1e-5, atol=1e-6)
    def sym(fn):
        return lambda x: fn((x + tf.linalg.matrix_transpose(x)) / 2.0)

    check_gradients(sym(lambda s: tf.reduce_sum(_W[0, :4] * tf.linalg.eigh(s)[0])
                        + tf.reduce_sum(_W[:4, :4] * tf.square(tf.linalg.eigh(s)[1]))),
                    [_SPD], rtol=1e-5, atol=1e-6)
    check_gradients(sym(lambda s: tf.reduce_sum(_W[:4, :4] * tf.linalg.sqrtm(s))), [_SPD],
                    rtol=1e-5, atol=1e-6)


def test_solve_gradients():
    b = _rng.normal(size=(4, 2))
    low = np.tril(_A) + 3 * np.eye(4)
    check_gradients(lambda a, r: tf.reduce_sum(_W[:4, :2] * tf.linalg.solve(a, r, adjoint=True)),
                    [_A, b], rtol=1e-5, atol=1e-6)
    check_gradients(lambda a, r: tf.reduce_sum(_W[:4, :2] * tf.linalg.triangular_solve(a, r)),
                    [low, b], rtol=1e-5, atol=1e-6)
    check_gradients(lambda a, r: tf.reduce_sum(_W[:3, :2] * tf.linalg.lstsq(a, r)),
                    [_TALL, _rng.normal(size=(5, 2))], rtol=1e-5, atol=1e-6)
    tri = _rng.normal(size=(3, 5))
    tri[1] += 4
    check_gradients(lambda d, r: tf.reduce_sum(_W[:5, :2] * tf.linalg.tridiagonal_solve(d, r)),
                    [tri, _rng.normal(size=(5, 2))], rtol=1e-5, atol=1e-6)


def test_lu_round_trip_and_solve():
    p_lu = tf.linalg.lu(_A)
    np.testing.assert_allclose(tf.linalg.lu_reconstruct(*p_lu).numpy(), _A, atol=1e-12)
    np.testing.assert_allclose(tf.linalg.lu_matrix_inverse(*p_lu).numpy(), np.linalg.inv(_A),
                               atol=1e-12)


def test_bad_input():
    with pytest.raises(tf.errors.InvalidArgumentError, match="positive definite"):
        tf.linalg.cholesky(-_SPD)
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.linalg.det(_TALL)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(np.ones((3, 3)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="k must be"):
        tf.linalg.diag_part(_A, k=(1, 0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="align"):
        tf.linalg.diag(np.ones(3), align="CENTER")
    with pytest.raises(tf.errors.InvalidArgumentError, match="complex"):
        tf.linalg.logm(_SPD)
