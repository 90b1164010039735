"""Matrix products and norms: matmul (batched), tensordot, norms and clipping (einsum is in
ops/einsum.py)."""


import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, float_operand, operand, pair
from featherflow.ops.complex_parts import conj, imag, real
from featherflow.ops.einsum import Einsum, einsum  # noqa: F401  (ops.math re-exports them)
from featherflow.ops.math import (
    add,
    cast,
    divide,
    greater,
    maximum,
    multiply,
    rsqrt,
    sqrt,
    square,
    where,
)
from featherflow.ops.reduce import add_n, reduce_max, reduce_sum
from featherflow.ops.reshape import matrix_transpose
from featherflow.ops.unbroadcast import unbroadcast_tensor


def _t(x):
    return np.swapaxes(x, -1, -2)


class MatMul(Function):
    """``op(a) @ op(b)`` over the last two axes, batched with broadcasting; a 1-D operand is
    a vector (as in NumPy), and the transposes apply to operands of rank >= 2."""

    def __init__(self, transpose_a=False, transpose_b=False):
        self.ta = transpose_a
        self.tb = transpose_b

    def forward(self, a, b):
        self.a, self.b = a, b
        if a.ndim == 1 or b.ndim == 1:
            a2 = a[None, :] if a.ndim == 1 else (_t(a) if self.ta else a)
            b2 = b[:, None] if b.ndim == 1 else (_t(b) if self.tb else b)
            out = np.matmul(a2, b2)
            self.out2 = out.shape
            if a.ndim == 1:
                out = out[..., 0, :]
            if b.ndim == 1:
                out = out[..., 0]
            return out
        return np.matmul(_t(a) if self.ta else a, _t(b) if self.tb else b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if a.ndim == 1 or b.ndim == 1:
            a2 = a[None, :] if a.ndim == 1 else (_t(a) if self.ta else a)
            b2 = b[:, None] if b.ndim == 1 else (_t(b) if self.tb else b)
            g2 = np.reshape(g, self.out2)
            if self.needs[0]:
                ga = unbroadcast(g2 @ _t(b2), a2.shape)
                ga = ga.reshape(a.shape) if a.ndim == 1 else (_t(ga) if self.ta else ga)
            if self.needs[1]:
                gb = unbroadcast(_t(a2) @ g2, b2.shape)
                gb = gb.reshape(b.shape) if b.ndim == 1 else (_t(gb) if self.tb else gb)
            return ga, gb
        opa = _t(a) if self.ta else a
        opb = _t(b) if self.tb else b
        if self.needs[0]:
            ga = opb @ _t(g) if self.ta else g @ _t(opb)
            ga = unbroadcast(ga, a.shape)
        if self.needs[1]:
            gb = _t(g) @ opa if self.tb else _t(opa) @ g
            gb = unbroadcast(gb, b.shape)
        return ga, gb

    def backward_tensors(self, g):
        a, b = self.inputs
        if self.a.ndim == 1 or self.b.ndim == 1:
            return None  # the vector cases keep their first-order path only
        ga = gb = None
        opa = matrix_transpose(a) if self.ta else a
        opb = matrix_transpose(b) if self.tb else b
        if self.needs[0]:
            ga = matmul(opb, g, transpose_b=True) if self.ta else matmul(g, opb, transpose_b=True)
            ga = unbroadcast_tensor(ga, self.a.shape)
        if self.needs[1]:
            gb = matmul(g, opa, transpose_a=True) if self.tb else matmul(opa, g, transpose_a=True)
            gb = unbroadcast_tensor(gb, self.b.shape)
        return ga, gb


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, batched over the leading ones (``tf.matmul``)."""
    a, b = pair(a, b)
    ta = transpose_a or adjoint_a
    tb = transpose_b or adjoint_b
    # the adjoint is the conjugate transpose: recorded as conj, so the gradient follows it
    if adjoint_a and data(a).dtype.kind == "c":
        a = conj(a)
    if adjoint_b and data(b).dtype.kind == "c":
        b = conj(b)
    sa, sb = np.shape(data(a)), np.shape(data(b))
    ka = (sa[-2] if ta else sa[-1]) if len(sa) > 1 else (sa[0] if sa else None)
    kb = (sb[-1] if tb else sb[-2]) if len(sb) > 1 else (sb[0] if sb else None)
    if not sa or not sb or ka != kb:
        raise InvalidArgumentError(
            f"matmul: incompatible shapes {tuple(sa)} and {tuple(sb)}: the inner dimensions "
            f"({ka} and {kb}) must match. Transpose one operand or fix the layer sizes."
        )
    try:
        return MatMul(ta, tb)(a, b)
    except ValueError as err:
        raise ValueError(
            f"matmul: incompatible shapes {tuple(sa)} and {tuple(sb)}: the batch dimensions "
            f"{tuple(sa[:-2])} and {tuple(sb[:-2])} must be equal or broadcastable ({err})."
        ) from None


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """Matrix times vector over the last axes (``tf.linalg.matvec``)."""
    from featherflow.ops import reshape as reshape_ops

    out = matmul(a, reshape_ops.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return reshape_ops.squeeze(out, -1)


def tensordot(a, b, axes, name=None):
    """Contract ``axes`` of ``a`` with ``axes`` of ``b`` (``tf.tensordot``)."""
    from featherflow.ops import reshape as reshape_ops

    a, b = pair(a, b)
    na, nb = np.ndim(data(a)), np.ndim(data(b))
    if isinstance(axes, (int, np.integer)):
        ax_a = list(range(na - int(axes), na))
        ax_b = list(range(int(axes)))
    else:
        ax_a, ax_b = [list(np.atleast_1d(v)) for v in axes]
        ax_a = [int(i) % na for i in ax_a]
        ax_b = [int(i) % nb for i in ax_b]
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    sa, sb = np.shape(data(a)), np.shape(data(b))
    if [sa[i] for i in ax_a] != [sb[i] for i in ax_b]:
        raise ValueError(
            f"tensordot: the contracted axes {ax_a} of shape {tuple(sa)} and {ax_b} of shape "
            f"{tuple(sb)} have different sizes."
        )
    k = int(np.prod([sa[i] for i in ax_a]))
    at = reshape_ops.reshape(reshape_ops.transpose(a, free_a + ax_a), (-1, k))
    bt = reshape_ops.reshape(reshape_ops.transpose(b, ax_b + free_b), (k, -1))
    return reshape_ops.reshape(matmul(at, bt), [sa[i] for i in free_a] + [sb[i] for i in free_b])



def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """``x / sqrt(max(sum(x ** 2), epsilon))`` over ``axis`` (``tf.math.l2_normalize``)."""
    x = float_operand(x)
    if data(x).dtype.kind == "c":  # as TF: the squared modulus, real(x)^2 + imag(x)^2
        sq = reduce_sum(add(square(real(x)), square(imag(x))), axis=axis, keepdims=True)
        return multiply(x, cast(rsqrt(maximum(sq, epsilon)), data(x).dtype))
    sq = reduce_sum(square(x), axis=axis, keepdims=True)
    return multiply(x, rsqrt(maximum(sq, epsilon)))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """Vector norms (``ord`` 'euclidean'/2, 1, inf; 'fro' for matrices), as ``tf.norm``.

    With ``axis=None`` the tensor is treated as one flat vector.
    """
    x = float_operand(tensor)
    keep = bool(keepdims)
    if isinstance(axis, (list, tuple)) and len(axis) == 2 and ord not in ("euclidean", "fro"):
        raise ValueError(
            f"norm: matrix norms support ord='euclidean' or 'fro' here, received ord={ord!r}."
        )
    if ord in ("euclidean", "fro", 2, 2.0):
        if data(x).dtype.kind == "c":  # as TF: sqrt(sum(x * conj(x))), of x's complex dtype
            return sqrt(reduce_sum(multiply(x, conj(x)), axis=axis, keepdims=keep))
        return sqrt(reduce_sum(square(x), axis=axis, keepdims=keep))
    if ord in (1, 1.0):
        return reduce_sum(abs(x), axis=axis, keepdims=keep)
    if ord == np.inf:
        return reduce_max(abs(x), axis=axis, keepdims=keep)
    if isinstance(ord, (int, float)) and ord > 0:
        return pow(reduce_sum(pow(abs(x), float(ord)), axis=axis, keepdims=keep), 1.0 / ord)
    raise ValueError(
        f"norm: ord must be 'euclidean', 'fro', 1, 2, np.inf or a positive number, received "
        f"{ord!r}."
    )


def global_norm(t_list, name=None):
    """``sqrt(sum of squared L2 norms)`` of the tensors in ``t_list`` (None entries skipped)."""
    parts = [reduce_sum(square(float_operand(t))) for t in t_list if t is not None]
    if not parts:
        return Tensor(np.zeros((), np.float32))
    return sqrt(add_n(parts))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescale ``t`` so its L2 norm over ``axes`` is at most ``clip_norm`` (``tf.clip_by_norm``).

    The norm of an all-zero ``t`` has a finite (zero) gradient, as in TensorFlow.
    """
    t = float_operand(t)
    l2sum = reduce_sum(square(t), axis=axes, keepdims=True)
    pos = greater(l2sum, 0)
    l2norm = where(pos, sqrt(where(pos, l2sum, 1.0)), l2sum)
    return divide(multiply(t, clip_norm), maximum(l2norm, clip_norm))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor by ``clip_norm / max(global_norm, clip_norm)``; returns
    ``(clipped_list, global_norm)`` with None entries kept (``tf.clip_by_global_norm``)."""
    gnorm = global_norm(t_list) if use_norm is None else operand(use_norm)
    scale = divide(clip_norm, maximum(gnorm, clip_norm))
    clipped = [None if t is None else multiply(t, cast(scale, data(operand(t)).dtype))
               for t in t_list]
    return clipped, gnorm


