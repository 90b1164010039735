"""Depthwise and separable convolutions as fused primitives, and their ``tf.nn`` names."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.backend import fast
from featherflow.ops._convert import data, operand
from featherflow.ops.bias_activation import act_grad, bias_act, check_activation
from featherflow.ops.conv import conv
from featherflow.ops.conv_geometry import (
    check_out,
    conv_settings,
    is_channels_first,
    nn_padding,
    nn_strides,
    out_length,
)
from featherflow.ops.im2col import col2im, crop_nhwc, from_nhwc, pad_nhwc, to_nhwc, windows


def _kernels(x, k4, out_size):
    """The compiled kernels for a float32/float64 depthwise convolution big enough to gain
    from them, else None (``backend.fast``)."""
    if out_size < fast.MIN_SIZE or x.dtype != k4.dtype or x.dtype not in _FLOATS:
        return None
    return fast.kernels()


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


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
        m = n * outs[0] * outs[1]
        kernels = _kernels(x4, k4, m * c * mult)
        if kernels is not None:
            # one compiled pass over the output, padding included; the padded input and its
            # unfolded windows (kh * kw copies of the input) are made only if a backward
            # asks for them
            x4 = np.ascontiguousarray(x4)
            z = np.empty((n, outs[0], outs[1], c * mult), x4.dtype)
            kernels.depthwise_forward(x4, np.ascontiguousarray(k4), *self.strides,
                                      *self.dilations, self.pads[0][0], self.pads[1][0], z)
            z = z.reshape(m, c * mult)
            self.col, self.x4 = None, x4
            self.padded_shape = (n, h + sum(self.pads[0]), w + sum(self.pads[1]), c)
        else:
            xp = pad_nhwc(x4, self.pads)
            self.padded_shape = xp.shape
            col = windows(xp, (kh, kw), self.strides, self.dilations, outs).reshape(
                m, kh * kw, c)
            self.col = col
            z = np.einsum("mkc,kcq->mcq", col, k4.reshape(kh * kw, c, mult)).reshape(
                m, c * mult)
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
            col = self.col
            if col is None:
                col = windows(pad_nhwc(self.x4, self.pads), (kh, kw), self.strides,
                              self.dilations, (oh, ow)).reshape(m, kh * kw, c)
            gk = np.einsum("mkc,mcq->kcq", col, gq).reshape(k4.shape)
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
    rank, cf, sizes, ksize, st, pads, dl = conv_settings(
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


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None,
                     name=None):
    """``tf.nn.depthwise_conv2d``: ``filter`` is ``(kh, kw, in, multiplier)``."""
    cf = is_channels_first(data_format)
    return depthwise_conv(input, filter, strides=nn_strides(strides, 2, cf),
                          padding=nn_padding(padding),
                          dilation_rate=1 if dilations is None else
                          nn_strides(dilations, 2, cf), data_format=data_format)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
                     data_format=None, dilations=None, name=None):
    """``tf.nn.separable_conv2d``."""
    cf = is_channels_first(data_format)
    return separable_conv(input, depthwise_filter, pointwise_filter,
                          strides=nn_strides(strides, 2, cf), padding=nn_padding(padding),
                          dilation_rate=1 if dilations is None else
                          nn_strides(dilations, 2, cf), data_format=data_format)
