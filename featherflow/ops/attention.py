"""Attention primitives: a masked softmax over several axes, and scaled dot-product attention
over (batch, time, heads, channels) tensors as one primitive with its own backward.

Masked positions are replaced by ``fill`` before the softmax (Keras's Softmax layer uses
-1e9; ``keras.ops.dot_product_attention`` uses -0.7 times the largest float32), and with
``zero_masked`` the probabilities of masked positions are set to 0 afterwards, so a query
that may attend to nothing gets all zeros instead of a uniform average (Keras's
``Softmax(mask=...)``).
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.backend import fast


def _compiled_rows(x):
    """The compiled kernels and ``x`` as (rows, last axis), when they apply to ``x``."""
    if x.size < fast.MIN_SIZE or x.dtype.kind != "f" or x.dtype.itemsize < 4 \
            or not x.flags.c_contiguous:
        return None, None
    kernels = fast.kernels()
    return kernels, (None if kernels is None else x.reshape(-1, x.shape[-1]))


def _softmax(x, axes, overwrite=False):
    """Softmax over ``axes``; with ``overwrite`` the buffer of ``x`` is reused."""
    if overwrite and axes in (-1, (x.ndim - 1,)):
        kernels, rows = _compiled_rows(x)
        if kernels is not None:
            # the row maximum, the exponential (vectorized, within 1 ULP: NumPy's float32 exp
            # is a scalar loop without AVX-512) and the row sums compiled
            kernels.subtract_row_max(rows)
            if rows.dtype == np.float32:
                flat = rows.reshape(-1)
                kernels.exp_into(flat, flat)
            else:
                np.exp(rows, out=rows)
            kernels.divide_by_row_sum(rows)
            return x
    e = np.subtract(x, np.max(x, axis=axes, keepdims=True), out=x if overwrite else None)
    np.exp(e, out=e)
    e /= np.sum(e, axis=axes, keepdims=True)
    return e


class MaskedSoftmax(Function):
    """Softmax of ``x`` over ``axes`` where ``mask`` (broadcastable bool array) is True."""

    def __init__(self, axes, mask=None, fill=-1e9, zero_masked=True):
        self.axes = tuple(axes)
        self.mask = mask
        self.fill = fill
        self.zero_masked = zero_masked and mask is not None

    def forward(self, x):
        if self.mask is not None:
            x = np.where(self.mask, x, np.asarray(self.fill, x.dtype))
        self.s = _softmax(x, self.axes)
        if self.zero_masked:
            return np.where(self.mask, self.s, 0).astype(x.dtype, copy=False)
        return self.s

    def backward(self, g):
        s = self.s
        if self.zero_masked:
            g = np.where(self.mask, g, 0)
        gx = s * (g - np.sum(g * s, axis=self.axes, keepdims=True))
        if self.mask is not None:
            gx = np.where(self.mask, gx, 0)
        return (gx.astype(s.dtype, copy=False),)


class DotProductAttention(Function):
    """``softmax(scale * q k^T) v`` per batch and head, with the probabilities as a second
    output.

    Inputs: ``q`` (B, T, N, H), ``k`` (B, S, N, H), ``v`` (B, S, N, Hv). ``mask`` broadcasts
    to (B, N, T, S); ``keep`` (same shape as the probabilities, already divided by
    ``1 - rate``) is dropout applied to the probabilities before they weight ``v``; the
    second output is the probabilities before dropout, as Keras returns them.
    """

    n_out = 2

    def __init__(self, scale, mask=None, fill=-1e9, zero_masked=True, keep=None,
                 softmax_dtype=None):
        self.scale = scale
        self.mask = mask
        self.fill = fill
        self.zero_masked = zero_masked and mask is not None
        self.keep = keep
        self.softmax_dtype = softmax_dtype

    def forward(self, q, k, v):
        dtype = q.dtype
        qt = q.transpose(0, 2, 1, 3) * np.asarray(self.scale, dtype)
        # per-head blocks made contiguous once: the batched matmuls (two here, four in the
        # backward) then run on BLAS-friendly layouts (measured 1.4 against 3.3 ms for the
        # scores of the bench's Transformer with k read strided out of a packed qkv)
        kt = np.ascontiguousarray(k.transpose(0, 2, 3, 1))
        vt = np.ascontiguousarray(v.transpose(0, 2, 1, 3))
        logits = np.matmul(qt, kt)
        if self.softmax_dtype is not None and logits.dtype != self.softmax_dtype:
            logits = logits.astype(self.softmax_dtype)
        if self.mask is not None:
            self.masked_out = ~np.broadcast_to(self.mask, logits.shape)
            np.copyto(logits, np.asarray(self.fill, logits.dtype), where=self.masked_out)
        s = _softmax(logits, -1, overwrite=True)
        if self.zero_masked:
            probs = s.copy()
            np.copyto(probs, 0, where=self.masked_out)
        else:
            probs = s
        probs = probs.astype(dtype, copy=False)
        weights = probs * self.keep if self.keep is not None else probs
        out = np.matmul(weights, vt).transpose(0, 2, 1, 3)
        self.saved = (qt, kt, vt, s, weights)
        return np.ascontiguousarray(out), probs

    def backward(self, grads):
        return self._backward(grads, None)

    def _backward(self, grads, packed):
        """The gradients of q, k and v, each written straight into its (B, T, N, H) layout
        by the matmul that makes it (into ``packed`` (B, T, 3, N, H) when given)."""
        g_out, g_probs = grads
        qt, kt, vt, s, weights = self.saved
        dtype = qt.dtype
        needs = (True, True, True) if packed is not None else self.needs

        def target(i, heads_first_shape):
            # a (B, N, rows, cols) view of a (B, rows, N, cols) array
            if packed is not None:
                return packed[:, :, i].transpose(0, 2, 1, 3)
            bsz, heads, rows, cols = heads_first_shape
            return np.empty((bsz, rows, heads, cols), dtype).transpose(0, 2, 1, 3)

        go = g_out.transpose(0, 2, 1, 3)
        gq = gk = gv = None
        if needs[2]:
            gv = _matmul_into(target(2, vt.shape), weights.swapaxes(-1, -2), go)
        if needs[0] or needs[1]:
            gp = np.matmul(go, vt.swapaxes(-1, -2))
            if self.keep is not None:
                gp *= self.keep
            if g_probs.any():
                gp += g_probs
            if self.zero_masked:
                np.copyto(gp, 0, where=self.masked_out)
            sd = s.astype(gp.dtype, copy=False)
            # softmax backward, in place: s * (gp - sum(gp * s))
            kernels, rows = _compiled_rows(gp)
            if kernels is not None and sd.flags.c_contiguous:
                kernels.softmax_rows_backward(rows, sd.reshape(rows.shape))
                gl = gp
            else:
                gl = np.multiply(gp, sd, out=gp)
                total = np.sum(gl, axis=-1, keepdims=True)
                gl -= sd * total
            if self.mask is not None:
                np.copyto(gl, 0, where=self.masked_out)
            if needs[0]:
                gq = _matmul_into(target(0, qt.shape), gl, kt.swapaxes(-1, -2), self.scale)
            if needs[1]:
                gk = _matmul_into(target(1, vt.shape[:3] + qt.shape[3:]),
                                  gl.swapaxes(-1, -2), qt)
        return tuple(None if g is None else g.transpose(0, 2, 1, 3) for g in (gq, gk, gv))


def _matmul_into(out, a, b, scale=None):
    """``out[...] = (a @ b) * scale``; the matmul writes ``out`` itself when the dtypes
    agree (no temporary, no transposing copy)."""
    if a.dtype == b.dtype == out.dtype:
        np.matmul(a, b, out=out)
        if scale is not None:
            out *= np.asarray(scale, out.dtype)
    else:
        r = np.matmul(a, b)
        out[...] = r if scale is None else r * np.asarray(scale, r.dtype)
    return out


class PackedDotProductAttention(DotProductAttention):
    """:class:`DotProductAttention` of self-attention whose query, key and value come packed
    in one array ``qkv`` (B, T, 3, N, H), as one GEMM makes them; the gradient comes back
    packed the same way, so the three projections' backward is one GEMM too."""

    def forward(self, qkv):
        return super().forward(qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2])

    def backward(self, grads):
        qt = self.saved[0]
        b, n, t, h = qt.shape
        packed = np.empty((b, t, 3, n, h), qt.dtype)
        self._backward(grads, packed)
        return (packed,)
