"""Transposed convolution (``Conv2DTranspose``) as a fused primitive; ``tf.nn.conv2d_transpose``."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.bias_activation import act_grad, bias_act, check_activation
from featherflow.ops.conv_geometry import (
    is_channels_first,
    nn_padding,
    nn_strides,
    normalize_tuple,
    out_length,
    spatial_sizes,
    transpose_out_length,
)
from featherflow.ops.im2col import col2im, crop_nhwc, from_nhwc, to_nhwc, windows


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
    cf = is_channels_first(data_format)
    sizes = spatial_sizes(x, rank, cf)
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


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NHWC", dilations=None, name=None):
    """``tf.nn.conv2d_transpose``: ``filters`` is ``(kh, kw, out, in)``; full ``output_shape``."""
    cf = is_channels_first(data_format)
    shape = [int(v) for v in np.asarray(data(output_shape)).reshape(-1)]
    spatial = shape[2:] if cf else shape[1:-1]
    return conv_transpose(input, filters, strides=nn_strides(strides, 2, cf),
                          padding=nn_padding(padding),
                          dilation_rate=1 if dilations is None else
                          nn_strides(dilations, 2, cf),
                          data_format=data_format, output_shape=spatial)
