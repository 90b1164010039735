"""3-D convolutions as fused primitives: a strided window view, one GEMM, per-tap adds back.

The 3-D form of ops/conv.py; the window helpers are in ops/im2col3d.py. Everything works on
a channels-last ``(n, d, h, w, c)`` array (channels-first inputs are transposed views). The
forward copies the windows of the padded input into one ``(n*od*oh*ow, kd*kh*kw*c)`` matrix
(tap-major, i.e. transposed, for inputs with few channels) and multiplies it by Keras's kernel
``(kd, kh, kw, in // groups, filters)`` seen as a ``(kd*kh*kw*in, filters)`` matrix; a column
of ones under the windows and the bias under the kernel let the same GEMM add the bias and the
kernel-gradient GEMM return the bias gradient. The input gradient is one small GEMM per kernel
tap, added onto the input pixels that tap read (col2im; a grouped kernel enters it as a
block-diagonal matrix per tap). The transposed convolution is the same two pieces the other
way round: per-tap GEMMs scattered onto the output in the forward, one window GEMM backwards.
Python loops run over kernel taps only, never over samples or pixels (big window matrices are
unfolded a few samples at a time, see ``COL_LIMIT``).

Padding follows TensorFlow: ``"same"`` puts the odd pixel of padding after.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.bias_activation import act_grad, bias_act, check_activation
from featherflow.ops.conv_geometry import (
    check_out,
    conv_pads,
    normalize_tuple,
    out_length,
    transpose_out_length,
)
from featherflow.ops.im2col3d import (
    channels_first_3d,
    crop_ndhwc,
    from_ndhwc,
    im2col3d,
    nn_window_3d,
    pad_ndhwc,
    scatter_taps,
    tall_matmul,
    tall_t_matmul,
    to_ndhwc,
)

#: a Conv3D keeps its window matrix for the backward up to this many elements (64 MB in
#: float32); a larger one is unfolded a few samples at a time, in the forward and again in
#: the backward, so memory stays bounded for big volumes
COL_LIMIT = 1 << 24


def _block_diagonal(kernel, groups):
    """A grouped kernel ``(kd, kh, kw, in // g, f)`` as per-tap ``(f, in)`` matrices, zero
    between groups, so the grouped input gradient runs through :func:`scatter_taps`."""
    cg, f = kernel.shape[3], kernel.shape[4]
    fg = f // groups
    mats = np.zeros(kernel.shape[:3] + (f, cg * groups), kernel.dtype)
    for i in range(groups):
        mats[..., i * fg:(i + 1) * fg, i * cg:(i + 1) * cg] = np.swapaxes(
            kernel[..., i * fg:(i + 1) * fg], 3, 4)
    return mats


# -- primitives ------------------------------------------------------------------------------
class Conv3D(Function):
    """``activation(conv3d(x, kernel) + bias)`` as one node.

    ``kernel`` is Keras's ``(kd, kh, kw, in // groups, filters)``; settings are 3-tuples and
    ``pads`` per-axis ``(before, after)`` pairs. With ``groups == 1`` the bias rides in the
    GEMM as an extra kernel row.
    """

    def __init__(self, strides, pads, dilations, groups=1, channels_first=False,
                 activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.groups, self.channels_first, self.activation = groups, channels_first, activation

    def forward(self, x, kernel, bias=None):
        x5 = to_ndhwc(x, self.channels_first)
        n = x5.shape[0]
        ksize, cg, f = kernel.shape[:3], kernel.shape[3], kernel.shape[4]
        outs = tuple(out_length(s, p, k, t, d) for s, p, k, t, d in zip(
            x5.shape[1:4], self.pads, ksize, self.strides, self.dilations))
        self.kernel, self.in_shape, self.outs = kernel, x5.shape, outs
        xp = pad_ndhwc(x5, self.pads)
        self.padded_shape = xp.shape
        ntaps = ksize[0] * ksize[1] * ksize[2]
        m, kk, g = n * outs[0] * outs[1] * outs[2], ntaps * cg, self.groups
        fused_bias = bias is not None and g == 1
        if g == 1:
            kmat = kernel.reshape(kk, f)
            if fused_bias:
                kmat = np.concatenate([kmat, bias.reshape(1, f).astype(kmat.dtype)])
            per = m // n
            self.fused_bias, self.xp, self.chunk = fused_bias, None, n
            if n > 1 and m * kmat.shape[0] > COL_LIMIT:
                # too big to keep: unfold a few samples at a time, here and in the backward
                self.xp, self.chunk = xp, max(1, COL_LIMIT // (per * kmat.shape[0]))
                z = np.empty((m, f), np.result_type(xp, kmat))
                for lo in range(0, n, self.chunk):
                    hi = min(n, lo + self.chunk)
                    tall_matmul(self._rows(xp[lo:hi]), kmat, out=z[lo * per:hi * per])
                self.col_t = None
            else:
                self.col_t = self._rows(xp).T
                z = tall_matmul(self.col_t.T, kmat)
        else:
            col, transposed = im2col3d(xp, ksize, self.strides, self.dilations, outs)
            col = col.T if transposed else col
            col = col.reshape(m, ntaps, g, cg).transpose(2, 0, 1, 3).reshape(g, m, ntaps * cg)
            kg = kernel.reshape(ntaps * cg, g, f // g).transpose(1, 0, 2)
            z = np.concatenate([tall_matmul(col[i], kg[i]) for i in range(g)], axis=1)
            self.col = col
        y = bias_act(z, None if fused_bias else bias, self.activation)
        self.y = y.reshape((n,) + outs + (f,))
        return from_ndhwc(self.y, self.channels_first)

    def _rows(self, xp):
        """The window matrix ``(windows, kd*kh*kw*c [+1])`` of padded samples ``xp``."""
        col, transposed = im2col3d(xp, self.kernel.shape[:3], self.strides, self.dilations,
                                   self.outs, ones=self.fused_bias)
        return col.T if transposed else col

    def _kernel_grad(self, gz):
        """``windows.T @ gz``: the kernel (and fused bias) gradient, ``(kk [+1], f)``."""
        if self.col_t is not None:
            return tall_t_matmul(self.col_t.T, gz)
        n, per = self.xp.shape[0], gz.shape[0] // self.xp.shape[0]
        full = 0
        for lo in range(0, n, self.chunk):
            hi = min(n, lo + self.chunk)
            full = full + tall_t_matmul(self._rows(self.xp[lo:hi]), gz[lo * per:hi * per])
        return full

    def backward(self, grad):
        gz = act_grad(to_ndhwc(grad, self.channels_first), self.y, self.activation)
        n, f = gz.shape[0], gz.shape[-1]
        m = gz.size // f
        gz = np.ascontiguousarray(gz).reshape(m, f)
        kernel, g = self.kernel, self.groups
        ksize, cg = kernel.shape[:3], kernel.shape[3]
        ntaps = ksize[0] * ksize[1] * ksize[2]
        kk = ntaps * cg
        needs = self.needs
        want_bias = len(needs) > 2 and needs[2]
        gx = gk = gb = None
        grid = (n,) + self.outs
        if g == 1:
            if needs[1]:
                full = self._kernel_grad(gz)
                gk = full[:kk].reshape(kernel.shape)
                if want_bias:
                    gb = full[kk]
            if needs[0]:
                mats = np.ascontiguousarray(np.swapaxes(kernel, 3, 4))
                gxp = scatter_taps(gz, mats, grid, self.padded_shape, self.strides,
                                   self.dilations)
        else:
            gzg = gz.reshape(m, g, f // g).transpose(1, 0, 2)
            if needs[1]:
                gk = np.stack([tall_t_matmul(self.col[i], gzg[i]) for i in range(g)],
                              axis=1).reshape(kernel.shape)
            if needs[0]:
                gxp = scatter_taps(gz, _block_diagonal(kernel, g), grid, self.padded_shape,
                                   self.strides, self.dilations)
        if needs[0]:
            gx = from_ndhwc(crop_ndhwc(gxp, self.pads, self.in_shape[1:4]),
                            self.channels_first)
        if want_bias and gb is None:
            gb = np.ones(m, gz.dtype) @ gz
        return gx, gk, gb


class Conv3DTranspose(Function):
    """``activation(conv3d_transpose(x, kernel) + bias)``: the input gradient of a Conv3D.

    ``kernel`` is Keras's ``(kd, kh, kw, filters, in)``; ``out_sizes`` the output's spatial
    size and ``pads`` the padding of the convolution that maps the output back onto ``x``.
    """

    def __init__(self, strides, pads, dilations, out_sizes, channels_first=False,
                 activation=None):
        self.strides, self.pads, self.dilations = strides, pads, dilations
        self.out_sizes, self.channels_first = out_sizes, channels_first
        self.activation = activation

    def forward(self, x, kernel, bias=None):
        x5 = np.ascontiguousarray(to_ndhwc(x, self.channels_first))
        n, c = x5.shape[0], x5.shape[-1]
        ksize, f = kernel.shape[:3], kernel.shape[3]
        self.x, self.kernel = x5, kernel
        # the windows of the matching convolution may reach past the padded output
        # (output_padding, or strides that do not divide): those pixels get nothing
        dims = tuple(max(o + a + b, (i - 1) * t + (k - 1) * d + 1) for o, (a, b), k, t, d, i in
                     zip(self.out_sizes, self.pads, ksize, self.strides, self.dilations,
                         x5.shape[1:4]))
        self.padded_shape = (n,) + dims + (f,)
        rows = x5.reshape(-1, c)
        mats = np.ascontiguousarray(np.swapaxes(kernel, 3, 4))
        z = scatter_taps(rows, mats, x5.shape[:4], self.padded_shape, self.strides,
                         self.dilations)
        z = np.ascontiguousarray(crop_ndhwc(z, self.pads, self.out_sizes))
        self.y = bias_act(z, bias, self.activation)
        return from_ndhwc(self.y, self.channels_first)

    def backward(self, grad):
        gz = act_grad(to_ndhwc(grad, self.channels_first), self.y, self.activation)
        x5, kernel = self.x, self.kernel
        ksize, f, c = kernel.shape[:3], kernel.shape[3], kernel.shape[4]
        needs = self.needs
        gx = gk = gb = None
        if needs[0] or needs[1]:
            gp = np.zeros(self.padded_shape, gz.dtype)
            gp[(slice(None),) + tuple(slice(a, a + s) for s, (a, _) in
                                      zip(gz.shape[1:4], self.pads))] = gz
            n, kk = x5.shape[0], ksize[0] * ksize[1] * ksize[2] * f
            per = x5.size // (n * c)
            kmat, rows = kernel.reshape(kk, c), x5.reshape(-1, c)
            # the windows of the padded gradient, a few samples at a time when they are big
            step = n if n * per * kk <= COL_LIMIT else max(1, COL_LIMIT // (per * kk))
            gx5 = np.empty(x5.shape, np.result_type(gz, kernel)) if needs[0] else None
            gk = 0 if needs[1] else None
            for lo in range(0, n, step):
                hi = min(n, lo + step)
                col, transposed = im2col3d(gp[lo:hi], ksize, self.strides, self.dilations,
                                           x5.shape[1:4])
                col = col.T if transposed else col
                if needs[0]:
                    tall_matmul(col, kmat, out=gx5[lo:hi].reshape(-1, c))
                if needs[1]:
                    gk = gk + tall_t_matmul(col, rows[lo * per:hi * per])
            if needs[0]:
                gx = from_ndhwc(gx5, self.channels_first)
            if needs[1]:
                gk = gk.reshape(kernel.shape)
        if len(needs) > 2 and needs[2]:
            gb = gz.reshape(-1, f).sum(axis=0)
        return gx, gk, gb


# -- functions -------------------------------------------------------------------------------
def _check_input(x, kernel, where, channels_first, kernel_in_axis):
    shape, kshape = np.shape(data(x)), np.shape(data(kernel))
    if len(kshape) != 5:
        raise ValueError(
            f"{where}: expected a 5-D kernel (depth, height, width, in, out), received shape "
            f"{kshape}."
        )
    if len(shape) != 5:
        layout = "(batch, channels, depth, height, width)" if channels_first else \
            "(batch, depth, height, width, channels)"
        raise ValueError(
            f"{where}: expected a 5-D input {layout}, received shape {shape}."
        )
    cin = shape[1] if channels_first else shape[-1]
    ck = kshape[kernel_in_axis]
    return shape, kshape, int(cin), int(ck)


def convolution3d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1,
                  data_format=None, activation=None, where="conv3d"):
    """Fused ``activation(conv3d(x, kernel) + bias)`` with Keras's kernel layout and arguments.

    ``groups`` is the input channels divided by ``kernel``'s input axis, as in Keras.

    Example::

        >>> y = convolution3d(np.ones((1, 5, 5, 5, 2), "float32"),
        ...                   np.ones((3, 3, 3, 2, 4), "float32"))
        >>> y.shape
        TensorShape([1, 3, 3, 3, 4])
    """
    x = operand(x)
    cf = channels_first_3d(data_format, where)
    shape, kshape, cin, cg = _check_input(x, kernel, where, cf, 3)
    f = kshape[4]
    if cin % cg or f % (cin // cg):
        raise ValueError(
            f"{where}: the input has {cin} channels but the kernel {kshape} expects {cg} per "
            f"group; the input channels must be a multiple of {cg} and the filters ({f}) a "
            f"multiple of the number of groups ({cin // cg if cin % cg == 0 else '?'})."
        )
    sizes = shape[2:] if cf else shape[1:4]
    ksize = tuple(kshape[:3])
    st = normalize_tuple(strides, 3, "strides", where)
    dl = normalize_tuple(dilation_rate, 3, "dilation_rate", where)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{where}: `padding` must be 'valid' or 'same', received {padding!r}.")
    pads = conv_pads(sizes, ksize, st, dl, padding, where)
    outs = [out_length(s, p, k, t, d) for s, p, k, t, d in zip(sizes, pads, ksize, st, dl)]
    check_out(sizes, outs, ksize, dl, where)
    check_activation(activation, where)
    fn = Conv3D(st, pads, dl, cin // cg, cf, activation)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)


def convolution3d_transpose(x, kernel, bias=None, strides=1, padding="valid",
                            output_padding=None, dilation_rate=1, data_format=None,
                            activation=None, output_shape=None, where="conv3d_transpose"):
    """Fused 3-D transposed convolution, kernel ``(kd, kh, kw, filters, in)``, Keras's shapes.

    ``output_shape`` (the three spatial sizes) overrides Keras's rule, as tf.nn does.

    Example::

        >>> y = convolution3d_transpose(np.ones((1, 3, 3, 3, 2), "float32"),
        ...                             np.ones((3, 3, 3, 4, 2), "float32"), strides=2,
        ...                             padding="same")
        >>> y.shape
        TensorShape([1, 6, 6, 6, 4])
    """
    x = operand(x)
    cf = channels_first_3d(data_format, where)
    shape, kshape, cin, ck = _check_input(x, kernel, where, cf, 4)
    if ck != cin:
        raise ValueError(
            f"{where}: the kernel {kshape} expects {ck} input channels (its last axis), "
            f"received an input with {cin}."
        )
    sizes = shape[2:] if cf else shape[1:4]
    ksize = tuple(kshape[:3])
    st = normalize_tuple(strides, 3, "strides", where)
    dl = normalize_tuple(dilation_rate, 3, "dilation_rate", where)
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in ("valid", "same"):
        raise ValueError(f"{where}: `padding` must be 'valid' or 'same', received {padding!r}.")
    if output_shape is not None:
        outs = normalize_tuple(output_shape, 3, "output_shape", where)
    else:
        op = (None,) * 3 if output_padding is None else normalize_tuple(
            output_padding, 3, "output_padding", where, minimum=0)
        outs = tuple(transpose_out_length(s, k, t, mode, p, d)
                     for s, k, t, p, d in zip(sizes, ksize, st, op, dl))
    pads = []
    for size, out, k, t, d in zip(sizes, outs, ksize, st, dl):
        if mode == "valid":
            pads.append((0, 0))
        else:
            total = max((size - 1) * t + (k - 1) * d + 1 - out, 0)
            pads.append((total // 2, total - total // 2))
        back = -(-out // t) if mode == "same" else out_length(out, (0, 0), k, t, d)
        if back != size:
            raise ValueError(
                f"{where}: an output of spatial size {tuple(outs)} does not map back onto the "
                f"input's {tuple(sizes)} with strides {st} and padding {padding!r}; check "
                f"output_padding (it must be smaller than the stride)."
            )
    check_activation(activation, where)
    fn = Conv3DTranspose(st, tuple(pads), dl, tuple(outs), cf, activation)
    return fn(x, kernel) if bias is None else fn(x, kernel, bias)


# -- tf.nn names -----------------------------------------------------------------------------
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):
    """``tf.nn.conv3d``: ``filters`` is ``(kd, kh, kw, in, out)``; strides of 5 (or 3) values.

    Example::

        >>> tf.nn.conv3d(np.ones((1, 4, 4, 4, 1), "float32"), np.ones((2, 2, 2, 1, 3), "float32"),
        ...              strides=[1, 1, 1, 1, 1], padding="VALID").shape
        TensorShape([1, 3, 3, 3, 3])
    """
    cf = channels_first_3d(data_format, "tf.nn.conv3d")
    return convolution3d(input, filters, strides=nn_window_3d(strides, cf, "strides"),
                         padding=padding.lower() if isinstance(padding, str) else padding,
                         dilation_rate=1 if dilations is None else
                         nn_window_3d(dilations, cf, "dilations"),
                         data_format=data_format, where="tf.nn.conv3d")


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NDHWC", dilations=None, name=None):
    """``tf.nn.conv3d_transpose``: ``filters`` is ``(kd, kh, kw, out, in)``; ``output_shape``
    has 5 values (batch and channels included)."""
    cf = channels_first_3d(data_format, "tf.nn.conv3d_transpose")
    shape = [int(v) for v in np.asarray(data(output_shape)).reshape(-1)]
    if len(shape) != 5:
        raise ValueError(
            f"tf.nn.conv3d_transpose: `output_shape` must have 5 values (batch, 3 spatial, "
            f"channels), received {output_shape!r}."
        )
    return convolution3d_transpose(input, filters, strides=nn_window_3d(strides, cf, "strides"),
                                   padding=padding.lower() if isinstance(padding, str)
                                   else padding,
                                   dilation_rate=1 if dilations is None else
                                   nn_window_3d(dilations, cf, "dilations"),
                                   data_format=data_format,
                                   output_shape=shape[2:] if cf else shape[1:4],
                                   where="tf.nn.conv3d_transpose")
