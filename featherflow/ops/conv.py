"""Convolutions as fused primitives: a strided window view, one GEMM, col2im on the way back.

Every convolution works on a channels-last ``(n, h, w, c)`` array; one-dimensional inputs get a
unit height, channels-first inputs are transposed views. The forward copies the windows of the
(padded) input into a ``(n*oh*ow, kh*kw*c)`` matrix once (``im2col``, kept for the kernel
gradient; tap-major for inputs with few channels, see :func:`im2col_t`) and multiplies it by
the kernel reshaped to ``(kh*kw*c, filters)``: Keras's kernel layout ``(kh, kw, in, out)`` is
already that matrix. A column of ones under the windows and the bias under the kernel let the
same GEMM add the bias (and the kernel-gradient GEMM return the bias gradient). A simple
activation (relu, sigmoid, tanh...) is applied in place on the GEMM's output. The input
gradient is one GEMM giving each kernel tap's contribution, added back onto the input with
``kh*kw`` strided adds (col2im). Python loops run over kernel taps only, never over
samples or pixels.

Padding follows TensorFlow: ``"same"`` puts the odd pixel of padding after (right/bottom).
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.lib.stride_tricks import as_strided

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.nn import ELEMENTWISE, FROM_OUTPUT, softmax_array


# -- splitting memory-bound work over the cores ----------------------------------------------
def _usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


#: pieces a large elementwise job is cut into: one per usable core, at most 4
PARTS = max(1, min(_usable_cpus(), 4))
#: smaller jobs stay on the calling thread: handing work to a thread costs tens of microseconds
MIN_PARALLEL = 1 << 20
_executor = None
_executor_pid = None


def over_batch(fn, n, size):
    """Run ``fn(lo, hi)`` over the index range ``[0, n)``, cut across the cores when large.

    The im2col copies, activations, col2im adds and pooling passes read and write each sample
    independently and are bound by memory bandwidth, which one core cannot saturate; NumPy
    releases the GIL inside its loops, so pieces on worker threads run truly in parallel (BLAS
    parallelizes the GEMMs by itself). ``size`` is the number of elements touched, used to
    keep small jobs on the calling thread. ``fn`` must write disjoint parts of its outputs for
    different ranges and must not call ``over_batch`` itself.
    """
    parts = min(PARTS, n)
    if parts < 2 or size < MIN_PARALLEL:
        fn(0, n)
        return
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        # a forked child inherits the executor object but not its threads: make a new one
        _executor = ThreadPoolExecutor(PARTS - 1, thread_name_prefix="featherflow")
        _executor_pid = os.getpid()
    cuts = [n * i // parts for i in range(parts + 1)]
    pending = [_executor.submit(fn, cuts[i], cuts[i + 1]) for i in range(1, parts)]
    fn(cuts[0], cuts[1])
    for job in pending:
        job.result()


# -- settings --------------------------------------------------------------------------------
def normalize_tuple(value, n, name, where="conv", minimum=1):
    """``value`` as a tuple of ``n`` ints >= ``minimum`` (an int is repeated)."""
    if isinstance(value, (int, np.integer)):
        out = (int(value),) * n
    else:
        try:
            out = tuple(int(v) for v in value)
        except TypeError:
            out = ()
        if len(out) != n:
            raise ValueError(
                f"{where}: `{name}` must be an int or a tuple of {n} ints, received {value!r}."
            )
    if any(v < minimum for v in out):
        raise ValueError(
            f"{where}: `{name}` values must be >= {minimum}, received {value!r}."
        )
    return out


def same_pads(size, k, stride, dilation=1):
    """TensorFlow's SAME padding of one axis: ``(before, after)``, the extra pixel after."""
    keff = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + keff - size, 0)
    return total // 2, total - total // 2


def conv_pads(sizes, ksize, strides, dilations, padding, where="conv"):
    """Per-axis ``(before, after)`` padding for ``padding`` "valid", "same" or "causal"."""
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode == "valid":
        return tuple((0, 0) for _ in sizes)
    if mode == "same":
        return tuple(same_pads(n, k, s, d) for n, k, s, d in zip(sizes, ksize, strides, dilations))
    if mode == "causal":
        if len(sizes) != 1:
            raise ValueError(f"{where}: padding='causal' is only for 1D convolutions.")
        return (((ksize[0] - 1) * dilations[0], 0),)
    if not isinstance(mode, str):
        pads = tuple(tuple(int(v) for v in p) for p in mode)
        if len(pads) == len(sizes) and all(len(p) == 2 for p in pads):
            return pads
    raise ValueError(
        f"{where}: `padding` must be 'valid' or 'same' (or 'causal' for 1D), received "
        f"{padding!r}."
    )


def out_length(size, pads, k, stride, dilation):
    keff = (k - 1) * dilation + 1
    return (size + pads[0] + pads[1] - keff) // stride + 1


def check_out(sizes, outs, ksize, dilations, where):
    if min(outs) < 1:
        keff = tuple((k - 1) * d + 1 for k, d in zip(ksize, dilations))
        raise ValueError(
            f"{where}: the input's spatial size {tuple(sizes)} is smaller than the (dilated) "
            f"window {keff}, so the output would be empty. Use padding='same', a smaller "
            f"kernel or pool size, or a larger input."
        )


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


# -- fused bias + activation -----------------------------------------------------------------
def check_activation(activation, where):
    if activation is not None and activation not in FROM_OUTPUT:
        raise ValueError(
            f"{where}: activation {activation!r} cannot be fused; expected one of "
            f"{sorted(FROM_OUTPUT)} or None. Apply other activations after the op."
        )


def bias_act(z, bias, act):
    """``act(z + bias)`` in place on ``z`` (a fresh GEMM result; rows are independent)."""
    if bias is None and act in (None, "linear"):
        return z

    def part(lo, hi):
        zs = z[lo:hi]
        if bias is not None:
            zs += bias
        if act == "relu":
            np.maximum(zs, 0, out=zs)
        elif act == "softmax":
            zs[...] = softmax_array(zs)
        elif act not in (None, "linear"):
            zs[...] = ELEMENTWISE[act][0](zs)

    over_batch(part, z.shape[0], z.size)
    return z


def act_grad(g, y, act):
    """Gradient through ``act`` from its output ``y`` (activations in FROM_OUTPUT)."""
    if act is None or act == "linear":
        return g
    out = np.empty(g.shape, g.dtype)

    def part(lo, hi):
        gs, ys, o = g[lo:hi], y[lo:hi], out[lo:hi]
        if act == "relu":
            np.multiply(gs, ys > 0, out=o)
        elif act == "sigmoid":
            o[...] = gs * ys * (1 - ys)
        elif act == "tanh":
            o[...] = gs * (1 - ys * ys)
        elif act == "softmax":
            o[...] = ys * (gs - np.sum(gs * ys, axis=-1, keepdims=True))
        else:
            o[...] = gs * ELEMENTWISE[act][1](None, ys)

    over_batch(part, g.shape[0], g.size)
    return out


# -- primitives ------------------------------------------------------------------------------
class Conv(Function):
    """``activation(conv(x, kernel) + bias)`` over 1 or 2 spatial axes as one node.

    Settings are 2-tuples (height, width; height is 1 for 1D); ``pads`` are per-axis
    ``(before, after)``. ``kernel`` is Keras's ``(kh, kw, in // groups, filters)`` (``(k, in
    // groups, filters)`` in 1D). The bias rides in the GEMM as an extra row of the kernel
    matrix (see :func:`im2col`), which saves a pass over the output each way.
    """

    def __init__(self, strides, pads, dilations, groups=1, channels_first=False,
                 activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.groups, self.channels_first, self.activation = groups, channels_first, activation

    def forward(self, x, kernel, bias=None):
        rank = kernel.ndim - 2
        self.rank = rank
        x4 = to_nhwc(x, rank, self.channels_first)
        k4 = kernel[None] if rank == 1 else kernel
        self.kernel = k4
        n, h, w, c = x4.shape
        kh, kw, cg, f = k4.shape
        outs = tuple(out_length(s, p, k, t, d) for s, p, k, t, d in zip(
            (h, w), self.pads, (kh, kw), self.strides, self.dilations))
        self.in_shape = x4.shape
        xp = pad_nhwc(x4, self.pads)
        self.padded_shape = xp.shape
        m, kk = n * outs[0] * outs[1], kh * kw * cg
        g = self.groups
        fused_bias = bias is not None and g == 1
        if g == 1:
            # col_t is the (kh*kw*c [+1], m) unfolded input; a transposed view of the
            # position-major im2col except for few-channel inputs
            unfold = im2col_t if c <= TAP_MAJOR_CHANNELS else im2col
            col = unfold(xp, (kh, kw), self.strides, self.dilations, outs, ones=fused_bias)
            col_t = col if unfold is im2col_t else col.T
            kmat = k4.reshape(kk, f)
            if fused_bias:
                kmat = np.concatenate([kmat, bias.reshape(1, f).astype(kmat.dtype)])
            z = col_t.T @ kmat
            self.col_t = col_t
        else:
            col = im2col(xp, (kh, kw), self.strides, self.dilations, outs)
            col = col.reshape(m, kh * kw, g, cg).transpose(2, 0, 1, 3).reshape(g, m, kk)
            kg = k4.reshape(kk, g, f // g).transpose(1, 0, 2)
            z = (col @ kg).transpose(1, 0, 2).reshape(m, f)
            self.col = col
        y = bias_act(z, None if fused_bias else bias, self.activation)
        y = y.reshape(n, outs[0], outs[1], f)
        self.y = y
        return from_nhwc(y, rank, self.channels_first)

    def backward(self, grad):
        gz = act_grad(to_nhwc(grad, self.rank, self.channels_first), self.y, self.activation)
        n, oh, ow, f = gz.shape
        m = n * oh * ow
        gz = np.ascontiguousarray(gz).reshape(m, f)
        k4, g = self.kernel, self.groups
        kh, kw, cg, _ = k4.shape
        kk = kh * kw * cg
        needs = self.needs
        want_bias = len(needs) > 2 and needs[2]
        gx = gk = gb = None
        if g == 1:
            if needs[1]:
                full = self.col_t @ gz
                gk = full[:kk].reshape(k4.shape)
                if want_bias:
                    gb = full[kk]
            if needs[0]:
                gx = input_grad_per_tap(gz, k4, (n, oh, ow), self.padded_shape, self.strides,
                                        self.dilations)
        else:
            gzg = gz.reshape(m, g, f // g).transpose(1, 0, 2)
            if needs[1]:
                gk = (self.col.transpose(0, 2, 1) @ gzg).transpose(1, 0, 2).reshape(k4.shape)
            if needs[0]:
                kg = k4.reshape(kk, g, f // g).transpose(1, 0, 2)
                dcol = (gzg @ kg.transpose(0, 2, 1)).reshape(g, n, oh, ow, kh, kw, cg)
                taps = dcol.transpose(4, 5, 1, 2, 3, 0, 6).reshape(kh, kw, n, oh, ow, g * cg)
        if needs[0]:
            gxp = gx if g == 1 else col2im(taps, self.padded_shape, self.strides,
                                            self.dilations)
            gx = from_nhwc(crop_nhwc(gxp, self.pads, self.in_shape[1:3]), self.rank,
                           self.channels_first)
        if gk is not None and self.rank == 1:
            gk = gk[0]
        if want_bias and gb is None:
            gb = np.ones(m, gz.dtype) @ gz
        return gx, gk, gb


class ConvTranspose(Function):
    """``activation(conv_transpose(x, kernel) + bias)``: the input-gradient of a convolution.

    ``kernel`` is Keras's ``(kh, kw, filters, in)``; ``out_sizes`` the output's spatial size and
    ``pads`` the padding of the forward convolution that maps the output back onto ``x``.
    """

    def __init__(self, strides, pads, dilations, out_sizes, channels_first=False,
                 activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.out_sizes, self.channels_first, self.activation = out_sizes, channels_first, \
            activation

    def _padded_shape(self, n, f, ksize, ins):
        # the windows of the matching convolution may reach past the padded output
        # (output_padding, or strides that do not divide): those pixels get nothing
        dims = []
        for size, (b, a), k, t, d, i in zip(self.out_sizes, self.pads, ksize, self.strides,
                                            self.dilations, ins):
            dims.append(max(size + b + a, (i - 1) * t + (k - 1) * d + 1))
        return (n, dims[0], dims[1], f)

    def forward(self, x, kernel, bias=None):
        rank = kernel.ndim - 2
        self.rank = rank
        x4 = np.ascontiguousarray(to_nhwc(x, rank, self.channels_first))
        k4 = kernel[None] if rank == 1 else kernel
        self.x, self.kernel = x4, k4
        n, h, w, c = x4.shape
        kh, kw, f, _ = k4.shape
        dcol = (x4.reshape(n * h * w, c) @ k4.reshape(kh * kw * f, c).T)
        taps = dcol.reshape(n, h, w, kh, kw, f).transpose(3, 4, 0, 1, 2, 5)
        self.padded_shape = self._padded_shape(n, f, (kh, kw), (h, w))
        z = col2im(taps, self.padded_shape, self.strides, self.dilations)
        z = crop_nhwc(z, self.pads, self.out_sizes)
        z = np.ascontiguousarray(z)
        y = bias_act(z, bias, self.activation)
        self.y = y
        return from_nhwc(y, rank, self.channels_first)

    def backward(self, grad):
        gz = act_grad(to_nhwc(grad, self.rank, self.channels_first), self.y, self.activation)
        x4, k4 = self.x, self.kernel
        n, h, w, c = x4.shape
        kh, kw, f, _ = k4.shape
        needs = self.needs
        gx = gk = gb = None
        if needs[0] or needs[1]:
            (pt, _), (pl, _) = self.pads
            gp = np.zeros(self.padded_shape, gz.dtype)
            gp[:, pt:pt + gz.shape[1], pl:pl + gz.shape[2]] = gz
            col = windows(gp, (kh, kw), self.strides, self.dilations, (h, w))
            col = col.reshape(n * h * w, kh * kw * f)
            if needs[0]:
                gx = (col @ k4.reshape(kh * kw * f, c)).reshape(x4.shape)
                gx = from_nhwc(gx, self.rank, self.channels_first)
            if needs[1]:
                gk = (col.T @ x4.reshape(n * h * w, c)).reshape(k4.shape)
                if self.rank == 1:
                    gk = gk[0]
        if len(needs) > 2 and needs[2]:
            gb = gz.reshape(-1, f).sum(axis=0)
        return gx, gk, gb


class DepthwiseConv(Function):
    """``activation(depthwise_conv(x, kernel) + bias)``; ``kernel`` is ``(kh, kw, in, mult)``.

    Output channel ``c * mult + m`` is input channel ``c`` convolved with ``kernel[..., c, m]``.
    """

    def __init__(self, strides, pads, dilations, channels_first=False, activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.channels_first, self.activation = channels_first, activation

    def forward(self, x, kernel, bias=None):
        rank = kernel.ndim - 2
        self.rank = rank
        x4 = to_nhwc(x, rank, self.channels_first)
        k4 = kernel[None] if rank == 1 else kernel
        self.kernel = k4
        n, h, w, c = x4.shape
        kh, kw, _, mult = k4.shape
        outs = tuple(out_length(s, p, k, t, d) for s, p, k, t, d in zip(
            (h, w), self.pads, (kh, kw), self.strides, self.dilations))
        self.in_shape, self.outs = x4.shape, outs
        xp = pad_nhwc(x4, self.pads)
        self.padded_shape = xp.shape
        m = n * outs[0] * outs[1]
        col = windows(xp, (kh, kw), self.strides, self.dilations, outs).reshape(m, kh * kw, c)
        self.col = col
        z = np.einsum("mkc,kcq->mcq", col, k4.reshape(kh * kw, c, mult)).reshape(m, c * mult)
        y = bias_act(z, bias, self.activation).reshape(n, outs[0], outs[1], c * mult)
        self.y = y
        return from_nhwc(y, rank, self.channels_first)

    def backward(self, grad):
        gz = act_grad(to_nhwc(grad, self.rank, self.channels_first), self.y, self.activation)
        k4 = self.kernel
        kh, kw, c, mult = k4.shape
        n, oh, ow, _ = gz.shape
        m = n * oh * ow
        gz = np.ascontiguousarray(gz).reshape(m, c * mult)
        gq = gz.reshape(m, c, mult)
        needs = self.needs
        gx = gk = gb = None
        if needs[1]:
            gk = np.einsum("mkc,mcq->kcq", self.col, gq).reshape(k4.shape)
            if self.rank == 1:
                gk = gk[0]
        if needs[0]:
            taps = np.einsum("mcq,kcq->kmc", gq, k4.reshape(kh * kw, c, mult))
            taps = taps.reshape(kh, kw, n, oh, ow, c)
            gxp = col2im(taps, self.padded_shape, self.strides, self.dilations)
            gx = from_nhwc(crop_nhwc(gxp, self.pads, self.in_shape[1:3]), self.rank,
                           self.channels_first)
        if len(needs) > 2 and needs[2]:
            gb = gz.sum(axis=0)
        return gx, gk, gb


# -- Keras-level functions -------------------------------------------------------------------
def _spatial(x, rank, channels_first):
    shape = np.shape(data(x))
    if len(shape) != rank + 2:
        return None
    return shape[2:] if channels_first else shape[1:-1]


def _channels_first(data_format):
    fmt = "channels_last" if data_format is None else data_format
    fmt = {"NHWC": "channels_last", "NWC": "channels_last", "NCHW": "channels_first",
           "NCW": "channels_first"}.get(fmt, fmt)
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"data_format must be 'channels_last' or 'channels_first', received {data_format!r}."
        )
    return fmt == "channels_first"


def _settings(x, kernel, strides, padding, dilation_rate, data_format, where, ksize=None):
    kshape = np.shape(data(kernel))
    rank = len(kshape) - 2
    if rank not in (1, 2):
        raise ValueError(
            f"{where}: expected a kernel of rank 3 (1D) or 4 (2D), received shape {kshape}."
        )
    cf = _channels_first(data_format)
    sizes = _spatial(x, rank, cf)
    if sizes is None:
        raise ValueError(
            f"{where}: expected an input of rank {rank + 2} for a {rank}D kernel of shape "
            f"{kshape}, received shape {np.shape(data(x))}."
        )
    ksize = tuple(kshape[:rank]) if ksize is None else ksize
    st = normalize_tuple(strides, rank, "strides", where)
    dl = normalize_tuple(dilation_rate, rank, "dilation_rate", where)
    pads = conv_pads(sizes, ksize, st, dl, padding, where)
    if rank == 1:
        return rank, cf, sizes, (1,) + ksize, (1,) + st, ((0, 0),) + pads, (1,) + dl
    return rank, cf, sizes, ksize, st, pads, dl


def conv(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1,
         data_format=None, activation=None):
    """Fused ``activation(conv(x, kernel) + bias)`` for a 1D or 2D kernel (Keras layout).

    ``groups`` is the input channels divided by ``kernel``'s input axis, as in Keras.

    Example::

        >>> y = conv(np.ones((1, 5, 5, 2), "float32"), np.ones((3, 3, 2, 4), "float32"))
        >>> y.shape
        TensorShape([1, 3, 3, 4])
    """
    where = "conv"
    x = operand(x)
    rank, cf, sizes, ksize, st, pads, dl = _settings(
        x, kernel, strides, padding, dilation_rate, data_format, where)
    kshape = np.shape(data(kernel))
    cin = np.shape(data(x))[1 if cf else -1]
    cg, f = kshape[-2], kshape[-1]
    if cin % cg or f % (cin // cg):
        raise ValueError(
            f"{where}: the input has {cin} channels but the kernel {kshape} expects "
            f"{cg} per group; the input channels must be a multiple of {cg} and the filters "
            f"({f}) a multiple of the number of groups."
        )
    outs = [out_length(s, p, k, t, d) for s, p, k, t, d in zip(
        ((1,) if rank == 1 else ()) + tuple(sizes), pads, ksize, st, dl)]
    check_out(sizes, outs, ksize, dl, where)
    check_activation(activation, where)
    fn = Conv(st, pads, dl, cin // cg, cf, activation)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)


def transpose_out_length(size, k, stride, padding, output_padding, dilation):
    """Keras's output length of a transposed convolution along one axis."""
    keff = (k - 1) * dilation + 1
    if padding == "valid":
        extra = max(keff, stride) - keff if output_padding is None else output_padding
        return (size - 1) * stride + keff + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + keff % 2 + output_padding


def conv_transpose(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                   dilation_rate=1, data_format=None, activation=None, output_shape=None):
    """Fused transposed convolution with Keras's kernel ``(kh, kw, filters, in)`` and shapes.

    ``output_shape`` (spatial sizes) overrides the Keras rule, as ``tf.nn.conv_transpose``.

    Example::

        >>> y = conv_transpose(np.ones((1, 3, 3, 2), "float32"), np.ones((3, 3, 4, 2), "float32"),
        ...                    strides=2, padding="same")
        >>> y.shape
        TensorShape([1, 6, 6, 4])
    """
    where = "conv_transpose"
    x = operand(x)
    kshape = np.shape(data(kernel))
    rank = len(kshape) - 2
    cf = _channels_first(data_format)
    sizes = _spatial(x, rank, cf)
    if sizes is None or rank not in (1, 2):
        raise ValueError(
            f"{where}: expected an input of rank {rank + 2} for a kernel of shape {kshape}, "
            f"received shape {np.shape(data(x))}."
        )
    cin = np.shape(data(x))[1 if cf else -1]
    if kshape[-1] != cin:
        raise ValueError(
            f"{where}: the kernel {kshape} expects {kshape[-1]} input channels (its last "
            f"axis), received an input with {cin}."
        )
    ksize = tuple(kshape[:rank])
    st = normalize_tuple(strides, rank, "strides", where)
    dl = normalize_tuple(dilation_rate, rank, "dilation_rate", where)
    mode = padding.lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"{where}: `padding` must be 'valid' or 'same', received {padding!r}.")
    if output_shape is not None:
        outs = normalize_tuple(output_shape, rank, "output_shape", where)
    else:
        op = (None,) * rank if output_padding is None else normalize_tuple(
            output_padding, rank, "output_padding", where, minimum=0)
        outs = tuple(transpose_out_length(s, k, t, mode, p, d)
                     for s, k, t, p, d in zip(sizes, ksize, st, op, dl))
    pads = []
    for size, out, k, t, d in zip(sizes, outs, ksize, st, dl):
        if mode == "valid":
            pads.append((0, 0))
        else:
            keff = (k - 1) * d + 1
            total = max((size - 1) * t + keff - out, 0)
            pads.append((total // 2, total - total // 2))
        back = -(-out // t) if mode == "same" else out_length(out, (0, 0), k, t, d)
        if back != size:
            raise ValueError(
                f"{where}: an output of spatial size {tuple(outs)} does not map back onto the "
                f"input's {tuple(sizes)} with strides {st} and padding {padding!r}; check "
                f"output_padding (it must be smaller than the stride)."
            )
    check_activation(activation, where)
    if rank == 1:
        st, pads, dl, outs = (1,) + st, [(0, 0)] + pads, (1,) + dl, (1,) + tuple(outs)
    fn = ConvTranspose(st, tuple(pads), dl, tuple(outs), cf, activation)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)


def depthwise_conv(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1,
                   data_format=None, activation=None):
    """Fused depthwise convolution; ``kernel`` is ``(kh, kw, in, depth_multiplier)``.

    Example::

        >>> y = depthwise_conv(np.ones((1, 5, 5, 2), "float32"), np.ones((3, 3, 2, 2), "float32"))
        >>> y.shape
        TensorShape([1, 3, 3, 4])
    """
    where = "depthwise_conv"
    x = operand(x)
    rank, cf, sizes, ksize, st, pads, dl = _settings(
        x, kernel, strides, padding, dilation_rate, data_format, where)
    kshape = np.shape(data(kernel))
    cin = np.shape(data(x))[1 if cf else -1]
    if kshape[-2] != cin:
        raise ValueError(
            f"{where}: the kernel {kshape} expects {kshape[-2]} input channels, received an "
            f"input with {cin}."
        )
    outs = [out_length(s, p, k, t, d) for s, p, k, t, d in zip(
        ((1,) if rank == 1 else ()) + tuple(sizes), pads, ksize, st, dl)]
    check_out(sizes, outs, ksize, dl, where)
    check_activation(activation, where)
    fn = DepthwiseConv(st, pads, dl, cf, activation)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)


def separable_conv(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1,
                   padding="valid", dilation_rate=1, data_format=None, activation=None):
    """Depthwise convolution then a 1x1 convolution (``pointwise_kernel (1, 1, in*m, out)``).

    Example::

        >>> y = separable_conv(np.ones((1, 5, 5, 2), "float32"),
        ...                    np.ones((3, 3, 2, 1), "float32"), np.ones((1, 1, 2, 4), "float32"))
        >>> y.shape
        TensorShape([1, 3, 3, 4])
    """
    mid = depthwise_conv(x, depthwise_kernel, strides=strides, padding=padding,
                         dilation_rate=dilation_rate, data_format=data_format)
    return conv(mid, pointwise_kernel, bias, data_format=data_format, activation=activation)


# -- tf.nn-style names -----------------------------------------------------------------------
def _nn_strides(strides, rank, channels_first):
    """tf.nn accepts one stride per axis including batch and channels: keep the spatial ones."""
    if isinstance(strides, (int, np.integer)):
        return int(strides)
    s = tuple(int(v) for v in strides)
    if len(s) == rank + 2:
        return s[2:] if channels_first else s[1:-1]
    return s


def _nn_padding(padding):
    return padding.lower() if isinstance(padding, str) else padding


def conv1d(input, filters, stride=1, padding="VALID", data_format="NWC", dilations=None,
           name=None):
    """``tf.nn.conv1d``: ``filters`` is ``(k, in, out)``."""
    cf = _channels_first(data_format)
    return conv(input, filters, strides=_nn_strides(stride, 1, cf),
                padding=_nn_padding(padding),
                dilation_rate=1 if dilations is None else _nn_strides(dilations, 1, cf),
                data_format=data_format)


def conv2d(input, filters, strides=1, padding="VALID", data_format="NHWC", dilations=None,
           name=None):
    """``tf.nn.conv2d``: ``filters`` is ``(kh, kw, in, out)``; explicit padding as pairs."""
    cf = _channels_first(data_format)
    pad = _nn_padding(padding)
    if not isinstance(pad, str):
        pad = [tuple(p) for p in pad]
        pad = pad[2:] if cf else pad[1:-1]
    return conv(input, filters, strides=_nn_strides(strides, 2, cf), padding=pad,
                dilation_rate=1 if dilations is None else _nn_strides(dilations, 2, cf),
                data_format=data_format)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NHWC", dilations=None, name=None):
    """``tf.nn.conv2d_transpose``: ``filters`` is ``(kh, kw, out, in)``; full ``output_shape``."""
    cf = _channels_first(data_format)
    shape = [int(v) for v in np.asarray(data(output_shape)).reshape(-1)]
    spatial = shape[2:] if cf else shape[1:-1]
    return conv_transpose(input, filters, strides=_nn_strides(strides, 2, cf),
                          padding=_nn_padding(padding),
                          dilation_rate=1 if dilations is None else
                          _nn_strides(dilations, 2, cf),
                          data_format=data_format, output_shape=spatial)


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None,
                     name=None):
    """``tf.nn.depthwise_conv2d``: ``filter`` is ``(kh, kw, in, multiplier)``."""
    cf = _channels_first(data_format)
    return depthwise_conv(input, filter, strides=_nn_strides(strides, 2, cf),
                          padding=_nn_padding(padding),
                          dilation_rate=1 if dilations is None else
                          _nn_strides(dilations, 2, cf), data_format=data_format)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
                     data_format=None, dilations=None, name=None):
    """``tf.nn.separable_conv2d``."""
    cf = _channels_first(data_format)
    return separable_conv(input, depthwise_filter, pointwise_filter,
                          strides=_nn_strides(strides, 2, cf), padding=_nn_padding(padding),
                          dilation_rate=1 if dilations is None else
                          _nn_strides(dilations, 2, cf), data_format=data_format)
