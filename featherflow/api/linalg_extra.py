"""``tf.linalg``'s decompositions, solves, matrix functions and diagonal tools, TF 2.21's
semantics, differentiable where TensorFlow's are.

The factorisations run on NumPy's LAPACK (``cholesky``, ``qr``, ``svd``, ``eigh``, ``eig``,
``solve``, ``inv``, ``det``); LU is partial pivoting written here (NumPy exposes no ``getrf``)
with Eigen's pivot rule (the first largest magnitude in the column). Gradients are
TensorFlow's formulas: Cholesky's (symmetric), QR's (tall, square and wide inputs), SVD's
(with ``full_matrices=False`` for non-square inputs, as TF requires), eigh's (lower triangle,
as TF reads only that), the triangular solve's (banded to the triangle), the square root's
(a Sylvester equation solved in the eigenbasis); ``expm`` is TF's scaling and squaring with
Pade approximants written with differentiable ops, so its gradient is the one TF's graph has;
``lstsq`` (``fast=True``), ``pinv``, ``cholesky_solve``, ``lu_solve``, ``logdet`` are
compositions as in TF. ``eig``, ``eigvals`` and ``logm`` return complex tensors without
gradients; ``lu`` has no gradient (TF registers none).

Example::

    >>> s, u, v = tf.linalg.svd(x)           # TF's order: s, u, v (not v^H)
    >>> q, r = tf.linalg.qr(x)
    >>> y = tf.linalg.expm(a)
"""

import collections

import numpy as np

import featherflow as _tf
from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

__all__ = [
    "band_part", "banded_triangular_solve", "cholesky", "cholesky_solve", "cross", "det",
    "diag", "diag_part", "eig", "eigh", "eigh_tridiagonal", "eigvals", "eigvalsh", "expm",
    "inv", "logdet", "logm", "lstsq", "lu", "lu_matrix_inverse", "lu_reconstruct", "lu_solve",
    "matrix_rank", "normalize", "pinv", "qr", "set_diag", "slogdet", "solve", "sqrtm", "svd",
    "tensor_diag", "tensor_diag_part", "trace", "triangular_solve", "tridiagonal_matmul",
    "tridiagonal_solve", "matrix_square_root",
]

Qr = collections.namedtuple("Qr", ["q", "r"])
Eigh = collections.namedtuple("Eigh", ["e", "v"])
Lu = collections.namedtuple("Lu", ["lu", "p"])
Slogdet = collections.namedtuple("Slogdet", ["sign", "log_abs_determinant"])

_FLOATS = ("float16", "float32", "float64")
_LAPACK = (np.float32, np.float64, np.complex64, np.complex128)


# -- helpers -------------------------------------------------------------------------------------
def _t(x):
    return x if isinstance(x, Tensor) else Tensor(as_array(x))


def _float_matrix(x, op, square=True, complex_ok=False):
    t = _t(x)
    kinds = "fc" if complex_ok else "f"
    if t.data.dtype.kind not in kinds:
        allowed = "half, float, double, complex64, complex128" if complex_ok else \
            "half, float, double"
        raise InvalidArgumentError(
            f"{op}: the input's dtype {t.data.dtype.name} is not one of the allowed types "
            f"({allowed}); cast it first, e.g. tf.cast(x, tf.float32).")
    shape = t.data.shape
    if t.data.ndim < 2:
        raise InvalidArgumentError(
            f"{op}: the input must have rank >= 2 (a matrix or a batch of matrices); received "
            f"shape {list(shape)}.")
    if square and shape[-1] != shape[-2]:
        raise InvalidArgumentError(
            f"{op}: Input matrix must be square; received shape {list(shape)} (the last two "
            "dimensions differ).")
    return t


def _work(a):
    """The array in a dtype LAPACK takes (float16 is computed in float32)."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def _swap(a):
    return np.swapaxes(a, -1, -2)


def _eye_like(a):
    return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)


def _adj(x):
    return _tf.linalg.adjoint(x)


def _tri_mask(n, m, lower):
    return np.tril(np.ones((n, m), bool)) if lower else np.triu(np.ones((n, m), bool))


# -- Cholesky ------------------------------------------------------------------------------------
def _adjoint(x):
    """The conjugate transpose of the last two axes (the transpose of a real array)."""
    return np.conj(_swap(x)) if x.dtype.kind == "c" else _swap(x)


class _Cholesky(Function):
    # TF's rule uses adjoints (L^H g, inv(L)^H ... inv(L)), written here directly
    conjugate_complex = False

    def forward(self, a):
        w = _work(a)
        try:
            lower = np.linalg.cholesky(w)
        except np.linalg.LinAlgError:
            raise InvalidArgumentError(
                "Cholesky decomposition was not successful. The input might not be valid: it "
                "must be symmetric positive definite (tf.linalg.cholesky reads its lower "
                "triangle).") from None
        self.l = lower
        return lower.astype(a.dtype)

    def backward(self, g):
        lower = self.l
        g = g.astype(lower.dtype)
        linv = np.linalg.solve(lower, _eye_like(lower))
        middle = _adjoint(lower) @ g
        middle = np.tril(middle)
        idx = np.arange(middle.shape[-1])
        middle[..., idx, idx] *= 0.5
        grad = _adjoint(linv) @ middle @ linv
        grad = (grad + _adjoint(grad)) * 0.5
        return (grad.astype(self.inputs[0].data.dtype),)


def cholesky(input, name=None):  # noqa: A002 - TF's argument name
    """The lower Cholesky factor ``L`` (``input = L L^T``) of each matrix; only the lower
    triangle of ``input`` is read. Not positive definite: InvalidArgumentError."""
    return _Cholesky()(_float_matrix(input, "cholesky", complex_ok=True))


def cholesky_solve(chol, rhs, name=None):
    """Solve ``A X = rhs`` given ``chol = cholesky(A)``."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


# -- triangular and general solves ---------------------------------------------------------------
class _TriangularSolve(Function):
    def __init__(self, lower, adjoint):
        self.lower, self.adjoint = lower, adjoint

    def _solve(self, a, b, adjoint):
        mask = _tri_mask(a.shape[-2], a.shape[-1], self.lower)
        tri = np.where(mask, a, 0)
        if adjoint:
            tri = _swap(tri)
        return np.linalg.solve(_work(tri), _work(b))

    def forward(self, a, b):
        if a.shape[-1] != a.shape[-2] or b.shape[-2] != a.shape[-1]:
            raise InvalidArgumentError(
                f"triangular_solve: matrix must be square and rhs's rows must equal its size; "
                f"received matrix {list(a.shape)} and rhs {list(b.shape)}.")
        self.a = a
        diag = np.diagonal(a, axis1=-2, axis2=-1)
        if np.any(diag == 0):
            raise InvalidArgumentError("triangular_solve: Input matrix is not invertible (a "
                                       "zero on its diagonal).")
        self.x = self._solve(a, b, self.adjoint).astype(b.dtype)
        return self.x

    def backward(self, g):
        gb = self._solve(self.a, g, not self.adjoint).astype(g.dtype)
        ga = None
        if self.needs[0]:
            ga = -(self.x @ _swap(gb)) if self.adjoint else -(gb @ _swap(self.x))
            ga = np.where(_tri_mask(ga.shape[-2], ga.shape[-1], self.lower), ga, 0)
            ga = _reduce_to(ga, self.a.shape)
        return ga, _reduce_to(gb, self.inputs[1].data.shape)


def _reduce_to(g, shape):
    """Sum a broadcast batch gradient back to ``shape``."""
    if g.shape == tuple(shape):
        return g
    extra = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(extra))) if extra > 0 else g
    axes = tuple(i for i, (a, b) in enumerate(zip(g.shape, shape)) if b == 1 and a != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solve ``matrix X = rhs`` (or ``matrix^H X = rhs``) reading only the lower (``lower``)
    or upper triangle of ``matrix``."""
    a = _float_matrix(matrix, "triangular_solve", complex_ok=True)
    b = _t(rhs)
    if b.data.dtype != a.data.dtype:
        raise InvalidArgumentError(
            f"triangular_solve: matrix and rhs must have one dtype; received "
            f"{a.data.dtype.name} and {b.data.dtype.name}.")
    if adjoint and a.data.dtype.kind == "c":
        # the adjoint recorded as its own op (a lower triangle becomes an upper one), so the
        # gradient sees the conjugation
        return _TriangularSolve(not lower, False)(_tf.linalg.adjoint(a), b)
    return _TriangularSolve(bool(lower), bool(adjoint))(a, b)


def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """Solve a triangular system whose matrix is given by its ``K`` bands (shape ``[..., K,
    M]``): with ``lower`` the first row is the diagonal and row ``i`` the ``i``-th
    subdiagonal, left-padded; otherwise the last row is the diagonal and row ``K - 1 - i``
    the ``i``-th superdiagonal, right-padded (TF's LEFT_RIGHT alignment)."""
    bands = _t(bands)
    k = bands.data.shape[-2]
    if k == 1:
        matrix = diag(bands[..., 0, :])
    else:
        # rows top diagonal first, superdiagonals left-aligned, subdiagonals right-aligned
        matrix = diag(bands, k=(-(k - 1), 0) if lower else (0, k - 1), align="LEFT_RIGHT")
    return triangular_solve(matrix, rhs, lower=lower, adjoint=adjoint)


class _Solve(Function):
    def __init__(self, adjoint):
        self.adjoint = adjoint

    def forward(self, a, b):
        if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
            raise InvalidArgumentError(
                f"solve: Input matrix and rhs are incompatible: matrix {list(a.shape)}, rhs "
                f"{list(b.shape)} (rhs must be [..., {a.shape[-1]}, K]).")
        self.a = np.conj(_swap(a)) if self.adjoint else a
        try:
            self.x = np.linalg.solve(_work(self.a), _work(b)).astype(b.dtype)
        except np.linalg.LinAlgError:
            raise InvalidArgumentError("solve: Input matrix is not invertible.") from None
        return self.x

    def backward(self, g):
        gb = np.linalg.solve(_work(_swap(self.a)), _work(g)).astype(g.dtype)
        ga = -(gb @ _swap(self.x))
        if self.adjoint:
            ga = np.conj(_swap(ga))
        return _reduce_to(ga, self.inputs[0].data.shape), _reduce_to(gb, self.inputs[1].data.shape)


def solve(matrix, rhs, adjoint=False, name=None):
    """Solve ``matrix X = rhs`` (``matrix^H`` with ``adjoint``); rhs is ``[..., M, K]``."""
    a = _float_matrix(matrix, "solve", complex_ok=True)
    b = _t(rhs)
    if b.data.dtype != a.data.dtype:
        raise InvalidArgumentError(
            f"solve: matrix and rhs must have one dtype; received {a.data.dtype.name} and "
            f"{b.data.dtype.name}.")
    return _Solve(bool(adjoint))(a, b)


class _Inverse(Function):
    def __init__(self, adjoint):
        self.adjoint = adjoint

    def forward(self, a):
        try:
            inv_a = np.linalg.inv(_work(a))
        except np.linalg.LinAlgError:
            raise InvalidArgumentError("inv: Input is not invertible.") from None
        self.out = np.conj(_swap(inv_a)) if self.adjoint else inv_a
        return self.out.astype(a.dtype)

    def backward(self, g):
        t = _swap(self.out)
        return ((-(t @ g @ t)).astype(g.dtype),)


def inv(input, adjoint=False, name=None):  # noqa: A002
    """The inverse (``adjoint``: of the adjoint) of each square matrix."""
    a = _float_matrix(input, "inv", complex_ok=True)
    if adjoint and a.data.dtype.kind == "c":
        # the adjoint recorded as its own ops, so the gradient sees the conjugation
        return _Inverse(False)(_tf.linalg.adjoint(a))
    return _Inverse(bool(adjoint))(a)


class _Det(Function):
    def forward(self, a):
        self.a = a
        self.det = np.linalg.det(_work(a))
        return self.det.astype(a.dtype)

    # TF's rule for complex matrices: g * det(a) * inv(a)^H (the determinant itself is
    # not conjugated), so the backward is written in TF's convention
    conjugate_complex = False

    def backward(self, g):
        inv_h = np.conj(_swap(np.linalg.inv(_work(self.a))))
        return (((g * self.det)[..., None, None] * inv_h).astype(g.dtype),)


def det(input, name=None):  # noqa: A002
    return _Det()(_float_matrix(input, "det", complex_ok=True))


class _LogAbsDet(Function):
    def forward(self, a):
        self.a = a
        sign, logabs = np.linalg.slogdet(_work(a))
        return logabs.astype(a.dtype)

    def backward(self, g):
        inv_t = _swap(np.linalg.inv(_work(self.a)))
        return ((g[..., None, None] * inv_t).astype(g.dtype),)


def slogdet(input, name=None):  # noqa: A002
    """``(sign, log|det|)`` of each matrix (the log-determinant differentiable)."""
    a = _float_matrix(input, "slogdet", complex_ok=True)
    sign = np.linalg.slogdet(_work(a.data))[0].astype(a.data.dtype)
    return Slogdet(Tensor(sign), _LogAbsDet()(a))


def logdet(matrix, name=None):
    """``log(det(matrix))`` of Hermitian positive definite matrices, as TF: twice the sum of
    the logs of the Cholesky factor's diagonal."""
    chol = cholesky(matrix)
    return 2.0 * _tf.reduce_sum(_tf.math.log(_tf.math.real(diag_part(chol))), axis=-1)


# -- QR ------------------------------------------------------------------------------------------
def _tri_solve_right(x, r):
    """``x R^{-H}`` with ``R`` upper triangular (TF's helper in its QR gradient)."""
    return _adjoint(np.linalg.solve(np.triu(r), _adjoint(x)))


def _qr_grad_deep(q, r, dq, dr):
    qdq = _adjoint(q) @ dq
    qdq_ = qdq - _adjoint(qdq)
    rdr = r @ _adjoint(dr)
    rdr_ = rdr - _adjoint(rdr)
    tril = np.tril(qdq_ + rdr_)
    grad_a = q @ (dr + _tri_solve_right(tril, r))
    grad_b = _tri_solve_right(dq - q @ qdq, r)
    grad = grad_a + grad_b
    if q.dtype.kind == "c":
        # TF's correction for complex matrices: the imaginary part of diag(R dR^H - dQ^H Q)
        m = rdr - _adjoint(qdq)
        diag = np.diagonal(m, axis1=-2, axis2=-1)
        correction = np.zeros_like(m)
        idx = np.arange(m.shape[-1])
        correction[..., idx, idx] = diag - diag.real
        grad = grad + _tri_solve_right(q @ _adjoint(correction), r)
    return grad


class _Qr(Function):
    # TF's rule with adjoints and its complex correction, written directly
    conjugate_complex = False
    n_out = 2

    def __init__(self, full_matrices):
        self.full = full_matrices

    def forward(self, a):
        q, r = np.linalg.qr(_work(a), mode="complete" if self.full else "reduced")
        self.a, self.q, self.r = a, q, r
        return q.astype(a.dtype), r.astype(a.dtype)

    def backward(self, grads):
        dq, dr = (g.astype(self.q.dtype) for g in grads)
        q, r, a = self.q, self.r, self.a
        m, n = a.shape[-2:]
        if self.full and m > n:
            raise NotImplementedError(
                "The gradient of tf.linalg.qr is not defined for full_matrices=True with more "
                "rows than columns (TensorFlow has none either); use full_matrices=False.")
        if m >= n:
            grad = _qr_grad_deep(q, r, dq, dr)
        else:
            y = a[..., :, m:].astype(q.dtype)
            u = r[..., :, :m]
            dv = dr[..., :, m:]
            du = dr[..., :, :m]
            dy = q @ dv
            dx = _qr_grad_deep(q, u, dq + y @ _adjoint(dv), du)
            grad = np.concatenate([dx, dy], axis=-1)
        return (grad.astype(a.dtype),)


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """``(q, r)`` with ``input = q r`` (Householder QR, LAPACK's signs)."""
    q, r = _Qr(bool(full_matrices))(_float_matrix(input, "qr", square=False, complex_ok=True))
    return Qr(q, r)


# -- SVD -----------------------------------------------------------------------------------------
class _Svd(Function):
    # complex matrices: singular values only, TF's rule u diag(ds) v^H written directly
    conjugate_complex = False

    def __init__(self, full_matrices, compute_uv):
        self.full, self.compute_uv = full_matrices, compute_uv
        self.n_out = 3 if compute_uv else 1

    def forward(self, a):
        w = _work(a)
        self.a = a
        if not self.compute_uv:
            u, s, vh = np.linalg.svd(w, full_matrices=False)
            self.u, self.s, self.v = u, s, _adjoint(vh)
            # singular values are real: of the real dtype for a complex matrix, as TF
            return s.astype(np.float64 if a.dtype == np.complex128 else
                            np.float32 if a.dtype == np.complex64 else a.dtype)
        u, s, vh = np.linalg.svd(w, full_matrices=self.full)
        self.u, self.s, self.v = u, s, _adjoint(vh)
        real = np.float64 if a.dtype == np.complex128 else (
            np.float32 if a.dtype == np.complex64 else a.dtype)
        return s.astype(real), u.astype(a.dtype), self.v.astype(a.dtype)

    def backward(self, grads):
        a = self.a
        dt = self.s.dtype
        if not self.compute_uv:
            ds = grads.astype(self.u.dtype)
            u, v = self.u, self.v
            return ((u * ds[..., None, :]) @ _adjoint(v)).astype(a.dtype),
        if a.dtype.kind == "c":
            return (self._complex_backward(grads).astype(a.dtype),)
        ds, du, dv = (g.astype(dt) for g in grads)
        m, n = a.shape[-2:]
        if self.full and m != n:
            raise NotImplementedError(
                "The gradient of tf.linalg.svd with compute_uv=True is not defined for "
                "full_matrices=True and a non-square input (TensorFlow has none either); use "
                "full_matrices=False.")
        u, s, v = self.u, self.s, self.v
        k = s.shape[-1]
        u, v, du, dv = u[..., :k], v[..., :k], du[..., :k], dv[..., :k]
        s2 = s * s
        diff = s2[..., None, :] - s2[..., :, None]          # s_j^2 - s_i^2
        idx = np.arange(k)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(diff == 0, 0, 1.0 / np.where(diff == 0, 1, diff))
        f[..., idx, idx] = 0
        utdu = _swap(u) @ du
        vtdv = _swap(v) @ dv
        j = f * (utdu - _swap(utdu))
        kk = f * (vtdv - _swap(vtdv))
        smat = s[..., None, :]                                  # multiply columns by s
        inner = j * smat + s[..., :, None] * kk
        inner[..., idx, idx] += ds
        grad = u @ inner @ _swap(v)
        with np.errstate(divide="ignore", invalid="ignore"):
            sinv = np.where(s == 0, 0, 1.0 / np.where(s == 0, 1, s))
        if m > k:
            proj_u = _eye(m, dt) - u @ _swap(u)
            grad = grad + proj_u @ (du * sinv[..., None, :]) @ _swap(v)
        if n > k:
            proj_v = _eye(n, dt) - v @ _swap(v)
            grad = grad + u @ (_swap(dv) * sinv[..., :, None]) @ proj_v
        return (grad.astype(a.dtype),)


    def _complex_backward(self, grads):
        """TF's complex rule: its real one with adjoints, plus the term for the phase of the
        singular vectors, ``u S^-1 (l^H - l) v^H / 2`` with ``l = I * (v^H dv)``."""
        m, n = self.a.shape[-2:]
        if self.full and m != n:
            raise NotImplementedError(
                "The gradient of tf.linalg.svd with compute_uv=True is not defined for "
                "full_matrices=True and a non-square input (TensorFlow has none either); use "
                "full_matrices=False.")
        u, s, v = self.u, self.s, self.v
        ds, du, dv = grads
        ds = ds.astype(u.dtype)
        transposed = m > n
        if transposed:  # the gradient of a^H = v s u^H, transposed back at the end
            m, n = n, m
            u, v, du, dv = v, u, dv, du
        s2 = s * s
        diff = s2[..., None, :] - s2[..., :, None]
        idx = np.arange(s.shape[-1])
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(diff == 0, 0, 1.0 / np.where(diff == 0, 1, diff))
            s_inv = np.where(s == 0, 0, 1.0 / np.where(s == 0, 1, s))
        f[..., idx, idx] = 0
        v1, dv1 = v[..., :, :m], dv[..., :, :m]
        f_u = f * (_adjoint(u) @ du)
        v_gv = _adjoint(v1) @ dv1
        f_v = f * v_gv
        inner = (f_u + _adjoint(f_u)) * s[..., None, :] + s[..., :, None] * (f_v + _adjoint(f_v))
        inner[..., idx, idx] += ds
        grad = u @ inner @ _adjoint(v1)
        if m != n:
            gv1t = _adjoint(dv1)
            grad = grad + (u * s_inv[..., None, :]) @ (gv1t - (gv1t @ v1) @ _adjoint(v1))
        diag = np.zeros_like(v_gv)
        diag[..., idx, idx] = v_gv[..., idx, idx]
        grad = grad + 0.5 * u @ (s_inv[..., :, None] * (_adjoint(diag) - diag)) @ _adjoint(v1)
        return _adjoint(grad) if transposed else grad


def _eye(n, dt):
    return np.eye(n, dtype=dt)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """``(s, u, v)`` with ``tensor = u diag(s) v^T`` (note: ``v``, not ``v^H``), or ``s``
    alone without ``compute_uv``; singular values descending."""
    a = _float_matrix(tensor, "svd", square=False, complex_ok=True)
    return _Svd(bool(full_matrices), bool(compute_uv))(a)


# -- eigen decompositions -------------------------------------------------------------------
class _Eigh(Function):
    # TF's rule with adjoints in place of transposes, written directly for complex matrices
    conjugate_complex = False
    n_out = 2

    def forward(self, a):
        e, v = np.linalg.eigh(_work(a))
        self.e, self.v, self.dtype = e, v, a.dtype
        return e.astype(a.dtype), v.astype(a.dtype)

    def backward(self, grads):
        ge, gv = (g.astype(self.v.dtype) for g in grads)
        e, v = self.e, self.v
        diff = e[..., None, :] - e[..., :, None]            # e_j - e_i
        idx = np.arange(e.shape[-1])
        with np.errstate(divide="ignore"):
            f = np.where(diff == 0, 0, 1.0 / np.where(diff == 0, 1, diff))
        f[..., idx, idx] = 0
        inner = f * (_adjoint(v) @ gv)
        inner[..., idx, idx] += ge
        grad = v @ inner @ _adjoint(v)
        grad = np.tril(grad + _adjoint(grad))
        grad[..., idx, idx] *= 0.5
        return (grad.astype(self.dtype),)


def eigh(tensor, name=None):
    """``(e, v)``: eigenvalues ascending and orthonormal eigenvectors (columns) of each
    self-adjoint matrix; only the lower triangle is read (and differentiated), as TF."""
    e, v = _Eigh()(_float_matrix(tensor, "eigh", complex_ok=True))
    return Eigh(e, v)


def eigvalsh(tensor, name=None):
    return eigh(tensor)[0]


def _complex_of(dtype):
    return np.complex128 if dtype in (np.float64, np.complex128) else np.complex64


def eig(tensor, name=None):
    """``(e, v)`` of general square matrices, complex (complex64 for float32, complex128 for
    float64), in LAPACK's order; no gradient."""
    a = _float_matrix(tensor, "eig", complex_ok=True)
    w, v = np.linalg.eig(_work(a.data))
    ct = _complex_of(a.data.dtype)
    return Tensor(w.astype(ct)), Tensor(v.astype(ct))


def eigvals(tensor, name=None):
    a = _float_matrix(tensor, "eigvals", complex_ok=True)
    return Tensor(np.linalg.eigvals(_work(a.data)).astype(_complex_of(a.data.dtype)))


def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None,
                     name=None):
    """Eigenvalues (ascending), and with ``eigvals_only=False`` eigenvectors, of the symmetric
    tridiagonal matrix with diagonal ``alpha`` (n,) and off-diagonal ``beta`` (n-1,).
    ``select``: ``"a"`` all, ``"i"`` indices ``select_range=[lo, hi]`` inclusive, ``"v"``
    values in ``(lo, hi]``."""
    a, b = as_array(alpha), as_array(beta)
    if a.ndim != 1 or b.shape != (max(a.shape[0] - 1, 0),):
        raise InvalidArgumentError(
            f"eigh_tridiagonal: alpha must be a vector (n,) and beta (n - 1,); received "
            f"{list(a.shape)} and {list(b.shape)}.")
    if select not in ("a", "i", "v"):
        raise ValueError(f"eigh_tridiagonal: select must be 'a', 'i' or 'v'; received "
                         f"{select!r}.")
    matrix = np.diag(a) + np.diag(b, 1) + np.diag(np.conj(b), -1)
    w, v = np.linalg.eigh(matrix)
    if select == "i":
        lo, hi = (int(i) for i in select_range)
        keep = np.arange(lo, hi + 1)
    elif select == "v":
        lo, hi = (float(x) for x in select_range)
        keep = np.flatnonzero((w > lo) & (w <= hi))
    else:
        keep = np.arange(w.shape[0])
    w = Tensor(w[keep].astype(a.dtype))
    if eigvals_only:
        return w
    return w, Tensor(v[:, keep].astype(a.dtype))


# -- LU ------------------------------------------------------------------------------------------
def _lu_one(a):
    a = np.array(a, dtype=np.float64 if a.dtype.kind == "f" else np.complex128)
    n = a.shape[0]
    perm = np.arange(n)
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if p != k:
            a[[k, p]] = a[[p, k]]
            perm[[k, p]] = perm[[p, k]]
        if a[k, k] != 0:
            a[k + 1:, k] /= a[k, k]
            a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    return a, perm


def lu(input, output_idx_type=np.int32, name=None):  # noqa: A002
    """``(lu, p)``: ``L`` (unit diagonal, below) and ``U`` (on and above the diagonal) in one
    matrix, and the row permutation with ``input[..., p, :] = L U``. No gradient (as TF)."""
    a = _float_matrix(input, "lu", complex_ok=True)
    data = a.data
    flat = data.reshape((-1,) + data.shape[-2:])
    out = np.empty(flat.shape, data.dtype)
    perms = np.empty(flat.shape[:2], np.dtype(output_idx_type))
    for i, m in enumerate(flat):
        lu_m, p = _lu_one(m)
        out[i], perms[i] = lu_m.astype(data.dtype), p
    return Lu(Tensor(out.reshape(data.shape)), Tensor(perms.reshape(data.shape[:-1])))


def _lu_parts(lower_upper):
    lu_t = _t(lower_upper)
    n = lu_t.data.shape[-1]
    eye = np.eye(n, dtype=lu_t.data.dtype)
    lower = band_part(lu_t, -1, 0) - lu_t * eye + eye
    upper = band_part(lu_t, 0, -1)
    return lower, upper


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix ``lu`` factors: ``P^-1 L U``."""
    lower, upper = _lu_parts(lower_upper)
    x = _tf.matmul(lower, upper)
    inverse = np.argsort(as_array(perm), axis=-1)
    return _tf.gather(x, inverse, axis=-2, batch_dims=inverse.ndim - 1)


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """Solve ``A X = rhs`` with ``(lower_upper, perm) = lu(A)``."""
    lower, upper = _lu_parts(lower_upper)
    p = as_array(perm)
    b = _tf.gather(_t(rhs), p, axis=-2, batch_dims=p.ndim - 1)
    y = triangular_solve(lower, b, lower=True)
    return triangular_solve(upper, y, lower=False)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    lu_t = _t(lower_upper)
    eye = np.broadcast_to(np.eye(lu_t.data.shape[-1], dtype=lu_t.data.dtype), lu_t.data.shape)
    return lu_solve(lu_t, perm, Tensor(np.ascontiguousarray(eye)))


# -- least squares, pseudo-inverse, rank ------------------------------------------------------
def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Least-squares solutions of ``matrix X = rhs``. ``fast=True`` (TF's default, and the
    only differentiable path): the regularised normal equations solved by Cholesky;
    ``fast=False``: the minimum-norm solution by complete orthogonal decomposition (no
    gradient, ``l2_regularizer`` must be 0)."""
    a = _float_matrix(matrix, "lstsq", square=False, complex_ok=True)
    b = _t(rhs)
    m, n = a.data.shape[-2:]
    if b.data.ndim < 2 or b.data.shape[-2] != m:
        raise InvalidArgumentError(
            f"lstsq: matrix {list(a.data.shape)} and rhs {list(b.data.shape)} are "
            f"incompatible (rhs must be [..., {m}, K]).")
    if not fast:
        if float(l2_regularizer) != 0.0:
            raise InvalidArgumentError("lstsq: l2_regularizer must be 0 when fast=False.")
        x = np.stack([np.linalg.lstsq(ai, bi, rcond=None)[0] for ai, bi in zip(
            _work(a.data).reshape((-1, m, n)), _work(b.data).reshape((-1,) + b.data.shape[-2:]))])
        return Tensor(x.reshape(a.data.shape[:-2] + (n, b.data.shape[-1])).astype(a.data.dtype))
    reg = np.asarray(l2_regularizer, a.data.dtype)
    at = _adj(a)
    if m >= n:
        gram = _tf.matmul(at, a) + reg * np.eye(n, dtype=a.data.dtype)
        return cholesky_solve(cholesky(gram), _tf.matmul(at, b))
    gram = _tf.matmul(a, at) + reg * np.eye(m, dtype=a.data.dtype)
    return _tf.matmul(at, cholesky_solve(cholesky(gram), b))


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse through the SVD; singular values at or below
    ``rcond * max(s)`` (default ``10 * max(m, n) * eps``) are dropped."""
    x = _float_matrix(a, "pinv", square=False)
    dt = x.data.dtype
    if rcond is None:
        rcond = 10.0 * max(x.data.shape[-2:]) * np.finfo(dt).eps
    s, u, v = svd(x, full_matrices=False, compute_uv=True)
    cutoff = np.asarray(rcond, dt) * np.max(s.data, axis=-1, keepdims=True)
    keep = s.data > cutoff
    s_safe = _tf.where(keep, s, np.asarray(np.inf, dt))
    return _tf.matmul(v / s_safe[..., None, :], u, transpose_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above ``tol`` (default ``eps * max(m, n) * max(s)``)."""
    x = _float_matrix(a, "matrix_rank", square=False)
    s = np.linalg.svd(_work(x.data), compute_uv=False)
    if tol is None:
        tol = np.finfo(x.data.dtype).eps * max(x.data.shape[-2:]) * np.max(s, axis=-1,
                                                                            keepdims=True)
    else:
        tol = np.asarray(tol)[..., None] if np.ndim(tol) else tol
    return Tensor(np.sum(s > tol, axis=-1).astype(np.int32))


# -- tridiagonal ---------------------------------------------------------------------------------
def _tridiagonal_parts(diagonals, fmt, op):
    """(super, main, sub) tensors (..., M) with TF's compact padding (super's last and sub's
    first entries unused)."""
    if fmt == "compact":
        d = _t(diagonals)
        if d.data.ndim < 2 or d.data.shape[-2] != 3:
            raise ValueError(f"{op}: compact diagonals must have shape [..., 3, M]; received "
                             f"{list(d.data.shape)}.")
        return d[..., 0, :], d[..., 1, :], d[..., 2, :]
    if fmt == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise ValueError(f"{op}: diagonals_format='sequence' expects (superdiag, maindiag, "
                             "subdiag).")
        return tuple(_t(x) for x in diagonals)
    if fmt == "matrix":
        m = _t(diagonals)
        n = m.data.shape[-1]
        sup = diag_part(m, k=1)
        sub = diag_part(m, k=-1)
        zero = _tf.zeros_like(sup[..., :1])
        return (_tf.concat([sup, zero], axis=-1), diag_part(m),
                _tf.concat([zero, sub], axis=-1)) if n > 1 else (m[..., 0] * 0, m[..., 0],
                                                                 m[..., 0] * 0)
    raise ValueError(f"{op}: diagonals_format must be 'compact', 'sequence' or 'matrix'; "
                     f"received {fmt!r}.")


def _tridiagonal_dense(sup, main, sub):
    """The dense matrix: TF's compact rows (super, main, sub) are the band (-1, 1) in
    LEFT_RIGHT alignment (super's last and sub's first entries fall outside)."""
    if main.data.shape[-1] == 1:
        return _tf.expand_dims(main, -1)
    return diag(_tf.stack([sup, main, sub], axis=-2), k=(-1, 1), align="LEFT_RIGHT")


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False,
                      conjugate_rhs=False, name=None, partial_pivoting=True,
                      perturb_singular=False):
    """Solve ``T X = rhs`` for tridiagonal ``T`` given by its diagonals (``"compact"``:
    ``[..., 3, M]`` rows super/main/sub; ``"sequence"``: a tuple; ``"matrix"``: ``[..., M,
    M]``). ``rhs`` is ``[..., M, K]`` (``[..., K, M]`` with ``transpose_rhs``) or ``[..., M]``."""
    sup, main, sub = _tridiagonal_parts(diagonals, diagonals_format, "tridiagonal_solve")
    b = _t(rhs)
    vector = b.data.ndim == main.data.ndim
    if vector:
        b = _tf.expand_dims(b, -1)
    elif transpose_rhs:
        b = _tf.linalg.matrix_transpose(b)
    if conjugate_rhs and b.data.dtype.kind == "c":
        b = _tf.math.conj(b)
    if b.data.shape[-2] != main.data.shape[-1]:
        raise ValueError(f"tridiagonal_solve: rhs has {b.data.shape[-2]} rows where the "
                         f"matrix has {main.data.shape[-1]}.")
    x = solve(_tridiagonal_dense(sup, main, sub), b)
    return x[..., 0] if vector else x


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """``T @ rhs`` for tridiagonal ``T`` given by its diagonals (formats as
    :func:`tridiagonal_solve`); ``rhs`` is ``[..., M, N]``."""
    sup, main, sub = _tridiagonal_parts(diagonals, diagonals_format, "tridiagonal_matmul")
    b = _t(rhs)
    n = main.data.shape[-1]
    out = main[..., :, None] * b
    if n > 1:
        zero = _tf.zeros_like(b[..., :1, :])
        above = _tf.concat([b[..., 1:, :], zero], axis=-2)
        below = _tf.concat([zero, b[..., :-1, :]], axis=-2)
        out = out + sup[..., :, None] * above + sub[..., :, None] * below
    return out


# -- matrix functions ---------------------------------------------------------------------------
_PADE = {
    3: (120.0, 60.0, 12.0),
    5: (30240.0, 15120.0, 3360.0, 420.0, 30.0),
    7: (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0),
    9: (17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0,
        110880.0, 3960.0, 90.0),
    13: (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
         129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
         40840800.0, 960960.0, 16380.0, 182.0),
}


def _pade(x, order, eye):
    """(U, V) of the order-``order`` Pade approximant of exp (Higham 2005)."""
    dt = x.data.dtype
    b = [np.asarray(c, dt) for c in _PADE[order]]
    x2 = _tf.matmul(x, x)
    if order == 3:
        return _tf.matmul(x, x2 + b[1] * eye), b[2] * x2 + b[0] * eye
    x4 = _tf.matmul(x2, x2)
    if order == 5:
        return (_tf.matmul(x, x4 + b[3] * x2 + b[1] * eye),
                b[4] * x4 + b[2] * x2 + b[0] * eye)
    x6 = _tf.matmul(x4, x2)
    if order == 7:
        return (_tf.matmul(x, x6 + b[5] * x4 + b[3] * x2 + b[1] * eye),
                b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye)
    if order == 9:
        x8 = _tf.matmul(x6, x2)
        return (_tf.matmul(x, x8 + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye),
                b[8] * x8 + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye)
    u = _tf.matmul(x, _tf.matmul(x6, x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4
                   + b[3] * x2 + b[1] * eye)
    v = (_tf.matmul(x6, b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4
         + b[2] * x2 + b[0] * eye)
    return u, v


def expm(input, name=None):  # noqa: A002
    """The matrix exponential: TF's scaling and squaring with Pade approximants (orders 3/5/7
    for float16/float32, 3/5/7/9/13 for float64, chosen per matrix by its 1-norm), written
    with differentiable ops."""
    x = _float_matrix(input, "expm", complex_ok=True)
    shape = x.data.shape
    if shape[-1] == 0:
        return x
    dt = x.data.dtype
    x = _tf.reshape(x, (-1,) + shape[-2:])
    l1 = np.max(np.sum(np.abs(x.data), axis=-2), axis=-1)[:, None, None]
    eye = np.eye(shape[-1], dtype=dt)
    if dt in (np.float16, np.float32, np.complex64):
        maxnorm, orders = 3.925724783138660, (3, 5, 7)
        conds = (4.258730016922831e-001, 1.880152677804762e+000)
    else:
        maxnorm, orders = 5.371920351148152, (3, 5, 7, 9, 13)
        conds = (1.495585217958292e-002, 2.539398330063230e-001, 9.504178996162932e-001,
                 2.097847961257068e+000)
    rdt = np.dtype(dt).type(0).real.dtype
    with np.errstate(divide="ignore"):
        squarings = np.maximum(np.floor(np.log(l1.astype(rdt) / rdt.type(maxnorm))
                                        / np.log(rdt.type(2.0))), 0)
    if not np.all(np.isfinite(l1)):
        return Tensor(np.full(shape, np.nan, dt))
    choice = np.searchsorted(np.asarray(conds), l1[:, 0, 0], side="right")
    u = v = None
    for i, order in enumerate(orders):
        rows = choice == i
        if not rows.any():
            continue
        xi = x
        if order == orders[-1]:
            xi = x / (2.0 ** squarings).astype(dt)
        ui, vi = _pade(xi, order, eye)
        sel = rows[:, None, None]
        u = ui if u is None else _tf.where(sel, ui, u)
        v = vi if v is None else _tf.where(sel, vi, v)
    result = solve(-u + v, u + v)
    for i in range(int(np.max(squarings))):
        result = _tf.where(squarings > i, _tf.matmul(result, result), result)
    return _tf.reshape(result, shape)


def logm(input, name=None):  # noqa: A002
    """The principal matrix logarithm of complex square matrices (TF accepts complex64 and
    complex128 only), through the eigendecomposition; no gradient."""
    x = _t(input)
    if x.data.dtype.kind != "c":
        raise InvalidArgumentError(
            f"logm: the input's dtype {x.data.dtype.name} is not one of the allowed types "
            "(complex64, complex128); cast it first, e.g. tf.cast(x, tf.complex64).")
    x = _float_matrix(x, "logm", complex_ok=True)
    w, v = np.linalg.eig(x.data.astype(np.complex128))
    out = (v * np.log(w)[..., None, :]) @ np.linalg.inv(v)
    return Tensor(out.astype(x.data.dtype))


class _Sqrtm(Function):
    def forward(self, a):
        w = _work(a)
        if np.allclose(w, _swap(w)):
            e, q = np.linalg.eigh(w)
            with np.errstate(invalid="ignore"):
                mu = np.sqrt(e)
            qinv = _swap(q)
            out = (q * mu[..., None, :]) @ qinv
        else:
            e, q = np.linalg.eig(w.astype(np.complex128))
            mu = np.sqrt(e)
            qinv = np.linalg.inv(q)
            out = (q * mu[..., None, :]) @ qinv
            out = out.real if a.dtype.kind == "f" else out
        self.q, self.qinv, self.mu = q, qinv, mu
        return out.astype(a.dtype)

    def backward(self, g):
        # S = sqrtm(A), S dS + dS S = dA; in S's eigenbasis dS'_ij = dA'_ij / (mu_i + mu_j)
        q, qinv, mu = self.q, self.qinv, self.mu
        gq = _swap(q) @ g @ _swap(qinv)
        gq = gq / (mu[..., :, None] + mu[..., None, :])
        grad = _swap(qinv) @ gq @ _swap(q)
        if np.iscomplexobj(grad) and self.inputs[0].data.dtype.kind == "f":
            grad = grad.real
        return (grad.astype(self.inputs[0].data.dtype),)


def sqrtm(input, name=None):  # noqa: A002
    """The principal square root of each square matrix (``sqrtm(a) @ sqrtm(a) = a``);
    differentiable (a Sylvester equation solved in the eigenbasis)."""
    return _Sqrtm()(_float_matrix(input, "sqrtm", complex_ok=True))


matrix_square_root = sqrtm


# -- diagonals and bands --------------------------------------------------------------------
def _k_pair(k, op):
    if isinstance(k, (list, tuple, np.ndarray)):
        ks = [int(v) for v in np.asarray(k).reshape(-1)]
        if len(ks) == 1:
            return ks[0], ks[0], False
        if len(ks) != 2 or ks[0] > ks[1]:
            raise InvalidArgumentError(f"{op}: k must be an int or a pair (lower, upper) with "
                                       f"lower <= upper; received {k!r}.")
        return ks[0], ks[1], ks[0] != ks[1]
    return int(k), int(k), False


def _align_flags(align, op):
    valid = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")
    if align not in valid:
        raise InvalidArgumentError(f"{op}: align must be one of {valid}; received {align!r}.")
    sup, sub = align.split("_")
    return sup == "LEFT", sub == "LEFT"


def _band_index(rows, cols, lo, hi, max_len, align):
    """For diagonals lo..hi of a rows x cols matrix: (i, j, r, p) index arrays of every
    element: matrix position (i, j), and its place (r, p) in the [num_diags, max_len] array."""
    left_sup, left_sub = align
    out_i, out_j, out_r, out_p = [], [], [], []
    for d in range(hi, lo - 1, -1):
        length = min(rows + min(0, d), cols - max(0, d))
        if length <= 0:
            continue
        left = (d >= 0 and left_sup) or (d <= 0 and left_sub)
        offset = 0 if left else max_len - length
        n = np.arange(length)
        out_i.append(n - min(d, 0))
        out_j.append(n + max(d, 0))
        out_r.append(np.full(length, hi - d))
        out_p.append(n + offset)
    def cat(parts):
        return np.concatenate(parts) if parts else np.zeros(0, int)

    return cat(out_i), cat(out_j), cat(out_r), cat(out_p)


class _Scatter(Function):
    """out[..., i, j] = x[..., r, p] over a ``pad``-filled array of shape batch + out_shape."""

    def __init__(self, index, out_shape, pad, base=None):
        self.index, self.out_shape, self.pad = index, out_shape, pad

    def forward(self, x, base=None):
        i, j, r, p = self.index
        batch = x.shape[:-2]
        if base is None:
            out = np.full(batch + self.out_shape, self.pad, x.dtype)
        else:
            out = np.array(np.broadcast_to(base, batch + self.out_shape))
        out[..., i, j] = x[..., r, p]
        self.x_shape = x.shape
        return out

    def backward(self, g):
        i, j, r, p = self.index
        gx = np.zeros(self.x_shape, g.dtype)
        gx[..., r, p] = g[..., i, j]
        gbase = None
        if len(self.inputs) > 1 and self.needs[1]:
            gbase = g.copy()
            gbase[..., i, j] = 0
        return (gx, gbase) if len(self.inputs) > 1 else (gx,)


class _Gather(Function):
    """out[..., r, p] = x[..., i, j] over a ``pad``-filled [..., num_diags, max_len] array."""

    def __init__(self, index, out_shape, pad):
        self.index, self.out_shape, self.pad = index, out_shape, pad

    def forward(self, x):
        i, j, r, p = self.index
        out = np.full(x.shape[:-2] + self.out_shape, self.pad, x.dtype)
        out[..., r, p] = x[..., i, j]
        self.x_shape = x.shape
        return out

    def backward(self, g):
        i, j, r, p = self.index
        gx = np.zeros(self.x_shape, g.dtype)
        gx[..., i, j] = g[..., r, p]
        return (gx,)


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT"):
    """A batch of matrices with ``diagonal`` on diagonal ``k`` (or the band ``k = (lower,
    upper)``, ``diagonal`` then ``[..., num_diags, max_len]`` from the top diagonal down),
    other entries ``padding_value``; TF's size rules and ``align``."""
    x = _t(diagonal)
    lo, hi, band = _k_pair(k, "diag")
    flags = _align_flags(align, "diag")
    if not band:
        x = _tf.expand_dims(x, -2)
    if x.data.ndim < 2 or x.data.shape[-2] != hi - lo + 1:
        raise InvalidArgumentError(
            f"diag: for k={k!r} the diagonal must have shape [..., {hi - lo + 1}, max_len]; "
            f"received {list(_t(diagonal).data.shape)}.")
    max_len = x.data.shape[-1]
    min_rows = max_len - min(hi, 0)
    min_cols = max_len + max(lo, 0)
    rows, cols = int(num_rows), int(num_cols)
    if rows == -1 and cols == -1:
        rows = cols = max(min_rows, min_cols)
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if rows != min_rows and cols != min_cols:
        raise InvalidArgumentError(
            f"diag: The number of rows or columns is not consistent with the specified d_lower, "
            f"d_upper, and diagonal: num_rows={rows}, num_cols={cols}, k={k!r}, diagonal length "
            f"{max_len}.")
    index = _band_index(rows, cols, lo, hi, max_len, flags)
    pad = as_array(padding_value).astype(x.data.dtype)
    return _Scatter(index, (rows, cols), pad)(x)


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """Diagonal ``k`` of each matrix (``[..., max_len]``), or the band ``k = (lower, upper)``
    (``[..., num_diags, max_len]``, top diagonal first, short ones padded per ``align``)."""
    x = _t(input)
    if x.data.ndim < 2:
        raise InvalidArgumentError(f"diag_part: input must have rank >= 2; received shape "
                                   f"{list(x.data.shape)}.")
    lo, hi, band = _k_pair(k, "diag_part")
    flags = _align_flags(align, "diag_part")
    rows, cols = x.data.shape[-2:]
    if lo <= -rows or hi >= cols and not (rows == 0 or cols == 0):
        if not (-rows < lo <= hi < cols):
            raise InvalidArgumentError(
                f"diag_part: k={k!r} is out of range for matrices of shape {[rows, cols]}.")
    max_len = min(rows + min(0, hi), cols - max(0, lo))
    index = _band_index(rows, cols, lo, hi, max_len, flags)
    pad = as_array(padding_value).astype(x.data.dtype)
    out = _Gather(index, (hi - lo + 1, max_len), pad)(x)
    return out if band else out[..., 0, :]


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """``input`` with diagonal ``k`` (or the band) replaced by ``diagonal``."""
    x = _t(input)
    d = _t(diagonal)
    lo, hi, band = _k_pair(k, "set_diag")
    flags = _align_flags(align, "set_diag")
    rows, cols = x.data.shape[-2:]
    max_len = min(rows + min(0, hi), cols - max(0, lo))
    if not band:
        d = _tf.expand_dims(d, -2)
    if d.data.shape[-2:] != (hi - lo + 1, max_len):
        raise InvalidArgumentError(
            f"set_diag: diagonal must have shape [..., {hi - lo + 1 if band else ''}"
            f"{', ' if band else ''}{max_len}] for input {list(x.data.shape)} and k={k!r}; "
            f"received {list(_t(diagonal).data.shape)}.")
    index = _band_index(rows, cols, lo, hi, max_len, flags)
    batch = np.broadcast_shapes(x.data.shape[:-2], d.data.shape[:-2])
    d = _tf.broadcast_to(d, batch + d.data.shape[-2:])
    return _Scatter(index, (rows, cols), 0)(d, x)


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keep the ``num_lower`` subdiagonals and ``num_upper`` superdiagonals (negative: all),
    zero the rest."""
    x = _t(input)
    rows, cols = x.data.shape[-2:]
    i = np.arange(rows)[:, None]
    j = np.arange(cols)[None, :]
    lo, up = int(num_lower), int(num_upper)
    keep = ((lo < 0) | (i - j <= lo)) & ((up < 0) | (j - i <= up))
    return x * keep.astype(x.data.dtype)


def tensor_diag(diagonal, name=None):
    """A tensor of shape ``diagonal.shape * 2`` with ``diagonal`` on its diagonal."""
    x = _t(diagonal)
    shape = x.data.shape
    n = int(np.prod(shape)) if shape else 1
    flat = _tf.reshape(x, (1, n))
    square = diag(flat[0])
    return _tf.reshape(square, shape + shape)


def tensor_diag_part(input, name=None):  # noqa: A002
    """The diagonal of a tensor of shape ``s + s`` (shape ``s``)."""
    x = _t(input)
    shape = x.data.shape
    if len(shape) % 2 or shape[:len(shape) // 2] != shape[len(shape) // 2:]:
        raise InvalidArgumentError(f"tensor_diag_part: the input's shape must be s + s; "
                                   f"received {list(shape)}.")
    half = shape[:len(shape) // 2]
    n = int(np.prod(half)) if half else 1
    return _tf.reshape(diag_part(_tf.reshape(x, (n, n))), half)


def trace(x, name=None):
    """The sum of the main diagonal of each matrix."""
    return _tf.reduce_sum(diag_part(x), axis=-1)


def cross(a, b, name=None):
    """The cross product of 3-vectors along the last axis (same shapes)."""
    u, v = _t(a), _t(b)
    if u.data.shape != v.data.shape or not u.data.shape or u.data.shape[-1] != 3:
        raise InvalidArgumentError(
            f"cross: both inputs must have one shape whose last dimension is 3; received "
            f"{list(u.data.shape)} and {list(v.data.shape)}.")
    u0, u1, u2 = (u[..., i] for i in range(3))
    v0, v1, v2 = (v[..., i] for i in range(3))
    return _tf.stack([u1 * v2 - u2 * v1, u2 * v0 - u0 * v2, u0 * v1 - u1 * v0], axis=-1)


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """``(tensor / norm, norm)`` with ``norm = tf.norm(tensor, ord, axis, keepdims=True)``."""
    x = _t(tensor)
    norm = _tf.norm(x, ord=ord, axis=axis, keepdims=True)
    return x / norm, norm
