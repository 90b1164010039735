"""More of ``tf.nn`` and the convolution gradients TensorFlow exports as ops:

- ``depthwise_conv2d_backprop_input`` / ``_filter``, ``tf.conv2d_backprop_input_v2`` /
  ``tf.conv2d_backprop_filter_v2``: the gradient of the convolution with respect to its input
  or filter for a given ``out_backprop``, computed by featherflow's own autodiff of the
  (linear) convolution, so they equal its backward pass; ``atrous_conv2d_transpose`` is the
  input gradient of a dilated convolution.
- ``dilation2d`` / ``erosion2d``: grayscale morphology (``max`` of ``input + filter`` over each
  window, and its dual), differentiable (the gradient goes to the first maximum, as
  TensorFlow's kernel).
- ``batch_norm_with_global_normalization`` (the old batch-norm op) and
  ``isotonic_regression`` (pool-adjacent-violators along an axis).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

__all__ = ["atrous_conv2d_transpose", "batch_norm_with_global_normalization",
           "conv2d_backprop_filter_v2", "conv2d_backprop_input_v2",
           "depthwise_conv2d_backprop_filter", "depthwise_conv2d_backprop_input", "dilation2d",
           "erosion2d", "isotonic_regression"]


def _tf():
    import featherflow

    return featherflow


def _t(x):
    return x if isinstance(x, Tensor) else _tf().convert_to_tensor(x)


def _sizes(value, what):
    a = np.asarray(value.data if isinstance(value, Tensor) else value).reshape(-1)
    if a.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{what} must be an int32 vector of sizes; received "
                                   f"dtype {a.dtype.name}")
    return [int(v) for v in a]


def _gradient(fn, shape, dtype, out_backprop):
    """d <fn(z), out_backprop> / dz at z = 0 (fn is linear in z)."""
    tf = _tf()
    z = tf.zeros(shape, dtype)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = fn(z)
    g = _t(out_backprop)
    if tuple(g.shape) != tuple(y.shape):
        raise InvalidArgumentError(f"out_backprop has shape {list(g.shape)}, but the "
                                   f"convolution's output has shape {list(y.shape)}")
    grad = tape.gradient(y, z, output_gradients=g)
    return grad if grad is not None else tf.zeros(shape, dtype)


def _conv_padding(padding, explicit_paddings, data_format):
    if padding != "EXPLICIT":
        return padding
    pads = [int(p) for p in explicit_paddings]
    if len(pads) != 8:
        raise InvalidArgumentError(f"explicit_paddings must have 8 values (2 per dimension) "
                                   f"with padding='EXPLICIT'; received {len(pads)}")
    return [pads[i:i + 2] for i in range(0, 8, 2)]


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                                    data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    tf = _tf()
    w = _t(filter)
    shape = _sizes(input_sizes, "depthwise_conv2d_backprop_input: input_sizes")
    return _gradient(lambda z: tf.nn.depthwise_conv2d(z, w, strides, padding, data_format,
                                                      _dil(dilations, data_format)),
                     shape, w.dtype, out_backprop)


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                                     data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    tf = _tf()
    x = _t(input)
    shape = _sizes(filter_sizes, "depthwise_conv2d_backprop_filter: filter_sizes")
    return _gradient(lambda z: tf.nn.depthwise_conv2d(x, z, strides, padding, data_format,
                                                      _dil(dilations, data_format)),
                     shape, x.dtype, out_backprop)


def _dil(dilations, data_format):
    d = [int(v) for v in (dilations if dilations is not None else (1, 1, 1, 1))]
    if len(d) == 4:
        return d[1:3] if (data_format or "NHWC") == "NHWC" else d[2:4]
    return d


def conv2d_backprop_input_v2(input, filter, out_backprop, strides, padding,  # noqa: A002
                             use_cudnn_on_gpu=True, explicit_paddings=(), data_format="NHWC",
                             dilations=(1, 1, 1, 1), name=None):
    """The gradient of ``conv2d(input, filter)`` with respect to ``input`` (whose shape is all
    that is read) for ``out_backprop``."""
    tf = _tf()
    x, w = _t(input), _t(filter)
    pad = _conv_padding(padding, explicit_paddings, data_format)
    return _gradient(lambda z: tf.nn.conv2d(z, w, strides, pad, data_format, dilations),
                     list(x.shape), w.dtype, out_backprop)


def conv2d_backprop_filter_v2(input, filter, out_backprop, strides, padding,  # noqa: A002
                              use_cudnn_on_gpu=True, explicit_paddings=(), data_format="NHWC",
                              dilations=(1, 1, 1, 1), name=None):
    """The gradient of ``conv2d(input, filter)`` with respect to ``filter`` (whose shape is all
    that is read) for ``out_backprop``."""
    tf = _tf()
    x, w = _t(input), _t(filter)
    pad = _conv_padding(padding, explicit_paddings, data_format)
    return _gradient(lambda z: tf.nn.conv2d(x, z, strides, pad, data_format, dilations),
                     list(w.shape), x.dtype, out_backprop)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of ``atrous_conv2d(x, filters, rate, padding)``: the input gradient of the
    dilated convolution, for ``value`` of its output's shape."""
    tf = _tf()
    w = _t(filters)
    if padding not in ("SAME", "VALID"):
        raise ValueError(f'padding must be "SAME" or "VALID"; received {padding!r}')
    if int(rate) < 1:
        raise ValueError(f"rate must be >= 1; received {rate}")
    shape = _sizes(output_shape, "atrous_conv2d_transpose: output_shape")
    if len(shape) != 4 or shape[3] != int(w.shape[2]):
        raise ValueError(f"output_shape must be [batch, height, width, {int(w.shape[2])}] (the "
                         f"filters' input depth); received {shape}")
    r = int(rate)
    return _gradient(lambda z: tf.nn.conv2d(z, w, 1, padding, "NHWC", [r, r]), shape, w.dtype,
                     value)


# -- morphology ------------------------------------------------------------------------------
def _window(size, stride, rate, padding, length, what):
    effective = size + (size - 1) * (rate - 1)
    if padding == "VALID":
        out = (length - effective) // stride + 1
        before = 0
    elif padding == "SAME":
        out = -(-length // stride)
        total = max((out - 1) * stride + effective - length, 0)
        before = total // 2
    else:
        raise ValueError(f'{what}: padding must be "SAME" or "VALID"; received {padding!r}')
    if out < 1:
        raise InvalidArgumentError(f"{what}: the filter (effective size {effective}) does not "
                                   f"fit the input ({length})")
    return out, before


def _four(values, what, name):
    v = [int(x) for x in values]
    if len(v) != 4 or v[0] != 1 or v[3] != 1:
        raise InvalidArgumentError(f"{what}: {name} must be [1, h, w, 1]; received {v}")
    return v[1], v[2]


def dilation2d(input, filters, strides, padding, data_format, dilations, name=None):  # noqa: A002
    """``out[b, y, x, c] = max over (i, j) of input[b, y*sh + i*rh - pad_top,
    x*sw + j*rw - pad_left, c] + filters[i, j, c]`` (positions outside the input are
    skipped)."""
    tf = _tf()
    if data_format != "NHWC":
        raise ValueError(f"dilation2d: data_format must be 'NHWC'; received {data_format!r}")
    x, f = _t(input), _t(filters)
    if len(x.shape) != 4 or len(f.shape) != 3 or int(f.shape[2]) != int(x.shape[3]):
        raise InvalidArgumentError(f"dilation2d: input must be [batch, h, w, depth] and filters "
                                   f"[fh, fw, depth]; received {list(x.shape)} and "
                                   f"{list(f.shape)}")
    sh, sw = _four(strides, "dilation2d", "strides")
    rh, rw = _four(dilations, "dilation2d", "dilations")
    _, h, w, _ = (int(d) for d in x.shape)
    fh, fw = int(f.shape[0]), int(f.shape[1])
    oh, top = _window(fh, sh, rh, padding, h, "dilation2d")
    ow, left = _window(fw, sw, rw, padding, w, "dilation2d")
    dtype = np.asarray(x.data).dtype
    low = np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min
    need_h = (oh - 1) * sh + (fh - 1) * rh + 1
    need_w = (ow - 1) * sw + (fw - 1) * rw + 1
    pad_h = [top, max(need_h - h - top, 0)]
    pad_w = [left, max(need_w - w - left, 0)]
    padded = tf.pad(x, [[0, 0], pad_h, pad_w, [0, 0]], constant_values=low) \
        if any(pad_h + pad_w) else x
    candidates = []
    for i in range(fh):
        for j in range(fw):
            window = padded[:, i * rh:i * rh + (oh - 1) * sh + 1:sh,
                            j * rw:j * rw + (ow - 1) * sw + 1:sw, :]
            candidates.append(window + f[i, j])
    stacked = tf.stack(candidates, axis=0)
    return tf.reduce_max(stacked, axis=0)


def erosion2d(value, filters, strides, padding, data_format, dilations, name=None):
    """The dual of ``dilation2d``: ``-dilation2d(-value, filters reversed in space)``."""
    tf = _tf()
    return tf.negative(dilation2d(tf.negative(_t(value)), tf.reverse(_t(filters), [0, 1]),
                                  strides, padding, data_format, dilations))


def batch_norm_with_global_normalization(input, mean, variance, beta, gamma,  # noqa: A002
                                         variance_epsilon, scale_after_normalization,
                                         name=None):
    """``(input - mean) / sqrt(variance + eps) * gamma + beta`` (``gamma`` only when
    ``scale_after_normalization``)."""
    tf = _tf()
    return tf.nn.batch_normalization(input, mean, variance, beta,
                                     gamma if scale_after_normalization else None,
                                     variance_epsilon)


def _pava(row, decreasing):
    """Pool-adjacent-violators: (fitted values, block id of each element)."""
    sums, counts = [], []
    for v in row:
        sums.append(float(v))
        counts.append(1)
        while len(sums) > 1:
            prev, last = sums[-2] / counts[-2], sums[-1] / counts[-1]
            violated = last > prev if decreasing else last < prev
            if not violated:
                break
            s_last, c_last = sums.pop(), counts.pop()
            sums[-1] += s_last
            counts[-1] += c_last
    fitted, blocks = [], []
    for k, (s, c) in enumerate(zip(sums, counts)):
        fitted += [s / c] * c
        blocks += [k] * c
    return fitted, blocks


def isotonic_regression(inputs, decreasing=True, axis=-1):
    """The non-increasing (``decreasing=True``) or non-decreasing sequence closest in squared
    error to each row along ``axis``, and the block each element was pooled into (int32)."""
    tf = _tf()
    x = _t(inputs)
    if np.asarray(x.data).dtype.kind != "f":
        x = tf.cast(x, tf.float32)
    a = np.asarray(x.data)
    axis = axis % max(a.ndim, 1)
    moved = np.moveaxis(a, axis, -1)
    n = moved.shape[-1]
    flat = moved.reshape(-1, n)
    seg = np.empty(flat.shape, np.int32)
    for i, row in enumerate(flat):
        seg[i] = _pava(row.tolist(), decreasing)[1]
    # the fit is each block's mean: built from ops so the gradient averages within blocks
    ids = (np.arange(flat.shape[0])[:, None] * max(n, 1) + seg).reshape(-1)
    xt = tf.reshape(tf.transpose(x, _perm(a.ndim, axis)), [-1])
    means = tf.math.unsorted_segment_mean(xt, Tensor(ids.astype(np.int64)),
                                          int(flat.shape[0] * max(n, 1)))
    fitted = tf.reshape(tf.gather(means, Tensor(ids.astype(np.int64))), moved.shape)
    out = tf.transpose(fitted, np.argsort(_perm(a.ndim, axis)).tolist())
    return out, Tensor(np.ascontiguousarray(np.moveaxis(seg.reshape(moved.shape), -1, axis)))


def _perm(ndim, axis):
    return [d for d in range(ndim) if d != axis] + [axis]
