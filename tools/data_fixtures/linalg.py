# ruff: noqa: E501 - a table of one-line cases
"""tf.linalg's decompositions, solves and matrix functions, with gradients, from TensorFlow 2.21.

Gradients are of a weighted sum of the outputs (weights W*) so no symmetry hides an error; for
eigh and svd the weights apply to sign-free quantities (eigenvalues, squared vector entries).
"""

import numpy as np

_rng = np.random.default_rng(5)
A = _rng.normal(size=(4, 4)).astype(np.float32)
A64 = _rng.normal(size=(4, 4))
SPD = (A @ A.T + 4 * np.eye(4, dtype=np.float32)).astype(np.float32)
SPD64 = A64 @ A64.T + 3 * np.eye(4)
BATCH = _rng.normal(size=(2, 3, 3)).astype(np.float32)
BSPD = (BATCH @ np.swapaxes(BATCH, -1, -2) + 2 * np.eye(3, dtype=np.float32)).astype(np.float32)
TALL = _rng.normal(size=(5, 3)).astype(np.float32)
TALL64 = _rng.normal(size=(5, 3))
WIDE = _rng.normal(size=(3, 5)).astype(np.float32)
RHS = _rng.normal(size=(4, 2)).astype(np.float32)
RHS64 = _rng.normal(size=(4, 2))
RHS5 = _rng.normal(size=(5, 2)).astype(np.float32)
BRHS = _rng.normal(size=(2, 3, 2)).astype(np.float32)
LOW = np.tril(A) + 3 * np.eye(4, dtype=np.float32)
UP = np.triu(A) + 3 * np.eye(4, dtype=np.float32)
W4 = _rng.normal(size=(4, 4)).astype(np.float32)
W4_64 = _rng.normal(size=(4, 4))
W3 = _rng.normal(size=(3, 3)).astype(np.float32)
W53 = _rng.normal(size=(5, 3)).astype(np.float32)
W35 = _rng.normal(size=(3, 5)).astype(np.float32)
W42 = _rng.normal(size=(4, 2)).astype(np.float32)
W4v = _rng.normal(size=(4,)).astype(np.float32)
W3v = _rng.normal(size=(3,)).astype(np.float32)
SMALL = (0.3 * _rng.normal(size=(3, 3))).astype(np.float32)
SMALL64 = 0.4 * _rng.normal(size=(4, 4))
V3 = _rng.normal(size=(4, 3)).astype(np.float32)
U3 = _rng.normal(size=(4, 3)).astype(np.float32)
DIAG = _rng.normal(size=(2, 3)).astype(np.float32)
TRI = _rng.normal(size=(3, 5)).astype(np.float32)
TRI[1] += 4.0
TRHS = _rng.normal(size=(5, 2)).astype(np.float32)


def _grad(tf, fn, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    return [y, tape.gradient(y, xs)]


def _sorted_real(tf, w):
    return tf.sort(tf.math.real(w))


SCENARIOS = {
    # -- decompositions ------------------------------------------------------------------
    "cholesky": lambda tf: tf.linalg.cholesky(SPD),
    "cholesky_batch": lambda tf: tf.linalg.cholesky(BSPD),
    "cholesky_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4 * tf.linalg.cholesky(x)), SPD),
    "cholesky_grad64": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4_64 * tf.linalg.cholesky(x)), SPD64),
    "cholesky_solve": lambda tf: tf.linalg.cholesky_solve(tf.linalg.cholesky(SPD), RHS),
    "cholesky_solve_grad": lambda tf: _grad(tf, lambda c, b: tf.reduce_sum(W42 * tf.linalg.cholesky_solve(c, b)), np.linalg.cholesky(SPD).astype(np.float32), RHS),
    "qr": lambda tf: tf.linalg.qr(TALL), "qr_full": lambda tf: tf.linalg.qr(TALL, full_matrices=True),
    "qr_wide": lambda tf: tf.linalg.qr(WIDE), "qr_batch": lambda tf: tf.linalg.qr(BATCH),
    "qr_grad": lambda tf: _grad(tf, lambda x: [tf.reduce_sum(W53 * tf.linalg.qr(x)[0]), tf.reduce_sum(W3 * tf.linalg.qr(x)[1])], TALL),
    "qr_grad_square": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4 * tf.linalg.qr(x)[0]) + tf.reduce_sum(W4 * tf.linalg.qr(x)[1]), A),
    "qr_grad_wide": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W3 * tf.linalg.qr(x)[0]) + tf.reduce_sum(W35 * tf.linalg.qr(x)[1]), WIDE),
    "svd_values": lambda tf: tf.linalg.svd(TALL, compute_uv=False),
    "svd_abs": lambda tf: [tf.abs(t) for t in tf.linalg.svd(TALL)],
    "svd_full_abs": lambda tf: [tf.abs(t[..., :3]) for t in tf.linalg.svd(TALL, full_matrices=True)[1:]] + [tf.shape(tf.linalg.svd(TALL, full_matrices=True)[1]), tf.matmul(tf.linalg.svd(TALL, full_matrices=True)[1], tf.linalg.svd(TALL, full_matrices=True)[1], transpose_b=True)],
    "svd_batch_values": lambda tf: tf.linalg.svd(BATCH, compute_uv=False),
    "svd_grad_values": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W3v * tf.linalg.svd(x, compute_uv=False)), TALL),
    "svd_grad_vectors": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W3v * tf.linalg.svd(x)[0]) + tf.reduce_sum(W53 * tf.square(tf.linalg.svd(x)[1])) + tf.reduce_sum(W3 * tf.square(tf.linalg.svd(x)[2])), TALL),
    "svd_grad_vectors_wide": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W3 * tf.square(tf.linalg.svd(x)[1])) + tf.reduce_sum(W53 * tf.square(tf.linalg.svd(x)[2])), WIDE),
    "eigh": lambda tf: [tf.linalg.eigh(SPD)[0], tf.abs(tf.linalg.eigh(SPD)[1])],
    "eigh_batch_values": lambda tf: tf.linalg.eigh(BSPD)[0],
    "eigvalsh": lambda tf: tf.linalg.eigvalsh(SPD),
    "eigh_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4v * tf.linalg.eigh(x)[0]) + tf.reduce_sum(W4 * tf.square(tf.linalg.eigh(x)[1])), SPD),
    "eigh_grad_unsym": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4v * tf.linalg.eigvalsh(x)), A),
    "eigvals_real": lambda tf: _sorted_real(tf, tf.linalg.eigvals(SPD)),
    "eig_real": lambda tf: _sorted_real(tf, tf.linalg.eig(SPD)[0]),
    "eig_dtype": lambda tf: [tf.linalg.eig(A)[0].dtype.name, tf.linalg.eig(A64)[1].dtype.name],
    "eigh_tridiagonal": lambda tf: tf.linalg.eigh_tridiagonal(TRI[1].astype(np.float64), TRI[0, :4].astype(np.float64)),
    "eigh_tridiagonal_vectors": lambda tf: tf.abs(tf.linalg.eigh_tridiagonal(TRI[1].astype(np.float64), TRI[0, :4].astype(np.float64), eigvals_only=False)[1]),
    "eigh_tridiagonal_index": lambda tf: tf.linalg.eigh_tridiagonal(TRI[1].astype(np.float64), TRI[0, :4].astype(np.float64), select="i", select_range=[1, 3]),
    "eigh_tridiagonal_value": lambda tf: tf.linalg.eigh_tridiagonal(TRI[1].astype(np.float64), TRI[0, :4].astype(np.float64), select="v", select_range=[-1.0, 4.5]),
    "lu": lambda tf: tf.linalg.lu(A), "lu_batch": lambda tf: tf.linalg.lu(BATCH),
    "lu_reconstruct": lambda tf: tf.linalg.lu_reconstruct(*tf.linalg.lu(A)),
    "lu_solve": lambda tf: tf.linalg.lu_solve(*tf.linalg.lu(A), RHS),
    "lu_matrix_inverse": lambda tf: tf.linalg.lu_matrix_inverse(*tf.linalg.lu(A)),
    # -- solves and inverses -------------------------------------------------------------
    "inv": lambda tf: tf.linalg.inv(A), "inv_batch": lambda tf: tf.linalg.inv(BATCH),
    "inv_adjoint": lambda tf: tf.linalg.inv(A, adjoint=True),
    "inv_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4 * tf.linalg.inv(x)), A),
    "det": lambda tf: tf.linalg.det(A), "det_batch": lambda tf: tf.linalg.det(BATCH),
    "det_grad": lambda tf: _grad(tf, lambda x: tf.linalg.det(x), A),
    "slogdet": lambda tf: tf.linalg.slogdet(BATCH), "logdet": lambda tf: tf.linalg.logdet(SPD),
    "logdet_grad": lambda tf: _grad(tf, lambda x: tf.linalg.logdet(x), SPD),
    "slogdet_grad": lambda tf: _grad(tf, lambda x: tf.linalg.slogdet(x)[1], A),
    "solve": lambda tf: tf.linalg.solve(A, RHS), "solve_adjoint": lambda tf: tf.linalg.solve(A, RHS, adjoint=True),
    "solve_batch": lambda tf: tf.linalg.solve(BATCH, BRHS),
    "solve_grad": lambda tf: _grad(tf, lambda a, b: tf.reduce_sum(W42 * tf.linalg.solve(a, b)), A, RHS),
    "solve_adjoint_grad": lambda tf: _grad(tf, lambda a, b: tf.reduce_sum(W42 * tf.linalg.solve(a, b, adjoint=True)), A, RHS),
    "triangular_solve": lambda tf: tf.linalg.triangular_solve(LOW, RHS),
    "triangular_solve_upper": lambda tf: tf.linalg.triangular_solve(UP, RHS, lower=False),
    "triangular_solve_adjoint": lambda tf: tf.linalg.triangular_solve(LOW, RHS, adjoint=True),
    "triangular_solve_ignores_other_half": lambda tf: tf.linalg.triangular_solve(A + 4 * np.eye(4, dtype=np.float32), RHS),
    "triangular_solve_grad": lambda tf: _grad(tf, lambda a, b: tf.reduce_sum(W42 * tf.linalg.triangular_solve(a, b)), LOW, RHS),
    "triangular_solve_grad_upper_adj": lambda tf: _grad(tf, lambda a, b: tf.reduce_sum(W42 * tf.linalg.triangular_solve(a, b, lower=False, adjoint=True)), UP, RHS),
    "banded_triangular_solve": lambda tf: tf.linalg.banded_triangular_solve(np.stack([np.diag(LOW), np.r_[0, A[0, 1:]]]).astype(np.float32), RHS),
    "banded_triangular_solve_3": lambda tf: tf.linalg.banded_triangular_solve(np.stack([np.diag(LOW), np.r_[0, A[0, 1:]], np.r_[0, 0, A[1, 2:]]]).astype(np.float32), RHS),
    "banded_triangular_solve_upper": lambda tf: tf.linalg.banded_triangular_solve(np.stack([np.r_[A[0, 1:], 0], np.diag(UP)]).astype(np.float32), RHS, lower=False),
    "banded_triangular_solve_adjoint": lambda tf: tf.linalg.banded_triangular_solve(np.stack([np.diag(LOW), np.r_[0, A[0, 1:]]]).astype(np.float32), RHS, adjoint=True),
    "lstsq": lambda tf: tf.linalg.lstsq(TALL, RHS5), "lstsq_slow": lambda tf: tf.linalg.lstsq(TALL, RHS5, fast=False),
    "lstsq_l2": lambda tf: tf.linalg.lstsq(TALL, RHS5, l2_regularizer=0.5),
    "lstsq_wide": lambda tf: tf.linalg.lstsq(WIDE, RHS5[:3]),
    "lstsq_grad": lambda tf: _grad(tf, lambda a, b: tf.reduce_sum(W3[:, :2] * tf.linalg.lstsq(a, b)), TALL, RHS5),
    "pinv": lambda tf: tf.linalg.pinv(TALL), "pinv_wide": lambda tf: tf.linalg.pinv(WIDE),
    "pinv_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W35 * tf.linalg.pinv(x)), TALL),
    "matrix_rank": lambda tf: [tf.linalg.matrix_rank(TALL), tf.linalg.matrix_rank(np.outer(W4v, W4v)), tf.linalg.matrix_rank(BATCH)],
    "tridiagonal_solve": lambda tf: tf.linalg.tridiagonal_solve(tf.constant(TRI), tf.constant(TRHS)),
    "tridiagonal_solve_sequence": lambda tf: tf.linalg.tridiagonal_solve((tf.constant(np.r_[TRI[0, :4], 0]), tf.constant(TRI[1]), tf.constant(np.r_[0, TRI[2, 1:]])), tf.constant(TRHS), diagonals_format="sequence"),
    "tridiagonal_solve_matrix": lambda tf: tf.linalg.tridiagonal_solve(tf.constant(np.diag(TRI[1]) + np.diag(TRI[0, :4], 1) + np.diag(TRI[2, 1:], -1)), tf.constant(TRHS), diagonals_format="matrix"),
    "tridiagonal_solve_transpose_rhs": lambda tf: tf.linalg.tridiagonal_solve(tf.constant(TRI), tf.constant(TRHS.T), transpose_rhs=True),
    "tridiagonal_solve_grad": lambda tf: _grad(tf, lambda d, b: tf.reduce_sum(W53[:, :2] * tf.linalg.tridiagonal_solve(d, b)), TRI, TRHS),
    "tridiagonal_matmul": lambda tf: tf.linalg.tridiagonal_matmul(TRI, TRHS),
    "tridiagonal_matmul_grad": lambda tf: _grad(tf, lambda d, b: tf.reduce_sum(W53[:, :2] * tf.linalg.tridiagonal_matmul(d, b)), TRI, TRHS),
    # -- matrix functions ----------------------------------------------------------------
    "expm": lambda tf: tf.linalg.expm(SMALL), "expm_large": lambda tf: tf.linalg.expm(3 * A64),
    "expm_batch": lambda tf: tf.linalg.expm(BATCH),
    "expm_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W3 * tf.linalg.expm(x)), SMALL),
    "expm_grad_large": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4_64 * tf.linalg.expm(x)), 2 * A64),
    "logm": lambda tf: [tf.math.real(tf.linalg.logm(tf.cast(SPD64, tf.complex128))), tf.math.imag(tf.linalg.logm(tf.cast(SPD64, tf.complex128)))],
    "logm_float_refused": lambda tf: tf.linalg.logm(SPD),
    "sqrtm": lambda tf: tf.linalg.sqrtm(SPD64), "sqrtm32": lambda tf: tf.linalg.sqrtm(SPD),
    "matrix_square_root": lambda tf: tf.linalg.matrix_square_root(BSPD) if hasattr(tf.linalg, "matrix_square_root") else tf.linalg.sqrtm(BSPD),
    "sqrtm_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4_64 * tf.linalg.sqrtm(x)), SPD64),
    # -- structure ----------------------------------------------------------------------
    "band_part": lambda tf: [tf.linalg.band_part(A, 1, 0), tf.linalg.band_part(A, -1, 1), tf.linalg.band_part(BATCH, 0, -1)],
    "band_part_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4 * tf.linalg.band_part(x, 1, 2)), A),
    "diag": lambda tf: tf.linalg.diag(DIAG), "diag_k": lambda tf: tf.linalg.diag(DIAG[0], k=1),
    "diag_k_neg_rect": lambda tf: tf.linalg.diag(DIAG[0], k=-1, num_rows=4, num_cols=3, padding_value=9),
    "diag_band": lambda tf: tf.linalg.diag(np.arange(6, dtype=np.float32).reshape(2, 3) + 1, k=(-1, 0)),
    "diag_band_left_right": lambda tf: tf.linalg.diag(np.arange(6, dtype=np.float32).reshape(2, 3) + 1, k=(0, 1), align="LEFT_RIGHT"),
    "diag_part": lambda tf: tf.linalg.diag_part(BATCH), "diag_part_k": lambda tf: tf.linalg.diag_part(TALL, k=-1),
    "diag_part_band": lambda tf: tf.linalg.diag_part(A, k=(-1, 1)),
    "diag_part_band_pad": lambda tf: tf.linalg.diag_part(TALL, k=(-2, 1), padding_value=7, align="LEFT_LEFT"),
    "diag_part_band_rr": lambda tf: tf.linalg.diag_part(WIDE, k=(-1, 2), align="RIGHT_RIGHT"),
    "set_diag": lambda tf: tf.linalg.set_diag(A, W4v), "set_diag_batch": lambda tf: tf.linalg.set_diag(BATCH, DIAG),
    "set_diag_k": lambda tf: tf.linalg.set_diag(A, W4v[:3], k=1),
    "set_diag_band": lambda tf: tf.linalg.set_diag(A, np.arange(8, dtype=np.float32).reshape(2, 4), k=(-1, 0)),
    "diag_grad": lambda tf: _grad(tf, lambda d: tf.reduce_sum(W4[:3, :3] * tf.linalg.diag(d)), W3v),
    "diag_part_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(W4v * tf.linalg.diag_part(x)), A),
    "set_diag_grad": lambda tf: _grad(tf, lambda x, d: tf.reduce_sum(W4 * tf.linalg.set_diag(x, d)), A, W4v),
    "tensor_diag": lambda tf: tf.linalg.tensor_diag(DIAG), "tensor_diag_part": lambda tf: tf.linalg.tensor_diag_part(np.arange(36, dtype=np.float32).reshape(2, 3, 2, 3)),
    "trace": lambda tf: [tf.linalg.trace(A), tf.linalg.trace(BATCH), tf.linalg.trace(TALL)],
    "trace_grad": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.linalg.trace(x)), BATCH),
    "cross": lambda tf: tf.linalg.cross(U3, V3), "cross_grad": lambda tf: _grad(tf, lambda u, v: tf.reduce_sum(W4[:, :3] * tf.linalg.cross(u, v)), U3, V3),
    "normalize": lambda tf: tf.linalg.normalize(TALL), "normalize_axis": lambda tf: tf.linalg.normalize(TALL, axis=1),
    "normalize_ord1": lambda tf: tf.linalg.normalize(TALL, ord=1, axis=0), "normalize_fro": lambda tf: tf.linalg.normalize(TALL, ord="fro", axis=[0, 1]),
    "matrix_square_root_top": lambda tf: tf.linalg.sqrtm(SPD64),
    "top_level": lambda tf: [_sorted_real(tf, tf.eigvals(SPD)), _sorted_real(tf, tf.eig(SPD)[0]), tf.linalg.matrix_transpose(tf.linalg.inv(A))],
    # -- errors --------------------------------------------------------------------------
    "inv_not_square": lambda tf: tf.linalg.inv(TALL),
    "inv_singular": lambda tf: tf.linalg.inv(np.ones((3, 3), np.float32)),
    "solve_shape": lambda tf: tf.linalg.solve(A, RHS5),
    "det_int": lambda tf: tf.linalg.det(np.eye(3, dtype=np.int32)),
    "cross_shape": lambda tf: tf.linalg.cross(TALL, TALL),
}
