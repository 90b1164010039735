"""RaggedTensor's row partitions built and rearranged: from_tensor, merge_dims, and TF's
text of a ragged value."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops import indexing
from featherflow.ops import reshape as reshape_ops


def ragged_type():
    # ragged_tensor imports this module; the class is looked up when first needed
    from featherflow.api.ragged_tensor import RaggedTensor

    return RaggedTensor


def from_tensor(cls, dense, lengths, padding, ragged_rank, row_splits_dtype):
    """``RaggedTensor.from_tensor`` (``cls``) of the Tensor ``dense``."""
    if isinstance(dense, cls):
        raise TypeError("RaggedTensor.from_tensor: 'tensor' is already a RaggedTensor.")
    ndim = dense.data.ndim
    if not 1 <= ragged_rank < max(ndim, 2):
        raise ValueError(f"RaggedTensor.from_tensor: ragged_rank must be in [1, {ndim - 1}] "
                         f"for a tensor of rank {ndim}; received {ragged_rank}.")
    if lengths is not None and padding is not None:
        raise ValueError("Specify argument `lengths` or `padding`, but not both.")
    split_dtype = np.dtype(getattr(row_splits_dtype, "as_numpy_dtype", row_splits_dtype))
    shape = dense.data.shape
    lead = shape[:ragged_rank + 1]
    if lengths is None and padding is not None:
        pad = as_array(padding.data if isinstance(padding, Tensor) else padding,
                       dense.data.dtype)
        if pad.shape != shape[ragged_rank + 1:]:
            raise ValueError(
                f"RaggedTensor.from_tensor: padding must have shape "
                f"{list(shape[ragged_rank + 1:])} (the inner dimensions); received "
                f"{list(pad.shape)}.")
        is_pad = (dense.data == pad).reshape(lead + (-1,)).all(axis=-1)
        # a row keeps everything up to its last non-padding value
        keep = ~is_pad
        positions = np.arange(1, lead[-1] + 1)
        lengths = np.max(np.where(keep, positions, 0), axis=-1)
    uniform = lengths is None
    if lengths is not None:
        lengths = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
        if lengths.shape != lead[:-1]:
            raise ValueError(f"RaggedTensor.from_tensor: lengths must have shape "
                             f"{list(lead[:-1])}; received {list(lengths.shape)}.")
        lengths = np.minimum(lengths, lead[-1]).astype(split_dtype)
    else:
        lengths = np.full(lead[:-1], lead[-1], split_dtype)
    cols = np.arange(lead[-1])
    mask = cols < lengths[..., None]
    flat_idx = np.flatnonzero(mask.reshape(-1))
    merged = reshape_ops.reshape(dense, (-1,) + shape[ragged_rank + 1:]) \
        if ragged_rank + 1 != 1 else dense
    values = indexing.gather(merged, flat_idx)
    result = cls.from_row_lengths(values, lengths.reshape(-1))
    if uniform:
        result._uniform = lead[-1]
    for depth in range(ragged_rank - 1, 0, -1):
        result = cls.from_uniform_row_length(result, lead[depth])
    return result.with_row_splits_dtype(split_dtype)


def merge_dims(rt, outer_axis, inner_axis):
    """``RaggedTensor.merge_dims``."""
    RaggedTensor = ragged_type()
    rank = len(rt.shape)
    outer = outer_axis + rank if outer_axis < 0 else outer_axis
    inner = inner_axis + rank if inner_axis < 0 else inner_axis
    if not 0 <= outer <= inner < rank:
        raise ValueError(f"RaggedTensor.merge_dims: expected 0 <= outer_axis <= "
                         f"inner_axis < rank ({rank}); received outer_axis={outer_axis}, "
                         f"inner_axis={inner_axis}.")
    if outer == inner:
        return rt
    if outer == 0:
        return merge_leading(rt, inner)
    values = rt._values
    if outer == 1:
        # the values' rows change: each outer row now holds its expanded items
        counts = expanded_counts(values, inner - 1)
        cum = np.concatenate([[0], np.cumsum(counts)]).astype(rt._row_splits.dtype)
        return RaggedTensor(merge_leading(values, inner - 1), cum[rt._row_splits],
                            internal=True)
    merged = values.merge_dims(outer - 1, inner - 1) if isinstance(values, RaggedTensor) \
        else merge_dense(values, outer - 1, inner - 1)
    return RaggedTensor(merged, rt._row_splits, internal=True)


def merge_dense(values, outer, inner):
    shape = values.data.shape
    return reshape_ops.reshape(values, shape[:outer] + (-1,) + shape[inner + 1:])


def merge_leading(value, inner):
    """``value`` with dimensions 0..inner merged: each ``.values`` merges one ragged pair."""
    while inner > 0 and isinstance(value, ragged_type()):
        value = value._values
        inner -= 1
    if inner > 0:
        return merge_dense(value, 0, inner)
    return value


def expanded_counts(value, depth):
    """How many items each row of ``value`` becomes when its dims 0..depth merge."""
    if not isinstance(value, ragged_type()):
        return np.full(value.data.shape[0], int(np.prod(value.data.shape[1:depth + 1])),
                       np.int64)
    if depth == 0:
        return np.ones(value.nrows_int(), np.int64)
    child = expanded_counts(value._values, depth - 1)
    cum = np.concatenate([[0], np.cumsum(child)])
    return cum[value._row_splits[1:]] - cum[value._row_splits[:-1]]


def format_value(x):
    """TF's text for a ragged value: NumPy's array text with ', ' between elements."""
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return repr(x.tolist())
        with np.printoptions(formatter={"all": format_value}):
            return np.array2string(x, separator=", ")
    return str(x)
