"""``tf.io.SparseFeature`` and ``tf.io.RaggedFeature``: feature descriptions that build a
``SparseTensor`` or a ``RaggedTensor`` from several features of an Example, as TensorFlow 2.21.

``parse_example`` parses their parts as ``VarLenFeature`` s (the index and value keys of a
SparseFeature, the value and partition keys of a RaggedFeature), then builds each composite
from them and drops the parts nobody asked for, as TensorFlow's
``_construct_tensors_for_composite_features`` does:

- SparseFeature: indices ``[example, id]`` (``[example, id_1, ..., id_k]`` for several index
  keys), the value key's values, shape ``[batch] + size``; sorted into row-major order unless
  ``already_sorted``.
- RaggedFeature: the value key's values split by each partition in turn, innermost (last)
  first: ``RowSplits``, ``RowLengths``, ``RowStarts``, ``RowLimits``, ``ValueRowIds`` (keys of
  int64 features) or ``UniformRowLength(length)``; a batch adds the examples as the outer
  ragged dimension, with splits of ``row_splits_dtype``. One Example without partitions gives
  the plain values tensor.

Example::

    >>> features = {"ids": tf.io.SparseFeature("index", "value", tf.float32, size=100),
    ...             "words": tf.io.RaggedFeature(tf.string)}
    >>> parsed = tf.io.parse_example(records, features)
"""

import collections

import numpy as np

from featherflow.api.ragged_tensor import RaggedTensor
from featherflow.api.sparse_tensor import SparseTensor
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.io import features as feature_specs

__all__ = ["RaggedFeature", "SparseFeature", "has_composite", "parse_sequence_with_composites",
           "parse_single_sequence_with_composites", "parse_with_composites"]


class SparseFeature(collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """A SparseTensor built from an index feature (or several) and a value feature.

    Example::

        >>> tf.io.SparseFeature(index_key="ix", value_key="val", dtype=tf.float32, size=10)
    """

    __slots__ = ()

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


_Partition = collections.namedtuple("_Partition", ["key"])


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"])):
    """A RaggedTensor built from a value feature and row-partition features.

    Example::

        >>> tf.io.RaggedFeature(tf.int64, value_key="tokens",
        ...                     partitions=[tf.io.RaggedFeature.RowLengths("lengths")])
    """

    __slots__ = ()

    class RowSplits(collections.namedtuple("RowSplits", ["key"])):
        """Partition by the row splits in feature ``key``."""

        __slots__ = ()

    class RowLengths(collections.namedtuple("RowLengths", ["key"])):
        """Partition by the row lengths in feature ``key``."""

        __slots__ = ()

    class RowStarts(collections.namedtuple("RowStarts", ["key"])):
        """Partition by the row starts in feature ``key``."""

        __slots__ = ()

    class RowLimits(collections.namedtuple("RowLimits", ["key"])):
        """Partition by the row limits in feature ``key``."""

        __slots__ = ()

    class ValueRowIds(collections.namedtuple("ValueRowIds", ["key"])):
        """Partition by the row id of every value, in feature ``key``."""

        __slots__ = ()

    class UniformRowLength(collections.namedtuple("UniformRowLength", ["length"])):
        """Rows of ``length`` values each (no feature)."""

        __slots__ = ()

    def __new__(cls, dtype, value_key=None, partitions=(), row_splits_dtype="int32",
                validate=False):
        if value_key is not None:
            if not isinstance(value_key, str):
                raise ValueError(f"Argument `value_key` must be a string; got {value_key}")
            if not value_key:
                raise ValueError("Argument `value_key` must not be empty")
        name = _dtype_name(dtype)
        if name not in ("int64", "float32", "string"):
            raise ValueError(f"Argument `dtype` must be int64, float32, or bytes; got {dtype}")
        splits = _dtype_name(row_splits_dtype)
        if splits not in ("int32", "int64"):
            raise ValueError(f"Argument `row_splits_dtype` must be int32 or int64; got "
                             f"{row_splits_dtype}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"Argument `partitions` must be a list or tuple. Received "
                            f"partitions={partitions} of type {type(partitions).__name__}.")
        kinds = (cls.RowSplits, cls.RowLengths, cls.RowStarts, cls.RowLimits, cls.ValueRowIds,
                 cls.UniformRowLength)
        for partition in partitions:
            if not isinstance(partition, kinds):
                raise TypeError(f"Argument `partitions` cannot be cast to any of the partition "
                                f"types RowSplits, RowLengths, RowStarts, RowLimits, "
                                f"ValueRowIds, UniformRowLength; received {partition!r}.")
        return super().__new__(cls, dtype, value_key, tuple(partitions), np.dtype(splits),
                               bool(validate))


def _dtype_name(dtype):
    try:
        return feature_specs.dtype_name(dtype, "?")
    except InvalidArgumentError:
        name = getattr(dtype, "name", None)
        if name is None:
            try:
                name = np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).name
            except TypeError:
                name = repr(dtype)
        return name


def has_composite(features):
    """True when ``features`` holds a SparseFeature or a RaggedFeature."""
    return isinstance(features, dict) and any(
        isinstance(f, (SparseFeature, RaggedFeature)) for f in features.values())


def _plan(features):
    """The VarLenFeatures to parse (by key and dtype) and the checks TensorFlow makes."""
    sparse, ragged, dense = {}, {}, set()

    def add(table, key, dtype, splits=None):
        if key in table and table[key][0] != dtype:
            raise ValueError(f"Conflicting type {table[key][0]} vs {dtype} for feature {key}.")
        if key in table and splits is not None and table[key][1] != splits:
            raise ValueError(f"Conflicting partition type {table[key][1]} vs {splits} for "
                             f"feature {key}.")
        table.setdefault(key, (dtype, splits))

    for key in sorted(features):
        feature = features[key]
        if isinstance(feature, SparseFeature):
            if not feature.index_key:
                raise ValueError(f"Missing index_key for SparseFeature {feature}.")
            if not feature.value_key:
                raise ValueError(f"Missing value_key for SparseFeature {feature}.")
            index_keys = ([feature.index_key] if isinstance(feature.index_key, str)
                          else list(feature.index_key))
            for index_key in sorted(index_keys):
                add(sparse, index_key, "int64")
            add(sparse, feature.value_key, feature_specs.dtype_name(feature.dtype, key))
        elif isinstance(feature, RaggedFeature):
            value_key = key if feature.value_key is None else feature.value_key
            splits = feature.row_splits_dtype.name
            add(ragged, value_key, feature_specs.dtype_name(feature.dtype, key), splits)
            for partition in feature.partitions:
                if not isinstance(partition, RaggedFeature.UniformRowLength):
                    add(ragged, partition.key, "int64", splits)
        elif isinstance(feature, feature_specs.VarLenFeature):
            add(sparse, key, feature_specs.dtype_name(feature.dtype, key))
        else:
            dense.add(key)
    for (first, a), (second, b) in ((("dense", dense), ("sparse", set(sparse))),
                                    (("dense", dense), ("ragged", set(ragged))),
                                    (("ragged", set(ragged)), ("sparse", set(sparse)))):
        if a & b:
            raise ValueError(f"{first.capitalize()} and {second} keys must not intersect; "
                             f"{first}_keys: {sorted(a)}, {second}_keys: {sorted(b)}, "
                             f"intersection: {a & b}")
    parts = {key: feature for key, feature in features.items()
             if not isinstance(feature, (SparseFeature, RaggedFeature))}
    for key, (dtype, _) in {**sparse, **ragged}.items():
        if key not in parts:
            parts[key] = feature_specs.VarLenFeature(dtype)
    return parts


def _rows(sparse, batched):
    """The values of each example of a parsed VarLenFeature (one list for one Example)."""
    values = sparse.values.data
    if not batched:
        return [values]
    rows = sparse.indices.data[:, 0]
    bounds = np.searchsorted(rows, np.arange(int(sparse.dense_shape.data[0]) + 1))
    return [values[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]


def _merge_sparse(feature, parsed, batched):
    index_keys = ([feature.index_key] if isinstance(feature.index_key, str)
                  else list(feature.index_key))
    ids = [parsed[k] for k in index_keys]
    values = parsed[feature.value_key]
    count = len(values.values.data)
    for sp in ids:
        if len(sp.values.data) != count:
            raise ValueError(f"Dimensions {len(sp.values.data)} and {count} are not compatible: "
                             f"the SparseFeature's index feature has {len(sp.values.data)} "
                             f"values and its value feature {feature.value_key!r} {count}; "
                             "every value needs one index.")
    kept = ids[0].indices.data[:, :-1]
    indices = np.concatenate([kept] + [sp.values.data.astype(np.int64)[:, None] for sp in ids],
                             axis=1)
    size = [int(feature.size)] if np.ndim(feature.size) == 0 else [int(s) for s in feature.size]
    shape = list(ids[0].dense_shape.data[:-1]) + size
    flat = values.values.data
    if not feature.already_sorted and len(indices):
        order = np.lexsort(indices.T[::-1])
        indices, flat = indices[order], flat[order]
    return SparseTensor(indices, flat, shape)


def _partition(values, partition, example_parts, splits_dtype, validate):
    """One Example's ``values`` (an array or a RaggedTensor) split by one partition."""
    if isinstance(partition, RaggedFeature.UniformRowLength):
        length = int(partition.length)
        if isinstance(values, RaggedTensor):
            return _uniform(values, length, splits_dtype)
        return values.reshape((-1, length) + values.shape[1:])
    part = np.asarray(example_parts[partition.key]).astype(splits_dtype)
    nvals = values.nrows_int() if isinstance(values, RaggedTensor) else len(values)
    if isinstance(partition, RaggedFeature.RowSplits):
        splits = part
    elif isinstance(partition, RaggedFeature.RowLengths):
        splits = np.concatenate([[0], np.cumsum(part)]).astype(splits_dtype)
    elif isinstance(partition, RaggedFeature.RowStarts):
        splits = np.concatenate([part, [nvals]]).astype(splits_dtype)
    elif isinstance(partition, RaggedFeature.RowLimits):
        splits = np.concatenate([[0], part]).astype(splits_dtype)
    else:
        nrows = int(part.max()) + 1 if len(part) else 0
        splits = np.searchsorted(part, np.arange(nrows + 1)).astype(splits_dtype)
    return _from_splits(values, splits, validate)


def _uniform(values, length, splits_dtype):
    """Rows of ``length`` (TF's ``from_uniform_row_length``) with splits of ``splits_dtype``."""
    uniform = RaggedTensor.from_uniform_row_length(values, length)
    return RaggedTensor(uniform.values, uniform.row_splits.data.astype(splits_dtype),
                        internal=True, uniform_row_length=length)


def _from_splits(values, splits, validate):
    if validate:
        return RaggedTensor.from_row_splits(values, splits)
    # TensorFlow's default validate=False builds the tensor without checking the partition
    # (a partition that does not fit its values gives an invalid RaggedTensor, as in TF)
    if not isinstance(values, RaggedTensor):
        values = Tensor(np.asarray(values))
    return RaggedTensor(values, np.asarray(splits), internal=True)


def _levels(value):
    """A per-example result as (flat values, [(splits, uniform length) from the outside])."""
    levels = []
    while isinstance(value, RaggedTensor):
        uniform = value.uniform_row_length
        levels.append((value.row_splits.data, None if uniform is None else int(uniform.data)))
        value = value.values
    return np.asarray(getattr(value, "data", value)), levels


def _batch(per_example, splits_dtype, validate, empty):
    """The examples' results stacked under an outer ragged dimension."""
    if not per_example:
        return RaggedTensor.from_row_splits(empty, np.zeros(1, splits_dtype))
    decomposed = [_levels(v) for v in per_example]
    depth = len(decomposed[0][1])
    flat = np.concatenate([d[0] for d in decomposed]) if decomposed else np.empty(0)
    outer = np.concatenate([[0], np.cumsum([
        len(levels[0][0]) - 1 if levels else len(values) for values, levels in decomposed])])
    merged = []
    for level in range(depth):
        pieces, offset = [], 0
        for _, levels in decomposed:
            splits = levels[level][0]
            pieces.append(splits[1:] + offset - splits[0] if pieces else splits - splits[0])
            offset += int(splits[-1] - splits[0])
        merged.append((np.concatenate(pieces), decomposed[0][1][level][1]))
    result = flat
    for splits, uniform in reversed(merged):
        if uniform is not None:
            result = _uniform(result, uniform, splits_dtype)
        else:
            result = _from_splits(result, splits.astype(splits_dtype), validate)
    return RaggedTensor.from_row_splits(result, outer.astype(splits_dtype))


def _build_ragged(key, feature, parsed, batched):
    value_key = key if feature.value_key is None else feature.value_key
    splits_dtype = feature.row_splits_dtype
    part_keys = [p.key for p in feature.partitions
                 if not isinstance(p, RaggedFeature.UniformRowLength)]
    values_rows = _rows(parsed[value_key], batched)
    part_rows = {k: _rows(parsed[k], batched) for k in part_keys}
    per_example = []
    for index, values in enumerate(values_rows):
        current = values
        for partition in reversed(feature.partitions):
            current = _partition(current, partition, {k: part_rows[k][index] for k in part_keys},
                                 splits_dtype, feature.validate)
        per_example.append(current)
    if not batched:
        result = per_example[0]
        return result if isinstance(result, RaggedTensor) else Tensor(result)
    return _batch(per_example, splits_dtype, feature.validate,
                  parsed[value_key].values.data[:0])


def _assemble(features, parsed):
    """The composites of ``features`` built from their parsed parts, in ``features``' keys."""
    samples = [v for v in parsed.values() if isinstance(v, SparseTensor)]
    batched = bool(samples) and len(samples[0].dense_shape.data) == 2
    updates = {}
    for key in sorted(features):
        feature = features[key]
        if isinstance(feature, SparseFeature):
            updates[key] = _merge_sparse(feature, parsed, batched)
        elif isinstance(feature, RaggedFeature):
            updates[key] = _build_ragged(key, feature, parsed, batched)
    parsed.update(updates)
    return {key: parsed[key] for key in features}


def parse_with_composites(parse, serialized, features):
    """``parse(serialized, plain_features)`` on the composites' parts, then the composites."""
    return _assemble(features, parse(serialized, _plan(features)))


def _no_sparse_features(*descriptions):
    for features in descriptions:
        for key, feature in features.items():
            if isinstance(feature, SparseFeature):
                raise ValueError(f"Unsupported SparseFeature {feature} for key {key!r}: "
                                 "SequenceExamples take RaggedFeature, VarLenFeature and "
                                 "FixedLen(Sequence)Features, as in TensorFlow.")


def parse_single_sequence_with_composites(parse_single, record, context_features,
                                          sequence_features):
    """One SequenceExample: the context as an Example's features; in the sequence features
    the steps play the examples' part (a RaggedFeature gets one row per step)."""
    context_features, sequence_features = context_features or {}, sequence_features or {}
    _no_sparse_features(context_features, sequence_features)
    context, sequences = parse_single(record, _plan(context_features) or None,
                                      _plan(sequence_features) or None)
    return _assemble(context_features, context), _assemble(sequence_features, sequences)


def _stack_examples(feature, values):
    """Per-example RaggedTensors under a leading batch dimension, as TF's batched parse."""
    empty = np.empty(0, feature_specs.numpy_dtype(feature_specs.dtype_name(feature.dtype, "?")))
    return _batch(values, feature.row_splits_dtype, feature.validate, empty)


def parse_sequence_with_composites(parse_single, parse_batch, records, context_features,
                                   sequence_features):
    """A batch of SequenceExamples: the plain features batched by ``parse_batch``, each
    composite parsed record by record and stacked under the batch dimension."""
    context_features, sequence_features = context_features or {}, sequence_features or {}
    _no_sparse_features(context_features, sequence_features)
    _plan(context_features), _plan(sequence_features)  # TF's checks of the descriptions

    def split(features):
        plain = {k: f for k, f in features.items()
                 if not isinstance(f, (SparseFeature, RaggedFeature))}
        return plain, {k: f for k, f in features.items() if k not in plain}

    plain_context, composite_context = split(context_features)
    plain_sequence, composite_sequence = split(sequence_features)
    if plain_context or plain_sequence:
        context, sequences, lengths = parse_batch(records, plain_context or None,
                                                  plain_sequence or None)
    else:
        context, sequences, lengths = {}, {}, {}
    per_record = [parse_single_sequence_with_composites(
        parse_single, record, composite_context, composite_sequence) for record in records]
    for key, feature in composite_context.items():
        context[key] = _stack_examples(feature, [r[0][key] for r in per_record])
    for key, feature in composite_sequence.items():
        sequences[key] = _stack_examples(feature, [r[1][key] for r in per_record])
    return ({k: context[k] for k in context_features},
            {k: sequences[k] for k in sequence_features}, lengths)
