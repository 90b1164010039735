"""``tf.io.parse_single_example``, ``parse_example`` and ``parse_single_sequence_example``.

Serialized records (bytes, lists of bytes, or the scalar / vector string tensors a
``TFRecordDataset`` and its ``map`` functions hold) are decoded with the protobuf messages of
:mod:`featherflow.io.example_proto` and turned into featherflow Tensors as the feature
descriptions say: a ``FixedLenFeature`` gives a dense tensor, a ``VarLenFeature`` a
``SparseTensor`` (indices, values, dense_shape), a ``FixedLenSequenceFeature`` a dense
tensor with one row per value group (a batch pads to its longest example).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, strings_array
from featherflow.backend.ctc import SparseTensor
from featherflow.errors import InvalidArgumentError
from featherflow.io import example_proto
from featherflow.io import features as feature_specs


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
    records = _serialized_array(serialized)
    if records.ndim > 1:
        raise InvalidArgumentError(
            f"Expected serialized to be a scalar or vector, got shape: {list(records.shape)}. "
            "Flatten the records first (tf.reshape(serialized, [-1])).")
    plan = _plan(features)
    if records.ndim == 0:
        feature_map = _decode(records[()], "Example", None).features.feature
        return {key: _single(entry, _values(feature_map, key, entry, None), key)
                for key, entry in plan.items()}
    messages = [_decode(record, "Example", index) for index, record in enumerate(records)]
    out = {}
    for key, entry in plan.items():
        per_example = [_values(message.features.feature, key, entry, index)
                       for index, message in enumerate(messages)]
        out[key] = _batched(entry, per_example, key)
    return out


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
    message = _decode(records[()], "SequenceExample", None)
    context_map = message.context.feature
    context = {key: _single(entry, _values(context_map, key, entry, None), key)
               for key, entry in _plan(context_features or {}, allow_empty=True).items()}
    lists = message.feature_lists.feature_list
    sequences = {}
    for key, entry in _plan(sequence_features or {}, allow_empty=True, in_sequence=True).items():
        if entry.kind == "fixed":
            raise ValueError(
                f"sequence_features[{key!r}] is a FixedLenFeature; a sequence feature is a "
                "FixedLenSequenceFeature or a VarLenFeature.")
        sequences[key] = _sequence(entry, lists, key)
    return context, sequences


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
            self.default = feature_specs.default_array(feature, key, self.dtype, self.shape)
        elif isinstance(feature, feature_specs.FixedLenSequenceFeature):
            self.kind = "sequence"
            self.shape = feature_specs.fixed_shape(feature, key, sequence=True)
            self.allow_missing = bool(feature.allow_missing)
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


def _plan(features, allow_empty=False, in_sequence=False):
    if not isinstance(features, dict):
        raise TypeError(
            f"features must be a dict of feature name -> tf.io.FixedLenFeature / VarLenFeature "
            f"/ FixedLenSequenceFeature; received {type(features).__name__}.")
    if not features and not allow_empty:
        raise ValueError("Invalid argument: features cannot be empty.")
    return {key: _Entry(key, feature, in_sequence) for key, feature in features.items()}


def _serialized_array(serialized):
    value = serialized.data if isinstance(serialized, Tensor) else serialized
    if isinstance(value, (bytes, str)):
        array = np.empty((), dtype=object)
        array[()] = value.encode("utf-8") if isinstance(value, str) else value
        return array
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if array.dtype.kind not in "OSU" or not all(
            isinstance(v, (bytes, str)) for v in array.reshape(-1)):
        raise TypeError(
            f"serialized must hold tf.string records (bytes); received "
            f"{type(serialized).__name__} of dtype {array.dtype}. Pass the records of a "
            "TFRecordDataset or example.SerializeToString().")
    return strings_array(array) if array.dtype.kind != "O" else array


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


def _feature_values(feature, key, entry, index):
    """The values of one tf.train.Feature as a flat array of the expected dtype."""
    kind = feature.WhichOneof("kind")
    if kind is None:
        # a step of a FeatureList with no list set holds no values, of any type
        return _empty(entry.dtype)
    if kind != entry.field:
        raise InvalidArgumentError(
            f"{_where(key, index)}. Data types don't match. Data type: "
            f"{feature_specs.TYPE_NAME_OF_KIND[kind]} but expected type: "
            f"{feature_specs.TYPE_NAME_OF_KIND[entry.field]}. "
            f"Describe the feature with the type it was written with "
            f"({feature_specs.TYPE_NAME_OF_KIND[kind]}), then cast.")
    values = getattr(feature, kind).value
    if entry.dtype == "string":
        array = np.empty(len(values), dtype=object)
        array[:] = list(values)
        return array
    return np.array(values, dtype=feature_specs.numpy_dtype(entry.dtype))


def _empty(dtype_name):
    return np.empty(0, dtype=feature_specs.numpy_dtype(dtype_name))


def _values(feature_map, key, entry, index):
    """One example's value of one feature: a dense array (fixed / sequence) or a flat one."""
    feature = feature_map.get(key)
    if feature is None or feature.WhichOneof("kind") is None:
        # TensorFlow reads a Feature with no list set as a missing feature
        if entry.kind == "var":
            return _empty(entry.dtype)
        if entry.kind == "sequence":
            return _empty(entry.dtype).reshape((0,) + entry.shape)
        if entry.default is None:
            raise InvalidArgumentError(
                f"Feature: {key} (data type: {entry.dtype}) is required but could not be "
                f"found{'' if index is None else f' in record {index} of the batch'}. Give "
                "the FixedLenFeature a default_value, or use VarLenFeature for an optional "
                "feature.")
        return entry.default
    values = _feature_values(feature, key, entry, index)
    if entry.kind == "var":
        return values
    if entry.kind == "fixed":
        if values.size != entry.row_size:
            raise InvalidArgumentError(
                f"{_where(key, index)}. Can't parse serialized Example: expected "
                f"{entry.row_size} values (shape {list(entry.shape)}), the feature has "
                f"{values.size}. Fix the FixedLenFeature's shape, or use VarLenFeature / "
                "FixedLenSequenceFeature for a varying number of values.")
        return values.reshape(entry.shape)
    if entry.row_size == 0 or values.size % entry.row_size:
        raise InvalidArgumentError(
            f"{_where(key, index)}. Number of values ({values.size}) is not a multiple of "
            f"the row size {entry.row_size} of shape {list(entry.shape)}.")
    return values.reshape((-1,) + entry.shape)


def _single(entry, value, key):
    if entry.kind == "var":
        indices = np.arange(value.size, dtype=np.int64).reshape(-1, 1)
        return SparseTensor(indices, value, [value.size])
    return Tensor(value)


def _batched(entry, per_example, key):
    batch = len(per_example)
    numpy_dtype = feature_specs.numpy_dtype(entry.dtype)
    if entry.kind == "fixed":
        if batch == 0:
            return Tensor(np.empty((0,) + entry.shape, dtype=numpy_dtype))
        return Tensor(np.stack(per_example))
    if entry.kind == "var":
        return _sparse_rows(per_example, entry.dtype)
    steps = max((v.shape[0] for v in per_example), default=0)
    out = np.empty((batch, steps) + entry.shape, dtype=numpy_dtype)
    out[...] = entry.default
    for row, value in enumerate(per_example):
        out[row, :value.shape[0]] = value
    return Tensor(out)


def _sparse_rows(rows, dtype_name):
    """A 2-D SparseTensor whose row ``i`` holds the values ``rows[i]``."""
    lengths = [v.size for v in rows]
    row_ids = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    columns = np.concatenate([np.arange(n, dtype=np.int64) for n in lengths]
                             or [np.empty(0, np.int64)])
    values = np.concatenate(rows) if rows else _empty(dtype_name)
    return SparseTensor(np.stack([row_ids, columns], axis=1), values,
                        [len(rows), max(lengths, default=0)])


def _sequence(entry, lists, key):
    """A sequence feature of a SequenceExample: one row per step of its FeatureList."""
    if key not in lists:
        if entry.kind == "var":
            return _sparse_rows([], entry.dtype)
        if not entry.allow_missing:
            raise InvalidArgumentError(
                f"Feature list: {key} is required but could not be found. Set "
                "allow_missing=True in its FixedLenSequenceFeature to parse it as zero steps.")
        return Tensor(_empty(entry.dtype).reshape((0,) + entry.shape))
    steps = [_feature_values(feature, key, entry, None) for feature in lists[key].feature]
    if entry.kind == "var":
        return _sparse_rows(steps, entry.dtype)
    for step, value in enumerate(steps):
        if value.size != entry.row_size:
            raise InvalidArgumentError(
                f"Key: {key}, Index: {step}. Number of {entry.dtype} values != expected. "
                f"values size: {value.size} but output shape: {list(entry.shape)}. Every step "
                "of a FixedLenSequenceFeature holds one row of its shape.")
    out = np.empty((len(steps),) + entry.shape, dtype=feature_specs.numpy_dtype(entry.dtype))
    for step, value in enumerate(steps):
        out[step] = value.reshape(entry.shape)
    return Tensor(out)
