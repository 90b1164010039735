"""Scenarios for TFRecord files and tf.train.Example (featherflow/io/, data/tfrecord_dataset.py).

Recording with real TensorFlow also writes the small binary files of
tests/fixtures/tf/data/tfrecord/ (TFRecord files as TensorFlow writes them); the scenarios
read those files, write files of their own and return the bytes, serialize Examples and parse
them, so the comparison covers both directions: featherflow reads TensorFlow's files and
writes the same bytes, and TensorFlow parses the Example bytes featherflow's protos make.
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "tests" / "fixtures" / "tf" / "data" / "tfrecord"
PLAIN_RECORDS = [b"", b"a", b"hello world", bytes(range(256)), b"x" * 40]


def _example(tf, **features):
    """A tf.train.Example from name=(kind, values) pairs."""
    built = {}
    for key, (kind, values) in features.items():
        if kind == "bytes":
            built[key] = tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
        elif kind == "float":
            built[key] = tf.train.Feature(float_list=tf.train.FloatList(value=values))
        elif kind == "int64":
            built[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=values))
        else:
            built[key] = tf.train.Feature()
    return tf.train.Example(features=tf.train.Features(feature=built))


def _examples(tf):
    return [
        _example(tf, image=("bytes", [b"\x00\x01png"]), label=("int64", [3]),
                 weights=("float", [0.5, -1.25, 3.0e-8]), tags=("bytes", [b"cat", b"pet"])),
        _example(tf, image=("bytes", [b""]), label=("int64", [-(2 ** 40)]),
                 weights=("float", [1.0, 2.0, 3.0]), tags=("bytes", [])),
        _example(tf, image=("bytes", [b"\xff" * 10]), label=("int64", [0]),
                 weights=("float", [float("inf"), -0.0, 7.0])),
    ]


def _description(tf):
    return {
        "image": tf.io.FixedLenFeature([], tf.string),
        "label": tf.io.FixedLenFeature([], tf.int64),
        "weights": tf.io.FixedLenFeature([3], tf.float32),
        "tags": tf.io.VarLenFeature(tf.string),
        "missing": tf.io.FixedLenFeature([2], tf.int64, default_value=[-1, -2]),
    }


def _sequence_example(tf):
    def floats(values):
        return tf.train.Feature(float_list=tf.train.FloatList(value=values))

    def ints(values):
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))

    return tf.train.SequenceExample(
        context=tf.train.Features(feature={"length": ints([3])}),
        feature_lists=tf.train.FeatureLists(feature_list={
            "frames": tf.train.FeatureList(feature=[floats([1, 2]), floats([3, 4]),
                                                    floats([5, 6])]),
            "words": tf.train.FeatureList(feature=[ints([7]), ints([]), ints([8, 9, 10])]),
        }))


def setup(tf, workdir):
    if tf.__name__ == "tensorflow":
        _write_binary_fixtures(tf)
    clean = (BINARY / "plain.tfrecord").read_bytes()
    damaged = {
        "bad_length_crc": _flip(clean, 8),
        "bad_data_crc": _flip(clean, 12 + 8 + 4 + 4 + 12),  # the data of record 1
        "bad_later_length": _flip(clean, 12 + 8 + 4 + 4 + 4 + 12 + 1 + 4 + 9),
        "truncated_data": clean[:-5],
        # the file ends inside the last record's header
        "truncated_header": clean[:-(4 + len(PLAIN_RECORDS[-1]) + 4 + 5)],
        "not_a_tfrecord": b"this is plain text, not records\n" * 3,
        "empty": b"",
    }
    for name, data in damaged.items():
        Path(workdir, f"{name}.tfrecord").write_bytes(data)
    for n, count in enumerate([1, 4, 2, 0, 3]):
        with tf.io.TFRecordWriter(f"shard{n}.tfrecord") as writer:
            for i in range(count):
                writer.write(f"s{n}r{i}".encode())


def _flip(data, position):
    out = bytearray(data)
    out[position] ^= 0x10
    return bytes(out)


def _write_binary_fixtures(tf):
    BINARY.mkdir(parents=True, exist_ok=True)
    for name, options in (("plain.tfrecord", None), ("gzip.tfrecord.gz", "GZIP"),
                          ("zlib.tfrecord.zz", "ZLIB")):
        with tf.io.TFRecordWriter(str(BINARY / name), options) as writer:
            for record in PLAIN_RECORDS:
                writer.write(record)
    with tf.io.TFRecordWriter(str(BINARY / "examples.tfrecord")) as writer:
        for example in _examples(tf):
            writer.write(example.SerializeToString(deterministic=True))
    with tf.io.TFRecordWriter(str(BINARY / "sequence.tfrecord")) as writer:
        writer.write(_sequence_example(tf).SerializeToString(deterministic=True))


def _values(ds):
    return list(ds.as_numpy_iterator())


def _read_until_error(tf, path, **kwargs):
    """The records read before an error, and the error's class (None for a clean end)."""
    records = []
    try:
        for record in tf.data.TFRecordDataset(path, **kwargs):
            records.append(record.numpy())
    except Exception as err:  # noqa: BLE001 - the class is what the scenario compares
        return records, type(err).__name__
    return records, None


def _written(tf, options, records=PLAIN_RECORDS):
    path = f"written-{options or 'plain'}.tfrecord"
    with tf.io.TFRecordWriter(path, options) as writer:
        for record in records:
            writer.write(record)
    return Path(path).read_bytes()


def _experimental_writer(tf, compression):
    records = tf.data.Dataset.from_tensor_slices([b"a", b"", b"third"])
    tf.data.experimental.TFRecordWriter("experimental.tfrecord", compression).write(records)
    return Path("experimental.tfrecord").read_bytes()


def _sparse(value):
    return {"indices": value.indices, "values": value.values, "dense_shape": value.dense_shape}


def _plain(parsed):
    """A parse result with SparseTensors as their three parts (both libraries have them)."""
    return {key: _sparse(v) if hasattr(v, "dense_shape") else v for key, v in parsed.items()}


def _fixture(name):
    return str(BINARY / name)


def _dense_parts(parsed):
    """A parse result whose SparseTensors give their values: what a map function returns
    (a dataset element holds dense tensors)."""
    return {key: v.values if hasattr(v, "dense_shape") else v for key, v in parsed.items()}


def _parse_dataset(tf):
    description = _description(tf)
    ds = tf.data.TFRecordDataset(_fixture("examples.tfrecord"))
    ds = ds.map(lambda record: _dense_parts(tf.io.parse_single_example(record, description)))
    return _values(ds)


def _parse_batched(tf):
    description = _description(tf)
    ds = tf.data.TFRecordDataset(_fixture("examples.tfrecord")).batch(2)
    ds = ds.map(lambda records: _dense_parts(tf.io.parse_example(records, description)))
    return _values(ds)


def _parse_one(tf, features, *values):
    return _plain(tf.io.parse_single_example(
        _example(tf, **dict(values)).SerializeToString(), features))


def _featherflow_example_bytes():
    """Example bytes made by featherflow's protos (only protobuf needed, so this runs in
    the TensorFlow recording too): TensorFlow's parse of them is the recorded answer."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from featherflow.io import example_proto

    classes = example_proto.message_classes()
    example = classes["Example"](features=classes["Features"](feature={
        "x": classes["Feature"](float_list=classes["FloatList"](value=[1.5, -2.0])),
        "n": classes["Feature"](int64_list=classes["Int64List"](value=[2 ** 62, -7])),
        "s": classes["Feature"](bytes_list=classes["BytesList"](value=[b"ok", b""])),
    }))
    return example.SerializeToString()


def _parse_sequence(tf):
    record = (BINARY / "sequence.tfrecord").read_bytes()[12:-4]
    context, sequences = tf.io.parse_single_sequence_example(
        record,
        context_features={"length": tf.io.FixedLenFeature([], tf.int64)},
        sequence_features={
            "frames": tf.io.FixedLenSequenceFeature([2], tf.float32),
            "words": tf.io.VarLenFeature(tf.int64),
            "absent": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True),
        })
    return _plain(context), _plain(sequences)


def _sequence_records(tf):
    def feature_list(values, kind):
        if kind == "float":
            return tf.train.FeatureList(feature=[
                tf.train.Feature(float_list=tf.train.FloatList(value=v)) for v in values])
        return tf.train.FeatureList(feature=[
            tf.train.Feature(int64_list=tf.train.Int64List(value=v)) for v in values])

    def record(lists, context):
        return tf.train.SequenceExample(
            context=tf.train.Features(feature={"id": tf.train.Feature(
                int64_list=tf.train.Int64List(value=[context]))}),
            feature_lists=tf.train.FeatureLists(feature_list=lists)).SerializeToString()

    return [record({"frames": feature_list([[1, 2], [3, 4]], "float"),
                    "words": feature_list([[1], [2, 3]], "int64")}, 1),
            record({"frames": feature_list([[5, 6], [7, 8], [9, 10]], "float")}, 2)]


def _parse_sequence_batch(tf, scalar=False, **sequence_features):
    records = _sequence_records(tf)
    context, sequences, lengths = tf.io.parse_sequence_example(
        records[0] if scalar else records,
        context_features={"id": tf.io.FixedLenFeature([], tf.int64)},
        sequence_features=sequence_features or {
            "frames": tf.io.FixedLenSequenceFeature([2], tf.float32),
            "words": tf.io.VarLenFeature(tf.int64),
            "absent": tf.io.FixedLenSequenceFeature([], tf.string, allow_missing=True)})
    return _plain(context), _plain(sequences), _plain(lengths)


def _tutorial(tf):
    """The steps of TensorFlow's "TFRecord and tf.train.Example" tutorial, on 10 rows."""
    rng = np.random.default_rng(3)
    feature0 = rng.choice([False, True], 10)
    feature1 = rng.integers(0, 5, 10)
    feature2 = np.array([b"cat", b"dog", b"chicken", b"horse", b"goat"])[feature1]
    feature3 = rng.standard_normal(10)

    def bytes_feature(value):
        if isinstance(value, type(tf.constant(0))):
            value = value.numpy()
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))

    def serialize_example(f0, f1, f2, f3):
        feature = {
            "feature0": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(f0)])),
            "feature1": tf.train.Feature(int64_list=tf.train.Int64List(value=[f1])),
            "feature2": bytes_feature(f2),
            "feature3": tf.train.Feature(float_list=tf.train.FloatList(value=[f3])),
        }
        example = tf.train.Example(features=tf.train.Features(feature=feature))
        return example.SerializeToString()

    with tf.io.TFRecordWriter("tutorial.tfrecord") as writer:
        for row in zip(feature0, feature1, feature2, feature3):
            writer.write(serialize_example(*row))
    raw = tf.data.TFRecordDataset(["tutorial.tfrecord"])
    first = None
    for raw_record in raw.take(1):
        first = tf.train.Example()
        first.ParseFromString(raw_record.numpy())
    description = {
        "feature0": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "feature1": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "feature2": tf.io.FixedLenFeature([], tf.string, default_value=""),
        "feature3": tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
    }
    parsed = raw.map(lambda record: tf.io.parse_single_example(record, description))
    return [first.SerializeToString(deterministic=True), _values(parsed),
            Path("tutorial.tfrecord").stat().st_size]


_DESC_F2 = {"f": ("float", [1.0, 2.0])}
_RAW = np.arange(6, dtype=np.float32).tobytes()

# TensorProtos with typed value lists (as other writers make them), bytes from TensorFlow's
# tensor_pb2: float_val [3, 4]; float_val [3] for shape [3]; half_val; string_val [q] for [2];
# scomplex_val
_TENSOR_PROTOS = [
    ("float32", "08011204120208022a080000404000008040"),
    ("float32", "08011204120208032a0400004040"),
    ("float16", "08131204120208026a058078808001"),
    ("string", "0807120412020802420171"),
    ("complex64", "08081204120208024a100000803f000000400000404000008040"),
]


def _serialized_tensors(tf):
    values = [tf.constant(1.5), tf.constant(np.array([[1, 2], [3, 4]], np.int32)),
              tf.constant(["a", "bc"]), tf.constant(b"x"), tf.constant([True, False]),
              tf.constant(np.zeros((0, 3), np.float64)), tf.constant(np.array([1.5], np.float16)),
              tf.constant(np.array([2 ** 40, -3], np.int64)), tf.constant(np.array([7], np.uint8)),
              tf.constant(np.array([1 + 2j], np.complex64)),
              tf.constant(np.arange(6, dtype=np.float32).reshape(1, 2, 3))]
    return [tf.io.serialize_tensor(v) for v in values]


def _as_dtype(tf, name):
    return tf.string if name == "string" else tf.as_dtype(name)


def _encodable(tensor):
    """A complex tensor as its dtype and real and imaginary parts (the fixture encoding has
    no complex numbers)."""
    array = np.asarray(tensor.numpy())
    if array.dtype.kind == "c":
        return array.dtype.name, array.real, array.imag
    return tensor


def _round_trip_tensors(tf):
    out = []
    for serialized, dtype in zip(_serialized_tensors(tf), [
            "float32", "int32", "string", "string", "bool", "float64", "float16", "int64",
            "uint8", "complex64", "float32"]):
        out.append(_encodable(tf.io.parse_tensor(serialized, _as_dtype(tf, dtype))))
    return out

SCENARIOS = {
    # -- reading TensorFlow's files
    "read_plain": lambda tf: _values(tf.data.TFRecordDataset(_fixture("plain.tfrecord"))),
    "read_gzip": lambda tf: _values(tf.data.TFRecordDataset(
        _fixture("gzip.tfrecord.gz"), compression_type="GZIP")),
    "read_zlib": lambda tf: _values(tf.data.TFRecordDataset(
        [_fixture("zlib.tfrecord.zz")], compression_type="ZLIB", buffer_size=64)),
    "read_spec": lambda tf: [tf.data.TFRecordDataset(_fixture("plain.tfrecord")).element_spec,
                             int(tf.data.TFRecordDataset(
                                 _fixture("plain.tfrecord")).cardinality())],
    "read_empty": lambda tf: _read_until_error(tf, "empty.tfrecord"),
    "read_list_of_files": lambda tf: _values(tf.data.TFRecordDataset(
        ["shard0.tfrecord", "shard1.tfrecord", "shard3.tfrecord", "shard2.tfrecord"])),
    "read_missing_file": lambda tf: _read_until_error(tf, ["shard0.tfrecord", "absent.tfrecord"]),
    "write_missing_directory": lambda tf: tf.io.TFRecordWriter("no/such/dir/out.tfrecord"),
    "decode_csv_in_tf_io": lambda tf: tf.io.decode_csv(["1,a", "2,b"], [[0], [""]]),
    "read_no_files": lambda tf: _values(tf.data.TFRecordDataset([])),
    "read_filenames_dataset": lambda tf: _values(tf.data.TFRecordDataset(
        tf.data.Dataset.from_tensor_slices(["shard2.tfrecord", "shard1.tfrecord"]))),
    "read_filenames_tensor": lambda tf: _values(tf.data.TFRecordDataset(
        tf.constant(["shard1.tfrecord", "shard0.tfrecord"]))),
    "read_int_filenames": lambda tf: _values(tf.data.TFRecordDataset([1, 2])),
    "read_then_take_repeat": lambda tf: _values(tf.data.TFRecordDataset(
        "shard1.tfrecord").take(3).repeat(2)),
    "read_list_files": lambda tf: _values(tf.data.TFRecordDataset(
        tf.data.Dataset.list_files("shard*.tfrecord", shuffle=False))),
    "read_interleave_method": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        [f"shard{n}.tfrecord" for n in range(5)]).interleave(
            tf.data.TFRecordDataset, cycle_length=2, block_length=2)),
    "read_ignore_errors": lambda tf: _values(tf.data.TFRecordDataset(
        "bad_later_length.tfrecord").ignore_errors()),
    "read_ignore_errors_next_file": lambda tf: _values(tf.data.TFRecordDataset(
        ["bad_later_length.tfrecord", "shard2.tfrecord", "bad_data_crc.tfrecord",
         "shard1.tfrecord"]).ignore_errors()),
    "experimental_writer": lambda tf: _experimental_writer(tf, None),
    "experimental_writer_gzip": lambda tf: _experimental_writer(tf, "GZIP"),
    "experimental_writer_not_strings": lambda tf: tf.data.experimental.TFRecordWriter(
        "never.tfrecord").write(tf.data.Dataset.range(3)),
    # -- num_parallel_reads: TensorFlow's interleaving order
    "parallel_2": lambda tf: _values(tf.data.TFRecordDataset(
        [f"shard{n}.tfrecord" for n in range(5)], num_parallel_reads=2)),
    "parallel_3": lambda tf: _values(tf.data.TFRecordDataset(
        [f"shard{n}.tfrecord" for n in range(5)], num_parallel_reads=3)),
    "parallel_more_than_files": lambda tf: _values(tf.data.TFRecordDataset(
        ["shard1.tfrecord", "shard4.tfrecord"], num_parallel_reads=4)),
    "parallel_1": lambda tf: _values(tf.data.TFRecordDataset(
        [f"shard{n}.tfrecord" for n in range(5)], num_parallel_reads=1)),
    # -- damaged files: the records before the damage, then DataLossError
    "damaged_length_crc": lambda tf: _read_until_error(tf, "bad_length_crc.tfrecord"),
    "damaged_data_crc": lambda tf: _read_until_error(tf, "bad_data_crc.tfrecord"),
    "damaged_later_length": lambda tf: _read_until_error(tf, "bad_later_length.tfrecord"),
    "damaged_truncated_data": lambda tf: _read_until_error(tf, "truncated_data.tfrecord"),
    "damaged_truncated_header": lambda tf: _read_until_error(tf, "truncated_header.tfrecord"),
    "damaged_not_tfrecord": lambda tf: _read_until_error(tf, "not_a_tfrecord.tfrecord"),
    "damaged_through_map_batch": lambda tf: _values(tf.data.TFRecordDataset(
        "bad_data_crc.tfrecord").map(lambda r: r).batch(2).prefetch(2)),
    "damaged_gzip_read_plain": lambda tf: _read_until_error(tf, _fixture("gzip.tfrecord.gz")),
    "damaged_plain_read_gzip": lambda tf: _read_until_error(
        tf, _fixture("plain.tfrecord"), compression_type="GZIP"),
    # -- writing: the bytes TensorFlow writes
    "write_plain_bytes": lambda tf: _written(tf, None),
    "write_gzip_bytes": lambda tf: _written(tf, "GZIP"),
    "write_zlib_bytes": lambda tf: _written(tf, tf.io.TFRecordOptions(compression_type="ZLIB")),
    "write_str_record": lambda tf: _written(tf, None, ["héllo", "plain"]),
    "write_bad_compression": lambda tf: _written(tf, "BZ2"),
    "options_compression_string": lambda tf: [
        tf.io.TFRecordOptions.get_compression_type_string(value)
        for value in (None, "", "GZIP", "ZLIB", tf.io.TFRecordOptions("GZIP"))],
    # -- tf.train.Example bytes
    "example_bytes_deterministic": lambda tf: [
        e.SerializeToString(deterministic=True) for e in _examples(tf)],
    "example_bytes_one_feature": lambda tf: [
        _example(tf, x=(kind, values)).SerializeToString()
        for kind, values in (("bytes", [b"a", b"", b"\x00"]), ("float", [0.1, -3.5, 1e30]),
                             ("int64", [1, -1, 2 ** 63 - 1, -(2 ** 63)]), ("none", None),
                             ("int64", []))],
    "example_empty_bytes": lambda tf: [tf.train.Example().SerializeToString(),
                                       tf.train.Features().SerializeToString()],
    "sequence_example_bytes": lambda tf: _sequence_example(tf).SerializeToString(
        deterministic=True),
    "example_round_trip": lambda tf: tf.train.Example.FromString(
        _examples(tf)[0].SerializeToString()).SerializeToString(deterministic=True),
    "example_field_access": lambda tf: [
        list(_examples(tf)[0].features.feature["weights"].float_list.value),
        _examples(tf)[0].features.feature["label"].WhichOneof("kind"),
        sorted(_examples(tf)[0].features.feature)],
    "example_float_rounding": lambda tf: list(
        _example(tf, x=("float", [0.1])).features.feature["x"].float_list.value),
    "example_from_str_bytes": lambda tf: _example(
        tf, x=("bytes", ["héllo"])).SerializeToString(),
    # -- serialize_tensor / parse_tensor
    "serialize_tensor_bytes": _serialized_tensors,
    "parse_tensor_round_trip": _round_trip_tensors,
    "parse_tensor_typed_values": lambda tf: [
        _encodable(tf.io.parse_tensor(bytes.fromhex(hex_bytes), _as_dtype(tf, dtype)))
        for dtype, hex_bytes in _TENSOR_PROTOS],
    "parse_tensor_wrong_type": lambda tf: tf.io.parse_tensor(
        tf.io.serialize_tensor(tf.constant([1.0, 2.0])), tf.int32),
    "parse_tensor_garbage": lambda tf: tf.io.parse_tensor(b"\xff\xff", tf.int32),
    "parse_tensor_in_dataset": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        [tf.io.serialize_tensor(tf.constant([1.0, 2.0])).numpy(),
         tf.io.serialize_tensor(tf.constant([3.0, 4.0])).numpy()]).map(
            lambda r: tf.io.parse_tensor(r, tf.float32))),
    # -- decode_raw
    "decode_raw_float": lambda tf: tf.io.decode_raw(_RAW, tf.float32),
    "decode_raw_batch": lambda tf: tf.io.decode_raw(tf.constant([[_RAW], [_RAW]]), tf.uint8),
    "decode_raw_big_endian": lambda tf: tf.io.decode_raw(_RAW, tf.int16, little_endian=False),
    "decode_raw_fixed_length": lambda tf: tf.io.decode_raw(
        [_RAW, _RAW[:8], b""], tf.uint8, fixed_length=10),
    "decode_raw_bool": lambda tf: tf.io.decode_raw(_RAW, tf.bool),
    "decode_raw_empty": lambda tf: tf.io.decode_raw(b"", tf.float64),
    "decode_raw_unequal": lambda tf: tf.io.decode_raw([_RAW, _RAW[:8]], tf.float32),
    "decode_raw_not_multiple": lambda tf: tf.io.decode_raw(_RAW[:5], tf.float32),
    "decode_raw_bad_fixed_length": lambda tf: tf.io.decode_raw(
        [_RAW], tf.float32, fixed_length=6),
    "decode_raw_in_pipeline": lambda tf: _values(
        tf.data.TFRecordDataset(_fixture("examples.tfrecord")).map(
            lambda r: tf.io.decode_raw(tf.io.parse_single_example(
                r, {"image": tf.io.FixedLenFeature([], tf.string)})["image"], tf.uint8)).take(1)),
    # -- parsing
    "tutorial_write_read_parse": _tutorial,
    "parse_dataset_map": _parse_dataset,
    "parse_batched_map": _parse_batched,
    "parse_featherflow_bytes": lambda tf: _plain(tf.io.parse_single_example(
        _featherflow_example_bytes(), {
            "x": tf.io.FixedLenFeature([2], tf.float32),
            "n": tf.io.VarLenFeature(tf.int64),
            "s": tf.io.FixedLenSequenceFeature([], tf.string, allow_missing=True)})),
    "parse_shape_2d": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenFeature([2, 1], tf.float32)}, ("f", ("float", [1.0, 2.0]))),
    "parse_scalar_from_list": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenFeature((), tf.int64)}, ("f", ("int64", [9]))),
    "parse_default_used": lambda tf: _parse_one(
        tf, {"m": tf.io.FixedLenFeature([], tf.string, default_value="none"),
             "k": tf.io.FixedLenFeature([2], tf.float32, default_value=[0.5, 1.5])},
        ("f", ("float", [1.0]))),
    "parse_empty_feature_default": lambda tf: _parse_one(
        tf, {"e": tf.io.FixedLenFeature([], tf.int64, default_value=4)}, ("e", ("none", None))),
    "parse_empty_feature_required": lambda tf: _parse_one(
        tf, {"e": tf.io.FixedLenFeature([], tf.int64)}, ("e", ("none", None))),
    "parse_empty_feature_sequence": lambda tf: _parse_one(
        tf, {"e": tf.io.FixedLenSequenceFeature([], tf.float32, allow_missing=True)},
        ("e", ("none", None))),
    "parse_empty_list_default": lambda tf: _parse_one(
        tf, {"e": tf.io.FixedLenFeature([], tf.int64, default_value=4)}, ("e", ("int64", []))),
    "parse_empty_list_wrong_type": lambda tf: _parse_one(
        tf, {"e": tf.io.VarLenFeature(tf.float32)}, ("e", ("int64", []))),
    "parse_empty_list_batch": lambda tf: tf.io.parse_example(
        [_example(tf, e=("int64", [])).SerializeToString()],
        {"e": tf.io.FixedLenFeature([], tf.int64, default_value=4)}),
    "parse_empty_feature_varlen": lambda tf: _parse_one(
        tf, {"e": tf.io.VarLenFeature(tf.float32)}, ("e", ("none", None))),
    "parse_varlen_missing": lambda tf: _parse_one(
        tf, {"v": tf.io.VarLenFeature(tf.int64)}, ("f", ("float", [1.0]))),
    "parse_sequence_feature_rows": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
             "g": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True)},
        ("f", ("float", [1.0, 2.0, 3.0, 4.0]))),
    "parse_batch_padding": lambda tf: _plain(tf.io.parse_example(
        [_example(tf, f=("float", [1.0, 2.0])).SerializeToString(),
         _example(tf, f=("float", [3.0, 4.0, 5.0, 6.0]), v=("int64", [1, 2, 3]))
         .SerializeToString(), _example(tf).SerializeToString()],
        {"f": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True,
                                            default_value=-1.0),
         "v": tf.io.VarLenFeature(tf.int64),
         "d": tf.io.FixedLenFeature([], tf.string, default_value="")})),
    "parse_example_scalar": lambda tf: _plain(tf.io.parse_example(
        _example(tf, v=("int64", [5, 6])).SerializeToString(),
        {"v": tf.io.VarLenFeature(tf.int64)})),
    "parse_sequence_example": _parse_sequence,
    "parse_sequence_example_batch": _parse_sequence_batch,
    "parse_sequence_example_scalar": lambda tf: _parse_sequence_batch(tf, scalar=True),
    "parse_sequence_example_missing_list": lambda tf: _parse_sequence_batch(
        tf, words=tf.io.FixedLenSequenceFeature([1], tf.int64)),
    "parse_sequence_example_step_size": lambda tf: _parse_sequence_batch(
        tf, words=tf.io.FixedLenSequenceFeature([1], tf.int64, allow_missing=True)),
    "parse_sequence_example_default": lambda tf: _parse_sequence_batch(
        tf, frames=tf.io.FixedLenSequenceFeature([2], tf.float32, default_value=-1.0)),
    "parse_single_sequence_wrong_type": lambda tf: tf.io.parse_single_sequence_example(
        _sequence_records(tf)[1],
        sequence_features={"frames": tf.io.FixedLenSequenceFeature([2], tf.int64)}),
    # -- parsing errors
    "parse_missing_required": lambda tf: _parse_one(
        tf, {"x": tf.io.FixedLenFeature([2], tf.int64)}, ("f", ("float", [1.0]))),
    "parse_wrong_type": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenFeature([2], tf.int64)}, *_DESC_F2.items()),
    "parse_wrong_size": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenFeature([3], tf.float32)}, *_DESC_F2.items()),
    "parse_wrong_type_varlen": lambda tf: _parse_one(
        tf, {"f": tf.io.VarLenFeature(tf.string)}, *_DESC_F2.items()),
    "parse_batch_wrong_size": lambda tf: tf.io.parse_example(
        [_example(tf, f=("float", [1.0])).SerializeToString(),
         _example(tf, f=("float", [1.0, 2.0])).SerializeToString()],
        {"f": tf.io.FixedLenFeature([1], tf.float32)}),
    "parse_single_vector_input": lambda tf: tf.io.parse_single_example(
        [_example(tf).SerializeToString()] * 2, {"f": tf.io.VarLenFeature(tf.float32)}),
    "parse_matrix_input": lambda tf: tf.io.parse_example(
        tf.constant([[_example(tf).SerializeToString()]]),
        {"f": tf.io.VarLenFeature(tf.float32)}),
    "parse_sequence_not_missing": lambda tf: tf.io.parse_single_example(
        _example(tf).SerializeToString(),
        {"f": tf.io.FixedLenSequenceFeature([], tf.float32)}),
    "parse_no_shape": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenFeature(None, tf.float32)}, *_DESC_F2.items()),
    "parse_unknown_dim": lambda tf: _parse_one(
        tf, {"f": tf.io.FixedLenFeature([None], tf.float32)}, *_DESC_F2.items()),
    "parse_empty_features": lambda tf: _parse_one(tf, {}, *_DESC_F2.items()),
    "parse_garbage_in_dataset": lambda tf: [
        _plain(parsed) for parsed in tf.data.TFRecordDataset(_fixture("plain.tfrecord"))
        .skip(1).take(1).map(lambda r: tf.io.parse_single_example(
            r, {"f": tf.io.VarLenFeature(tf.float32)}))],
    "parse_default_wrong_size": lambda tf: _parse_one(
        tf, {"x": tf.io.FixedLenFeature([2], tf.float32, default_value=[1.0])},
        *_DESC_F2.items()),
    "parse_values_dtypes": lambda tf: [
        str(np.dtype(getattr(v, "dtype", None).as_numpy_dtype if hasattr(
            getattr(v, "dtype", None), "as_numpy_dtype") else v.dtype))
        for v in tf.io.parse_single_example(
            _examples(tf)[0].SerializeToString(deterministic=True),
            {"image": tf.io.FixedLenFeature([], tf.string),
             "label": tf.io.FixedLenFeature([], tf.int64),
             "weights": tf.io.FixedLenFeature([3], tf.float32)}).values()],
}
