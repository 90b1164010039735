"""Window views of a channels-last input: layout changes, padding, im2col and col2im."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from featherflow.ops.parallel import over_batch


# -- array helpers ---------------------------------------------------------------------------
def to_nhwc(x, rank, channels_first):
    """A view of ``x`` as ``(n, h, w, c)``; rank-1 inputs get ``h = 1``."""
    if channels_first:
        x = np.moveaxis(x, 1, -1)
    if rank == 1:
        x = x[:, None]
    return x


def from_nhwc(y, rank, channels_first):
    """The inverse of :func:`to_nhwc` (a view)."""
    if rank == 1:
        y = y[:, 0]
    if channels_first:
        y = np.moveaxis(y, -1, 1)
    return y


def pad_nhwc(x, pads, value=0):
    """``x`` padded on its two spatial axes; ``x`` itself when there is nothing to pad."""
    (pt, pb), (pl, pr) = pads
    if not (pt or pb or pl or pr):
        return x
    n, h, w, c = x.shape
    out = np.full((n, h + pt + pb, w + pl + pr, c), value, dtype=x.dtype)
    out[:, pt:pt + h, pl:pl + w] = x
    return out


def windows(xp, ksize, strides, dilations, outs):
    """Read-only view ``(n, oh, ow, kh, kw, c)`` of the windows of a padded NHWC array."""
    n, _, _, c = xp.shape
    sn, sh, sw, sc = xp.strides
    (kh, kw), (th, tw), (dh, dw), (oh, ow) = ksize, strides, dilations, outs
    return as_strided(
        xp, (n, oh, ow, kh, kw, c), (sn, sh * th, sw * tw, sh * dh, sw * dw, sc),
        writeable=False,
    )


def window_slice(i, j, strides, dilations, outs):
    """Index of the input pixels that kernel tap ``(i, j)`` reads, one per output pixel."""
    (th, tw), (dh, dw), (oh, ow) = strides, dilations, outs
    return (slice(None), slice(i * dh, i * dh + (oh - 1) * th + 1, th),
            slice(j * dw, j * dw + (ow - 1) * tw + 1, tw))


def col2im(taps, padded_shape, strides, dilations):
    """Sum per-tap window gradients ``(kh, kw, n, oh, ow, c)`` onto a padded input of zeros.

    ``taps`` is usually a transposed view of a ``(n, oh, ow, kh, kw, c)`` GEMM result.
    """
    kh, kw, n, oh, ow, _ = taps.shape
    dx = np.zeros(padded_shape, taps.dtype)

    def part(lo, hi):
        d = dx[lo:hi]
        for i in range(kh):
            for j in range(kw):
                d[window_slice(i, j, strides, dilations, (oh, ow))] += taps[i, j, lo:hi]

    over_batch(part, n, taps.size)
    return dx


def input_grad_per_tap(gz, k4, out_shape, padded_shape, strides, dilations):
    """The input gradient of a ``groups=1`` convolution, one GEMM per kernel tap.

    ``gz`` is ``(n*oh*ow, f)``; each tap's ``gz @ kernel[i, j].T`` is added straight onto the
    input pixels it read. Against one big GEMM followed by :func:`col2im`, the per-tap result
    is small enough to stay in cache, which measured a third faster on the benchmark CNN's
    second convolution (2.7 vs 4.0 ms per step).
    """
    kh, kw, c, _ = k4.shape
    n, oh, ow = out_shape
    dx = np.zeros(padded_shape, gz.dtype)
    kt = np.ascontiguousarray(k4.transpose(0, 1, 3, 2))
    tmp = np.empty((gz.shape[0], c), gz.dtype)
    tap = tmp.reshape(n, oh, ow, c)
    for i in range(kh):
        for j in range(kw):
            np.matmul(gz, kt[i, j], out=tmp)
            dx[window_slice(i, j, strides, dilations, (oh, ow))] += tap
    return dx


def im2col(xp, ksize, strides, dilations, outs, ones=False):
    """The windows of ``xp`` as a ``(n*oh*ow, kh*kw*c)`` matrix (one copy).

    ``ones`` appends a column of ones, so a bias row under the kernel matrix makes the GEMM add
    the bias and the kernel-gradient GEMM return the bias gradient as its last row.
    """
    n, c = xp.shape[0], xp.shape[-1]
    (kh, kw), (oh, ow) = ksize, outs
    view = windows(xp, ksize, strides, dilations, outs)
    m, kk = n * oh * ow, kh * kw * c
    if kh == kw == 1 and not ones and xp.flags.c_contiguous and strides == (1, 1):
        return xp.reshape(m, c)  # a 1x1 convolution reads the input as it is
    col = np.empty((m, kk + (1 if ones else 0)), xp.dtype)
    dst = col[:, :kk].reshape(n, oh, ow, kh, kw, c)
    per = oh * ow

    def part(lo, hi):
        np.copyto(dst[lo:hi], view[lo:hi])
        if ones:
            col[lo * per:hi * per, kk] = 1

    over_batch(part, n, m * kk)
    return col


#: inputs with at most this many channels are unfolded tap-major (see im2col_t)
TAP_MAJOR_CHANNELS = 4


def im2col_t(xp, ksize, strides, dilations, outs, ones=False):
    """The transpose of :func:`im2col`, ``(kh*kw*c [+ 1], n*oh*ow)``, copied tap by tap.

    For few channels (an image input) a window row is only ``kw*c`` floats long, so the
    position-major copy moves tiny pieces; tap-major rows copy whole output rows at a time
    (several times faster for one channel), and the GEMMs take the transpose for free.
    """
    n, _, _, c = xp.shape
    sn, sh, sw, sc = xp.strides
    (kh, kw), (th, tw), (dh, dw), (oh, ow) = ksize, strides, dilations, outs
    m, kk = n * oh * ow, kh * kw * c
    view = as_strided(xp, (kh, kw, c, n, oh, ow),
                      (sh * dh, sw * dw, sc, sn, sh * th, sw * tw), writeable=False)
    col_t = np.empty((kk + (1 if ones else 0), m), xp.dtype)
    dst = col_t[:kk].reshape(kh, kw, c, n, oh, ow)
    over_batch(lambda lo, hi: np.copyto(dst[:, :, :, lo:hi], view[:, :, :, lo:hi]), n, m * kk)
    if ones:
        col_t[kk] = 1
    return col_t


def crop_nhwc(x, pads, sizes):
    (pt, _), (pl, _) = pads
    h, w = sizes
    if x.shape[1] == h and x.shape[2] == w:
        return x
    return x[:, pt:pt + h, pl:pl + w]
