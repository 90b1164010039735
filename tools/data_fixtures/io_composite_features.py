# ruff: noqa: E501 - a table of one-line scenarios
"""tf.io.SparseFeature, tf.io.RaggedFeature (every partition kind) in parse_example and
parse_single_example, and tf.io.decode_json_example, recorded from TensorFlow 2.21.

Composite results are described field by field (a SparseTensor's indices, values and shape; a
RaggedTensor's flat values, nested row splits and uniform row lengths) so both libraries'
objects encode alike."""


def _example(tf, **features):
    built = {}
    for key, (kind, values) in features.items():
        if kind == "bytes":
            built[key] = tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
        elif kind == "float":
            built[key] = tf.train.Feature(float_list=tf.train.FloatList(value=values))
        else:
            built[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    return tf.train.Example(features=tf.train.Features(feature=built)).SerializeToString()


def _describe(value):
    if hasattr(value, "nested_row_splits"):
        levels = []
        current = value
        while hasattr(current, "row_splits"):
            levels.append([current.row_splits, None if current.uniform_row_length is None else int(current.uniform_row_length)])
            current = current.values
        return {"ragged": levels, "flat_values": value.flat_values}
    if hasattr(value, "dense_shape"):
        return {"sparse": [value.indices, value.values, value.dense_shape]}
    return value


def _parse(records, features, single=False):
    def scenario(tf):
        recs = [_example(tf, **r) for r in records]
        if single:
            out = tf.io.parse_single_example(recs[0], features(tf))
        else:
            out = tf.io.parse_example(tf.constant(recs), features(tf))
        return {k: _describe(v) for k, v in out.items()}
    return scenario


SPARSE_RECORDS = [
    {"ix": ("int64", [3, 0, 7]), "val": ("float", [0.5, 1.5, -2.0]), "kw": ("bytes", [b"a", b"b", b"c"])},
    {"ix": ("int64", []), "val": ("float", []), "kw": ("bytes", [])},
    {"ix": ("int64", [9, 1]), "val": ("float", [4.0, 5.0]), "kw": ("bytes", [b"x", b"y"])},
]
MULTI_RECORDS = [
    {"row": ("int64", [1, 0, 1]), "col": ("int64", [2, 3, 0]), "val": ("int64", [10, 20, 30])},
    {"row": ("int64", [0]), "col": ("int64", [1]), "val": ("int64", [40])},
]
RAGGED_RECORDS = [
    {"v": ("int64", [1, 2, 3, 4, 5, 6]), "splits": ("int64", [0, 2, 2, 6]), "lengths": ("int64", [2, 0, 4]),
     "starts": ("int64", [0, 2, 2]), "limits": ("int64", [2, 2, 6]), "rowids": ("int64", [0, 0, 2, 2, 2, 2]),
     "outer": ("int64", [1, 2]), "words": ("bytes", [b"a", b"bb", b"ccc"]), "f": ("float", [0.5, 1.5, 2.5, 3.5])},
    {"v": ("int64", [7, 8]), "splits": ("int64", [0, 1, 2]), "lengths": ("int64", [1, 1]),
     "starts": ("int64", [0, 1]), "limits": ("int64", [1, 2]), "rowids": ("int64", [1, 1]),
     "outer": ("int64", [2]), "words": ("bytes", []), "f": ("float", [9.0, 8.0])},
]


def _ragged(tf, kind, **kw):
    part = getattr(tf.io.RaggedFeature, kind)
    return {"r": tf.io.RaggedFeature(tf.int64, value_key="v", partitions=[part(kw.get("key"))] if kind != "UniformRowLength" else [part(kw["length"])], **{k: v for k, v in kw.items() if k not in ("key", "length")})}


def _sequence_example(tf, context, lists):
    def feature_list(steps):
        return tf.train.FeatureList(feature=[tf.train.Feature(int64_list=tf.train.Int64List(value=v)) for v in steps])
    return tf.train.SequenceExample(
        context=tf.train.Features(feature={k: tf.train.Feature(int64_list=tf.train.Int64List(value=v)) for k, v in context.items()}),
        feature_lists=tf.train.FeatureLists(feature_list={k: feature_list(v) for k, v in lists.items()})).SerializeToString()


SEQ_A = ({"c": [1, 2, 3], "cl": [2, 1], "ci": [4, 0]}, {"v": [[1, 2], [], [3, 4, 5]], "len": [[1, 1], [], [2, 1]], "ix": [[0, 3], [], [1, 0, 2]]})
SEQ_B = ({"c": [4], "cl": [1], "ci": [2]}, {"v": [[6], []], "len": [[1], []], "ix": [[1], []]})


def _seq_context(tf):
    return {"c": tf.io.RaggedFeature(tf.int64), "r": tf.io.RaggedFeature(tf.int64, value_key="c", partitions=[tf.io.RaggedFeature.RowLengths("cl")])}


def _seq_sequence(tf):
    return {"v": tf.io.RaggedFeature(tf.int64), "p": tf.io.RaggedFeature(tf.int64, value_key="v", partitions=[tf.io.RaggedFeature.RowLengths("len")])}


def _seq_single(tf):
    context, sequences = tf.io.parse_single_sequence_example(_sequence_example(tf, *SEQ_A), _seq_context(tf), _seq_sequence(tf))
    return [{k: _describe(v) for k, v in context.items()}, {k: _describe(v) for k, v in sequences.items()}]


def _seq_batch(tf):
    records = tf.constant([_sequence_example(tf, *SEQ_A), _sequence_example(tf, *SEQ_B)])
    sequence = dict(_seq_sequence(tf), plain=tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True))
    sequence["plain"] = tf.io.VarLenFeature(tf.int64)
    context, sequences, lengths = tf.io.parse_sequence_example(records, dict(_seq_context(tf), d=tf.io.FixedLenFeature([1], tf.int64, default_value=[0])), {"v": sequence["v"], "p": sequence["p"], "ix": tf.io.VarLenFeature(tf.int64)})
    return [{k: _describe(v) for k, v in context.items()}, {k: _describe(v) for k, v in sequences.items()}, {k: _describe(v) for k, v in lengths.items()}]


def _seq_batch_only_composites(tf):
    records = tf.constant([_sequence_example(tf, *SEQ_A), _sequence_example(tf, *SEQ_B)])
    context, sequences, lengths = tf.io.parse_sequence_example(records, None, {"v": tf.io.RaggedFeature(tf.int64)})
    return [context, {k: _describe(v) for k, v in sequences.items()}, lengths]


def _seq_scalar_batch_api(tf):
    context, sequences, lengths = tf.io.parse_sequence_example(_sequence_example(tf, *SEQ_A), None, {"v": tf.io.RaggedFeature(tf.int64), "f": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})
    return [context, {k: _describe(v) for k, v in sequences.items()}, {k: _describe(v) for k, v in lengths.items()}]


def _json(tf):
    text = '{"features": {"feature": {"x": {"floatList": {"value": [1.5, 2.0]}}, "tag": {"bytesList": {"value": ["aGk="]}}}}}'
    binary = tf.io.decode_json_example(tf.constant([text, '{"features": {}}']))
    parsed = tf.io.parse_example(binary, {"x": tf.io.VarLenFeature(tf.float32), "tag": tf.io.VarLenFeature(tf.string)})
    return [binary.shape.as_list(), binary.dtype.name, {k: _describe(v) for k, v in parsed.items()}]


def _json_scalar(tf):
    out = tf.io.decode_json_example('{"features": {"feature": {"n": {"int64List": {"value": ["3", "-4"]}}}}}')
    return [out.shape.as_list(), {k: _describe(v) for k, v in tf.io.parse_single_example(out, {"n": tf.io.FixedLenFeature([2], tf.int64)}).items()}]


SCENARIOS = {
    "sparse_basic": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 10)}),
    "sparse_sorted_flag": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 10, already_sorted=True)}),
    "sparse_strings_and_index_kept": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "kw", tf.string, 12), "ix": tf.io.VarLenFeature(tf.int64)}),
    "sparse_multi_index": _parse(MULTI_RECORDS, lambda tf: {"m": tf.io.SparseFeature(["row", "col"], "val", tf.int64, [2, 4])}),
    "sparse_single": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 10)}, single=True),
    "sparse_with_dense": _parse(SPARSE_RECORDS[:1], lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 10), "d": tf.io.FixedLenFeature([2], tf.int64, default_value=[1, 2])}),
    "sparse_two_share_index": _parse(SPARSE_RECORDS, lambda tf: {"a": tf.io.SparseFeature("ix", "val", tf.float32, 10), "b": tf.io.SparseFeature("ix", "kw", tf.string, 10)}),
    "sparse_count_mismatch": _parse([{"ix": ("int64", [1, 2]), "val": ("float", [1.0])}], lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 5)}),
    "sparse_dense_key_clash": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 10), "ix": tf.io.FixedLenFeature([3], tf.int64)}),
    "sparse_type_conflict": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.float32, 10), "t": tf.io.SparseFeature("ix", "val", tf.int64, 10)}),
    "sparse_wrong_type": _parse(SPARSE_RECORDS, lambda tf: {"s": tf.io.SparseFeature("ix", "val", tf.int64, 10)}),
    "sparse_fields": lambda tf: [(f.index_key, f.value_key, f.dtype.name if hasattr(f.dtype, "name") else str(f.dtype), f.size, f.already_sorted) for f in [tf.io.SparseFeature("i", "v", tf.float32, 4)]],
    "ragged_plain": _parse(RAGGED_RECORDS, lambda tf: {"v": tf.io.RaggedFeature(tf.int64)}),
    "ragged_plain_single": _parse(RAGGED_RECORDS, lambda tf: {"v": tf.io.RaggedFeature(tf.int64)}, single=True),
    "ragged_strings_int64_splits": _parse(RAGGED_RECORDS, lambda tf: {"w": tf.io.RaggedFeature(tf.string, value_key="words", row_splits_dtype=tf.int64)}),
    "ragged_floats": _parse(RAGGED_RECORDS, lambda tf: {"f": tf.io.RaggedFeature(tf.float32)}),
    "ragged_row_splits": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "RowSplits", key="splits")),
    "ragged_row_lengths": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "RowLengths", key="lengths")),
    "ragged_row_starts": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "RowStarts", key="starts")),
    "ragged_row_limits": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "RowLimits", key="limits")),
    "ragged_value_rowids": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "ValueRowIds", key="rowids")),
    "ragged_uniform": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "UniformRowLength", length=2)),
    "ragged_row_lengths_single": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "RowLengths", key="lengths"), single=True),
    "ragged_value_rowids_single": _parse(RAGGED_RECORDS[1:], lambda tf: _ragged(tf, "ValueRowIds", key="rowids"), single=True),
    "ragged_uniform_single": _parse(RAGGED_RECORDS, lambda tf: _ragged(tf, "UniformRowLength", length=3), single=True),
    "ragged_two_levels": _parse(RAGGED_RECORDS, lambda tf: {"r": tf.io.RaggedFeature(tf.int64, value_key="v", partitions=[tf.io.RaggedFeature.RowLengths("outer"), tf.io.RaggedFeature.RowSplits("splits")], row_splits_dtype=tf.int64)}),
    "ragged_uniform_outer": _parse(RAGGED_RECORDS[:1], lambda tf: {"r": tf.io.RaggedFeature(tf.int64, value_key="v", partitions=[tf.io.RaggedFeature.UniformRowLength(3), tf.io.RaggedFeature.RowLengths("lengths")])}, single=True),
    "ragged_with_others": _parse(RAGGED_RECORDS, lambda tf: {"r": tf.io.RaggedFeature(tf.int64, value_key="v"), "lengths": tf.io.VarLenFeature(tf.int64), "f": tf.io.FixedLenSequenceFeature([], tf.float32, allow_missing=True)}),
    "ragged_missing_value": _parse([{"v": ("int64", [1])}, {"x": ("int64", [2])}], lambda tf: {"v": tf.io.RaggedFeature(tf.int64)}),
    "ragged_bad_partition": _parse(RAGGED_RECORDS[:1], lambda tf: _ragged(tf, "RowLengths", key="outer"), single=True),
    "ragged_bad_partition_validated": _parse(RAGGED_RECORDS[:1], lambda tf: _ragged(tf, "RowLengths", key="outer", validate=True), single=True),
    "ragged_empty_batch": lambda tf: {k: _describe(v) for k, v in tf.io.parse_example(tf.constant([], tf.string), {"v": tf.io.RaggedFeature(tf.int64)}).items()},
    "ragged_sparse_clash": _parse(RAGGED_RECORDS, lambda tf: {"v": tf.io.RaggedFeature(tf.int64), "w": tf.io.VarLenFeature(tf.int64)} if False else {"v": tf.io.RaggedFeature(tf.int64), "x": tf.io.SparseFeature("v", "f", tf.float32, 9)}),
    "ragged_fields": lambda tf: [tf.io.RaggedFeature(tf.float32).value_key, list(tf.io.RaggedFeature(tf.float32).partitions), tf.io.RaggedFeature(tf.float32).row_splits_dtype.name, tf.io.RaggedFeature(tf.float32).validate, tf.io.RaggedFeature.RowSplits("k").key, tf.io.RaggedFeature.UniformRowLength(4).length],
    "ragged_bad_dtype": lambda tf: tf.io.RaggedFeature(tf.int32),
    "ragged_bad_splits_dtype": lambda tf: tf.io.RaggedFeature(tf.int64, row_splits_dtype=tf.float32),
    "ragged_bad_partitions": lambda tf: tf.io.RaggedFeature(tf.int64, partitions=["x"]),
    "ragged_empty_value_key": lambda tf: tf.io.RaggedFeature(tf.int64, value_key=""),
    "sequence_single": _seq_single,
    "sequence_batch": _seq_batch,
    "sequence_ragged_sparse_clash": lambda tf: tf.io.parse_sequence_example(tf.constant([_sequence_example(tf, *SEQ_A)]), None, {"p": tf.io.RaggedFeature(tf.int64, value_key="v", partitions=[tf.io.RaggedFeature.RowLengths("len")]), "len": tf.io.VarLenFeature(tf.int64)}),
    "sequence_split_type_conflict": lambda tf: tf.io.parse_single_sequence_example(_sequence_example(tf, *SEQ_A), None, {"v": tf.io.RaggedFeature(tf.int64), "p": tf.io.RaggedFeature(tf.int64, value_key="v", row_splits_dtype=tf.int64)}),
    "sequence_sparse_feature_context": lambda tf: tf.io.parse_single_sequence_example(_sequence_example(tf, *SEQ_A), {"s": tf.io.SparseFeature("ci", "cl", tf.int64, 5)}, None),
    "sequence_sparse_feature_steps": lambda tf: tf.io.parse_sequence_example(tf.constant([_sequence_example(tf, *SEQ_A)]), None, {"s": tf.io.SparseFeature("ix", "v", tf.int64, 4)}),
    "sequence_batch_only_composites": _seq_batch_only_composites,
    "sequence_scalar_in_batch_api": _seq_scalar_batch_api,
    "json_examples": _json,
    "json_scalar": _json_scalar,
    "json_bad": lambda tf: tf.io.decode_json_example(tf.constant(['{"features": 3}'])),
    "json_not_json": lambda tf: tf.io.decode_json_example(tf.constant(["nope"])),
}
