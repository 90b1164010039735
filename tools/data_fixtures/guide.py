"""The tf.data guide's and the CSV / text / TFRecord tutorials' snippets as scenarios
(examples/data_pipelines.py and examples/data_files.py type them in; these record the
numbers real TensorFlow prints for the same code, with seeds where the guide shuffles)."""

import gzip
import os
import types

import numpy as np

TITANIC_HEADER = "survived,sex,age,n_siblings_spouses,parch,fare,class,deck,embark_town,alone"


def _values(ds):
    return list(ds.as_numpy_iterator())


def setup(tf, workdir):
    rng = np.random.default_rng(0)
    with open("train.csv", "w") as handle:
        handle.write(TITANIC_HEADER + "\n")
        for _ in range(627):
            handle.write(
                f"{rng.integers(0, 2)},{rng.choice(['male', 'female'])},"
                f"{rng.integers(1, 80)}.0,{rng.integers(0, 4)},{rng.integers(0, 3)},"
                f"{rng.uniform(5, 100):.4f},{rng.choice(['First', 'Second', 'Third'])},"
                f"unknown,{rng.choice(['Southampton', 'Cherbourg'])},{rng.choice(['y', 'n'])}\n")
    with open("missing.csv", "w") as handle:
        handle.write("1,2,3,4\n,2,3,4\n1,,3,4\n1,2,,4\n1,2,3,\n,,,\n")
    with gzip.open("traffic.csv.gz", "wt") as handle:
        handle.write("holiday,temp,clouds_all,weather_main,date_time,traffic_volume\n")
        for hour in range(30):
            handle.write(f"None,{rng.uniform(260, 300):.2f},{rng.integers(0, 100)},Clouds,"
                         f"2012-10-02 {hour % 24:02d}:00:00,{rng.integers(100, 6000)}\n")
    os.makedirs("fonts", exist_ok=True)
    for font in ("AGENCY", "ARIAL", "BAITI", "CENTAUR"):
        with open(os.path.join("fonts", f"{font}.csv"), "w") as handle:
            handle.write("font,fontVariant,m_label,strength,r0c0,r0c1,r0c2,r0c3\n")
            for row in range(5):
                pixels = ",".join(str(v) for v in rng.integers(0, 256, 4))
                handle.write(f"{font},{font},{64 + row},0.4,{pixels}\n")
    for name in ("cowper", "derby", "butler"):
        with open(f"{name}.txt", "w") as handle:
            handle.write("".join(f"{name} verse {i}\n" for i in range(6)))
    with open("notes.txt", "w") as handle:
        handle.write("# a header comment\nfirst line\n# another comment\nsecond line\n")
    feature1 = rng.integers(0, 5, 40)
    strings = np.array([b"cat", b"dog", b"chicken", b"horse", b"goat"])
    with tf.io.TFRecordWriter("test.tfrecord") as writer:
        for i in range(40):
            writer.write(_serialize(tf, int(feature1[i] % 2), int(feature1[i]),
                                    strings[feature1[i]], float(i) / 8))
    for k in range(4):
        with tf.io.TFRecordWriter(f"shard-{k}.tfrecord") as writer:
            for j in range(3):
                writer.write(_serialize(tf, j % 2, k, b"shard", float(j)))


def _serialize(tf, feature0, feature1, feature2, feature3):
    feature = {
        "feature0": tf.train.Feature(int64_list=tf.train.Int64List(value=[feature0])),
        "feature1": tf.train.Feature(int64_list=tf.train.Int64List(value=[feature1])),
        "feature2": tf.train.Feature(bytes_list=tf.train.BytesList(value=[feature2])),
        "feature3": tf.train.Feature(float_list=tf.train.FloatList(value=[feature3])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


# -- basic mechanics and structure ---------------------------------------------------------
def basic_mechanics(tf):
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    return [[elem.numpy() for elem in dataset], next(iter(dataset)).numpy(),
            dataset.reduce(0, lambda state, value: state + value).numpy(), dataset.element_spec]


def structure_specs(tf):
    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random.uniform([4]), tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    ints = tf.data.Dataset.from_tensor_slices(
        tf.random.uniform([4, 10], minval=1, maxval=10, dtype=tf.int32))
    dataset4 = tf.data.Dataset.from_tensor_slices(
        {"a": tf.random.uniform([4]), "b": tf.random.uniform([4, 3], maxval=5, dtype=tf.int64)})
    shapes = [(a.shape.as_list(), b.shape.as_list(), c.shape.as_list())
              for a, (b, c) in dataset3]
    return [dataset1.element_spec, dataset2.element_spec, dataset3.element_spec,
            ints.element_spec, dataset4.element_spec, shapes]


def sparse_spec(tf):
    dataset4 = tf.data.Dataset.from_tensors(
        tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4]))
    return [dataset4.element_spec, dataset4.element_spec.value_type.__name__]


def numpy_arrays(tf):
    images = np.arange(4 * 28 * 28, dtype=np.uint8).reshape(4, 28, 28)
    labels = np.arange(4, dtype=np.uint8)
    dataset = tf.data.Dataset.from_tensor_slices((images / 255, labels))
    return [dataset.element_spec, int(dataset.cardinality())]


def _count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1


def generator_count(tf):
    ds_counter = tf.data.Dataset.from_generator(_count, args=[25], output_types=tf.int32,
                                                output_shapes=())
    return [ds_counter.element_spec, int(ds_counter.cardinality()),
            _values(ds_counter.repeat().batch(10).take(10))]


def _gen_series():
    rng = np.random.RandomState(0)
    i = 0
    while True:
        size = rng.randint(0, 10)
        yield i, rng.normal(size=(size,))
        i += 1


def generator_series(tf):
    ds_series = tf.data.Dataset.from_generator(
        _gen_series, output_signature=(tf.TensorSpec(shape=(), dtype=tf.int32),
                                       tf.TensorSpec(shape=(None,), dtype=tf.float32)))
    ds_series_batch = ds_series.shuffle(20, seed=3).padded_batch(10)
    ids, sequence_batch = next(iter(ds_series_batch))
    return [ds_series.element_spec, ds_series_batch.element_spec, ids, sequence_batch]


# -- batching ------------------------------------------------------------------------------
def batching(tf):
    inc_dataset = tf.data.Dataset.range(100)
    dec_dataset = tf.data.Dataset.range(0, -100, -1)
    dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
    batched_dataset = dataset.batch(4)
    return [_values(batched_dataset.take(4)), batched_dataset.element_spec,
            dataset.batch(7, drop_remainder=True).element_spec,
            int(dataset.batch(7, drop_remainder=True).cardinality())]


def padded_fill(tf):
    dataset = tf.data.Dataset.range(100)
    dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    dataset = dataset.padded_batch(4, padded_shapes=(None,))
    return [_values(dataset.take(2)), dataset.element_spec]


def repeat_batch_sizes(tf):
    titanic_lines = tf.data.TextLineDataset("train.csv")
    return [[int(b.shape[0]) for b in titanic_lines.repeat(3).batch(128)],
            [int(b.shape[0]) for b in titanic_lines.batch(128).repeat(3)]]


# -- shuffling -----------------------------------------------------------------------------
def shuffle_counter(tf):
    lines = tf.data.TextLineDataset("train.csv")
    counter = tf.data.experimental.Counter()
    dataset = tf.data.Dataset.zip((counter, lines))
    first, _ = next(iter(dataset.shuffle(buffer_size=100, seed=4).batch(20)))
    return first


def _shuffle_orders(dataset):
    shuffled = dataset.shuffle(buffer_size=100, seed=4).batch(10).repeat(2)
    near_boundary = [n for n in shuffled.skip(60).take(5).as_numpy_iterator()]
    shuffle_repeat = [n.mean() for n in shuffled.as_numpy_iterator()]
    shuffled = dataset.repeat(2).shuffle(buffer_size=100, seed=4).batch(10)
    blended = [n for n in shuffled.skip(55).take(15).as_numpy_iterator()]
    repeat_shuffle = [n.mean() for n in shuffled.as_numpy_iterator()]
    return [near_boundary, shuffle_repeat, blended, repeat_shuffle]


def shuffle_then_repeat(tf):
    # The guide's ids come from a Counter zipped with the Titanic lines; range(628) is the
    # same ids.
    return _shuffle_orders(tf.data.Dataset.range(628))


def shuffle_global_seed(tf):
    tf.random.set_seed(42)
    dataset = tf.data.Dataset.range(30).shuffle(10).batch(5)
    return [_values(dataset), _values(dataset)]


# -- time series ---------------------------------------------------------------------------
def _dense_1_step(batch):
    return batch[:-1], batch[1:]


def time_series_batches(tf):
    range_ds = tf.data.Dataset.range(100000)
    batches = range_ds.batch(10, drop_remainder=True)
    five = range_ds.batch(15, drop_remainder=True).map(lambda b: (b[:-5], b[-5:]))
    features = range_ds.batch(10, drop_remainder=True)
    labels = range_ds.batch(10).skip(1).map(lambda labels: labels[:3])
    return [_values(batches.take(5)), _values(batches.map(_dense_1_step).take(3)),
            _values(five.take(3)), _values(tf.data.Dataset.zip((features, labels)).take(5)),
            int(batches.cardinality()), batches.map(_dense_1_step).element_spec]


def window_flat_map(tf):
    range_ds = tf.data.Dataset.range(100000)
    windows = range_ds.window(5, shift=1)
    flat = _values(windows.flat_map(lambda x: x).take(30))
    batched = _values(windows.flat_map(lambda sub: sub.batch(5, drop_remainder=True)).take(5))
    strided = range_ds.window(10, shift=5, stride=3).flat_map(
        lambda sub: sub.batch(10, drop_remainder=True))
    return [flat, batched, _values(strided.take(10)),
            _values(strided.map(_dense_1_step).take(3)), strided.element_spec]


def window_split_spec(tf):
    # The forecasting set-up: windows batched, then split by slicing along time.
    series = np.zeros((100, 3), np.float32)
    ds = tf.data.Dataset.from_tensor_slices(series).window(25, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(25)).batch(32)
    split = ds.map(lambda w: (w[:, :24, :], w[:, -1:, 1:2]))
    return [ds.element_spec, split.element_spec,
            tf.data.Dataset.range(10).batch(3).map(lambda x: x[:2]).element_spec]


def window_sub_datasets(tf):
    windows = tf.data.Dataset.range(10).window(3, shift=2)
    return [list(sub.as_numpy_iterator()) for sub in windows.take(3)]


def window_end(tf):
    return [_values(tf.data.Dataset.range(7).window(3, shift=2).flat_map(
        lambda sub: sub.batch(3))),
        _values(tf.data.Dataset.range(7).window(3, shift=2, drop_remainder=True).flat_map(
            lambda sub: sub.batch(3)))]


# -- resampling ----------------------------------------------------------------------------
def resampling_counts(tf):
    labels = np.array([0] * 45 + [1] * 5, np.int64)
    features = np.arange(50, dtype=np.float32)
    ds = tf.data.Dataset.from_tensor_slices((features, labels)).batch(8)

    def count(counts, batch):
        _, label = batch
        counts["class_0"] += tf.reduce_sum(tf.cast(label == 0, tf.int32))
        counts["class_1"] += tf.reduce_sum(tf.cast(label == 1, tf.int32))
        return counts

    counts = ds.take(5).reduce(initial_state={"class_0": 0, "class_1": 0}, reduce_func=count)
    negative_ds = ds.unbatch().filter(lambda f, label: label == 0).repeat()
    positive_ds = ds.unbatch().filter(lambda f, label: label == 1).repeat()
    balanced_ds = tf.data.Dataset.sample_from_datasets(
        [negative_ds, positive_ds], [0.5, 0.5], seed=7).batch(10)
    return [counts, _values(balanced_ds.take(4))]


def rejection_resample(tf):
    labels = np.array([0] * 45 + [1] * 5, np.int64)
    ds = tf.data.Dataset.from_tensor_slices((np.arange(50.0), labels))
    resampled = ds.rejection_resample(lambda f, label: label, target_dist=[0.5, 0.5],
                                      initial_dist=[0.9, 0.1], seed=3)
    return [resampled.element_spec, _values(resampled.take(6))]


# -- helpers -------------------------------------------------------------------------------
def splits_and_helpers(tf):
    dataset = tf.data.Dataset.range(10)
    cached = tf.data.TextLineDataset("train.csv").skip(1).cache().prefetch(tf.data.AUTOTUNE)
    return [_values(dataset.take(3)), _values(dataset.skip(3)),
            _values(tf.data.Dataset.from_tensor_slices(["a", "b", "c"]).enumerate(start=5)),
            _values(dataset.filter(lambda x: x % 2 == 0).map(lambda x: x * x)),
            [sum(1 for _ in cached) for _ in range(2)],
            [int(cached.cardinality()), int(dataset.cardinality()),
             int(dataset.repeat().cardinality()), int(dataset.filter(lambda x: True)
                                                     .cardinality())]]


def interleave_text_files(tf):
    files_ds = tf.data.Dataset.from_tensor_slices(["cowper.txt", "derby.txt", "butler.txt"])
    lines_ds = files_ds.interleave(tf.data.TextLineDataset, cycle_length=3)
    blocks = files_ds.interleave(tf.data.TextLineDataset, cycle_length=2, block_length=2,
                                 num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return [_values(lines_ds.take(9)), _values(blocks), lines_ds.element_spec]


def labeled_concat(tf):
    sets = []
    for i, name in enumerate(["cowper.txt", "derby.txt", "butler.txt"]):
        sets.append(tf.data.TextLineDataset(name).map(
            lambda ex, i=i: (ex, tf.cast(i, tf.int64))))
    all_labeled_data = sets[0].concatenate(sets[1]).concatenate(sets[2])
    all_labeled_data = all_labeled_data.shuffle(50, reshuffle_each_iteration=False, seed=1)
    return [_values(all_labeled_data.take(5)), _values(all_labeled_data.take(4)),
            _values(all_labeled_data.skip(4).take(3)), all_labeled_data.element_spec]


def performance_patterns(tf):
    def generator(num_samples):
        for sample_idx in range(num_samples):
            yield (sample_idx,)

    def artificial(num_samples=3):
        return tf.data.Dataset.from_generator(
            generator, output_signature=tf.TensorSpec(shape=(1,), dtype=tf.int64),
            args=(num_samples,))

    fast = tf.data.Dataset.range(20)
    options = tf.data.Options()
    options.deterministic = False
    return [_values(artificial().prefetch(tf.data.AUTOTUNE)),
            _values(tf.data.Dataset.range(2).interleave(
                lambda _: artificial(), num_parallel_calls=tf.data.AUTOTUNE,
                deterministic=True)),
            _values(artificial().map(lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)),
            _values(fast.batch(8).map(lambda x: x + 1)),
            fast.batch(8).map(lambda x: x + 1).element_spec,
            fast.with_options(options).options().deterministic]


# -- CSV -----------------------------------------------------------------------------------
def make_csv_batches(tf):
    ds = tf.data.experimental.make_csv_dataset("train.csv", batch_size=4, label_name="survived",
                                               shuffle=False)
    selected = tf.data.experimental.make_csv_dataset(
        "train.csv", batch_size=4, label_name="survived", shuffle=False,
        select_columns=["class", "fare", "survived"])
    return [next(iter(ds)), ds.element_spec, next(iter(selected)), selected.element_spec]


def csv_dataset_types(tf):
    titanic_types = [tf.int32, tf.string, tf.float32, tf.int32, tf.int32, tf.float32,
                     tf.string, tf.string, tf.string, tf.string]
    dataset = tf.data.experimental.CsvDataset("train.csv", titanic_types, header=True)
    return [_values(dataset.take(3)), dataset.element_spec]


def csv_missing(tf):
    dataset = tf.data.experimental.CsvDataset("missing.csv", [999, 999, 999, 999])
    dataset = dataset.map(lambda *items: tf.stack(items))
    selected = tf.data.experimental.CsvDataset("missing.csv", [999, 999], select_cols=[1, 3])
    selected = selected.map(lambda *items: tf.stack(items))
    return [_values(dataset), dataset.element_spec, _values(selected)]


def decode_csv_lines(tf):
    with open("train.csv") as handle:
        lines = handle.read().split("\n")[1:-1]
    as_strings = tf.io.decode_csv(lines, record_defaults=[""] * 10)
    titanic_types = [0, "", 0.0, 0, 0, 0.0, "", "", "", ""]
    typed = tf.io.decode_csv(lines, record_defaults=titanic_types)
    manual = tf.data.TextLineDataset("train.csv").skip(1).map(
        lambda line: tf.io.decode_csv(line, titanic_types))
    return [[f.shape.as_list() for f in as_strings], [f[:3] for f in typed],
            _values(manual.take(2)), manual.element_spec]


def filter_then_map_spec(tf):
    # The spec comes from an element the filter keeps, never from one it drops.
    ds = tf.data.Dataset.from_tensor_slices(["#c", "1", "2"]).filter(lambda s: s != "#c")
    return ds.map(lambda s: tf.io.decode_csv(s, [0])).element_spec


def printed_shapes(tf):
    # The guide prints "shapes: {a.shape}, ..." and the tutorials f"{inputs.shape}".
    dataset = tf.data.Dataset.from_tensor_slices((tf.zeros([2, 10]), tf.zeros([2])))
    a, b = next(iter(dataset))
    return [f"shapes: {a.shape}, {b.shape}", str(a.shape), repr(a.shape)]


def formatted_tensors(tf):
    # The CSV tutorial prints batches with "{}".format(label_batch) and f"{key!r:20s}: {value}".
    labels = next(iter(tf.data.Dataset.from_tensor_slices([0, 1, 1]).batch(3)))
    words = next(iter(tf.data.Dataset.from_tensor_slices(["male", "female"]).batch(2)))
    scalar = next(iter(tf.data.Dataset.from_tensor_slices([8])))
    return ["'survived': {}".format(labels), f"{'sex'!r:20s}: {words}", f"{scalar}"]  # noqa: UP032 - the tutorial's .format


def scalar_numpy_types(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2], [0.5, 1.5], ["a", "b"]))
    first = next(iter(ds))
    return [type(value.numpy()).__name__ for value in first]


def dtype_names(tf):
    # The CSV tutorial prints f"type: {f.dtype.name}, shape: {f.shape}" for decoded columns.
    columns = tf.io.decode_csv(["1,a,2.5"], record_defaults=[0, "", 0.0])
    return [f"type: {f.dtype.name}, shape: {f.shape}" for f in columns]


def csv_options(tf):
    titanic = tf.data.experimental.make_csv_dataset(
        "train.csv", batch_size=5, label_name="survived", num_epochs=1, ignore_errors=True,
        shuffle=False)
    traffic = tf.data.experimental.make_csv_dataset(
        "traffic.csv.gz", batch_size=16, label_name="traffic_volume", num_epochs=1,
        compression_type="GZIP", shuffle=False)
    return [int(titanic.cardinality()), sum(1 for _ in titanic), _values(traffic),
            traffic.element_spec]


def csv_file_pattern(tf):
    fonts = tf.data.experimental.make_csv_dataset(
        file_pattern="fonts/*.csv", batch_size=10, num_epochs=1, num_parallel_reads=20,
        shuffle=False)
    return [_values(fonts), fonts.element_spec]


def csv_font_interleave(tf):
    font_files = tf.data.Dataset.list_files("fonts/*.csv", shuffle=False)
    rows = font_files.interleave(lambda path: tf.data.experimental.CsvDataset(
        path, record_defaults=["", ""] + [0.0] * 6, header=True), cycle_length=3)
    return [_values(font_files), _values(rows.take(10))]


# -- text ----------------------------------------------------------------------------------
def text_survived(tf):
    titanic_lines = tf.data.TextLineDataset("train.csv")
    survivors = titanic_lines.skip(1).filter(
        lambda line: tf.not_equal(tf.strings.substr(line, 0, 1), "0"))
    return _values(survivors.take(5))


def text_comments(tf):
    lines = tf.data.TextLineDataset("notes.txt")
    return _values(lines.filter(
        lambda line: tf.logical_not(tf.strings.regex_full_match(line, "#.*"))))


def text_lines_header(tf):
    return [_values(tf.data.TextLineDataset("train.csv").take(2)),
            int(tf.data.TextLineDataset("train.csv").cardinality()),
            sum(1 for _ in tf.data.TextLineDataset("train.csv").skip(1))]


# -- TFRecord ------------------------------------------------------------------------------
def int64_feature_bool(tf):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[True])).SerializeToString()


def feature_bytes(tf):
    return [tf.train.Feature(float_list=tf.train.FloatList(value=[np.exp(1)]))
            .SerializeToString(),
            tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"test_string"]))
            .SerializeToString(),
            tf.train.Feature(int64_list=tf.train.Int64List(value=[1])).SerializeToString()]


_DESCRIPTION = {
    "feature0": ("int64", 0),
    "feature1": ("int64", 0),
    "feature2": ("string", ""),
    "feature3": ("float32", 0.0),
}


def _description(tf):
    return {key: tf.io.FixedLenFeature([], getattr(tf, dtype), default_value=default)
            for key, (dtype, default) in _DESCRIPTION.items()}


def tfrecord_parse(tf):
    raw_dataset = tf.data.TFRecordDataset(["test.tfrecord"])
    description = _description(tf)
    parsed = raw_dataset.map(lambda proto: tf.io.parse_single_example(proto, description))
    return [raw_dataset.element_spec, parsed.element_spec, _values(parsed.take(6)),
            sum(1 for _ in raw_dataset)]


def tfrecord_parse_python(tf):
    raw = next(iter(tf.data.TFRecordDataset(["test.tfrecord"])))
    example = tf.train.Example()
    example.ParseFromString(raw.numpy())
    result = {}
    for key, feature in example.features.feature.items():
        kind = feature.WhichOneof("kind")
        result[key] = [kind, list(getattr(feature, kind).value)]
    return result


def tfrecord_generator_write(tf):
    features = tf.data.Dataset.from_tensor_slices(
        (np.array([0, 1, 1]), np.array([4, 0, 2]), np.array([b"goat", b"cat", b"chicken"]),
         np.array([0.5, -1.25, 2.0])))

    def generator():
        for f0, f1, f2, f3 in features:
            yield _serialize(tf, f0.numpy(), f1.numpy(), f2.numpy(), f3.numpy())

    serialized = tf.data.Dataset.from_generator(generator, output_types=tf.string,
                                                output_shapes=())
    writer = tf.data.experimental.TFRecordWriter("generated.tfrecord")
    writer.write(serialized)
    parsed = tf.data.TFRecordDataset("generated.tfrecord").map(
        lambda proto: tf.io.parse_single_example(proto, _description(tf)))
    return [features.element_spec, serialized.element_spec, _values(parsed)]


def tfrecord_py_function(tf):
    # Values with no zero byte at the end of a record: protobuf's map order varies by process
    # and a trailing NUL is lost (see strings_keep_trailing_nul).
    features = tf.data.Dataset.from_tensor_slices((np.array([1, 1]), np.array([4, 2]),
                                                   np.array([b"goat", b"cat"]),
                                                   np.array([0.5, -1.25])))

    def serialize(f0, f1, f2, f3):
        return _serialize(tf, f0.numpy(), f1.numpy(), f2.numpy(), f3.numpy())

    def tf_serialize_example(f0, f1, f2, f3):
        tf_string = tf.py_function(serialize, (f0, f1, f2, f3), tf.string)
        return tf.reshape(tf_string, ())

    serialized = features.map(tf_serialize_example)
    parsed = serialized.map(lambda proto: tf.io.parse_single_example(proto, _description(tf)))
    return [serialized.element_spec, _values(parsed)]


def py_function_no_outputs(tf):
    # The performance guide's mapped_function: a py_function run for its side effect only.
    def mapped_function(s):
        tf.py_function(lambda: None, [], ())
        return s

    return [_values(tf.data.Dataset.range(3).map(mapped_function)),
            tf.py_function(lambda: None, [], [])]


def parse_example_newaxis(tf):
    # The guide's tf_parse: one record made a batch of one with [tf.newaxis], parsed, and the
    # features taken back out with [0].
    description = {"feature2": tf.io.FixedLenFeature(shape=(), dtype=tf.string),
                   "feature1": tf.io.FixedLenFeature(shape=(), dtype=tf.int64)}

    def tf_parse(eg):
        example = tf.io.parse_example(eg[tf.newaxis], description)
        return example["feature2"][0], example["feature1"][0]

    decoded = tf.data.TFRecordDataset(["test.tfrecord"]).map(tf_parse)
    return [decoded.element_spec, _values(decoded.batch(10).take(1))]


def string_tensor_indexing(tf):
    words = tf.constant(["ab", "c\x00"])
    return [words[0].dtype == tf.string, words[1].numpy(), words[:1].dtype == tf.string]


def strings_keep_trailing_nul(tf):
    # A serialized Example often ends in a zero byte (an int64 0, a float 0.0): bytes through
    # tf.constant, from_tensor_slices and a map's output keep every byte.
    record = b"\n\x0b\n\t\n\x01a\x12\x04\x1a\x02\n\x00"
    mapped = tf.data.Dataset.range(1).map(lambda _: tf.constant(record))
    return [tf.constant(record).numpy(), tf.constant([record, b"\x00"]).numpy(),
            _values(tf.data.Dataset.from_tensor_slices([record, b"x\x00"])), _values(mapped)]


def list_files_tfrecords(tf):
    files = tf.data.Dataset.list_files("shard-*.tfrecord", shuffle=False)
    seeded = tf.data.Dataset.list_files("shard-*.tfrecord", seed=42)
    records = files.interleave(tf.data.TFRecordDataset, cycle_length=2,
                               num_parallel_calls=tf.data.AUTOTUNE)
    description = {"feature1": tf.io.FixedLenFeature([], tf.int64),
                   "feature3": tf.io.FixedLenFeature([], tf.float32)}
    batch = next(iter(records.batch(12).map(
        lambda serialized: tf.io.parse_example(serialized, description))))
    return [_values(files), _values(seeded), _values(seeded), batch,
            int(files.cardinality())]


SCENARIOS = {name: fn for name, fn in list(globals().items())
             if isinstance(fn, types.FunctionType) and fn.__module__ == __name__
             and not name.startswith("_") and name != "setup"}
