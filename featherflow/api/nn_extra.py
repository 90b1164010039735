"""More of ``tf.nn``: the rank-generic pooling and convolution entry points, ``crelu``,
``space_to_depth``/``depth_to_space``, local response normalization, the moment helpers,
``log_poisson_loss``, ``max_pool_with_argmax``, ``compute_average_loss``... Built from
featherflow's differentiable ops, with TensorFlow's signatures and checks."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(as_array(x))


def _rank_of(x, what, ranks=(3, 4, 5)):
    t = _t(x)
    if t.data.ndim not in ranks:
        raise ValueError(f"{what}: input must be rank {' or '.join(map(str, ranks))} "
                         f"(batch, spatial..., channels); received shape {t.data.shape}.")
    return t


def _channels_last(data_format):
    return data_format is None or not str(data_format).startswith("NC")


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """``avg_pool1d``/``2d``/``3d`` chosen by the input's rank."""
    from featherflow.ops import pooling, pooling3d

    t = _rank_of(input, "avg_pool")
    fn = {3: pooling.avg_pool1d, 4: pooling.avg_pool2d, 5: pooling3d.avg_pool3d}[t.data.ndim]
    fmt = data_format or {3: "NWC", 4: "NHWC", 5: "NDHWC"}[t.data.ndim]
    return fn(t, ksize, strides, padding, data_format=fmt)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    from featherflow.ops import pooling, pooling3d

    t = _rank_of(input, "max_pool")
    fn = {3: pooling.max_pool1d, 4: pooling.max_pool2d, 5: pooling3d.max_pool3d}[t.data.ndim]
    fmt = data_format or {3: "NWC", 4: "NHWC", 5: "NDHWC"}[t.data.ndim]
    return fn(t, ksize, strides, padding, data_format=fmt)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID",  # noqa: A002
         data_format=None, dilations=None, name=None):
    if pooling_type not in ("AVG", "MAX"):
        raise ValueError(f"pool: pooling_type must be 'AVG' or 'MAX'; received {pooling_type!r}.")
    if dilations is not None and any(int(d) != 1 for d in np.ravel(dilations)):
        raise ValueError("pool: featherflow supports dilations of 1 only.")
    strides = [1] * len(window_shape) if strides is None else strides
    fn = avg_pool if pooling_type == "AVG" else max_pool
    return fn(input, list(window_shape), list(strides), padding, data_format)


def convolution(input, filters, strides=None, padding="VALID", data_format=None,  # noqa: A002
                dilations=None, name=None):
    """``conv1d``/``conv2d``/``conv3d`` chosen by the filters' rank."""
    from featherflow.ops import conv, conv3d

    f = _t(filters)
    n = f.data.ndim - 2
    strides = 1 if strides is None else strides
    if n == 1:
        return conv.conv1d(input, f, stride=strides, padding=padding,
                           data_format=data_format or "NWC", dilations=dilations)
    if n == 2:
        return conv.conv2d(input, f, strides=strides, padding=padding,
                           data_format=data_format or "NHWC", dilations=dilations)
    if n == 3:
        return conv3d.conv3d(input, f, strides=strides, padding=padding,
                             data_format=data_format or "NDHWC", dilations=dilations)
    raise ValueError(f"convolution: filters must be rank 3, 4 or 5; received shape "
                     f"{f.data.shape}.")


conv = convolution


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """A 1-D transposed convolution as a 2-D one with unit height."""
    from featherflow.ops import conv_transpose, reshape

    if dilations not in (None, 1, [1], (1,)):
        raise ValueError("conv1d_transpose: featherflow supports dilations of 1 only.")
    x = _t(input)
    if data_format == "NCW":
        x = reshape.transpose(x, [0, 2, 1])
    f = _t(filters)
    shape = [int(v) for v in np.asarray(getattr(output_shape, "data", output_shape)).reshape(-1)]
    if data_format == "NCW":
        shape = [shape[0], shape[2], shape[1]]
    stride = int(np.ravel(strides)[0] if np.ndim(strides) else strides)
    out = conv_transpose.conv2d_transpose(reshape.expand_dims(x, 1), reshape.expand_dims(f, 0),
                                          [shape[0], 1, shape[1], shape[2]], (1, stride),
                                          padding=padding)
    out = reshape.squeeze(out, [1])
    return reshape.transpose(out, [0, 2, 1]) if data_format == "NCW" else out


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    from featherflow.ops import conv3d as conv3d_ops
    from featherflow.ops import conv_transpose as ct

    n = len(np.asarray(getattr(output_shape, "data", output_shape)).reshape(-1)) - 2
    if n == 1:
        return conv1d_transpose(input, filters, output_shape, strides, padding,
                                data_format or "NWC", dilations)
    if n == 2:
        return ct.conv2d_transpose(input, filters, output_shape, strides, padding,
                                   data_format or "NHWC", dilations)
    if n == 3:
        return conv3d_ops.conv3d_transpose(input, filters, output_shape, strides, padding,
                                           data_format or "NDHWC", dilations)
    raise ValueError(f"conv_transpose: output_shape must have 3, 4 or 5 entries; received "
                     f"{output_shape}.")


def atrous_conv2d(value, filters, rate, padding, name=None):
    from featherflow.ops import conv

    return conv.conv2d(value, filters, strides=1, padding=padding, dilations=int(rate))


def crelu(features, name=None, axis=-1):
    from featherflow.ops import activations, concat
    from featherflow.ops import math as math_ops

    x = _t(features)
    return activations.relu(concat.concat([x, math_ops.negative(x)], axis))


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    from featherflow.ops import reshape

    x = _t(input)
    if data_format == "NCHW":
        x = reshape.transpose(x, [0, 2, 3, 1])
    b, h, w, c = x.data.shape
    s = int(block_size)
    if s < 2 or h % s or w % s:
        raise InvalidArgumentError(f"space_to_depth: block_size {s} must be >= 2 and divide "
                                   f"height {h} and width {w}.")
    out = reshape.reshape(x, (b, h // s, s, w // s, s, c))
    out = reshape.transpose(out, [0, 1, 3, 2, 4, 5])
    out = reshape.reshape(out, (b, h // s, w // s, s * s * c))
    return reshape.transpose(out, [0, 3, 1, 2]) if data_format == "NCHW" else out


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    from featherflow.ops import reshape

    x = _t(input)
    if data_format == "NCHW":
        x = reshape.transpose(x, [0, 2, 3, 1])
    b, h, w, c = x.data.shape
    s = int(block_size)
    if s < 2 or c % (s * s):
        raise InvalidArgumentError(f"depth_to_space: block_size {s} must be >= 2 and its "
                                   f"square must divide the depth {c}.")
    out = reshape.reshape(x, (b, h, w, s, s, c // (s * s)))
    out = reshape.transpose(out, [0, 1, 3, 2, 4, 5])
    out = reshape.reshape(out, (b, h * s, w * s, c // (s * s)))
    return reshape.transpose(out, [0, 3, 1, 2]) if data_format == "NCHW" else out


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,  # noqa: A002
                                 name=None):
    """``input / (bias + alpha * sum of squares over depth_radius neighbours) ** beta``."""
    from featherflow.ops import math as math_ops
    from featherflow.ops import padding, reshape

    x = _rank_of(input, "local_response_normalization", (4,))
    r = int(depth_radius)
    sq = math_ops.square(x)
    padded = padding.pad(sq, [[0, 0], [0, 0], [0, 0], [r, r]])
    c = x.data.shape[-1]
    window = None
    from featherflow.ops import indexing

    for k in range(2 * r + 1):
        part = indexing.getitem(padded, (Ellipsis, slice(k, k + c)))
        window = part if window is None else math_ops.add(window, part)
    dt = x.data.dtype
    denom = math_ops.pow(math_ops.add(math_ops.multiply(window, np.asarray(alpha, dt)),
                                      np.asarray(bias, dt)), np.asarray(beta, dt))
    del reshape
    return math_ops.divide(x, denom)


lrn = local_response_normalization


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    from featherflow.ops import math as math_ops

    z, c = _t(targets), _t(log_input)
    if z.data.shape != c.data.shape:
        raise ValueError(f"`log_input` and `targets` must have the same shape, received "
                         f"({c.data.shape} vs {z.data.shape}).")
    result = math_ops.subtract(math_ops.exp(c), math_ops.multiply(c, z))
    if compute_full_loss:
        zd = z.data.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = zd * np.log(zd) - zd + 0.5 * np.log(2 * np.pi * zd)
        stirling = np.where((zd >= 0) & (zd <= 1), 0.0, stirling).astype(c.data.dtype)
        result = math_ops.add(result, Tensor(stirling))
    return result


def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None, keep_dims=None):
    from featherflow.ops import math as math_ops
    from featherflow.ops import reduce

    keepdims = keep_dims if keep_dims is not None else keepdims
    x = _t(x)
    axes = sorted({int(a) for a in axes})
    count = Tensor(np.asarray(np.prod([x.data.shape[a] for a in axes]), x.data.dtype))
    if shift is not None:
        shift = _t(shift)
        m_ss = math_ops.subtract(x, shift)
        v_ss = math_ops.squared_difference(x, shift)
    else:
        m_ss, v_ss = x, math_ops.square(x)
    return (count, reduce.reduce_sum(m_ss, axes, keepdims=keepdims),
            reduce.reduce_sum(v_ss, axes, keepdims=keepdims), shift)


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    from featherflow.ops import math as math_ops

    divisor = math_ops.reciprocal(_t(counts))
    shifted = math_ops.multiply(_t(mean_ss), divisor)
    mean = shifted if shift is None else math_ops.add(shifted, _t(shift))
    variance = math_ops.subtract(math_ops.multiply(_t(variance_ss), divisor),
                                 math_ops.square(shifted))
    return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    from featherflow.ops import math as math_ops
    from featherflow.ops import reduce, reshape

    keep = bool(keepdims if keepdims is not None else keep_dims)
    x = _t(x)
    w = _t(frequency_weights)
    if w.data.dtype != x.data.dtype:
        w = math_ops.cast(w, x.data.dtype)
    axes = list(axes)
    total = reduce.reduce_sum(math_ops.multiply(w, x), axes, keepdims=True)
    weights = math_ops.add(w, Tensor(np.zeros(x.data.shape, x.data.dtype)))
    weight_sum = reduce.reduce_sum(weights, axes, keepdims=True)
    mean = math_ops.divide_no_nan(total, weight_sum)
    dist = reduce.reduce_sum(math_ops.multiply(w, math_ops.squared_difference(x, mean)), axes,
                             keepdims=True)
    var = math_ops.divide_no_nan(dist, weight_sum)
    if not keep:
        mean = reshape.squeeze(mean, axes)
        var = reshape.squeeze(var, axes)
    return mean, var


def zero_fraction(value, name=None):
    a = _t(value).data
    return Tensor(np.asarray(np.mean(a == 0) if a.size else np.nan, np.float32))


def in_top_k(targets, predictions, k, name=None):
    """TF 2's argument order: ``targets`` (class ids) first."""
    from featherflow.ops import reduce

    return reduce.in_top_k(np.asarray(_t(targets).data), _t(predictions), int(k))


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         output_dtype=np.int64, include_batch_in_index=False, name=None):
    """``(max_pool2d(input), flat index of each max)``; the index is
    ``((b * height + y) * width + x) * channels + c`` with ``b`` only when
    ``include_batch_in_index``, as TF."""
    from featherflow.ops import pooling

    if data_format != "NHWC":
        raise ValueError("max_pool_with_argmax: data_format must be 'NHWC'.")
    x = _rank_of(input, "max_pool_with_argmax", (4,))
    out = pooling.max_pool2d(x, ksize, strides, padding)
    a = x.data
    n, h, w, c = a.shape
    kh, kw = (list(ksize) + [1, 1, 1, 1])[1:3] if len(np.ravel(ksize)) == 4 else (
        np.broadcast_to(np.ravel(ksize), (2,)).tolist())
    sh, sw = (list(strides) + [1, 1, 1, 1])[1:3] if len(np.ravel(strides)) == 4 else (
        np.broadcast_to(np.ravel(strides), (2,)).tolist())
    oh, ow = out.data.shape[1:3]
    if padding.upper() == "SAME":
        ph = max((oh - 1) * sh + kh - h, 0) // 2
        pw = max((ow - 1) * sw + kw - w, 0) // 2
    else:
        ph = pw = 0
    best = np.full((n, oh, ow, c), -np.inf)
    where = np.zeros((n, oh, ow, c), np.int64)
    ys = np.arange(oh) * sh - ph
    xs = np.arange(ow) * sw - pw
    for dy in range(kh):
        for dx in range(kw):
            yy, xx = ys + dy, xs + dx
            valid = (yy[:, None] >= 0) & (yy[:, None] < h) & (xx[None, :] >= 0) & (xx[None, :] < w)
            vals = a[:, np.clip(yy, 0, h - 1)][:, :, np.clip(xx, 0, w - 1)]
            vals = np.where(valid[None, :, :, None], vals, -np.inf)
            better = vals > best
            best = np.where(better, vals, best)
            flat = (np.clip(yy, 0, h - 1)[:, None] * w + np.clip(xx, 0, w - 1)[None, :])
            where = np.where(better, flat[None, :, :, None] * c + np.arange(c), where)
    if include_batch_in_index:
        where = where + (np.arange(n) * h * w * c)[:, None, None, None]
    return out, Tensor(where.astype(output_dtype))


def _replica_count(what):
    """The current strategy's ``num_replicas_in_sync``; TF's error in a cross-replica
    context (inside a strategy's ``scope()`` but outside ``strategy.run``)."""
    from featherflow.distribute import context

    if context.has_strategy() and context.in_cross_replica_context():
        raise RuntimeError(
            f"You are calling `{what}` in cross replica context, while it was expected to be "
            f"called in replica context (inside strategy.run).")
    return context.get_strategy().num_replicas_in_sync


def _global_batch_size(value):
    a = np.asarray(value.data if isinstance(value, Tensor) else value)
    if a.ndim != 0:
        raise ValueError(f"compute_average_loss: global_batch_size must be scalar; received "
                         f"shape {a.shape}.")
    if a.dtype == np.bool_ or a.dtype.kind not in "iu":
        raise TypeError(f"compute_average_loss: global_batch_size must be an integer; "
                        f"received {value!r} (dtype {a.dtype}).")
    if int(a) < 0:
        raise InvalidArgumentError(f"compute_average_loss: global_batch_size must be "
                                   f"non-negative; received {int(a)}.")
    return int(a)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """``sum(per_example_loss * sample_weight) / global_batch_size``, 0 when the global batch
    is 0 (TF's ``div_no_nan``). Without ``global_batch_size``: this replica's batch size
    times the current strategy's ``num_replicas_in_sync`` (in a replica context; a
    cross-replica context inside a strategy's scope raises, as in TF)."""
    from featherflow.ops import math as math_ops
    from featherflow.ops import reduce

    loss = _t(per_example_loss)
    if loss.data.ndim == 0:
        raise ValueError(
            "Invalid value passed for `per_example_loss`. Expected a tensor with at least "
            f"rank 1. Received per_example_loss={loss.data!r} with rank 0.")
    dtype = loss.data.dtype
    if sample_weight is not None:
        # TF scales in float32, squeezing/expanding the weights' last axis, then casts back
        from featherflow.ops import reshape as array_ops

        weighted = math_ops.cast(loss, "float32")
        w = math_ops.cast(_t(sample_weight), "float32")
        if w.data.ndim == weighted.data.ndim + 1 and w.data.shape[-1] == 1:
            w = array_ops.squeeze(w, axis=-1)
        elif w.data.ndim + 1 == weighted.data.ndim and weighted.data.shape[-1] == 1:
            w = array_ops.expand_dims(w, -1)
        loss = math_ops.cast(math_ops.multiply(weighted, w), dtype.name)
    if global_batch_size is None:
        size = loss.data.shape[0] * _replica_count("compute_average_loss")
    else:
        size = _global_batch_size(global_batch_size)
    total = reduce.reduce_sum(loss)
    if dtype.kind != "f":  # integer losses: TF's div_no_nan of integers gives float64
        total = math_ops.cast(total, "float64")
    if size == 0:
        return math_ops.multiply(total, np.zeros((), total.data.dtype))
    return math_ops.divide(total, np.asarray(size, total.data.dtype))


def scale_regularization_loss(regularization_loss):
    """The sum of the regularization losses divided by the current strategy's
    ``num_replicas_in_sync`` (in a replica context; a cross-replica context inside a
    strategy's scope raises, as in TF)."""
    from featherflow.ops import math as math_ops
    from featherflow.ops import reduce

    replicas = _replica_count("scale_regularization_loss")
    if isinstance(regularization_loss, (list, tuple)):
        from featherflow.ops.reduce import add_n

        total = add_n([reduce.reduce_sum(_t(v)) for v in regularization_loss])
    else:
        total = reduce.reduce_sum(_t(regularization_loss))
    if replicas == 1:
        return total
    return math_ops.divide(total, np.asarray(replicas, total.data.dtype))


def collapse_repeated(labels, seq_length, name=None):
    """Merge repeated labels of each row (within ``seq_length``): ``(labels, new lengths)``."""
    lab = np.asarray(_t(labels).data)
    lens = np.asarray(_t(seq_length).data).astype(np.int64)
    out = np.zeros_like(lab)
    new = np.zeros_like(lens, dtype=np.int32)
    for i, row in enumerate(lab):
        kept = [v for j, v in enumerate(row[:lens[i]]) if j == 0 or v != row[j - 1]]
        out[i, :len(kept)] = kept
        new[i] = len(kept)
    width = int(new.max()) if new.size else 0
    return Tensor(out[:, :width]), Tensor(new)


from featherflow.api.random_candidates import (  # noqa: E402 - tf.nn's names for them
    all_candidate_sampler,
    compute_accidental_hits,
    fixed_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)

__all__ = [
    "all_candidate_sampler", "atrous_conv2d", "avg_pool", "collapse_repeated",
    "compute_accidental_hits", "compute_average_loss", "conv", "conv1d_transpose",
    "conv_transpose", "convolution", "crelu", "depth_to_space",
    "fixed_unigram_candidate_sampler", "in_top_k", "local_response_normalization",
    "log_poisson_loss", "log_uniform_candidate_sampler", "lrn", "max_pool",
    "max_pool_with_argmax", "normalize_moments", "pool", "scale_regularization_loss",
    "space_to_depth", "sufficient_statistics", "uniform_candidate_sampler", "weighted_moments",
    "zero_fraction",
]
