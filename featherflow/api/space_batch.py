"""``tf.space_to_batch(_nd)``, ``tf.batch_to_space(_nd)``,
``tf.required_space_to_batch_paddings`` and ``tf.nn.with_space_to_batch``, as TensorFlow's.

``space_to_batch_nd(x, block_shape, paddings)`` pads the ``M`` spatial dimensions after the
batch, splits each into ``(size / block, block)`` and moves the blocks in front of the batch:
``[batch * prod(block_shape), padded / block..., rest...]``; ``batch_to_space_nd`` is its
inverse followed by ``crops``. Both are pads, reshapes, a transpose and a slice, so gradients
flow through them. ``with_space_to_batch`` runs an op at a dilation rate this way (how
TensorFlow builds atrous convolutions).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

__all__ = ["batch_to_space", "batch_to_space_nd", "required_space_to_batch_paddings",
           "space_to_batch", "space_to_batch_nd", "with_space_to_batch"]


def _tf():
    import featherflow

    return featherflow


def _ints(value, what):
    a = np.asarray(value.data if isinstance(value, Tensor) else value)
    if a.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{what} must be integers; received dtype {a.dtype.name}")
    return a.astype(np.int64)


def _t(x):
    return x if isinstance(x, Tensor) else _tf().convert_to_tensor(x)


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    tf = _tf()
    x = _t(input)
    block = _ints(block_shape, "space_to_batch_nd: block_shape").reshape(-1)
    pads = _ints(paddings, "space_to_batch_nd: paddings").reshape(-1, 2)
    m = block.size
    shape = tuple(int(d) for d in x.shape)
    if pads.shape[0] != m:
        raise InvalidArgumentError(f"space_to_batch_nd: paddings should have shape [{m}, 2] "
                                   f"instead of {list(pads.shape)}")
    if len(shape) < 1 + m:
        raise InvalidArgumentError(f"space_to_batch_nd: input rank should be >= {1 + m} "
                                   f"instead of {len(shape)}")
    if np.any(block < 1):
        raise InvalidArgumentError(f"space_to_batch_nd: block_shape must be positive; "
                                   f"received {block.tolist()}")
    if np.any(pads < 0):
        raise InvalidArgumentError(f"space_to_batch_nd: paddings must be non-negative; "
                                   f"received {pads.tolist()}")
    padded = [shape[1 + i] + int(pads[i].sum()) for i in range(m)]
    for i in range(m):
        if padded[i] % block[i]:
            raise InvalidArgumentError(
                f"space_to_batch_nd: padded_shape[{i}]={padded[i]} is not divisible by "
                f"block_shape[{i}]={int(block[i])}")
    full = [[0, 0]] + pads.tolist() + [[0, 0]] * (len(shape) - 1 - m)
    y = tf.pad(x, full) if np.any(pads) else x
    batch, rest = shape[0], list(shape[1 + m:])
    split = [batch]
    for i in range(m):
        split += [padded[i] // int(block[i]), int(block[i])]
    y = tf.reshape(y, split + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
        list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    y = tf.transpose(y, perm)
    return tf.reshape(y, [batch * int(np.prod(block))] + [padded[i] // int(block[i])
                                                            for i in range(m)] + rest)


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    tf = _tf()
    x = _t(input)
    block = _ints(block_shape, "batch_to_space_nd: block_shape").reshape(-1)
    crop = _ints(crops, "batch_to_space_nd: crops").reshape(-1, 2)
    m = block.size
    shape = tuple(int(d) for d in x.shape)
    if crop.shape[0] != m:
        raise InvalidArgumentError(f"batch_to_space_nd: crops should have shape [{m}, 2] "
                                   f"instead of {list(crop.shape)}")
    if len(shape) < 1 + m:
        raise InvalidArgumentError(f"batch_to_space_nd: input rank should be >= {1 + m} "
                                   f"instead of {len(shape)}")
    prod = int(np.prod(block))
    if prod < 1 or shape[0] % prod:
        raise InvalidArgumentError(f"batch_to_space_nd: input batch dimension ({shape[0]}) "
                                   f"is not divisible by product of block sizes ({prod})")
    if np.any(crop < 0):
        raise InvalidArgumentError(f"batch_to_space_nd: crops must be non-negative; "
                                   f"received {crop.tolist()}")
    batch = shape[0] // prod
    spatial, rest = list(shape[1:1 + m]), list(shape[1 + m:])
    y = tf.reshape(x, [int(b) for b in block] + [batch] + spatial + rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    y = tf.transpose(y, perm)
    full = [spatial[i] * int(block[i]) for i in range(m)]
    y = tf.reshape(y, [batch] + full + rest)
    for i in range(m):
        if crop[i].sum() > full[i]:
            raise InvalidArgumentError(
                f"batch_to_space_nd: crops[{i}] = {crop[i].tolist()} exceed the dimension's "
                f"size {full[i]}")
    if np.any(crop):
        begin = [0] + [int(c[0]) for c in crop] + [0] * len(rest)
        size = [batch] + [full[i] - int(crop[i].sum()) for i in range(m)] + rest
        y = tf.slice(y, begin, size)
    return y


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """TensorFlow 2's ``tf.space_to_batch`` (the N-D op)."""
    return space_to_batch_nd(input, block_shape, paddings)


def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002
    """TensorFlow 2's ``tf.batch_to_space`` (the N-D op)."""
    return batch_to_space_nd(input, block_shape, crops)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """``(paddings, crops)`` making ``input_shape`` (the spatial sizes) plus
    ``base_paddings`` divisible by ``block_shape``: the extra goes at the end and is cropped."""
    shape = _ints(input_shape, "required_space_to_batch_paddings: input_shape").reshape(-1)
    block = _ints(block_shape, "required_space_to_batch_paddings: block_shape").reshape(-1)
    if shape.size != block.size:
        raise ValueError(f"required_space_to_batch_paddings: input_shape and block_shape "
                         f"must have the same length; received {shape.size} and {block.size}")
    base = np.zeros((block.size, 2), np.int64) if base_paddings is None else _ints(
        base_paddings, "required_space_to_batch_paddings: base_paddings").reshape(-1, 2)
    start, end = base[:, 0], base[:, 1]
    full = shape + start + end
    extra = (block - full % block) % block
    paddings = np.stack([start, end + extra], 1).astype(np.int32)
    crops = np.stack([np.zeros_like(extra), extra], 1).astype(np.int32)
    return Tensor(paddings), Tensor(crops)


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """``op(converted_input, num_spatial_dims, padding)`` at ``dilation_rate``, through
    space_to_batch / batch_to_space as TensorFlow's ``with_space_to_batch``."""
    tf = _tf()
    x = _t(input)
    rate = _ints(dilation_rate, "with_space_to_batch: dilation_rate").reshape(-1)
    n = rate.size
    if padding not in ("SAME", "VALID"):
        raise ValueError(f'padding must be "SAME" or "VALID", received {padding!r}')
    if np.any(rate < 1):
        raise ValueError(f"dilation_rate must be positive; received {rate.tolist()}")
    if spatial_dims is None:
        spatial_dims = list(range(1, n + 1)) if not (data_format or "").startswith("NC") \
            else list(range(2, n + 2))
    spatial_dims = sorted(int(d) for d in spatial_dims)
    if len(spatial_dims) != n:
        raise ValueError("spatial_dims and dilation_rate must have the same length")
    if np.all(rate == 1):
        return op(x, n, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("filter_shape must be specified for SAME padding")
        fshape = _ints(filter_shape, "with_space_to_batch: filter_shape").reshape(-1)[:n]
        extra = (fshape - 1) * rate
        base = np.stack([extra // 2, extra - extra // 2], 1)
    else:
        base = np.zeros((n, 2), np.int64)
    shape = tuple(int(d) for d in x.shape)
    first = spatial_dims[0]
    if spatial_dims != list(range(first, first + n)):
        raise ValueError("with_space_to_batch: spatial_dims must be consecutive here")
    input_spatial = [shape[d] for d in spatial_dims]
    paddings, crops = required_space_to_batch_paddings(input_spatial, rate, base)
    # space_to_batch_nd works on the dimensions right after the batch: move them there
    lead = list(range(1, first))
    if lead:
        order = [0] + spatial_dims + lead + list(range(first + n, len(shape)))
        x = tf.transpose(x, order)
    converted = space_to_batch_nd(x, rate, paddings)
    if lead:
        back = np.argsort(order).tolist()
        converted = tf.transpose(converted, back)
    result = op(converted, n, "VALID")
    if lead:
        result = tf.transpose(result, order)
    result = batch_to_space_nd(result, rate, crops)
    if lead:
        result = tf.transpose(result, back)
    return result
