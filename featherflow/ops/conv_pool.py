"""A 2D convolution, its relu and a max pooling after it as one primitive, run in chunks.

A ``Conv2D(..., activation="relu")`` followed by ``MaxPooling2D`` makes the convolution's
output, by far the largest array of such a network (11 MB a step for the benchmark CNN's
first layer), only to relu it, pool it, and in the backward to route the pooled gradient back
onto it and mask that with the relu: five passes over main memory. Max pooling commutes with
relu (``max(relu(a), relu(b)) == relu(max(a, b))``), so this primitive pools the
convolution's output first and applies relu to the pooled result, a quarter of the size; and
it works through the batch a few images at a time, so each chunk's im2col matrix,
convolution output and output gradient stay in cache while they are used. Only the input,
the pooled output and the pooling's winners (one byte per pooled value and pass) are kept for
the backward, which unfolds each chunk's input again instead of storing the im2col matrix.

Results equal the two layers run one after the other: the same first-maximum rule as
``ops.pooling.MaxPool`` (ties go to the earlier column, then the earlier row) and the same
relu gradient (zero where the pooled output is not positive). ``models.Sequential`` uses it
for a ``Conv2D`` (groups 1, channels_last, activation relu or linear, no activity
regularizer) directly followed by a ``MaxPooling2D`` with "valid" padding whose strides equal
its pool size.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.conv import (
    TAP_MAJOR_CHANNELS,
    _settings,
    check_out,
    crop_nhwc,
    im2col,
    im2col_t,
    input_grad_per_tap,
    out_length,
    pad_nhwc,
)
from featherflow.ops.pooling import max_along, max_along_grad, winner_dtype

#: bytes of per-chunk work arrays (im2col rows, convolution output and its gradient) to aim
#: for. Measured on the benchmark CNN (2 cores, 512 KiB L2, 32 MiB L3): 1 MiB chunks 15.1 ms a
#: step, 4 MiB 13.6 ms, 16 MiB 15.4 ms, the whole batch at once 17.5 ms.
CHUNK_BYTES = 4 << 20
# The chunks run one after the other on the calling thread (BLAS threads the GEMMs): handing
# halves of the batch to two threads measured slower (13.7 vs 12.7 ms a step).


class ConvMaxPool(Function):
    """``max_pool(activation(conv(x, kernel) + bias))`` with non-overlapping windows.

    ``x`` is NHWC, ``kernel`` Keras's ``(kh, kw, in, filters)``; ``strides``, ``pads`` and
    ``dilations`` are the convolution's (2-tuples, pads per axis ``(before, after)``),
    ``pool`` the pooling window (also its strides); ``activation`` is "relu" or None.
    """

    def __init__(self, strides, pads, dilations, pool, activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.pool, self.activation = pool, activation

    def _unfold(self, xp, ones):
        """The chunk's im2col matrix, transposed: (kh*kw*c [+ 1], rows)."""
        if xp.shape[-1] <= TAP_MAJOR_CHANNELS:
            return im2col_t(xp, self.ksize, self.strides, self.dilations, self.outs, ones)
        return im2col(xp, self.ksize, self.strides, self.dilations, self.outs, ones).T

    def forward(self, x, kernel, bias=None):
        n, h, w, c = x.shape
        kh, kw, _, f = kernel.shape
        self.ksize = (kh, kw)
        oh, ow = self.outs = tuple(out_length(s, p, k, t, d) for s, p, k, t, d in zip(
            (h, w), self.pads, (kh, kw), self.strides, self.dilations))
        (ph, pw) = self.pool
        poh, pow_ = oh // ph, ow // pw
        xp = pad_nhwc(x, self.pads)
        self.xp, self.in_shape, self.kernel = xp, x.shape, kernel
        self.has_bias = bias is not None
        kmat = kernel.reshape(kh * kw * c, f)
        if self.has_bias:
            kmat = np.concatenate([kmat, bias.reshape(1, f).astype(kmat.dtype)])
        y = np.empty((n, poh, pow_, f), x.dtype)
        # winners of the width pass (over the convolution's rows) and of the height pass
        self.won_w = np.empty((n, oh, pow_, f), winner_dtype(pw)) if pw > 1 else None
        self.won_h = np.empty((n, poh, pow_, f), winner_dtype(ph)) if ph > 1 else None
        per_image = oh * ow * (kmat.shape[0] + 2 * f) * x.dtype.itemsize
        self.chunk = chunk = max(1, min(n, CHUNK_BYTES // per_image))

        mid = np.empty((chunk, oh, pow_, f), x.dtype)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            z = (self._unfold(xp[lo:hi], self.has_bias).T @ kmat).reshape(hi - lo, oh, ow, f)
            m = mid[:hi - lo]
            max_along(z, 2, pw, pw, pow_, m, None if pw == 1 else self.won_w[lo:hi])
            max_along(m, 1, ph, ph, poh, y[lo:hi], None if ph == 1 else self.won_h[lo:hi])
        if self.activation == "relu":
            np.maximum(y, 0, out=y)
        self.y = y
        return y

    def backward(self, grad):
        needs = self.needs
        want_x = needs[0]
        want_k = needs[1] or (len(needs) > 2 and needs[2])
        xp, kernel = self.xp, self.kernel
        kh, kw, c, f = kernel.shape
        kk = kh * kw * c
        n, oh, ow = xp.shape[0], self.outs[0], self.outs[1]
        (ph, pw), chunk = self.pool, self.chunk
        pow_ = grad.shape[2]
        g = grad * (self.y > 0) if self.activation == "relu" else grad
        gk = dx = kt = None
        if want_x:
            dx = np.zeros(xp.shape, grad.dtype)
            kt = np.ascontiguousarray(kernel.transpose(0, 1, 3, 2))
        gmid = np.zeros((chunk, oh, pow_, f), grad.dtype)
        gz = np.zeros((chunk, oh, ow, f), grad.dtype)  # rows/columns no window reads stay 0
        if want_k:
            gk = np.zeros((kk + self.has_bias, f), grad.dtype)
            tmp = np.empty_like(gk)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            rows = (hi - lo) * oh * ow
            gm, gz4 = gmid[:hi - lo], gz[:hi - lo]
            max_along_grad(g[lo:hi], None if ph == 1 else self.won_h[lo:hi], gm.shape, 1,
                           ph, ph, gm)
            max_along_grad(gm, None if pw == 1 else self.won_w[lo:hi], gz4.shape, 2, pw, pw,
                           gz4)
            gz2 = gz4.reshape(rows, f)
            if want_k:
                np.matmul(self._unfold(xp[lo:hi], self.has_bias), gz2, out=tmp)
                gk += tmp
            if want_x:
                input_grad_per_tap(gz2, kernel, (hi - lo, oh, ow), None, self.strides,
                                   self.dilations, dx[lo:hi], kt)
        gx = crop_nhwc(dx, self.pads, self.in_shape[1:3]) if want_x else None
        gkernel = gk[:kk].reshape(kernel.shape) if needs[1] else None
        gbias = gk[kk] if self.has_bias and needs[2] else None
        return gx, gkernel, gbias


def conv_max_pool(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1,
                  pool_size=2, activation=None):
    """``max_pool(activation(conv2d(x, kernel) + bias), pool_size)`` as one primitive.

    ``x`` is channels_last (batch, height, width, channels); the pooling is "valid" with
    strides equal to ``pool_size``; ``activation`` is "relu" or None (or "linear").

    Example::

        >>> conv_max_pool(np.ones((1, 6, 6, 1), "float32"), np.ones((3, 3, 1, 2), "float32"),
        ...               activation="relu").shape
        TensorShape([1, 2, 2, 2])
    """
    where = "conv_max_pool"
    if activation not in (None, "linear", "relu"):
        raise ValueError(
            f"{where}: activation must be 'relu', 'linear' or None, received {activation!r} "
            "(max pooling commutes only with these here)."
        )
    x = operand(x)
    shape = np.shape(data(x))
    kshape = np.shape(data(kernel))
    if len(shape) != 4 or len(kshape) != 4 or kshape[2] != shape[-1]:
        raise ValueError(
            f"{where}: expected an input (batch, height, width, channels) and a kernel "
            f"(kh, kw, channels, filters) with the same channels; received input {shape} and "
            f"kernel {kshape}."
        )
    rank, _, sizes, ksize, st, pads, dl = _settings(
        x, kernel, strides, padding, dilation_rate, "channels_last", where)
    outs = [out_length(s, p, k, t, d) for s, p, k, t, d in zip(sizes, pads, ksize, st, dl)]
    check_out(sizes, outs, ksize, dl, where)
    pool = (pool_size, pool_size) if isinstance(pool_size, int) else tuple(pool_size)
    check_out(outs, [o // p for o, p in zip(outs, pool)], pool, (1, 1), where)
    fn = ConvMaxPool(st, pads, dl, pool, "relu" if activation == "relu" else None)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)
