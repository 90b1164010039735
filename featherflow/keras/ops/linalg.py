"""``keras.ops.linalg``: matrix inverse, determinants, solves and factorisations over NumPy's
LAPACK. ``inv``, ``det``, ``slogdet``/``logdet``, ``solve``, ``norm``, ``pinv`` and
``lstsq`` are differentiable; the factorisations (``cholesky``, ``qr``, ``svd``, ``eig``,
``eigh``, ``lu_factor``) return values without gradients."""

import builtins

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.keras.ops import _primitives as prim
from featherflow.keras.ops.numpy import (
    _arr,
    _axis,
    abs,
    convert,
    float_type,
    matmul,
    max,
    min,
    power,
    sqrt,
    sum,
    transpose,
)


def _floats(x):
    x = convert(x)
    return convert(x, float_type(x))


def _square_check(x, op):
    shape = x.data.shape
    if x.data.ndim < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"{op}: expects square matrices (..., n, n); received shape {shape}.")


def inv(x):
    x = _floats(x)
    _square_check(x, "inv")
    return prim.Inverse()(x)


def det(x):
    x = _floats(x)
    _square_check(x, "det")
    return prim.Det()(x)


def slogdet(x):
    x = _floats(x)
    _square_check(x, "slogdet")
    sign = np.linalg.slogdet(x.data)[0].astype(x.data.dtype)
    return Tensor(sign), prim.LogAbsDet()(x)


def logdet(x):
    return slogdet(x)[1]


def solve(a, b):
    a, b = _floats(a), _floats(b)
    _square_check(a, "solve")
    b = convert(b, a.data.dtype.name)
    return prim.Solve()(a, b)


def solve_triangular(a, b, lower=False):
    a = _floats(a)
    keep = np.tril(np.ones(a.data.shape[-2:], bool)) if lower else \
        np.triu(np.ones(a.data.shape[-2:], bool))
    from featherflow.ops import math as _m

    tri = _m.where(np.broadcast_to(keep, a.data.shape), a, Tensor(np.zeros_like(a.data)))
    return solve(tri, b)


def cholesky(x, upper=False):
    x = _floats(x)
    _square_check(x, "cholesky")
    try:
        out = np.linalg.cholesky(x.data)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"cholesky: the matrix is not positive definite ({err}).") from None
    if upper:
        out = np.swapaxes(out, -1, -2)
    return Tensor(out.astype(x.data.dtype))


def cholesky_inverse(x, upper=False):
    factor = _floats(x)
    lower = transpose(factor, _swap(factor)) if upper else factor
    return inv(matmul(lower, transpose(lower, _swap(lower))))


def _swap(x):
    perm = list(range(x.data.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return perm


def eig(x):
    x = _floats(x)
    w, v = np.linalg.eig(x.data)
    return Tensor(w), Tensor(v)


def eigh(x):
    x = _floats(x)
    w, v = np.linalg.eigh(x.data)
    return Tensor(w.astype(x.data.dtype)), Tensor(v.astype(x.data.dtype))


def lu_factor(x):
    """``(lu, pivots)`` as LAPACK's getrf: L below the diagonal (unit diagonal implied), U on
    and above it; ``pivots[i]`` is the row swapped with row i (0-based)."""
    a = np.array(_floats(x).data, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"lu_factor: expects one square matrix; received shape {a.shape}.")
    n = a.shape[0]
    piv = np.zeros(n, np.int32)
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        piv[k] = p
        if p != k:
            a[[k, p]] = a[[p, k]]
        if a[k, k] != 0:
            a[k + 1:, k] /= a[k, k]
            a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    dtype = _floats(x).data.dtype
    return Tensor(a.astype(dtype)), Tensor(piv)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete'; received {mode!r}.")
    x = _floats(x)
    q, r = np.linalg.qr(x.data, mode=mode)
    return Tensor(q.astype(x.data.dtype)), Tensor(r.astype(x.data.dtype))


def svd(x, full_matrices=True, compute_uv=True):
    x = _floats(x)
    if not compute_uv:
        return Tensor(np.linalg.svd(x.data, compute_uv=False).astype(x.data.dtype))
    u, s, vh = np.linalg.svd(x.data, full_matrices=full_matrices)
    dt = x.data.dtype
    return Tensor(u.astype(dt)), Tensor(s.astype(dt)), Tensor(vh.astype(dt))


def pinv(x, rcond=1e-15):
    x = _floats(x)
    # differentiable through the normal equations where x has full column or row rank
    m, n = x.data.shape[-2:]
    rank = np.linalg.matrix_rank(x.data)
    if np.all(rank == builtins.min(m, n)):
        xt = transpose(x, _swap(x))
        if m >= n:
            return matmul(inv(matmul(xt, x)), xt)
        return matmul(xt, inv(matmul(x, xt)))
    return Tensor(np.linalg.pinv(x.data, rcond=rcond).astype(x.data.dtype))


def matrix_rank(x, tol=None):
    return Tensor(np.asarray(np.linalg.matrix_rank(_arr(x), tol=tol), np.int32))


def lstsq(a, b, rcond=None):
    a, b = _floats(a), _floats(b)
    return matmul(pinv(a), b)


def norm(x, ord=None, axis=None, keepdims=False):
    x = _floats(x)
    axis = _axis(axis)
    nd = x.data.ndim
    if axis is None:
        axis = tuple(range(nd)) if (ord is None or nd <= 2) else None
        if ord is not None and nd == 2:
            axis = (0, 1)
        elif ord is not None and nd == 1:
            axis = 0
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, int) or (isinstance(axis, tuple) and ord is None):
        # vector norms (or the Frobenius norm over several axes)
        if ord is None or ord == 2 and isinstance(axis, int):
            return sqrt(sum(x * x, axis=axis, keepdims=keepdims))
        if ord in (np.inf, "inf"):
            return max(abs(x), axis=axis, keepdims=keepdims)
        if ord in (-np.inf, "-inf"):
            return min(abs(x), axis=axis, keepdims=keepdims)
        if ord == 0:
            return sum(convert(x.data != 0, x.data.dtype.name), axis=axis, keepdims=keepdims)
        if isinstance(ord, str):
            raise ValueError(f"norm: ord={ord!r} needs two axes (a matrix norm).")
        p = float(ord)
        return power(sum(power(abs(x), p), axis=axis, keepdims=keepdims), 1.0 / p)
    if not isinstance(axis, tuple) or len(axis) != 2:
        raise ValueError(f"norm: axis must be an int or a pair of ints; received {axis!r}.")
    r, c = (a % nd for a in axis)
    if ord in ("fro", "f", None):
        return sqrt(sum(x * x, axis=(r, c), keepdims=keepdims))
    if ord == 1:
        out = max(sum(abs(x), axis=r, keepdims=True), axis=c, keepdims=True)
    elif ord == -1:
        out = min(sum(abs(x), axis=r, keepdims=True), axis=c, keepdims=True)
    elif ord in (np.inf, "inf"):
        out = max(sum(abs(x), axis=c, keepdims=True), axis=r, keepdims=True)
    elif ord in (-np.inf, "-inf"):
        out = min(sum(abs(x), axis=c, keepdims=True), axis=r, keepdims=True)
    elif ord in (2, -2, "nuc"):
        moved = np.moveaxis(x.data, (r, c), (-2, -1))
        s = np.linalg.svd(moved, compute_uv=False)
        value = s.max(-1) if ord == 2 else s.min(-1) if ord == -2 else s.sum(-1)
        value = value.astype(x.data.dtype)
        if keepdims:
            value = np.expand_dims(value, (r, c))
        return Tensor(value)
    else:
        raise ValueError(f"norm: unsupported matrix ord {ord!r}; expected one of 'fro', "
                         "'nuc', 1, -1, 2, -2, inf, -inf.")
    if not keepdims:
        from featherflow.ops import reshape as _reshape

        out = _reshape.squeeze(out, [r, c])
    return out


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode product ``J(primals) @ tangents``, computed as the gradient of the
    gradient (``d/du <grad_x <f(x), u>, t>``), as ``tf.autodiff.ForwardAccumulator`` would."""
    from featherflow.autodiff.tape import GradientTape

    primals = [convert(p) for p in primals]
    tangents = [convert(t) for t in tangents]
    with GradientTape(persistent=True) as outer:
        for p in primals:
            outer.watch(p)
        result = fun(*primals)
        out, aux = (result if has_aux else (result, None))
        u = Tensor(np.zeros_like(out.data))
        outer.watch(u)
        with GradientTape() as inner:
            inner.watch(u)
            for p in primals:
                inner.watch(p)
            inner_out = fun(*primals)
            inner_out = inner_out[0] if has_aux else inner_out
            scalar = sum(inner_out * u)
        grads = inner.gradient(scalar, primals)
        dot = None
        for g, t in zip(grads, tangents):
            if g is None:
                continue
            term = sum(g * t)
            dot = term if dot is None else dot + term
    tangent_out = outer.gradient(dot, u) if dot is not None else Tensor(np.zeros_like(out.data))
    if tangent_out is None:
        tangent_out = Tensor(np.zeros_like(out.data))
    return (out, tangent_out, aux) if has_aux else (out, tangent_out)
