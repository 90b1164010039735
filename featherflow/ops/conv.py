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

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.backend import fast
from featherflow.ops._convert import data, operand
from featherflow.ops.bias_activation import act_grad, bias_act, check_activation
from featherflow.ops.conv_geometry import (
    check_out,
    conv_settings,
    is_channels_first,
    nn_padding,
    nn_strides,
    out_length,
)
from featherflow.ops.im2col import (
    TAP_MAJOR_CHANNELS,
    col2im,
    crop_nhwc,
    from_nhwc,
    im2col,
    im2col_t,
    input_grad_per_tap,
    pad_nhwc,
    to_nhwc,
)


# -- primitives ------------------------------------------------------------------------------
def _depthwise_kernels(x, k4, out_size):
    """The compiled kernels for a float32/float64 convolution with one channel per group,
    big enough to gain from them, else None (``backend.fast``)."""
    if out_size < fast.MIN_SIZE or x.dtype != k4.dtype or x.dtype.kind != "f" or \
            x.dtype.itemsize < 4:
        return None
    return fast.kernels()


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
        m, kk = n * outs[0] * outs[1], kh * kw * cg
        g = self.groups
        self.col = None
        if cg == 1 and g > 1 and g == c:
            kernels = _depthwise_kernels(x4, k4, m * f)
            if kernels is not None:
                # one filter group per input channel (ConvNeXt's depthwise convolutions as
                # Conv2D(groups=channels)): the depthwise kernel, padding inside; the
                # unfolded windows are made only if a backward asks for them
                self.x4 = x4 = np.ascontiguousarray(x4)
                self.padded_shape = (n, h + sum(self.pads[0]), w + sum(self.pads[1]), c)
                z = np.empty((n, outs[0], outs[1], f), x4.dtype)
                kernels.depthwise_forward(x4, np.ascontiguousarray(k4.reshape(kh, kw, g, f // g)),
                                          *self.strides, *self.dilations, self.pads[0][0],
                                          self.pads[1][0], z)
                y = bias_act(z.reshape(m, f), bias, self.activation)
                self.y = y = y.reshape(n, outs[0], outs[1], f)
                return from_nhwc(y, rank, self.channels_first)
        xp = pad_nhwc(x4, self.pads)
        self.padded_shape = xp.shape
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
            if self.col is None:  # the forward ran the depthwise kernel
                xp = pad_nhwc(self.x4, self.pads)
                self.col = im2col(xp, (kh, kw), self.strides, self.dilations, (oh, ow)).reshape(
                    m, kh * kw, g, cg).transpose(2, 0, 1, 3).reshape(g, m, kk)
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
    rank, cf, sizes, ksize, st, pads, dl = conv_settings(
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


def conv1d(input, filters, stride=1, padding="VALID", data_format="NWC", dilations=None,
           name=None):
    """``tf.nn.conv1d``: ``filters`` is ``(k, in, out)``."""
    cf = is_channels_first(data_format)
    return conv(input, filters, strides=nn_strides(stride, 1, cf),
                padding=nn_padding(padding),
                dilation_rate=1 if dilations is None else nn_strides(dilations, 1, cf),
                data_format=data_format)


def conv2d(input, filters, strides=1, padding="VALID", data_format="NHWC", dilations=None,
           name=None):
    """``tf.nn.conv2d``: ``filters`` is ``(kh, kw, in, out)``; explicit padding as pairs."""
    cf = is_channels_first(data_format)
    pad = nn_padding(padding)
    if not isinstance(pad, str):
        pad = [tuple(p) for p in pad]
        pad = pad[2:] if cf else pad[1:-1]
    return conv(input, filters, strides=nn_strides(strides, 2, cf), padding=pad,
                dilation_rate=1 if dilations is None else nn_strides(dilations, 2, cf),
                data_format=data_format)
