"""``tf.ragged``'s functions: constant, range, boolean_mask, map_flat_values, cross,
cross_hashed, row_splits_to_segment_ids, segment_ids_to_row_splits, stack,
stack_dynamic_partitions; and ``tf.map_fn`` over ragged rows."""

import builtins

import numpy as np

from featherflow.api import ragged_math
from featherflow.api.ragged_dense import gather_rows
from featherflow.api.ragged_tensor import RaggedTensor, _as_values, _index_array
from featherflow.autodiff.tensor import Tensor, as_array, strings_array
from featherflow.errors import InvalidArgumentError
from featherflow.layers.preprocessing.hashed_crossing import fingerprint_cat64
from featherflow.ops import fingerprint

_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_INT64_MAX = (1 << 63) - 1
_MASK = (1 << 64) - 1


def _dtype(value):
    return None if value is None else np.dtype(getattr(value, "as_numpy_dtype", value))


# -- constant ------------------------------------------------------------------------------

def _depth(value):
    """The nesting depth of every scalar of a nested list (one number, or ValueError)."""
    if not isinstance(value, (list, tuple)):
        return 0
    depths = {_depth(v) + 1 for v in value}
    if len(depths) > 1:
        # an empty list only says "at least one level"
        real = {d for d, v in zip([_depth(v) + 1 for v in value], value)
                if not (isinstance(v, (list, tuple)) and not v)}
        if len(real) > 1:
            raise ValueError("all scalar values must have the same nesting depth")
        return real.pop() if real else max(depths)
    return depths.pop() if depths else 1


def _flatten(value, levels):
    """Split ``levels`` outer list levels into row lengths; the rest stays the leaves."""
    lengths = []
    items = [value]
    for _ in builtins.range(levels):
        lengths.append([len(v) for v in items])
        items = [x for v in items for x in v]
    return items, lengths


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype="int64"):
    """``tf.ragged.constant``: a RaggedTensor from a nested list (a flat list gives a dense
    tensor, as in TF).

    >>> tf.ragged.constant([[1, 2], [], [3]])
    <tf.RaggedTensor [[1, 2], [], [3]]>
    """
    split_dtype = _dtype(row_splits_dtype)
    if isinstance(pylist, (Tensor, RaggedTensor)):
        return pylist
    depth = _depth(pylist)
    inner_rank = 0 if inner_shape is None else len(inner_shape)
    if ragged_rank is None:
        ragged_rank = max(0, depth - 1 - inner_rank)
    if ragged_rank == 0 or depth <= 1:
        return Tensor(as_array(pylist, _dtype(dtype)))
    if depth - 1 - inner_rank < ragged_rank and depth > 1:
        raise ValueError(f"tf.ragged.constant: ragged_rank={ragged_rank} is too large for a "
                         f"nested list of depth {depth} with inner_shape {inner_shape}.")
    leaves, lengths = _flatten(pylist, ragged_rank + 1)
    leaf_shape = () if inner_shape is None else tuple(inner_shape)
    flat_dtype = _dtype(dtype)
    if leaves:
        values = as_array(leaves, flat_dtype)
    else:
        values = np.zeros((0,) + leaf_shape, flat_dtype or np.float32)
    if inner_shape is not None and values.shape[1:] != leaf_shape:
        raise ValueError(f"tf.ragged.constant: the inner values have shape "
                         f"{list(values.shape[1:])}, not inner_shape {list(leaf_shape)}.")
    result = Tensor(values)
    for level in reversed(lengths[1:]):
        result = RaggedTensor.from_row_lengths(result, np.asarray(level, split_dtype))
    return result


def constant_value(pylist, dtype=None, ragged_rank=None, inner_shape=None,
                   row_splits_dtype="int64"):
    return constant(pylist, dtype, ragged_rank, inner_shape, row_splits_dtype=row_splits_dtype)


# -- range and segments --------------------------------------------------------------------

def range(starts, limits=None, deltas=1, dtype=None, name=None,  # noqa: A001 - TF's name
          row_splits_dtype="int64"):
    """``tf.ragged.range``: row ``i`` is ``range(starts[i], limits[i], deltas[i])``."""
    if limits is None:
        starts, limits = 0, starts
    parts = [np.asarray(v.data if isinstance(v, Tensor) else as_array(v))
             for v in (starts, limits, deltas)]
    if dtype is not None:
        out_dtype = _dtype(dtype)
    else:
        out_dtype = np.result_type(*parts)
    if any(p.ndim > 1 for p in parts):
        raise ValueError("tf.ragged.range: starts, limits and deltas must be scalars or "
                         "vectors.")
    size = max((p.size for p in parts if p.ndim == 1), default=1)
    starts_a, limits_a, deltas_a = (np.broadcast_to(p, (size,)).astype(out_dtype)
                                    for p in parts)
    if np.any(deltas_a == 0):
        raise InvalidArgumentError("tf.ragged.range: Requires delta != 0")
    counts = np.maximum(np.ceil((limits_a - starts_a) / deltas_a), 0).astype(np.int64)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    values = (np.repeat(starts_a, counts) + offsets * np.repeat(deltas_a, counts)).astype(
        out_dtype)
    return RaggedTensor.from_row_lengths(Tensor(values), counts.astype(
        _dtype(row_splits_dtype)))


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row of each value, from row splits."""
    s = _index_array(splits, "splits")
    if s.size == 0 or s[0] != 0 or np.any(np.diff(s) < 0):
        raise InvalidArgumentError(f"tf.ragged.row_splits_to_segment_ids: splits must start "
                                   f"at 0 and be sorted; received {s.tolist()}.")
    dtype = s.dtype if out_type is None else _dtype(out_type)
    return Tensor(np.repeat(np.arange(s.size - 1), np.diff(s)).astype(dtype))


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Row splits from the (sorted) row of each value."""
    ids = _index_array(segment_ids, "segment_ids")
    count = (int(ids.max()) + 1 if ids.size else 0) if num_segments is None else int(
        num_segments.data if isinstance(num_segments, Tensor) else num_segments)
    dtype = ids.dtype if out_type is None else _dtype(out_type)
    lengths = np.bincount(ids, minlength=count)[:count] if ids.size else np.zeros(count,
                                                                                  np.int64)
    return Tensor(np.concatenate([[0], np.cumsum(lengths)]).astype(dtype))


# -- masks, maps, stacks -------------------------------------------------------------------

def boolean_mask(data, mask, name=None):
    """``tf.ragged.boolean_mask``: along each row, the values whose ``mask`` is True; the
    result is ragged wherever the mask drops values (a 1-D mask filters rows)."""
    if isinstance(mask, RaggedTensor):
        mask_flat = mask.flat_values.data
        if not isinstance(data, RaggedTensor):
            raise ValueError("tf.ragged.boolean_mask: a ragged mask needs ragged data.")
        ragged_math._same_partitions(data, mask, "tf.ragged.boolean_mask")
        return _mask_levels(data, mask_flat)
    m = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if m.dtype != np.bool_:
        raise TypeError(f"tf.ragged.boolean_mask: mask must be a bool tensor; received "
                        f"dtype {m.dtype}.")
    if m.ndim == 0:
        raise ValueError("tf.ragged.boolean_mask: mask's rank must be at least 1.")
    if isinstance(data, RaggedTensor):
        if m.ndim != 1:
            raise ValueError("tf.ragged.boolean_mask: a dense mask for ragged data must be "
                             "1-D (one flag per row); pass a RaggedTensor mask otherwise.")
        return gather_rows(data, np.flatnonzero(m))
    values = _as_values(data, "data")
    if values.data.shape[:m.ndim] != m.shape:
        raise ValueError(f"tf.ragged.boolean_mask: mask of shape {list(m.shape)} must match "
                         f"the leading dimensions of data, of shape "
                         f"{list(values.data.shape)}.")
    if m.ndim == 1:
        return gather_rows(values, np.flatnonzero(m))
    rt = RaggedTensor.from_tensor(values, ragged_rank=m.ndim - 1)
    return _mask_levels(rt, m.reshape(-1))


def _mask_levels(rt, flat_mask):
    """``rt`` with the flat values where ``flat_mask`` is False dropped."""
    keep = np.flatnonzero(flat_mask)
    splits = rt._nested_splits()
    kept_before = np.concatenate([[0], np.cumsum(flat_mask.astype(np.int64))])
    new_splits = [kept_before[splits[-1]]]
    result = RaggedTensor(gather_rows(rt.flat_values, keep), new_splits[0].astype(
        splits[-1].dtype), internal=True)
    for level in reversed(splits[:-1]):
        result = RaggedTensor(result, level, internal=True)
    return result


def map_flat_values(op, *args, **kwargs):
    """``op`` on the flat values of every RaggedTensor argument; they must share one
    row partition, which the result keeps."""
    ragged = [v for v in list(args) + list(kwargs.values()) if isinstance(v, RaggedTensor)]
    if not ragged:
        return op(*args, **kwargs)
    template = ragged[0]
    for other in ragged[1:]:
        ragged_math._same_partitions(template, other, "tf.ragged.map_flat_values")

    def flat(v):
        return v.flat_values if isinstance(v, RaggedTensor) else v

    out = op(*[flat(v) for v in args], **{k: flat(v) for k, v in kwargs.items()})
    return template.with_flat_values(out)


def stack(values, axis=0, name=None):
    """``tf.ragged.stack``: tensors of any row lengths stacked into a RaggedTensor."""
    return ragged_math.stack(list(values), axis, "tf.ragged.stack")


def stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    """Row ``p`` of the result holds the values of ``data`` whose partition is ``p``."""
    values = _as_values(data, "data")
    parts = np.asarray(partitions.data if isinstance(partitions, Tensor) else partitions)
    count = int(num_partitions)
    if parts.size and (parts.min() < 0 or parts.max() >= count):
        raise InvalidArgumentError(f"tf.ragged.stack_dynamic_partitions: partitions must be "
                                   f"in [0, {count}); received {parts.min()} to "
                                   f"{parts.max()}.")
    order = np.argsort(parts.reshape(-1), kind="stable")
    lengths = np.bincount(parts.reshape(-1), minlength=count)
    # TF's row splits take the partitions' integer type (int32 for Python ints)
    split_dtype = np.int64 if parts.dtype == np.int64 and not isinstance(
        partitions, (list, tuple)) else np.int32
    return RaggedTensor.from_row_lengths(gather_rows(values, order), lengths.astype(
        split_dtype))


# -- cross ---------------------------------------------------------------------------------

def _feature_rows(inputs, where):
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"{where}: inputs must be a non-empty list of RaggedTensors or dense "
                        f"matrices; received {inputs!r}.")
    columns, batch = [], None
    for i, x in enumerate(inputs):
        if isinstance(x, RaggedTensor):
            if x.ragged_rank != 1 or x.flat_values.data.ndim != 1:
                raise ValueError(f"{where}: inputs[{i}] must be a RaggedTensor of rank 2.")
            flat = x.flat_values.data
            splits = x._row_splits.tolist()
            rows = [flat[s:e] for s, e in zip(splits[:-1], splits[1:])]
        else:
            flat = x.data if isinstance(x, Tensor) else as_array(x)
            if flat.ndim != 2:
                raise ValueError(f"{where}: inputs[{i}] must be a matrix (rank 2); received "
                                 f"shape {list(flat.shape)}.")
            rows = list(flat)
        if flat.dtype.kind not in "iuO":
            raise TypeError(f"{where}: inputs[{i}] must hold int64 or string values; "
                            f"received dtype {flat.dtype}.")
        if batch is not None and len(rows) != batch:
            raise InvalidArgumentError(f"{where}: inputs[{i}] has {len(rows)} rows; the "
                                       f"others have {batch}.")
        batch = len(rows)
        columns.append((flat.dtype == object, rows))
    return columns, batch


def _cross(inputs, where, combine, as_strings):
    columns, batch = _feature_rows(inputs, where)
    values, lengths = [], []
    for r in np.arange(batch):
        rows = [per_row[r] for _, per_row in columns]
        grids = np.meshgrid(*[np.arange(len(v)) for v in rows], indexing="ij")
        picks = [g.reshape(-1) for g in grids]
        count = picks[0].size if picks else 0
        for k in np.arange(count):
            values.append(combine([(columns[c][0], rows[c][picks[c][k]])
                                   for c in np.arange(len(rows))]))
        lengths.append(count)
    flat = strings_array(np.array(values, dtype=object)) if as_strings else np.array(
        values, np.int64)
    if as_strings and not values:
        flat = np.empty((0,), dtype=object)
    return RaggedTensor.from_row_lengths(Tensor(flat.reshape(-1)), np.array(lengths,
                                                                             np.int64))


def cross(inputs, name=None):
    """``tf.ragged.cross``: per row, every combination of one value from each input (the
    first input varying slowest), joined with ``'_X_'``."""
    def combine(parts):
        return b"_X_".join(bytes(v) if is_string else str(int(v)).encode()
                           for is_string, v in parts)
    return _cross(inputs, "tf.ragged.cross", combine, True)


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """``tf.ragged.cross_hashed``: the crosses hashed with FarmHash's Fingerprint64 and
    FingerprintCat64 from ``hash_key``, modulo ``num_buckets`` when it is > 0."""
    key = _DEFAULT_HASH_KEY if hash_key is None else int(hash_key) & _MASK
    buckets = int(num_buckets)

    def combine(parts):
        hashed = key
        for is_string, value in parts:
            h = fingerprint.fingerprint64(bytes(value)) if is_string else int(value) & _MASK
            hashed = fingerprint_cat64(hashed, h)
        return hashed % buckets if buckets > 0 else hashed % _INT64_MAX
    return _cross(inputs, "tf.ragged.cross_hashed", combine, False)


# -- map_fn --------------------------------------------------------------------------------

def map_fn(dense_map_fn, fn, elems, dtype=None, fn_output_signature=None):
    """``tf.map_fn`` over the rows of a RaggedTensor: a RaggedTensorSpec signature stacks
    the results into a RaggedTensor, anything else stacks dense results."""
    from featherflow.api.ragged_spec import RaggedTensorSpec

    if not isinstance(elems, RaggedTensor):
        raise TypeError("tf.map_fn: featherflow maps over one RaggedTensor (not a nest of "
                        "them); pass the RaggedTensor as elems.")
    signature = fn_output_signature if fn_output_signature is not None else dtype
    outputs = [fn(row) for row in elems]
    if isinstance(signature, RaggedTensorSpec) or any(isinstance(o, RaggedTensor)
                                                      for o in outputs):
        return ragged_math.stack(outputs, 0, "tf.map_fn")
    if not outputs:
        raise ValueError("tf.map_fn: elems has no rows.")
    from featherflow.ops import concat as concat_ops  # the dense stack of the row results

    out = concat_ops.stack(outputs)
    if signature is not None and not hasattr(signature, "shape"):
        from featherflow.ops import math as math_ops

        out = math_ops.cast(out, signature)
    return out
