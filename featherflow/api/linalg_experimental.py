"""``tf.linalg.experimental``: ``conjugate_gradient`` (TF 2.21's algorithm and result)."""

import collections

import numpy as np

import featherflow as _tf
from featherflow.autodiff.tensor import Tensor, as_array

__all__ = ["conjugate_gradient"]

CGState = collections.namedtuple("CGState", ["i", "x", "r", "p", "gamma"])


def conjugate_gradient(operator, rhs, preconditioner=None, x=None, tol=1e-5, max_iter=20,
                       name="conjugate_gradient"):
    """Solve ``operator x = rhs`` for a self-adjoint positive definite LinearOperator by
    conjugate gradients; stops after ``max_iter`` steps or when every residual norm is at
    most ``tol`` times the norm of ``rhs``. Returns ``CGState(i, x, r, p, gamma)``."""
    if not (operator.is_self_adjoint and operator.is_positive_definite):
        raise ValueError("Expected a self-adjoint, positive definite operator.")
    rhs = rhs if isinstance(rhs, Tensor) else Tensor(as_array(rhs))

    def dot(a, b):
        return _tf.reduce_sum(a * b, axis=-1)

    batch = np.broadcast_shapes(rhs.data.shape[:-1], tuple(operator.batch_shape))
    if preconditioner is not None:
        batch = np.broadcast_shapes(batch, tuple(preconditioner.batch_shape))
    r0 = _tf.broadcast_to(rhs, tuple(batch) + (rhs.data.shape[-1],))
    tol = np.asarray(tol, rhs.data.dtype) * np.linalg.norm(r0.data, axis=-1)
    if x is None:
        x = _tf.zeros_like(r0)
    else:
        r0 = rhs - operator.matvec(x)
    p0 = r0 if preconditioner is None else preconditioner.matvec(r0)
    state = CGState(Tensor(np.asarray(0, np.int32)), x, r0, p0, dot(r0, p0))
    i = 0
    while i < max_iter and np.any(np.linalg.norm(state.r.data, axis=-1) > tol):
        z = operator.matvec(state.p)
        alpha = state.gamma / dot(state.p, z)
        x = state.x + alpha[..., None] * state.p
        r = state.r - alpha[..., None] * z
        q = r if preconditioner is None else preconditioner.matvec(r)
        gamma = dot(r, q)
        beta = gamma / state.gamma
        p = q + beta[..., None] * state.p
        i += 1
        state = CGState(Tensor(np.asarray(i, np.int32)), x, r, p, gamma)
    return state
