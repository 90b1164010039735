"""3-D max and average pooling as fused primitives (channels-last inside).

As in ops/pooling.py, a window is pooled one axis at a time (width, then height, then depth),
each pass a loop over the taps of that axis as strided views of the whole batch, so a
``p x p x p`` window costs ``3p`` passes instead of ``p**3`` and no window is copied.

Gradients follow TensorFlow's CPU kernels, which differ between 2-D and 3-D:

- max pooling in 3-D (``MaxPool3DGrad``) sends a window's gradient to *every* pixel of the
  window within ``1e-5`` (absolute) of its maximum, not only to the first maximum as 2-D max
  pooling does; overlapping windows add up. The backward is one compare-and-add per window
  tap.
- average pooling with ``"same"`` padding divides by the number of real pixels in each window
  (padding is not counted), as in 2-D.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.conv_geometry import check_out, conv_pads, normalize_tuple, out_length
from featherflow.ops.im2col3d import (
    channels_first_3d,
    crop_ndhwc,
    from_ndhwc,
    nn_window_3d,
    pad_ndhwc,
    tap_slice,
    taps,
    to_ndhwc,
)
from featherflow.ops.parallel import over_batch
from featherflow.ops.pooling import sum_along, sum_along_grad

#: TensorFlow's MaxPool3DGrad counts a pixel as a window's maximum when this close to it
MAX_TIE_TOLERANCE = 1e-5


def _along(x, axis, pool, stride, out):
    """The strided view of tap ``k`` along ``axis`` (1, 2 or 3) for every output, per tap."""
    for k in range(pool):
        index = [slice(None)] * x.ndim
        index[axis] = slice(k, k + (out - 1) * stride + 1, stride)
        yield x[tuple(index)]


def max_along(x, axis, pool, stride, out):
    """Maximum over ``pool`` taps along one spatial axis (a new array)."""
    views = list(_along(x, axis, pool, stride, out))
    y = np.empty(views[0].shape, x.dtype)

    def part(lo, hi):
        ys = y[lo:hi]
        ys[...] = views[0][lo:hi]
        for v in views[1:]:
            np.maximum(ys, v[lo:hi], out=ys)

    over_batch(part, x.shape[0], y.size * pool)
    return y


class _Pool3D(Function):
    """Shared settings: 3-tuples ``pool`` and ``strides``, per-axis ``(before, after)`` pads."""

    def __init__(self, pool, strides, pads, channels_first=False):
        self.pool, self.strides, self.pads = pool, strides, pads
        self.channels_first = channels_first

    def _prepare(self, x, fill):
        x5 = to_ndhwc(x, self.channels_first)
        self.in_shape = x5.shape
        self.outs = tuple(out_length(s, p, k, t, 1) for s, p, k, t in zip(
            x5.shape[1:4], self.pads, self.pool, self.strides))
        return pad_ndhwc(x5, self.pads, fill)

    def _finish(self, gp):
        return from_ndhwc(crop_ndhwc(gp, self.pads, self.in_shape[1:4]), self.channels_first)


class MaxPool3D(_Pool3D):
    """3-D max pooling; the gradient goes to every pixel within 1e-5 of its window's max (TF)."""

    def forward(self, x):
        xp = self._prepare(x, -np.inf)
        y = xp
        for axis in (3, 2, 1):
            y = max_along(y, axis, self.pool[axis - 1], self.strides[axis - 1],
                          self.outs[axis - 1])
        if y is xp:
            y = y.copy()  # a 1x1x1 window would otherwise hand out a view of the input
        self.xp, self.y = xp, y
        return from_ndhwc(y, self.channels_first)

    def backward(self, grad):
        g = to_ndhwc(grad, self.channels_first)
        xp, y = self.xp, self.y
        gp = np.zeros(xp.shape, g.dtype)
        tol = np.asarray(MAX_TIE_TOLERANCE, xp.dtype)

        def part(lo, hi):
            gs, ys, gps, xs = g[lo:hi], y[lo:hi], gp[lo:hi], xp[lo:hi]
            for tap in taps(self.pool):
                index = tap_slice(tap, self.strides, (1, 1, 1), self.outs)
                hit = np.abs(xs[index] - ys) < tol
                gps[index] += gs * hit

        over_batch(part, g.shape[0], gp.size * len(taps(self.pool)))
        return (self._finish(gp),)


class AvgPool3D(_Pool3D):
    """3-D average pooling over the real (unpadded) pixels of each window."""

    def _scale(self, dtype):
        if not any(a or b for a, b in self.pads):
            return np.asarray(1.0 / (self.pool[0] * self.pool[1] * self.pool[2]), dtype)
        counts = []
        for size, (before, _), k, t, o in zip(self.in_shape[1:4], self.pads, self.pool,
                                              self.strides, self.outs):
            pos = np.arange(o)[:, None] * t + np.arange(k)[None, :] - before
            counts.append(((pos >= 0) & (pos < size)).sum(axis=1))
        count = counts[0][:, None, None] * counts[1][None, :, None] * counts[2][None, None, :]
        return (1.0 / count).astype(dtype)[..., None]

    def forward(self, x):
        xp = self._prepare(x, 0)
        self.shapes = []
        y = xp
        for axis in (3, 2, 1):
            self.shapes.append(y.shape)
            y = sum_along(y, axis, self.pool[axis - 1], self.strides[axis - 1],
                          self.outs[axis - 1])
        self.scale = self._scale(y.dtype)
        y *= self.scale
        return from_ndhwc(y, self.channels_first)

    def backward(self, grad):
        g = to_ndhwc(grad, self.channels_first) * self.scale
        for axis, shape in zip((1, 2, 3), reversed(self.shapes)):
            g = sum_along_grad(g, shape, axis, self.pool[axis - 1], self.strides[axis - 1])
        return (self._finish(g),)


# -- functions -------------------------------------------------------------------------------
def _pool3d(cls, x, pool_size, strides, padding, data_format, where):
    x = operand(x)
    shape = np.shape(data(x))
    cf = channels_first_3d(data_format, where)
    if len(shape) != 5:
        layout = "(batch, channels, depth, height, width)" if cf else \
            "(batch, depth, height, width, channels)"
        raise ValueError(f"{where}: expected a 5-D input {layout}, received shape {shape}.")
    sizes = shape[2:] if cf else shape[1:4]
    pool = normalize_tuple(pool_size, 3, "pool_size", where)
    st = pool if strides is None else normalize_tuple(strides, 3, "strides", where)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{where}: `padding` must be 'valid' or 'same', received {padding!r}.")
    pads = conv_pads(sizes, pool, st, (1, 1, 1), padding, where)
    outs = [out_length(s, p, k, t, 1) for s, p, k, t in zip(sizes, pads, pool, st)]
    check_out(sizes, outs, pool, (1, 1, 1), where)
    return cls(pool, st, pads, cf)(x)


def max_pool3d_keras(x, pool_size, strides=None, padding="valid", data_format=None,
                     where="max_pool3d"):
    """3-D max pooling with Keras's arguments (``strides`` default to ``pool_size``).

    Example::

        >>> max_pool3d_keras(np.arange(8.0).reshape(1, 2, 2, 2, 1), 2).numpy().ravel()
        array([7.])
    """
    return _pool3d(MaxPool3D, x, pool_size, strides, padding, data_format, where)


def average_pool3d_keras(x, pool_size, strides=None, padding="valid", data_format=None,
                         where="average_pool3d"):
    """3-D average pooling; with "same" padding the padded pixels are not counted (as TF)."""
    return _pool3d(AvgPool3D, x, pool_size, strides, padding, data_format, where)


# -- tf.nn names -----------------------------------------------------------------------------
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """``tf.nn.max_pool3d``: ``ksize`` and ``strides`` of 1, 3 or 5 values, "SAME"/"VALID"."""
    cf = channels_first_3d(data_format, "tf.nn.max_pool3d")
    return _pool3d(MaxPool3D, input, nn_window_3d(ksize, cf, "ksize"),
                   nn_window_3d(strides, cf, "strides"), padding, data_format,
                   "tf.nn.max_pool3d")


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """``tf.nn.avg_pool3d``: the mean over each window's real pixels."""
    cf = channels_first_3d(data_format, "tf.nn.avg_pool3d")
    return _pool3d(AvgPool3D, input, nn_window_3d(ksize, cf, "ksize"),
                   nn_window_3d(strides, cf, "strides"), padding, data_format,
                   "tf.nn.avg_pool3d")
