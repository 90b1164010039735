"""``keras.ops.nn``: activations, losses, normalisation, convolution and attention ops with
Keras 3's signatures, over featherflow's differentiable ops (``featherflow.activations``,
``featherflow.ops``)."""

import math

import numpy as np

from featherflow import activations as _act
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.backend import image_data_format as _image_data_format
from featherflow.keras.ops._dtypes import standardize
from featherflow.keras.ops.adaptive_pool import adaptive_average_pool, adaptive_max_pool
from featherflow.keras.ops.numpy import (
    _arr,
    convert,
    divide,
    einsum,
    float_type,
    mean,
    multiply,
    sqrt,
    square,
    subtract,
    where,
)
from featherflow.keras.ops.patches import fold, unfold
from featherflow.keras.ops.spectral import polar
from featherflow.ops import cross_entropy as _xent
from featherflow.ops import math as _m
from featherflow.ops import reduce as _reduce
from featherflow.ops import reshape as _reshape


def _floats(x):
    x = convert(x)
    return convert(x, float_type(x))


def relu(x):
    x = convert(x)
    return _act.relu(x) if x.data.dtype.kind == "f" else _m.maximum(x, np.zeros((), x.data.dtype))


def relu6(x):
    return _act.relu6(_floats(x))


def sigmoid(x):
    return _act.sigmoid(_floats(x))


def sparse_sigmoid(x):
    return _act.sparse_sigmoid(_floats(x))


def softplus(x):
    return _act.softplus(_floats(x))


def softsign(x):
    return _act.softsign(_floats(x))


def soft_shrink(x, threshold=0.5):
    return _act.soft_shrink(_floats(x), threshold)


def sparse_plus(x):
    return _act.sparse_plus(_floats(x))


def silu(x):
    return _act.silu(_floats(x))


swish = silu


def log_sigmoid(x):
    return _act.log_sigmoid(_floats(x))


def leaky_relu(x, negative_slope=0.2):
    return _act.leaky_relu(_floats(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return _act.hard_sigmoid(_floats(x))


def hard_silu(x):
    return _act.hard_silu(_floats(x))


hard_swish = hard_silu


def elu(x, alpha=1.0):
    return _act.elu(_floats(x), alpha=alpha)


def selu(x):
    return _act.selu(_floats(x))


def gelu(x, approximate=True):
    """Keras 3's ``ops.gelu`` defaults to the tanh approximation (``activations.gelu``
    does not)."""
    return _act.gelu(_floats(x), approximate=approximate)


def celu(x, alpha=1.0):
    return _act.celu(_floats(x), alpha=alpha)


def glu(x, axis=-1):
    return _act.glu(_floats(x), axis=axis)


def tanh_shrink(x):
    return _act.tanh_shrink(_floats(x))


def hard_tanh(x):
    return _act.hard_tanh(_floats(x))


def hard_shrink(x, threshold=0.5):
    return _act.hard_shrink(_floats(x), threshold)


def threshold(x, threshold, default_value):
    return _act.threshold(convert(x), threshold, default_value)


def squareplus(x, b=4):
    return _act.squareplus(_floats(x), b)


def softmax(x, axis=-1):
    x = _floats(x)
    if axis is None:
        flat = _reshape.reshape(x, (-1,))
        return _reshape.reshape(_act.softmax(flat, axis=-1), x.data.shape)
    if isinstance(axis, (tuple, list)):
        return _multi_axis(_act.softmax, x, axis)
    return _act.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    x = _floats(x)
    if axis is None:
        flat = _reshape.reshape(x, (-1,))
        return _reshape.reshape(_act.log_softmax(flat, axis=-1), x.data.shape)
    if isinstance(axis, (tuple, list)):
        return _multi_axis(_act.log_softmax, x, axis)
    return _act.log_softmax(x, axis=axis)


def _multi_axis(fn, x, axes):
    nd = x.data.ndim
    axes = sorted(a % nd for a in axes)
    rest = [a for a in range(nd) if a not in axes]
    moved = _reshape.transpose(x, rest + axes)
    shape = moved.data.shape
    flat = _reshape.reshape(moved, shape[:len(rest)] + (-1,))
    out = _reshape.reshape(fn(flat, axis=-1), shape)
    return _reshape.transpose(out, np.argsort(rest + axes).tolist())


def sparsemax(x, axis=-1):
    return _act.sparsemax(_floats(x), axis=axis)


# -- encodings --------------------------------------------------------------------------------
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise ValueError("one_hot(sparse=True): featherflow has no sparse tensors yet.")
    idx = np.asarray(_arr(x)).astype(np.int64)
    dt = standardize(dtype) or config.floatx()
    out = (idx[..., None] == np.arange(int(num_classes))).astype(dt)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot: num_classes is required.")
    if sparse:
        raise ValueError("multi_hot(sparse=True): featherflow has no sparse tensors yet.")
    idx = np.asarray(_arr(inputs)).astype(np.int64)
    dt = standardize(dtype) or config.floatx()
    hot = (idx[..., None] == np.arange(int(num_classes)))
    if idx.ndim == 0:
        out = hot
    else:
        out = hot.any(axis=-2 if idx.ndim >= 1 else -1)
    out = out.astype(dt)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


# -- losses -----------------------------------------------------------------------------------
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise (no mean over the last axis, unlike ``keras.losses``)."""
    output = _floats(output)
    target = convert(target, output.data.dtype.name)
    if from_logits:
        return _xent.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = np.asarray(config.epsilon(), output.data.dtype)
    p = _m.clip_by_value(output, eps, np.asarray(1.0, output.data.dtype) - eps)
    one = np.asarray(1.0, output.data.dtype)
    return _m.negative(_m.add(multiply(target, _m.log(p)),
                              multiply(subtract(one, target), _m.log(subtract(one, p)))))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _floats(output)
    return _xent.categorical_crossentropy(convert(target, output.data.dtype.name), output,
                                          from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _floats(output)
    return _xent.sparse_categorical_crossentropy(convert(target), output,
                                                 from_logits=from_logits, axis=axis)


# -- normalisation ----------------------------------------------------------------------------
def moments(x, axes, keepdims=False, synchronized=False):
    x = _floats(x)
    axes = [int(a) for a in (axes if isinstance(axes, (list, tuple)) else [axes])]
    m = _reduce.reduce_mean(x, axis=axes, keepdims=True)
    v = _reduce.reduce_mean(square(subtract(x, _m.stop_gradient(m))), axis=axes,
                            keepdims=True)
    v = subtract(v, square(subtract(m, _m.stop_gradient(m))))
    if not keepdims:
        m = _reshape.squeeze(m, axes)
        v = _reshape.squeeze(v, axes)
    return m, v


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _floats(x)
    nd = x.data.ndim
    axis = int(axis) % nd
    shape = [1] * nd
    shape[axis] = x.data.shape[axis]

    def b(v):
        return _reshape.reshape(convert(v, x.data.dtype.name), shape)
    inv = _m.rsqrt(_m.add(b(variance), np.asarray(epsilon, x.data.dtype)))
    if scale is not None:
        inv = multiply(inv, b(scale))
    out = multiply(subtract(x, b(mean)), inv)
    if offset is not None:
        out = _m.add(out, b(offset))
    return out


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _floats(x)
    eps = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        sq = _reduce.reduce_sum(square(x), axis=axis, keepdims=True)
        return multiply(x, _m.rsqrt(_m.maximum(sq, np.asarray(eps, x.data.dtype))))
    from featherflow.keras.ops.linalg import norm

    n = norm(x, ord=order, axis=axis, keepdims=True)
    return divide(x, _m.maximum(n, np.asarray(eps, x.data.dtype)))


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    x = _floats(x)
    eps = config.epsilon() if epsilon is None else epsilon
    axes = [axis] if isinstance(axis, int) else list(axis)
    m, v = moments(x, axes, keepdims=True)
    out = multiply(subtract(x, m), _m.rsqrt(_m.add(v, np.asarray(eps, x.data.dtype))))
    if gamma is not None:
        out = multiply(out, convert(gamma, x.data.dtype.name))
    if beta is not None:
        out = _m.add(out, convert(beta, x.data.dtype.name))
    return out


def rms_normalization(x, scale=1, axis=-1, epsilon=None):
    x = _floats(x)
    eps = config.epsilon() if epsilon is None else epsilon
    ms = _reduce.reduce_mean(square(x), axis=axis, keepdims=True)
    out = multiply(x, _m.rsqrt(_m.add(ms, np.asarray(eps, x.data.dtype))))
    return multiply(out, convert(scale, x.data.dtype.name))


def psnr(x1, x2, max_val):
    a, b = _floats(x1), _floats(x2)
    mse = mean(square(subtract(a, b)))
    return subtract(20.0 * math.log10(max_val), multiply(10.0, _log10(mse)))


def _log10(x):
    return divide(_m.log(x), np.asarray(math.log(10.0), x.data.dtype))


# -- attention --------------------------------------------------------------------------------
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                          is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on ``(batch, seq, heads, dim)`` tensors, as Keras."""
    q, k, v = _floats(query), _floats(key), _floats(value)
    if q.data.ndim != 4:
        raise ValueError("dot_product_attention: query, key and value must be 4-D "
                         f"(batch, seq, heads, dim); received query shape {q.data.shape}.")
    dim = q.data.shape[-1]
    scale = 1.0 / math.sqrt(dim) if scale is None else scale
    logits = einsum("BTNH,BSNH->BNTS", q, k)
    logits = multiply(logits, np.asarray(scale, logits.data.dtype))
    if attn_logits_soft_cap is not None:
        logits = multiply(_act.tanh(divide(logits, attn_logits_soft_cap)), attn_logits_soft_cap)
    if bias is not None:
        logits = _m.add(logits, convert(bias, logits.data.dtype.name))
    keep = None
    if mask is not None:
        keep = np.asarray(_arr(mask)).astype(bool)
    if is_causal:
        t, s = q.data.shape[1], k.data.shape[1]
        causal = np.tril(np.ones((t, s), bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        big = np.asarray(np.finfo(logits.data.dtype).min * 0.7, logits.data.dtype)
        logits = where(np.broadcast_to(keep, logits.data.shape), logits, big)
    weights = _act.softmax(logits, axis=-1)
    return einsum("BNTS,BSNH->BTNH", weights, v)


# -- convolution and pooling ------------------------------------------------------------------
def _conv_args(inputs, data_format):
    data_format = data_format or _image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("data_format must be 'channels_last' or 'channels_first'; received "
                         f"{data_format!r}.")
    return _floats(inputs), data_format


def _to_last(x, data_format):
    if data_format == "channels_first":
        nd = x.data.ndim
        return _reshape.transpose(x, [0] + list(range(2, nd)) + [1])
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        nd = x.data.ndim
        return _reshape.transpose(x, [0, nd - 1] + list(range(1, nd - 1)))
    return x


def _tuple(value, n):
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    return (int(value),) * n


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    from featherflow.ops import conv as _conv

    x, data_format = _conv_args(inputs, data_format)
    x = _to_last(x, data_format)
    k = convert(kernel, x.data.dtype.name)
    n = x.data.ndim - 2
    pad = padding.upper()
    if n == 1:
        out = _conv.conv1d(x, k, stride=_tuple(strides, 1)[0], padding=pad,
                           dilations=_tuple(dilation_rate, 1)[0])
    elif n == 2:
        out = _conv.conv2d(x, k, strides=_tuple(strides, 2), padding=pad,
                           dilations=_tuple(dilation_rate, 2))
    else:
        raise ValueError(f"conv: featherflow supports 1-D and 2-D convolutions; received a "
                         f"{n}-D input of shape {x.data.shape}.")
    return _from_last(out, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    from featherflow.ops import depthwise_conv as _dw

    x, data_format = _conv_args(inputs, data_format)
    x = _to_last(x, data_format)
    k = convert(kernel, x.data.dtype.name)
    n = x.data.ndim - 2
    if n == 1:
        x4 = _reshape.expand_dims(x, 1)
        k4 = _reshape.expand_dims(k, 0)
        out = _dw.depthwise_conv2d(x4, k4, (1, 1) + _tuple(strides, 1) + (1,),
                                   padding.upper(),
                                   dilations=(1,) + _tuple(dilation_rate, 1))
        out = _reshape.squeeze(out, [1])
    elif n == 2:
        out = _dw.depthwise_conv2d(x, k, (1,) + _tuple(strides, 2) + (1,), padding.upper(),
                                   dilations=_tuple(dilation_rate, 2))
    else:
        raise ValueError(f"depthwise_conv: 1-D or 2-D inputs; received shape {x.data.shape}.")
    return _from_last(out, data_format)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                               dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format)


def _pool(kind, inputs, pool_size, strides, padding, data_format):
    from featherflow.ops import pooling as _pooling

    x, data_format = _conv_args(inputs, data_format)
    x = _to_last(x, data_format)
    n = x.data.ndim - 2
    size = _tuple(pool_size, n)
    stride = size if strides is None else _tuple(strides, n)
    if n == 1:
        fn = _pooling.max_pool1d if kind == "max" else _pooling.avg_pool1d
    elif n == 2:
        fn = _pooling.max_pool2d if kind == "max" else _pooling.avg_pool2d
    else:
        raise ValueError(f"{kind}_pool: 1-D or 2-D inputs; received shape {x.data.shape}.")
    out = fn(x, size, stride, padding.upper())
    return _from_last(out, data_format)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("max", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _pool("avg", inputs, pool_size, strides, padding, data_format)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    from featherflow.ops import ctc as _ctc

    output = _floats(output)
    return _ctc.ctc_loss(convert(target, "int32"), output, convert(target_length, "int32"),
                         convert(output_length, "int32"), logits_time_major=False,
                         blank_index=mask_index)


def space_to_depth(x, block_size, data_format="channels_last"):
    x = convert(x)
    x = _to_last(x, data_format)
    b, h, w, c = x.data.shape
    s = int(block_size)
    out = _reshape.reshape(x, (b, h // s, s, w // s, s, c))
    out = _reshape.transpose(out, [0, 1, 3, 2, 4, 5])
    out = _reshape.reshape(out, (b, h // s, w // s, s * s * c))
    return _from_last(out, data_format)


def depth_to_space(x, block_size, data_format="channels_last"):
    x = convert(x)
    x = _to_last(x, data_format)
    b, h, w, c = x.data.shape
    s = int(block_size)
    out = _reshape.reshape(x, (b, h, w, s, s, c // (s * s)))
    out = _reshape.transpose(out, [0, 1, 3, 2, 4, 5])
    out = _reshape.reshape(out, (b, h * s, w * s, c // (s * s)))
    return _from_last(out, data_format)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Keras's kernel ``(*kernel_size, filters, in_channels)``; 1-D, 2-D and 3-D inputs."""
    x, data_format = _conv_args(inputs, data_format)
    k = convert(kernel, x.data.dtype.name)
    if x.data.ndim == 5:
        from featherflow.ops import conv3d as _conv3d

        return _conv3d.convolution3d_transpose(
            x, k, strides=strides, padding=padding, output_padding=output_padding,
            dilation_rate=dilation_rate, data_format=data_format, where="conv_transpose")
    from featherflow.ops import conv_transpose as _conv_transpose

    return _conv_transpose.conv_transpose(x, k, strides=strides, padding=padding,
                                          output_padding=output_padding,
                                          dilation_rate=dilation_rate, data_format=data_format)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy or beam-search CTC decoding of (batch, time, classes) scores, as Keras:
    ``(decoded, scores)`` with decoded (top_paths, batch, time) int32 padded with -1."""
    from featherflow.ops import ctc as _ctc

    x = np.asarray(_floats(inputs).data)
    if x.ndim != 3:
        raise ValueError("ctc_decode: inputs must be (batch, time, classes) scores; received "
                         f"shape {x.shape}.")
    if strategy == "beam_search" and (int(beam_width) < 1 or int(top_paths) < 1):
        raise ValueError("ctc_decode: beam_width and top_paths must be positive; received "
                         f"beam_width={beam_width}, top_paths={top_paths}.")
    return _ctc.keras_ctc_decode(x, sequence_lengths, strategy=strategy,
                                 beam_width=int(beam_width), top_paths=int(top_paths),
                                 merge_repeated=merge_repeated, mask_index=mask_index)


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "math", "np", "Tensor", "config", "standardize", "convert", "divide", "einsum",
    "float_type", "mean", "multiply", "sqrt", "square", "subtract", "where")]
