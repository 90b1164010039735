"""Window views of channels-last 3-D arrays for ops/conv3d.py and ops/pooling3d.py.

Layout changes (``(n, d, h, w, c)`` inside, channels-first as transposed views), padding and
cropping, the slices each kernel tap reads, the window matrix (im2col, position- or
tap-major), the per-tap scatter of small GEMMs back onto the input (col2im), and the tall,
narrow GEMMs of a convolution run in row blocks (see :func:`tall_matmul`).
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from featherflow.ops.parallel import over_batch

#: inputs with at most this many channels are unfolded tap-major (see :func:`im2col3d`)
TAP_MAJOR_CHANNELS = 2
#: OpenBLAS runs a GEMM of fewer multiply-adds than this on the calling thread
SINGLE_THREAD_MACS = 4 * 65536


# -- tall, narrow GEMMs ----------------------------------------------------------------------
def tall_matmul(a, b, out=None):
    """``a @ b`` for a tall ``a`` (one row per window) and a narrow ``b``, in blocks of rows.

    OpenBLAS splits a tall product over its threads by rows and then waits for them; for the
    narrow right-hand sides of a convolution with few filters that costs far more than the
    work, badly so on a loaded machine: the ``(21952, 109) @ (109, 8)`` forward GEMM of the
    benchmark Conv3D measured 24 to 90 ms whole against about 1 ms as blocks small enough to
    stay on the calling thread (and in cache). Wide products (blocks under 128 rows) are left
    to OpenBLAS as one call.
    """
    m = a.shape[0]
    rows = SINGLE_THREAD_MACS // max(1, b.shape[0] * b.shape[1])
    if rows < 128 or m <= rows:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty((m, b.shape[1]), np.result_type(a, b))
    for lo in range(0, m, rows):
        np.matmul(a[lo:lo + rows], b, out=out[lo:lo + rows])
    return out


def tall_t_matmul(a, b):
    """``a.T @ b`` for tall ``a`` and ``b`` (a kernel gradient: windows by output gradients),
    summed over blocks of rows for the reason given in :func:`tall_matmul`."""
    m = a.shape[0]
    rows = SINGLE_THREAD_MACS // max(1, a.shape[1] * b.shape[1])
    if rows < 128 or m <= rows:
        return a.T @ b
    out = a[:rows].T @ b[:rows]
    part = np.empty_like(out)
    for lo in range(rows, m, rows):
        np.matmul(a[lo:lo + rows].T, b[lo:lo + rows], out=part)
        out += part
    return out


# -- layout and windows ----------------------------------------------------------------------
def channels_first_3d(data_format, where="conv3d"):
    """Whether a Keras (``channels_*``) or tf.nn (``NDHWC``/``NCDHW``) format is channels-first."""
    fmt = "channels_last" if data_format is None else data_format
    fmt = {"NDHWC": "channels_last", "NCDHW": "channels_first"}.get(fmt, fmt)
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{where}: data_format must be 'channels_last' or 'channels_first' ('NDHWC' or "
            f"'NCDHW' in tf.nn), received {data_format!r}."
        )
    return fmt == "channels_first"


def to_ndhwc(x, channels_first):
    return np.moveaxis(x, 1, -1) if channels_first else x


def from_ndhwc(y, channels_first):
    return np.moveaxis(y, -1, 1) if channels_first else y


def pad_ndhwc(x, pads, value=0):
    """``x`` padded on its three spatial axes; ``x`` itself when there is nothing to pad."""
    if not any(a or b for a, b in pads):
        return x
    shape = (x.shape[0],) + tuple(s + a + b for s, (a, b) in zip(x.shape[1:4], pads)) + \
        x.shape[4:]
    out = np.full(shape, value, dtype=x.dtype)
    out[(slice(None),) + tuple(slice(a, a + s) for s, (a, _) in zip(x.shape[1:4], pads))] = x
    return out


def crop_ndhwc(x, pads, sizes):
    if tuple(x.shape[1:4]) == tuple(sizes):
        return x
    return x[(slice(None),) + tuple(slice(a, a + s) for s, (a, _) in zip(sizes, pads))]


def tap_slice(tap, strides, dilations, outs):
    """Index of the pixels kernel tap ``(i, j, k)`` reads, one per output pixel."""
    return (slice(None),) + tuple(slice(t * d, t * d + (o - 1) * s + 1, s)
                                  for t, s, d, o in zip(tap, strides, dilations, outs))


def taps(ksize):
    """Kernel taps in Keras's kernel order (depth, height, width; row-major)."""
    kd, kh, kw = ksize
    return [(i, j, k) for i in range(kd) for j in range(kh) for k in range(kw)]


def im2col3d(xp, ksize, strides, dilations, outs, ones=False):
    """The windows of a padded NDHWC array as ``(kk [+1], m)`` (tap-major) or ``(m, kk [+1])``.

    Returns ``(col, transposed)``. Few-channel inputs are copied tap by tap (whole output
    rows at a time; a window row there is only ``kw * c`` floats), others window by window.
    ``ones`` adds the row/column of ones that carries the bias through the GEMMs.
    """
    n, c = xp.shape[0], xp.shape[-1]
    sn, sd, sh, sw, sc = xp.strides
    (kd, kh, kw), (td, th, tw), (dd, dh, dw), (od, oh, ow) = ksize, strides, dilations, outs
    m, kk = n * od * oh * ow, kd * kh * kw * c
    extra = 1 if ones else 0
    if c <= TAP_MAJOR_CHANNELS:
        view = as_strided(xp, (kd, kh, kw, c, n, od, oh, ow),
                          (sd * dd, sh * dh, sw * dw, sc, sn, sd * td, sh * th, sw * tw),
                          writeable=False)
        col = np.empty((kk + extra, m), xp.dtype)
        dst = col[:kk].reshape(kd, kh, kw, c, n, od, oh, ow)
        over_batch(lambda lo, hi: np.copyto(dst[..., lo:hi, :, :, :], view[..., lo:hi, :, :, :]),
                   n, m * kk)
        if ones:
            col[kk] = 1
        return col, True
    if kd == kh == kw == 1 and not ones and xp.flags.c_contiguous and strides == (1, 1, 1):
        return xp.reshape(m, c), False  # a 1x1x1 convolution reads the input as it is
    view = as_strided(xp, (n, od, oh, ow, kd, kh, kw, c),
                      (sn, sd * td, sh * th, sw * tw, sd * dd, sh * dh, sw * dw, sc),
                      writeable=False)
    col = np.empty((m, kk + extra), xp.dtype)
    dst = col[:, :kk].reshape(n, od, oh, ow, kd, kh, kw, c)
    per = od * oh * ow

    def part(lo, hi):
        np.copyto(dst[lo:hi], view[lo:hi])
        if ones:
            col[lo * per:hi * per, kk] = 1

    over_batch(part, n, m * kk)
    return col, False


def scatter_taps(rows, mats, grid, padded_shape, strides, dilations):
    """``sum over taps t of rows @ mats[t]``, each added onto the pixels tap ``t`` touches.

    ``rows`` is ``(n*D*H*W, a)`` over the window grid ``(n, D, H, W)``; ``mats`` is
    ``(kd, kh, kw, a, b)``. Returns the padded ``(n, ..., b)`` array. This is both the input
    gradient of a convolution and the forward of a transposed one; each tap's product is small
    enough to stay in cache (as ops/im2col.py's input_grad_per_tap).
    """
    out = np.zeros(padded_shape, rows.dtype)
    tmp = np.empty((rows.shape[0], mats.shape[-1]), rows.dtype)
    block = tmp.reshape(grid + (mats.shape[-1],))
    for tap in taps(mats.shape[:3]):
        tall_matmul(rows, mats[tap], out=tmp)
        out[tap_slice(tap, strides, dilations, grid[1:])] += block
    return out


# -- tf.nn arguments ------------------------------------------------------------------------
def nn_window_3d(value, channels_first, name):
    """A tf.nn 3-D window argument (an int, 3 or 5 values) as its three spatial values."""
    if isinstance(value, (int, np.integer)):
        return int(value)
    v = tuple(int(a) for a in value)
    if len(v) == 5:
        return v[2:] if channels_first else v[1:4]
    if len(v) in (1, 3):
        return v if len(v) == 3 else v[0]
    raise ValueError(f"`{name}` must be an int or a list of 1, 3 or 5 ints, received {value!r}.")
