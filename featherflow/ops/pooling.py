"""Pooling, global pooling and up-sampling as fused primitives (channels-last inside).

Local pooling is separable: a 2D window is pooled along the width, then along the height, each
pass a loop over the taps of one axis as strided views of the whole batch (no window copy).
Max pooling records which tap won (the first maximum, as TensorFlow) so the backward is one
masked write per tap. Average pooling with ``"same"`` padding divides by the number of real pixels
in each window (padding is not counted), as TensorFlow does.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.conv_geometry import (
    check_out,
    conv_pads,
    is_channels_first,
    normalize_tuple,
    out_length,
)
from featherflow.ops.im2col import crop_nhwc, from_nhwc, pad_nhwc, to_nhwc
from featherflow.ops.parallel import over_batch


def _tap(x, axis, k, stride, out):
    """The pixels that window tap ``k`` reads along ``axis`` (1 or 2), one per output."""
    index = [slice(None)] * 4
    index[axis] = slice(k, k + (out - 1) * stride + 1, stride)
    return x[tuple(index)]


def _grad_buffer(shape, axis, pool, stride, out, dtype):
    # taps that tile the axis exactly write every pixel once: no need to zero the buffer
    if pool == stride and shape[axis] == out * stride:
        return np.empty(shape, dtype)
    return np.zeros(shape, dtype)


def winner_dtype(pool):
    """The dtype :func:`max_along` records winners in for ``pool`` taps."""
    return np.bool_ if pool == 2 else np.uint8


def max_along(x, axis, pool, stride, out, y=None, won=None):
    """Max over ``pool`` taps along one axis, and which tap won (the first maximum).

    The winner is a bool (second tap) for pairs, else a uint8 tap number: as taps arrive in
    order, a strictly greater value always carries the largest tap number so far, so a running
    ``maximum`` of ``(v > y) * k`` tracks it without masked writes. ``y`` and ``won`` may be
    given to write into (``won`` of dtype ``winner_dtype(pool)``).
    """
    first = _tap(x, axis, 0, stride, out)
    if pool == 1:
        if y is not None:
            y[...] = first
            return y, None
        return first, None
    if y is None:
        y = np.empty(first.shape, x.dtype)
    if won is None:
        won = np.empty(first.shape, winner_dtype(pool))

    def part(lo, hi):
        xs, ys, ws = x[lo:hi], y[lo:hi], won[lo:hi]
        a, b = _tap(xs, axis, 0, stride, out), _tap(xs, axis, 1, stride, out)
        np.greater(b, a, out=ws)
        np.maximum(a, b, out=ys)
        for k in range(2, pool):
            v = _tap(xs, axis, k, stride, out)
            np.maximum(ws, (v > ys) * np.uint8(k), out=ws)
            np.maximum(ys, v, out=ys)

    over_batch(part, x.shape[0], y.size * pool)
    return y, won


def max_along_grad(g, won, shape, axis, pool, stride, gx=None):
    """Route ``g`` to the winning tap of each window (the backward of :func:`max_along`).

    ``gx`` may be given to write into: an array of ``shape``, zero where no window reads
    (see ``_grad_buffer``).
    """
    out = g.shape[axis]
    if gx is None:
        gx = _grad_buffer(shape, axis, pool, stride, out, g.dtype)
    disjoint = pool <= stride

    def part(lo, hi):
        gs, gxs = g[lo:hi], gx[lo:hi]
        if pool == 1:
            _tap(gxs, axis, 0, stride, out)[...] = gs
            return
        ws = won[lo:hi]
        if pool == 2 and disjoint:
            second = _tap(gxs, axis, 1, stride, out)
            np.multiply(gs, ws, out=second)
            # g - g*won is exact (won is 0 or 1) and saves inverting the mask
            np.subtract(gs, second, out=_tap(gxs, axis, 0, stride, out))
            return
        for k in range(pool):
            hit = (ws == k) if ws.dtype != np.bool_ else (ws if k else ~ws)
            view = _tap(gxs, axis, k, stride, out)
            if disjoint:
                np.multiply(gs, hit, out=view)
            else:
                view += gs * hit

    over_batch(part, g.shape[0], gx.size)
    return gx


def sum_along(x, axis, pool, stride, out):
    first = _tap(x, axis, 0, stride, out)
    y = np.empty(first.shape, x.dtype)

    def part(lo, hi):
        xs, ys = x[lo:hi], y[lo:hi]
        ys[...] = _tap(xs, axis, 0, stride, out)
        for k in range(1, pool):
            ys += _tap(xs, axis, k, stride, out)

    over_batch(part, x.shape[0], y.size * pool)
    return y


def sum_along_grad(g, shape, axis, pool, stride):
    out = g.shape[axis]
    gx = _grad_buffer(shape, axis, pool, stride, out, g.dtype)
    disjoint = pool <= stride

    def part(lo, hi):
        gs, gxs = g[lo:hi], gx[lo:hi]
        for k in range(pool):
            view = _tap(gxs, axis, k, stride, out)
            if disjoint:
                view[...] = gs
            else:
                view += gs

    over_batch(part, g.shape[0], gx.size)
    return gx


class _Pool(Function):
    """Shared settings of local pooling: 2-tuples (height 1 in 1D) and per-axis pads.

    A 2D window is pooled along the width, then along the height: ``ph + pw`` passes over
    strided views instead of ``ph * pw``.
    """

    def __init__(self, pool, strides, pads, rank=2, channels_first=False):
        self.pool, self.strides, self.pads = pool, strides, pads
        self.rank, self.channels_first = rank, channels_first

    def _prepare(self, x, fill):
        x4 = to_nhwc(x, self.rank, self.channels_first)
        self.in_shape = x4.shape
        outs = tuple(out_length(s, p, k, t, 1) for s, p, k, t in zip(
            x4.shape[1:3], self.pads, self.pool, self.strides))
        self.outs = outs
        xp = pad_nhwc(x4, self.pads, fill)
        self.padded_shape = xp.shape
        self.mid_shape = xp.shape[:2] + (outs[1],) + xp.shape[3:]
        return xp

    def _finish(self, gp):
        return from_nhwc(crop_nhwc(gp, self.pads, self.in_shape[1:3]), self.rank,
                         self.channels_first)


class MaxPool(_Pool):
    """Max pooling; the gradient goes to the first maximum of each window (row-major)."""

    def forward(self, x):
        xp = self._prepare(x, -np.inf)
        (ph, pw), (sh, sw), (oh, ow) = self.pool, self.strides, self.outs
        mid, self.won_w = max_along(xp, 2, pw, sw, ow)
        # rows: a later row wins only when strictly greater, so ties go to the first row
        y, self.won_h = max_along(mid, 1, ph, sh, oh)
        if self.pool == (1, 1):
            y = y.copy()  # a 1x1 window would otherwise hand out a view of the input
        return from_nhwc(y, self.rank, self.channels_first)

    def backward(self, grad):
        g = to_nhwc(grad, self.rank, self.channels_first)
        (ph, pw), (sh, sw) = self.pool, self.strides
        gmid = max_along_grad(g, self.won_h, self.mid_shape, 1, ph, sh)
        gp = max_along_grad(gmid, self.won_w, self.padded_shape, 2, pw, sw)
        return (self._finish(gp),)


class AvgPool(_Pool):
    """Average pooling over the real (unpadded) pixels of each window."""

    def _counts(self, dtype):
        ph, pw = self.pool
        if not any(self.pads[0] + self.pads[1]):
            return np.asarray(1.0 / (ph * pw), dtype)
        per_axis = []
        for size, (before, _), k, t, o in zip(self.in_shape[1:3], self.pads, self.pool,
                                              self.strides, self.outs):
            pos = np.arange(o)[:, None] * t + np.arange(k)[None, :] - before
            per_axis.append(((pos >= 0) & (pos < size)).sum(axis=1))
        count = per_axis[0][:, None] * per_axis[1][None, :]
        return (1.0 / count).astype(dtype)[:, :, None]

    def forward(self, x):
        xp = self._prepare(x, 0)
        (ph, pw), (sh, sw), (oh, ow) = self.pool, self.strides, self.outs
        y = sum_along(sum_along(xp, 2, pw, sw, ow), 1, ph, sh, oh)
        self.scale = self._counts(y.dtype)
        y *= self.scale
        return from_nhwc(y, self.rank, self.channels_first)

    def backward(self, grad):
        g = to_nhwc(grad, self.rank, self.channels_first) * self.scale
        (ph, pw), (sh, sw) = self.pool, self.strides
        gmid = sum_along_grad(g, self.mid_shape, 1, ph, sh)
        return (self._finish(sum_along_grad(gmid, self.padded_shape, 2, pw, sw)),)


class GlobalPool(Function):
    """Max or mean over ``axes``; a max shares its gradient among tied maxima (as TF)."""

    def __init__(self, kind, axes, keepdims=False):
        self.kind, self.axes, self.keepdims = kind, axes, keepdims

    def forward(self, x):
        self.shape = x.shape
        if self.kind == "avg":
            return x.mean(axis=self.axes, keepdims=self.keepdims)
        y = x.max(axis=self.axes, keepdims=True)
        self.hit = x == y
        return y if self.keepdims else np.squeeze(y, self.axes)

    def backward(self, grad):
        g = grad if self.keepdims else np.expand_dims(grad, self.axes)
        if self.kind == "avg":
            count = int(np.prod([self.shape[a] for a in self.axes]))
            return (np.broadcast_to(g / np.asarray(count, g.dtype), self.shape).copy(),)
        hit = self.hit
        ties = hit.sum(axis=self.axes, keepdims=True)
        return ((hit * (g / ties.astype(g.dtype))).astype(g.dtype, copy=False),)


class UpSample(Function):
    """Nearest-neighbour up-sampling: repeat each pixel ``factors[i]`` times along ``axes[i]``."""

    def __init__(self, axes, factors):
        self.axes, self.factors = axes, factors

    def forward(self, x):
        self.shape = x.shape
        y = x
        for ax, f in zip(self.axes, self.factors):
            if f != 1:
                y = np.repeat(y, f, axis=ax)
        return y

    def backward(self, grad):
        split = []
        sum_axes = []
        for ax, n in enumerate(self.shape):
            if ax in self.axes:
                f = self.factors[self.axes.index(ax)]
                split += [n, f]
                sum_axes.append(len(split) - 1)
            else:
                split.append(n)
        return (grad.reshape(split).sum(axis=tuple(sum_axes)),)


def bilinear_matrix(size_in, size_out, dtype):
    """``(size_out, size_in)`` weights of TF's half-pixel-centre bilinear resize on one axis."""
    scale = size_in / size_out
    src = (np.arange(size_out) + 0.5) * scale - 0.5
    low = np.floor(src)
    frac = src - low
    i0 = np.clip(low, 0, size_in - 1).astype(np.int64)
    i1 = np.clip(low + 1, 0, size_in - 1).astype(np.int64)
    a = np.zeros((size_out, size_in))
    rows = np.arange(size_out)
    np.add.at(a, (rows, i0), 1 - frac)
    np.add.at(a, (rows, i1), frac)
    return a.astype(dtype)


class ResizeBilinear(Function):
    """Bilinear resize of an NHWC array to ``(out_h, out_w)`` (half-pixel centres, as TF)."""

    def __init__(self, out_size):
        self.out_size = out_size

    def forward(self, x):
        _, h, w, _ = x.shape
        self.ah = bilinear_matrix(h, self.out_size[0], x.dtype)
        self.aw = bilinear_matrix(w, self.out_size[1], x.dtype)
        return np.einsum("oh,pw,nhwc->nopc", self.ah, self.aw, x, optimize=True)

    def backward(self, grad):
        return (np.einsum("oh,pw,nopc->nhwc", self.ah, self.aw, grad, optimize=True),)


# -- functions -------------------------------------------------------------------------------
def _pool(cls, x, pool_size, strides, padding, data_format, where):
    x = operand(x)
    shape = np.shape(data(x))
    rank = len(shape) - 2
    if rank not in (1, 2):
        raise ValueError(
            f"{where}: expected an input of rank 3 (batch, steps, channels) or 4 (batch, "
            f"height, width, channels), received shape {shape}."
        )
    cf = is_channels_first(data_format)
    sizes = shape[2:] if cf else shape[1:-1]
    pool = normalize_tuple(pool_size, rank, "pool_size", where)
    st = pool if strides is None else normalize_tuple(strides, rank, "strides", where)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{where}: `padding` must be 'valid' or 'same', received {padding!r}.")
    pads = conv_pads(sizes, pool, st, (1,) * rank, padding, where)
    outs = [out_length(s, p, k, t, 1) for s, p, k, t in zip(sizes, pads, pool, st)]
    check_out(sizes, outs, pool, (1,) * rank, where)
    if rank == 1:
        pool, st, pads = (1,) + pool, (1,) + st, ((0, 0),) + pads
    return cls(pool, st, pads, rank, cf)(x)


def max_pool(x, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1 or 2 spatial axes (Keras arguments; strides default to pool_size).

    Example::

        >>> max_pool(np.arange(16.0).reshape(1, 4, 4, 1), 2).numpy()[0, :, :, 0]
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)
    """
    return _pool(MaxPool, x, pool_size, strides, padding, data_format, "max_pool")


def average_pool(x, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with "same" padding the padded pixels are not counted (as TF)."""
    return _pool(AvgPool, x, pool_size, strides, padding, data_format, "average_pool")


def _spatial_axes(x, data_format, where):
    nd = np.ndim(data(x))
    if nd < 3:
        raise ValueError(
            f"{where}: expected an input with a batch, spatial and channel axes (rank >= 3), "
            f"received shape {np.shape(data(x))}."
        )
    return tuple(range(2, nd)) if is_channels_first(data_format) else tuple(range(1, nd - 1))


def global_max_pool(x, data_format=None, keepdims=False):
    """Maximum over every spatial axis."""
    x = operand(x)
    return GlobalPool("max", _spatial_axes(x, data_format, "global_max_pool"), keepdims)(x)


def global_average_pool(x, data_format=None, keepdims=False):
    """Mean over every spatial axis."""
    x = operand(x)
    return GlobalPool("avg", _spatial_axes(x, data_format, "global_average_pool"),
                      keepdims)(x)


def upsample(x, size, data_format=None, interpolation="nearest"):
    """Up-sample the spatial axes by integer ``size`` factors ("nearest" or "bilinear" in 2D).

    Example::

        >>> upsample(np.ones((1, 2, 3, 1), "float32"), (2, 1)).shape
        TensorShape([1, 4, 3, 1])
    """
    x = operand(x)
    axes = _spatial_axes(x, data_format, "upsample")
    factors = normalize_tuple(size, len(axes), "size", "upsample")
    if interpolation == "nearest":
        return UpSample(axes, factors)(x)
    if interpolation != "bilinear" or len(axes) != 2:
        raise ValueError(
            f"upsample: interpolation must be 'nearest' (or 'bilinear' for 2D inputs), "
            f"received {interpolation!r} for an input of shape {np.shape(data(x))}."
        )
    from featherflow.ops.reshape import transpose

    cf = is_channels_first(data_format)
    if cf:
        x = transpose(x, (0, 2, 3, 1))
    _, h, w, _ = np.shape(data(x))
    y = ResizeBilinear((h * factors[0], w * factors[1]))(x)
    return transpose(y, (0, 3, 1, 2)) if cf else y


# -- tf.nn-style names -----------------------------------------------------------------------
def _nn_window(value, rank, channels_first):
    if isinstance(value, (int, np.integer)):
        return int(value)
    v = tuple(int(a) for a in value)
    if len(v) == rank + 2:
        return v[2:] if channels_first else v[1:-1]
    return v


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """``tf.nn.max_pool2d``."""
    cf = is_channels_first(data_format)
    return max_pool(input, _nn_window(ksize, 2, cf), _nn_window(strides, 2, cf),
                    padding.lower(), data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """``tf.nn.avg_pool2d``."""
    cf = is_channels_first(data_format)
    return average_pool(input, _nn_window(ksize, 2, cf), _nn_window(strides, 2, cf),
                        padding.lower(), data_format)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """``tf.nn.max_pool1d``."""
    cf = is_channels_first(data_format)
    return max_pool(input, _nn_window(ksize, 1, cf), _nn_window(strides, 1, cf),
                    padding.lower(), data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """``tf.nn.avg_pool1d``."""
    cf = is_channels_first(data_format)
    return average_pool(input, _nn_window(ksize, 1, cf), _nn_window(strides, 1, cf),
                        padding.lower(), data_format)
