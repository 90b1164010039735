"""``tf.io.parse_single_example``, ``parse_example`` and ``parse_single_sequence_example``.

Serialized records (bytes, lists of bytes, or the scalar / vector string tensors a
``TFRecordDataset`` and its ``map`` functions hold) are decoded with the protobuf messages of
:mod:`featherflow.io.example_proto` and turned into featherflow Tensors as the feature
descriptions say: a ``FixedLenFeature`` gives a dense tensor, a ``VarLenFeature`` a
``SparseTensor`` (indices, values, dense_shape), a ``FixedLenSequenceFeature`` a dense
tensor with one row per value group (a batch pads to its longest example).
"""

import itertools

import numpy as np

from featherflow.api.sparse_tensor import SparseTensor
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.io import composite_features, example_proto
from featherflow.io import features as feature_specs
from featherflow.io.strings import string_array


def parse_single_example(serialized, features, example_names=None, name=None):
    """Parse one serialized ``tf.train.Example`` into a dict of tensors, one per feature.

    Example::

        >>> description = {"x": tf.io.FixedLenFeature([2], tf.float32)}
        >>> tf.io.parse_single_example(record, description)["x"].shape
        TensorShape([2])
    """
    records = _serialized_array(serialized)
    if records.ndim != 0:
        raise ValueError(
            f"Input serialized must be a scalar (one record); received shape "
            f"{list(records.shape)}. Use tf.io.parse_example for a batch of records.")
    return parse_example(records, features)


def parse_example(serialized, features, example_names=None, name=None):
    """Parse a vector of serialized ``tf.train.Example`` records into batched tensors (a
    scalar record parses as ``parse_single_example`` does)."""
    if composite_features.has_composite(features):
        # SparseFeature / RaggedFeature: their parts parsed here, then assembled
        return composite_features.parse_with_composites(parse_example, serialized, features)
    records = _serialized_array(serialized)
    if records.ndim > 1:
        raise InvalidArgumentError(
            f"Expected serialized to be a scalar or vector, got shape: {list(records.shape)}. "
            "Flatten the records first (tf.reshape(serialized, [-1])).")
    plan = _plan(features)
    batched = records.ndim == 1
    maps = [_decode(record, "Example", index if batched else None).features.feature
            for index, record in enumerate(records.reshape(-1))]
    return {key: _column(entry, [m.get(key) for m in maps], key, batched)
            for key, entry in plan.items()}


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """Parse one serialized ``tf.train.SequenceExample`` into ``(context, sequences)``:
    two dicts of tensors, the context parsed as an Example's features, each sequence
    feature with one row per step."""
    records = _serialized_array(serialized)
    if records.ndim != 0:
        raise ValueError(
            f"Input serialized must be a scalar (one record); received shape "
            f"{list(records.shape)}.")
    if not context_features and not sequence_features:
        raise ValueError(
            "Missing features: give context_features, sequence_features or both (dicts of "
            "feature descriptions).")
    if (composite_features.has_composite(context_features)
            or composite_features.has_composite(sequence_features)):
        # SparseFeature / RaggedFeature: their parts parsed here, then assembled
        return composite_features.parse_single_sequence_with_composites(
            parse_single_sequence_example, records, context_features, sequence_features)
    message = _decode(records[()], "SequenceExample", None)
    context_map = message.context.feature
    context = {key: _column(entry, [context_map.get(key)], key, batched=False)
               for key, entry in _plan(context_features or {}, allow_empty=True).items()}
    lists = message.feature_lists.feature_list
    sequences = {}
    for key, entry in _plan(sequence_features or {}, allow_empty=True, in_sequence=True).items():
        if entry.kind == "fixed":
            raise ValueError(
                f"sequence_features[{key!r}] is a FixedLenFeature; a sequence feature is a "
                "FixedLenSequenceFeature or a VarLenFeature.")
        feature_list = lists.get(key)
        sequences[key] = _steps(entry, None if feature_list is None else feature_list.feature,
                                key)
    return context, sequences


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """Parse a vector of serialized ``tf.train.SequenceExample`` records into
    ``(context, sequences, lengths)``: the context batched as ``parse_example`` does, each
    sequence feature padded to the longest example (zeros / ``b""``), and for each
    FixedLenSequenceFeature the number of steps of every example. A scalar record gives
    one example's tensors, as ``parse_single_sequence_example`` plus the lengths."""
    records = _serialized_array(serialized)
    if records.ndim > 1:
        raise InvalidArgumentError(
            f"Expected serialized to be a scalar or vector, got shape: {list(records.shape)}.")
    if not context_features and not sequence_features:
        raise ValueError(
            "Missing features: give context_features, sequence_features or both (dicts of "
            "feature descriptions).")
    batched = records.ndim == 1
    if (composite_features.has_composite(context_features)
            or composite_features.has_composite(sequence_features)):
        if not batched:
            context, sequences = composite_features.parse_single_sequence_with_composites(
                parse_single_sequence_example, records, context_features, sequence_features)
            plain = {k: f for k, f in (sequence_features or {}).items()
                     if isinstance(f, feature_specs.FixedLenSequenceFeature)}
            lengths = {k: Tensor(np.array(sequences[k].data.shape[0], np.int64))
                       for k in plain}
            return context, sequences, lengths
        return composite_features.parse_sequence_with_composites(
            parse_single_sequence_example, parse_sequence_example, records, context_features,
            sequence_features)
    messages = [_decode(record, "SequenceExample", index if batched else None)
                for index, record in enumerate(records.reshape(-1))]
    context = {key: _column(entry, [m.context.feature.get(key) for m in messages], key, batched)
               for key, entry in _plan(context_features or {}, allow_empty=True).items()}
    sequences, lengths = {}, {}
    for key, entry in _plan(sequence_features or {}, allow_empty=True, in_sequence=True).items():
        if entry.kind == "fixed":
            raise ValueError(
                f"sequence_features[{key!r}] is a FixedLenFeature; a sequence feature is a "
                "FixedLenSequenceFeature or a VarLenFeature.")
        per_example = []
        for message in messages:
            feature_list = message.feature_lists.feature_list.get(key)
            per_example.append(_steps(
                entry, None if feature_list is None else feature_list.feature, key))
        if not batched:
            sequences[key] = per_example[0]
            if entry.kind == "sequence":
                lengths[key] = Tensor(np.array(per_example[0].shape[0], dtype=np.int64))
        elif entry.kind == "var":
            sequences[key] = _stack_sparse(per_example, entry.dtype)
        else:
            steps = [t.data.shape[0] for t in per_example]
            out = np.zeros((len(per_example), max(steps, default=0)) + entry.shape,
                           dtype=feature_specs.numpy_dtype(entry.dtype))
            if entry.dtype == "string":
                out[...] = b""
            for index, tensor in enumerate(per_example):
                out[index, :steps[index]] = tensor.data
            sequences[key] = Tensor(out)
            lengths[key] = Tensor(np.array(steps, dtype=np.int64))
    return context, sequences, lengths


def _stack_sparse(parts, dtype_name):
    """2-D SparseTensors stacked along a new first dimension."""
    if not parts:
        return SparseTensor(np.empty((0, 3), np.int64),
                            np.empty(0, feature_specs.numpy_dtype(dtype_name)), [0, 0, 0])
    indices = [np.concatenate([np.full((len(p.indices.data), 1), row, np.int64),
                               p.indices.data], axis=1) for row, p in enumerate(parts)]
    shapes = np.array([p.dense_shape.data for p in parts], dtype=np.int64)
    return SparseTensor(np.concatenate(indices), np.concatenate([p.values.data for p in parts]),
                        [len(parts), *shapes.max(axis=0)])


class _Entry:
    """What parsing one feature needs, worked out once per call."""

    __slots__ = ("kind", "dtype", "field", "shape", "default", "row_size", "allow_missing")

    def __init__(self, key, feature, in_sequence=False):
        self.dtype = feature_specs.dtype_name(feature.dtype, key)
        self.field = feature_specs.KIND_OF_DTYPE[self.dtype]
        self.default = None
        self.shape = ()
        self.allow_missing = True
        if isinstance(feature, feature_specs.VarLenFeature):
            self.kind = "var"
        elif isinstance(feature, feature_specs.FixedLenFeature):
            self.kind = "fixed"
            self.shape = feature_specs.fixed_shape(feature, key)
            default = feature_specs.default_array(feature, key, self.dtype, self.shape)
            self.default = None if default is None else default.reshape(-1)
        elif isinstance(feature, feature_specs.FixedLenSequenceFeature):
            self.kind = "sequence"
            self.shape = feature_specs.fixed_shape(feature, key, sequence=True)
            self.allow_missing = bool(feature.allow_missing)
            if in_sequence and feature.default_value is not None:
                raise ValueError(
                    f"Value feature_list.dense_defaults[{key}] must be None: the steps of a "
                    "SequenceExample's feature are padded with zeros (or b'').")
            if not feature.allow_missing and not in_sequence:
                raise ValueError(
                    f"Unsupported: FixedLenSequenceFeature requires allow_missing to be True "
                    f"(feature {key!r}): a missing feature then parses as zero rows.")
            padding = 0 if self.dtype != "string" else b""
            if feature.default_value is not None:
                padding = feature_specs.as_values(feature.default_value, self.dtype)[0]
            self.default = padding
        else:
            raise TypeError(
                f"Feature {key!r}: expected tf.io.FixedLenFeature, VarLenFeature or "
                f"FixedLenSequenceFeature; received {type(feature).__name__}.")
        self.row_size = int(np.prod(self.shape, dtype=np.int64))


# A map function parses every record with the same description: its plan is kept, keyed by
# the dict's id and checked against its items (a changed or new dict at that id rebuilds it)
_PLANS = {}
_MAX_PLANS = 64


def _plan(features, allow_empty=False, in_sequence=False):
    if not isinstance(features, dict):
        raise TypeError(
            f"features must be a dict of feature name -> tf.io.FixedLenFeature / VarLenFeature "
            f"/ FixedLenSequenceFeature; received {type(features).__name__}.")
    items = tuple(features.items())
    cache_key = (id(features), in_sequence)
    cached = _PLANS.get(cache_key)
    if cached is not None and cached[0] == items:
        return cached[1]
    if not features and not allow_empty:
        raise ValueError("Invalid argument: features cannot be empty.")
    plan = {key: _Entry(key, feature, in_sequence) for key, feature in items}
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[cache_key] = (items, plan)
    return plan


def _serialized_array(serialized):
    return string_array(serialized, "serialized", "Pass the records of a TFRecordDataset or "
                        "example.SerializeToString().")


def _decode(record, message_name, index):
    message_type = example_proto.message_class(message_name)
    # protobuf was imported by message_class: its error class is here to catch
    from google.protobuf.message import DecodeError

    try:
        return message_type.FromString(bytes(record))
    except DecodeError as err:
        where = "" if index is None else f" (record {index} of the batch)"
        raise InvalidArgumentError(
            f"Could not parse example input{where}: {len(record)} bytes starting "
            f"{bytes(record[:20])!r} are not a serialized tf.train.{message_name} ({err}). "
            "Are these the records of a TFRecord file of Examples?") from None


def _where(key, index):
    return f"Key: {key}" if index is None else f"Key: {key}, Index: {index}"


def _container(feature, key, entry, index):
    """The repeated values of one tf.train.Feature (a protobuf container), checked against
    the expected type; None for a missing feature or one with no list set, which TensorFlow
    reads as missing."""
    if feature is None:
        return None
    kind = feature.WhichOneof("kind")
    if kind is None:
        return None
    if kind != entry.field:
        raise InvalidArgumentError(
            f"{_where(key, index)}. Data types don't match. Data type: "
            f"{feature_specs.TYPE_NAME_OF_KIND[kind]} but expected type: "
            f"{feature_specs.TYPE_NAME_OF_KIND[entry.field]}. Describe the feature with the "
            f"type it was written with ({feature_specs.TYPE_NAME_OF_KIND[kind]}), then cast.")
    return getattr(feature, kind).value


def _flat(parts, dtype_name, count):
    """The values of several containers (or arrays) one after another, as one array."""
    values = itertools.chain.from_iterable(parts)
    if dtype_name == "string":
        array = np.empty(count, dtype=object)
        array[:] = list(values)
        return array
    return np.fromiter(values, dtype=feature_specs.numpy_dtype(dtype_name), count=count)


def _column(entry, features, key, batched):
    """One feature of every example (``features``: a Feature or None per example) as the
    batched tensor, or the tensor of the one example when not ``batched``."""
    containers = [_container(feature, key, entry, index if batched else None)
                  for index, feature in enumerate(features)]
    if entry.kind == "var":
        sparse = _sparse_rows(containers, entry.dtype)
        if batched:
            return sparse
        return SparseTensor(sparse.indices.data[:, 1:], sparse.values.data,
                            sparse.dense_shape.data[1:])
    if entry.kind == "fixed":
        dense = _fixed(entry, containers, key, batched)
    else:
        dense = _padded_rows(entry, containers, key, batched)
    return Tensor(dense if batched else dense.reshape(dense.shape[1:]))


def _fixed(entry, containers, key, batched):
    parts = []
    for index, values in enumerate(containers):
        if values is None:
            if entry.default is None:
                raise InvalidArgumentError(
                    f"Feature: {key} (data type: {entry.dtype}) is required but could not be "
                    f"found{f' in record {index} of the batch' if batched else ''}. Give the "
                    "FixedLenFeature a default_value, or use VarLenFeature for an optional "
                    "feature.")
            parts.append(entry.default)
        elif len(values) != entry.row_size:
            raise InvalidArgumentError(
                f"{_where(key, index if batched else None)}. Can't parse serialized Example: "
                f"expected {entry.row_size} values (shape {list(entry.shape)}), the feature has "
                f"{len(values)}. Fix the FixedLenFeature's shape, or use VarLenFeature / "
                "FixedLenSequenceFeature for a varying number of values.")
        else:
            parts.append(values)
    flat = _flat(parts, entry.dtype, len(containers) * entry.row_size)
    return flat.reshape((len(containers),) + entry.shape)


def _padded_rows(entry, containers, key, batched):
    """A FixedLenSequenceFeature in Examples: rows of ``shape``, padded to the longest."""
    counts = [0 if values is None else len(values) for values in containers]
    for index, count in enumerate(counts):
        if entry.row_size == 0 or count % entry.row_size:
            raise InvalidArgumentError(
                f"{_where(key, index if batched else None)}. Number of values ({count}) is not "
                f"a multiple of the row size {entry.row_size} of shape {list(entry.shape)}.")
    rows = [count // entry.row_size for count in counts]
    out = np.empty((len(containers), max(rows, default=0)) + entry.shape,
                   dtype=feature_specs.numpy_dtype(entry.dtype))
    out[...] = entry.default
    for index, values in enumerate(containers):
        if rows[index]:
            out[index, :rows[index]] = _flat([values], entry.dtype, counts[index]).reshape(
                (rows[index],) + entry.shape)
    return out


def _sparse_rows(containers, dtype_name):
    """A 2-D SparseTensor whose row ``i`` holds the values of ``containers[i]``."""
    lengths = [0 if values is None else len(values) for values in containers]
    row_ids = np.repeat(np.arange(len(containers), dtype=np.int64), lengths)
    columns = np.concatenate([np.arange(n, dtype=np.int64) for n in lengths]
                             or [np.empty(0, np.int64)])
    values = _flat([v for v in containers if v is not None], dtype_name, sum(lengths))
    return SparseTensor(np.stack([row_ids, columns], axis=1), values,
                        [len(containers), max(lengths, default=0)])


def _steps(entry, steps, key):
    """A sequence feature of a SequenceExample: one row per step of its FeatureList."""
    if steps is None:
        if entry.kind == "var":
            return _sparse_rows([], entry.dtype)
        if not entry.allow_missing:
            raise InvalidArgumentError(
                f"Feature list: {key} is required but could not be found. Set "
                "allow_missing=True in its FixedLenSequenceFeature to parse it as zero steps.")
        return Tensor(np.empty((0,) + entry.shape, dtype=feature_specs.numpy_dtype(entry.dtype)))
    containers = [_container(feature, key, entry, step) for step, feature in enumerate(steps)]
    if entry.kind == "var":
        return _sparse_rows(containers, entry.dtype)
    for step, values in enumerate(containers):
        count = 0 if values is None else len(values)
        if count != entry.row_size:
            raise InvalidArgumentError(
                f"Key: {key}, Index: {step}. Number of {entry.dtype} values != expected. "
                f"values size: {count} but output shape: {list(entry.shape)}. Every step "
                "of a FixedLenSequenceFeature holds one row of its shape.")
    flat = _flat(containers, entry.dtype, len(containers) * entry.row_size)
    return Tensor(flat.reshape((len(containers),) + entry.shape))
