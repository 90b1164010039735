# ruff: noqa: E501 - a table of one-line cases
"""tf.linalg.LinearOperator* and tf.linalg.experimental.conjugate_gradient from TF 2.21: each
operator's dense matrix, shape, products, solves, determinants, diagonal, trace and adjoint."""

import numpy as np

_rng = np.random.default_rng(17)
M = (_rng.normal(size=(3, 3)) + 3 * np.eye(3)).astype(np.float32)
SPD = (M @ M.T).astype(np.float32)
D = np.array([1.5, -2.0, 4.0], np.float32)
X = _rng.normal(size=(3, 2)).astype(np.float32)
V = _rng.normal(size=(3,)).astype(np.float32)
B2 = _rng.normal(size=(2, 2)).astype(np.float32) + 2 * np.eye(2, dtype=np.float32)
X6 = _rng.normal(size=(6, 2)).astype(np.float32)
X5 = _rng.normal(size=(5, 2)).astype(np.float32)
U = _rng.normal(size=(3, 1)).astype(np.float32)


def _report(op, x):
    out = {"dense": op.to_dense(), "shape": op.shape, "matmul": op.matmul(x),
           "matmul_adj": op.matmul(x, adjoint=True), "diag_part": op.diag_part(),
           "trace": op.trace(), "adjoint_dense": op.adjoint().to_dense(),
           "matvec": op.matvec(x[:, 0])}
    if op.is_square is not False and op.is_non_singular is not False:
        out.update({"solve": op.solve(x), "solve_adj": op.solve(x, adjoint=True),
                    "solvevec": op.solvevec(x[:, 0]), "det": op.determinant(),
                    "log_abs_det": op.log_abs_determinant(), "inverse_dense": op.inverse().to_dense()})
    return out


def _ops(tf):
    L = tf.linalg
    return {
        "full": (L.LinearOperatorFullMatrix(M), X),
        "diag": (L.LinearOperatorDiag(D), X),
        "identity": (L.LinearOperatorIdentity(3), X),
        "identity_batch": (L.LinearOperatorIdentity(3, batch_shape=[2]), X),
        "scaled_identity": (L.LinearOperatorScaledIdentity(3, 2.5), X),
        "lower_triangular": (L.LinearOperatorLowerTriangular(M), X),
        "adjoint": (L.LinearOperatorAdjoint(L.LinearOperatorFullMatrix(M)), X),
        "inversion": (L.LinearOperatorInversion(L.LinearOperatorFullMatrix(M)), X),
        "composition": (L.LinearOperatorComposition([L.LinearOperatorFullMatrix(M), L.LinearOperatorDiag(D)]), X),
        "block_diag": (L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(M), L.LinearOperatorFullMatrix(B2)]), X5),
        "block_lower_triangular": (L.LinearOperatorBlockLowerTriangular([[L.LinearOperatorFullMatrix(B2)], [L.LinearOperatorFullMatrix(_rng_block()), L.LinearOperatorFullMatrix(M)]]), X5),
        "kronecker": (L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(B2), L.LinearOperatorFullMatrix(M)]), X6),
        "permutation": (L.LinearOperatorPermutation([2, 0, 1]), X),
        "householder": (L.LinearOperatorHouseholder(V), X),
        "low_rank_update": (L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(np.abs(D) + 1), U), X),
        "low_rank_update_dv": (L.LinearOperatorLowRankUpdate(L.LinearOperatorFullMatrix(M), U, diag_update=[2.0], v=U[::-1].copy()), X),
        "toeplitz": (L.LinearOperatorToeplitz([4.0, 1.0, 0.5], [4.0, -1.0, 2.0]), X),
        "tridiag": (L.LinearOperatorTridiag(np.array([[1.0, 2.0, 0.0], [5.0, 6.0, 7.0], [0.0, -1.0, 3.0]], np.float32)), X),
        "circulant_real": (L.LinearOperatorCirculant(np.fft.fft([4.0, 1.0, 1.0]).astype(np.complex64), input_output_dtype=tf.float32), X),
        "circulant_complex": (L.LinearOperatorCirculant(np.array([3.0 + 1j, 1.0 - 2j, 2.0 + 0.5j], np.complex64)), X.astype(np.complex64)),
        "circulant_2d": (L.LinearOperatorCirculant2D(np.fft.fft2(np.array([[4.0, 1.0, 0.5], [1.0, 0.2, 0.1]])).astype(np.complex64), input_output_dtype=tf.float32), X6),
    }


def _rng_block():
    return np.random.default_rng(3).normal(size=(3, 2)).astype(np.float32)


def _scenario(key):
    def run(tf):
        op, x = _ops(tf)[key]
        out = _report(op, x)
        return {k: ([tf.math.real(v), tf.math.imag(v)] if hasattr(v, "dtype") and "complex" in v.dtype.name else v) for k, v in out.items()}
    return run


KEYS = ["full", "diag", "identity", "identity_batch", "scaled_identity", "lower_triangular", "adjoint",
        "inversion", "composition", "block_diag", "block_lower_triangular", "kronecker",
        "permutation", "householder", "low_rank_update", "low_rank_update_dv", "toeplitz",
        "tridiag", "circulant_real", "circulant_complex", "circulant_2d"]

SCENARIOS = {f"op_{k}": _scenario(k) for k in KEYS}
SCENARIOS.update({
    "zeros": lambda tf: {"dense": tf.linalg.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False).to_dense(), "matmul": tf.linalg.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False).matmul(X), "shape": tf.linalg.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False).shape},
    "zeros_rect_self_adjoint": lambda tf: tf.linalg.LinearOperatorZeros(2, 3, is_square=False),
    "zeros_square": lambda tf: [tf.linalg.LinearOperatorZeros(3).determinant(), tf.linalg.LinearOperatorZeros(3).diag_part()],
    "flags": lambda tf: [[op.is_square, op.is_self_adjoint, op.is_positive_definite, op.is_non_singular] for op in (tf.linalg.LinearOperatorDiag(D), tf.linalg.LinearOperatorIdentity(2), tf.linalg.LinearOperatorFullMatrix(M), tf.linalg.LinearOperatorHouseholder(V))],
    "matmul_operator": lambda tf: tf.linalg.LinearOperatorDiag(D).matmul(tf.linalg.LinearOperatorFullMatrix(M)).to_dense(),
    "matmul_operator_symbol": lambda tf: (tf.linalg.LinearOperatorFullMatrix(M) @ tf.linalg.LinearOperatorDiag(D)).to_dense(),
    "cholesky": lambda tf: tf.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True, is_positive_definite=True).cholesky().to_dense(),
    "eigvals": lambda tf: tf.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True).eigvals(),
    "cond": lambda tf: tf.linalg.LinearOperatorFullMatrix(M).cond(),
    "add_to_tensor": lambda tf: tf.linalg.LinearOperatorDiag(D).add_to_tensor(M),
    "matmul_adjoint_arg": lambda tf: tf.linalg.LinearOperatorFullMatrix(M).matmul(X.T, adjoint_arg=True),
    "batch_diag": lambda tf: {"dense": tf.linalg.LinearOperatorDiag(np.stack([D, D * 2])).to_dense(), "det": tf.linalg.LinearOperatorDiag(np.stack([D, D * 2])).determinant(), "batch_shape": tf.linalg.LinearOperatorDiag(np.stack([D, D * 2])).batch_shape},
    "cg": lambda tf: tf.linalg.experimental.conjugate_gradient(tf.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True, is_positive_definite=True), tf.constant(X[:, 0])),
    "cg_precond": lambda tf: tf.linalg.experimental.conjugate_gradient(tf.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True, is_positive_definite=True), tf.constant(X[:, 0]), preconditioner=tf.linalg.LinearOperatorDiag(1.0 / np.diag(SPD)), max_iter=2),
    "cg_x0": lambda tf: tf.linalg.experimental.conjugate_gradient(tf.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True, is_positive_definite=True), tf.constant(X[:, 0]), x=np.ones(3, np.float32), tol=1e-3),
})
