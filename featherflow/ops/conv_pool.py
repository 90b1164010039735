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
from numpy.lib.stride_tricks import as_strided

from featherflow.autodiff.function import Function
from featherflow.backend import fast
from featherflow.ops._convert import data, operand
from featherflow.ops.conv_geometry import check_out, conv_settings, out_length
from featherflow.ops.im2col import TAP_MAJOR_CHANNELS, crop_nhwc, pad_nhwc, window_slice
from featherflow.ops.pooling import max_along, max_along_grad, winner_dtype

#: bytes of per-chunk work arrays (im2col rows, convolution output and its gradient) to aim
#: for. Measured on the benchmark CNN (2 cores, 512 KiB L2, 32 MiB L3): 1 MiB chunks 15.1 ms a
#: step, 4 MiB 13.6 ms, 16 MiB 15.4 ms, the whole batch at once 17.5 ms.
CHUNK_BYTES = 4 << 20
# The chunks run one after the other on the calling thread (BLAS threads the GEMMs): handing
# halves of the batch to two threads measured slower (13.7 vs 12.7 ms a step).


def _max_of_taps(taps, y, won):
    """``y`` = the maximum of the equally shaped ``taps``, ``won`` = the first tap holding it.

    ``won`` is bool for two taps, else uint8 (as ``ops.pooling.max_along`` records it).
    """
    np.greater(taps[1], taps[0], out=won)
    np.maximum(taps[0], taps[1], out=y)
    for k in range(2, len(taps)):
        np.maximum(won, (taps[k] > y) * np.uint8(k), out=won)
        np.maximum(y, taps[k], out=y)


def _route_to_taps(g, won, taps):
    """Write ``g`` into the winning tap of each window and zeros into the others."""
    if len(taps) == 2:
        np.multiply(g, won, out=taps[1])
        np.subtract(g, taps[1], out=taps[0])  # exact: won is 0 or 1
        return
    for k, tap in enumerate(taps):
        np.multiply(g, won == k, out=tap)


class ConvMaxPool(Function):
    """``max_pool(activation(conv(x, kernel) + bias))`` with non-overlapping windows.

    ``x`` is NHWC, ``kernel`` Keras's ``(kh, kw, in, filters)``; ``strides``, ``pads`` and
    ``dilations`` are the convolution's (2-tuples, pads per axis ``(before, after)``),
    ``pool`` the pooling window (also its strides); ``activation`` is "relu" or None.

    Inside, the convolution's output positions of a chunk are ordered ``(image, row, tap
    column, window column)``: output column ``q * pw + p`` is stored at ``[p, q]``, so each
    width tap of the pooling is one contiguous block per row (strided taps of 32 floats made
    NumPy's loops several times slower). The im2col matrix is built in that order directly.
    """

    def __init__(self, strides, pads, dilations, pool, activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.pool, self.activation = pool, activation

    def _unfold(self, xp, ones, natural=False):
        """The chunk's im2col matrix, transposed: (kh*kw*c [+ 1], rows), rows in the order
        (image, row, tap column, window column), or (image, row, column) when ``natural``."""
        n, _, _, c = xp.shape
        sn, sh, sw, sc = xp.strides
        (kh, kw), (th, tw), (dh, dw) = self.ksize, self.strides, self.dilations
        oh, pw, pq = self.outs[0], self.pool[1], self.outs[1] // self.pool[1]
        kk, rows = kh * kw * c, n * oh * pw * pq
        if natural:
            positions = (n, oh, pw * pq), (sn, sh * th, sw * tw)
        else:
            positions = (n, oh, pw, pq), (sn, sh * th, sw * tw, sw * tw * pw)
        taps = (kh, kw, c), (sh * dh, sw * dw, sc)
        if c <= TAP_MAJOR_CHANNELS:
            # few channels: tap-major rows copy whole output rows at a time (see im2col_t)
            view = as_strided(xp, taps[0] + positions[0], taps[1] + positions[1],
                              writeable=False)
            col_t = np.empty((kk + ones, rows), xp.dtype)
            np.copyto(col_t[:kk].reshape(view.shape), view)
            if ones:
                col_t[kk] = 1
            return col_t
        view = as_strided(xp, positions[0] + taps[0], positions[1] + taps[1], writeable=False)
        col = np.empty((rows, kk + ones), xp.dtype)
        np.copyto(col[:, :kk].reshape(view.shape), view)
        if ones:
            col[:, kk] = 1
        return col.T

    def forward(self, x, kernel, bias=None):
        n, h, w, c = x.shape
        kh, kw, _, f = kernel.shape
        self.ksize = (kh, kw)
        full = [out_length(s, p, k, t, d) for s, p, k, t, d in zip(
            (h, w), self.pads, (kh, kw), self.strides, self.dilations)]
        (ph, pw) = self.pool
        poh, pq = full[0] // ph, full[1] // pw
        # only the convolution outputs that some window reads are computed (a "valid" pool
        # drops the last row or column of an odd size)
        oh, ow = self.outs = (poh * ph, pq * pw)
        xp = pad_nhwc(x, self.pads)
        self.xp, self.in_shape, self.kernel = xp, x.shape, kernel
        self.has_bias = bias is not None
        kmat = kernel.reshape(kh * kw * c, f)
        if self.has_bias:
            kmat = np.concatenate([kmat, bias.reshape(1, f).astype(kmat.dtype)])
        y = np.empty((n, poh, pq, f), x.dtype)
        per_image = oh * ow * (kmat.shape[0] + 2 * f) * x.dtype.itemsize
        self.chunk = chunk = max(1, min(n, CHUNK_BYTES // per_image))
        relu = self.activation == "relu"
        kernels = fast.kernels() if x.dtype.kind == "f" and x.dtype.itemsize >= 4 else None
        # compiled ([fast]): pooling, winners and relu in one pass over each chunk's output,
        # one winner byte per window (a * pw + p); else two NumPy passes with their winners
        self.fused = kernels is not None and ph * pw <= 255
        if self.fused:
            self.won = np.empty((n, poh, pq, f), np.uint8)
        else:
            # winners of the width pass (per convolution row) and of the height pass
            self.won_w = np.empty((n, oh, pq, f), winner_dtype(pw)) if pw > 1 else None
            self.won_h = np.empty((n, poh, pq, f), winner_dtype(ph)) if ph > 1 else None
            mid = np.empty((chunk, oh, pq, f), x.dtype)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            z = (self._unfold(xp[lo:hi], self.has_bias).T @ kmat).reshape(
                hi - lo, oh, pw, pq, f)
            if self.fused:
                kernels.max_pool_taps(z, y[lo:hi], self.won[lo:hi], relu)
                continue
            m = mid[:hi - lo]
            if pw > 1:
                _max_of_taps([z[:, :, p] for p in range(pw)], m, self.won_w[lo:hi])
            else:
                m[...] = z[:, :, 0]
            max_along(m, 1, ph, ph, poh, y[lo:hi], None if ph == 1 else self.won_h[lo:hi])
        if relu and not self.fused:
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
        n, (oh, ow) = xp.shape[0], self.outs
        (ph, pw), chunk = self.pool, self.chunk
        pq = ow // pw
        fused = self.fused
        kernels = fast.kernels() if fused else None
        if fused and kernels is None:  # turned off between the forward and the backward
            raise RuntimeError("ConvMaxPool: the compiled kernels ran the forward pass but are "
                               "off for its backward; switch featherflow.backend.fast only "
                               "between steps.")
        if fused:
            g = np.ascontiguousarray(grad, self.y.dtype)
        else:
            g = grad * (self.y > 0) if self.activation == "relu" else grad
        gk = dx = None
        if want_x:
            dx = np.zeros(xp.shape, grad.dtype)
            kt = np.ascontiguousarray(kernel.transpose(0, 1, 3, 2))  # (kh, kw, f, c)
            tmp_x = np.empty((chunk * oh * ow, c), grad.dtype)
        if want_x or fused:
            gz_nat = np.empty((chunk, oh, ow, f), g.dtype)
        if want_k:
            gk = np.zeros((kk + self.has_bias, f), grad.dtype)
            tmp_k = np.empty_like(gk)
        if not fused:
            gmid = np.empty((chunk, oh, pq, f), grad.dtype)
            gz = np.empty((chunk, oh, pw, pq, f), grad.dtype)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            rows = (hi - lo) * oh * ow
            if fused:
                # the gradient routed to the winners, in natural column order, in one pass;
                # the weight gradient then reads a natural-order unfold
                nat = gz_nat[:hi - lo]
                kernels.max_pool_taps_grad(g[lo:hi], self.y[lo:hi], self.won[lo:hi],
                                           self.activation == "relu", nat)
                nat2 = nat.reshape(rows, f)
                if want_k:
                    np.matmul(self._unfold(xp[lo:hi], self.has_bias, natural=True), nat2,
                              out=tmp_k)
                    gk += tmp_k
            else:
                gm, gz5 = gmid[:hi - lo], gz[:hi - lo]
                max_along_grad(g[lo:hi], None if ph == 1 else self.won_h[lo:hi], gm.shape,
                               1, ph, ph, gm)
                if pw > 1:
                    _route_to_taps(gm, self.won_w[lo:hi], [gz5[:, :, p] for p in range(pw)])
                else:
                    gz5[:, :, 0] = gm
                gz2 = gz5.reshape(rows, f)
                if want_k:
                    np.matmul(self._unfold(xp[lo:hi], self.has_bias), gz2, out=tmp_k)
                    gk += tmp_k
                if want_x:
                    # back to natural column order once, for the input gradient
                    nat = gz_nat[:hi - lo]
                    np.copyto(nat.reshape(hi - lo, oh, pq, pw, f),
                              gz5.transpose(0, 1, 3, 2, 4))
                    nat2 = nat.reshape(rows, f)
            if want_x:
                # each kernel tap's input gradient is added onto the pixels it read, in whole
                # rows (col2im)
                tap = tmp_x[:rows]
                tap4 = tap.reshape(hi - lo, oh, ow, c)
                d = dx[lo:hi]
                for i in range(kh):
                    for j in range(kw):
                        np.matmul(nat2, kt[i, j], out=tap)
                        d[window_slice(i, j, self.strides, self.dilations, (oh, ow))] += tap4
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
    rank, _, sizes, ksize, st, pads, dl = conv_settings(
        x, kernel, strides, padding, dilation_rate, "channels_last", where)
    outs = [out_length(s, p, k, t, d) for s, p, k, t, d in zip(sizes, pads, ksize, st, dl)]
    check_out(sizes, outs, ksize, dl, where)
    pool = (pool_size, pool_size) if isinstance(pool_size, int) else tuple(pool_size)
    check_out(outs, [o // p for o, p in zip(outs, pool)], pool, (1, 1), where)
    fn = ConvMaxPool(st, pads, dl, pool, "relu" if activation == "relu" else None)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)
