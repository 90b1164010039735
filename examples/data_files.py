"""Reading files with tf.data: the "Load CSV data", "Load text" and "TFRecord and
tf.train.Example" tutorials and the file sections of the tf.data guide, typed in as their
reader would.

The tutorials download the Titanic CSV, a gzipped traffic CSV, a folder of font CSVs and
three translations of the Iliad; here files of the same layout are written into a temporary
directory, so the example needs no network:

    python examples/data_files.py

Each section returns what it printed for tests/examples/test_data_examples.py; real TF 2.21's
answers for the same snippets are recorded in tests/fixtures/tf/data/guide.json.
"""

import gzip
import os
import tempfile

import numpy as np

import featherflow as tf

TITANIC_HEADER = "survived,sex,age,n_siblings_spouses,parch,fare,class,deck,embark_town,alone"
TITANIC_ROWS = [
    "0,male,22.0,1,0,7.25,Third,unknown,Southampton,n",
    "1,female,38.0,1,0,71.2833,First,C,Cherbourg,n",
    "1,female,26.0,0,0,7.925,Third,unknown,Southampton,y",
    "1,female,35.0,1,0,53.1,First,C,Southampton,n",
    "0,male,28.0,0,0,8.4583,Third,unknown,Queenstown,y",
    "0,male,2.0,3,1,21.075,Third,unknown,Southampton,n",
    "1,female,27.0,0,2,11.1333,Third,unknown,Southampton,n",
    "1,female,14.0,1,0,30.0708,Second,unknown,Cherbourg,n",
]


def write_files(directory):
    """The tutorials' files, small: Titanic, missing.csv, a gzipped CSV, fonts/, the Iliad."""
    paths = {"dir": directory}
    paths["titanic"] = os.path.join(directory, "train.csv")
    with open(paths["titanic"], "w") as handle:
        handle.write(TITANIC_HEADER + "\n" + "\n".join(TITANIC_ROWS * 3) + "\n")
    paths["missing"] = os.path.join(directory, "missing.csv")
    with open(paths["missing"], "w") as handle:
        handle.write("1,2,3,4\n,2,3,4\n1,,3,4\n1,2,,4\n1,2,3,\n,,,\n")
    paths["traffic"] = os.path.join(directory, "Metro_Interstate_Traffic_Volume.csv.gz")
    rng = np.random.default_rng(0)
    with gzip.open(paths["traffic"], "wt") as handle:
        handle.write("holiday,temp,rain_1h,snow_1h,clouds_all,weather_main,"
                     "weather_description,date_time,traffic_volume\n")
        for hour in range(48):
            handle.write(f"None,{rng.uniform(260, 300):.2f},0.0,0.0,{rng.integers(0, 100)},"
                         f"Clouds,scattered clouds,2012-10-02 {hour % 24:02d}:00:00,"
                         f"{rng.integers(100, 6000)}\n")
    os.makedirs(os.path.join(directory, "fonts"), exist_ok=True)
    for font in ("AGENCY", "ARIAL", "BAITI", "CENTAUR"):
        with open(os.path.join(directory, "fonts", f"{font}.csv"), "w") as handle:
            handle.write("font,fontVariant,m_label,strength,italic,orientation,m_top,m_left,"
                         "originalH,originalW,h,w," + ",".join(
                             f"r{r}c{c}" for r in range(4) for c in range(4)) + "\n")
            for row in range(5):
                pixels = ",".join(str(v) for v in rng.integers(0, 256, 16))
                handle.write(f"{font},{font},{64 + row},0.4,0,0.0,35,21,51,22,20,20,"
                             f"{pixels}\n")
    paths["iliad"] = []
    for name in ("cowper.txt", "derby.txt", "butler.txt"):
        path = os.path.join(directory, name)
        with open(path, "w") as handle:
            handle.write("".join(f"{name[:-4]} verse {i} of the wrath of Achilles\n"
                                 for i in range(6)))
        paths["iliad"].append(path)
    paths["comments"] = os.path.join(directory, "notes.txt")
    with open(paths["comments"], "w") as handle:
        handle.write("# a header comment\nfirst line\n# another comment\nsecond line\n")
    return paths


def make_csv_dataset_batches(paths):
    titanic_batches = tf.data.experimental.make_csv_dataset(
        paths["titanic"], batch_size=4, label_name="survived")
    for feature_batch, label_batch in titanic_batches.take(1):
        print(f"'survived': {label_batch}")
        print("features:")
        for key, value in feature_batch.items():
            print(f"  {key!r:20s}: {value}")
    keys = sorted(feature_batch)

    titanic_batches = tf.data.experimental.make_csv_dataset(
        paths["titanic"], batch_size=4, label_name="survived",
        select_columns=["class", "fare", "survived"])
    for feature_batch, label_batch in titanic_batches.take(1):
        print(f"'survived': {label_batch}")
        for key, value in feature_batch.items():
            print(f"  {key!r:20s}: {value}")
    return {"keys": keys, "selected": sorted(feature_batch),
            "label_shape": tuple(label_batch.shape),
            "fare_dtype": feature_batch["fare"].dtype.name}


def csv_dataset(paths):
    titanic_types = [tf.int32, tf.string, tf.float32, tf.int32, tf.int32, tf.float32,
                     tf.string, tf.string, tf.string, tf.string]
    dataset = tf.data.experimental.CsvDataset(paths["titanic"], titanic_types, header=True)
    for line in dataset.take(10):
        print([item.numpy() for item in line])
    first = [item.numpy() for item in next(iter(dataset))]

    record_defaults = [999, 999, 999, 999]
    dataset = tf.data.experimental.CsvDataset(paths["missing"], record_defaults)
    dataset = dataset.map(lambda *items: tf.stack(items))
    print(dataset)
    filled = []
    for line in dataset:
        print(line.numpy())
        filled.append(line.numpy().tolist())

    record_defaults = [999, 999]  # only provide defaults for the selected columns
    dataset = tf.data.experimental.CsvDataset(paths["missing"], record_defaults,
                                              select_cols=[1, 3])
    dataset = dataset.map(lambda *items: tf.stack(items))
    selected = []
    for line in dataset:
        print(line.numpy())
        selected.append(line.numpy().tolist())
    return {"first": first, "filled": filled, "selected": selected}


def csv_low_level(paths):
    titanic_file_ds = tf.data.TextLineDataset(paths["titanic"])
    for line in titanic_file_ds.take(5):
        print(line)

    with open(paths["titanic"]) as handle:
        text = handle.read()
    lines = text.split("\n")[1:-1]
    all_strings = [""] * 10
    features = tf.io.decode_csv(lines, record_defaults=all_strings)
    for f in features:
        print(f"type: {f.dtype.name}, shape: {f.shape}")

    titanic_types = [0, "", 0.0, 0, 0, 0.0, "", "", "", ""]
    features = tf.io.decode_csv(lines, record_defaults=titanic_types)
    for f in features:
        print(f"type: {f.dtype.name}, shape: {f.shape}")
    types = [f.dtype.name for f in features]

    simple_titanic = tf.data.experimental.CsvDataset(paths["titanic"],
                                                     record_defaults=titanic_types, header=True)
    for example in simple_titanic.take(1):
        print([e.numpy() for e in example])

    def decode_titanic_line(line):
        return tf.io.decode_csv(line, titanic_types)

    manual_titanic = tf.data.TextLineDataset(paths["titanic"]).skip(1).map(decode_titanic_line)
    for example in manual_titanic.take(1):
        print([e.numpy() for e in example])
    same = all(all(np.array_equal(a, b) for a, b in zip(x, y)) for x, y in zip(
        simple_titanic.as_numpy_iterator(), manual_titanic.as_numpy_iterator()))
    print("CsvDataset and decode_csv agree:", same)
    return {"types": types, "same": same,
            "rows": sum(1 for _ in manual_titanic)}


def csv_options(paths):
    titanic_csv_ds = tf.data.experimental.make_csv_dataset(
        paths["titanic"], batch_size=5, label_name="survived", num_epochs=1,
        ignore_errors=True)
    batches = 0
    for batch, label in titanic_csv_ds.take(1):
        for key, value in batch.items():
            print(f"{key:20s}: {value}")
        print()
        print(f"{'label':20s}: {label}")
    batches = sum(1 for _ in titanic_csv_ds)

    traffic_volume_csv_gz_ds = tf.data.experimental.make_csv_dataset(
        paths["traffic"], batch_size=16, label_name="traffic_volume", num_epochs=1,
        compression_type="GZIP")
    for batch, label in traffic_volume_csv_gz_ds.take(1):
        for key, value in batch.items():
            print(f"{key:20s}: {value[:5]}")
        print()
        print(f"{'label':20s}: {label[:5]}")
    cached = traffic_volume_csv_gz_ds.cache().shuffle(1000)
    passes = [sum(int(label.shape[0]) for _, label in cached) for _ in range(2)]
    print(passes)

    fonts_ds = tf.data.experimental.make_csv_dataset(
        file_pattern=os.path.join(paths["dir"], "fonts", "*.csv"), batch_size=10, num_epochs=1,
        num_parallel_reads=20, shuffle_buffer_size=10000)
    for features in fonts_ds.take(1):
        for i, (name, value) in enumerate(features.items()):
            if i > 15:
                break
            print(f"{name:20s}: {value}")
    print("...")
    print(f"[total: {len(features)} features]")
    font_rows = sum(int(f["font"].shape[0]) for f in fonts_ds)
    return {"titanic_batches": batches, "passes": passes, "font_features": len(features),
            "font_rows": font_rows}


def csv_snapshot(paths):
    traffic_volume_csv_gz_ds = tf.data.experimental.make_csv_dataset(
        paths["traffic"], batch_size=16, label_name="traffic_volume", num_epochs=1,
        compression_type="GZIP")
    snapshotting = traffic_volume_csv_gz_ds.snapshot(
        os.path.join(paths["dir"], "traffic.tfsnap")).shuffle(1000)
    passes = [sum(int(label.shape[0]) for _, label in snapshotting) for _ in range(2)]
    print(passes)
    return passes


def csv_normalization(paths):
    # The tutorial's abalone part: numeric features read into one array, normalized by an
    # adapted layer, then a small regression model.
    with open(paths["titanic"]) as handle:
        rows = [line.split(",") for line in handle.read().splitlines()[1:]]
    features = np.array([[float(r[2]), float(r[3]), float(r[4]), float(r[5])] for r in rows],
                        dtype=np.float32)
    labels = np.array([float(r[0]) for r in rows], dtype=np.float32)
    normalize = tf.keras.layers.Normalization()
    normalize.adapt(features)
    norm_model = tf.keras.Sequential([normalize, tf.keras.layers.Dense(64, activation="relu"),
                                      tf.keras.layers.Dense(1)])
    norm_model.compile(loss=tf.keras.losses.MeanSquaredError(),
                       optimizer=tf.keras.optimizers.Adam())
    history = norm_model.fit(features, labels, epochs=2, verbose=0)
    print(history.history["loss"])
    return history.history["loss"]


def text_vectorization(paths):
    lines = tf.data.Dataset.from_tensor_slices(paths["iliad"]).interleave(
        tf.data.TextLineDataset, cycle_length=3)
    vectorize_layer = tf.keras.layers.TextVectorization(max_tokens=50, output_mode="int",
                                                        output_sequence_length=8)
    vectorize_layer.adapt(lines.batch(4))
    vectorized = lines.batch(4).map(vectorize_layer).prefetch(tf.data.AUTOTUNE)
    first = next(iter(vectorized))
    print(first.numpy())
    return tuple(first.shape)


def font_interleave(paths):
    font_files = tf.data.Dataset.list_files(os.path.join(paths["dir"], "fonts", "*.csv"),
                                            shuffle=False)
    print("Epoch 1:")
    for f in list(font_files)[:5]:
        print("    ", f.numpy())

    def make_font_csv_ds(path):
        return tf.data.experimental.CsvDataset(
            path, record_defaults=["", ""] + [0.0] * 26, header=True)

    font_rows = font_files.interleave(make_font_csv_ds, cycle_length=3)
    fonts_dict = {"font_name": [], "character": []}
    for row in font_rows.take(10):
        fonts_dict["font_name"].append(row[0].numpy().decode())
        fonts_dict["character"].append(chr(int(row[2].numpy())))
    print(fonts_dict)
    return fonts_dict


def text_lines(paths):
    dataset = tf.data.TextLineDataset(paths["iliad"][0])
    for line in dataset.take(5):
        print(line.numpy())

    files_ds = tf.data.Dataset.from_tensor_slices(paths["iliad"])
    lines_ds = files_ds.interleave(tf.data.TextLineDataset, cycle_length=3)
    interleaved = []
    for i, line in enumerate(lines_ds.take(9)):
        if i % 3 == 0:
            print()
        print(line.numpy())
        interleaved.append(line.numpy())

    def labeler(example, index):
        return example, tf.cast(index, tf.int64)

    labeled_data_sets = []
    for i, file_name in enumerate(paths["iliad"]):
        lines_dataset = tf.data.TextLineDataset(file_name)
        labeled_dataset = lines_dataset.map(lambda ex, i=i: labeler(ex, i))
        labeled_data_sets.append(labeled_dataset)
    all_labeled_data = labeled_data_sets[0]
    for labeled_dataset in labeled_data_sets[1:]:
        all_labeled_data = all_labeled_data.concatenate(labeled_dataset)
    all_labeled_data = all_labeled_data.shuffle(50, reshuffle_each_iteration=False, seed=1)
    for text, label in all_labeled_data.take(5):
        print("Sentence: ", text.numpy())
        print("Label:", label.numpy())
    validation_data = all_labeled_data.take(4)
    train_data = all_labeled_data.skip(4)
    labels = sorted(int(label) for _, label in all_labeled_data.as_numpy_iterator())
    split = sorted(int(label) for _, label in validation_data.concatenate(train_data)
                   .as_numpy_iterator())
    return {"interleaved": interleaved, "labels": labels, "split_labels": split}


def text_filter_survived(paths):
    titanic_lines = tf.data.TextLineDataset(paths["titanic"])
    for line in titanic_lines.take(10):
        print(line.numpy())

    def survived(line):
        return tf.not_equal(tf.strings.substr(line, 0, 1), "0")

    survivors = titanic_lines.skip(1).filter(survived)
    rows = []
    for line in survivors.take(10):
        print(line.numpy())
        rows.append(line.numpy())
    return rows


def text_filter_comments(paths):
    lines = tf.data.TextLineDataset(paths["comments"])
    kept = lines.filter(lambda line: tf.logical_not(tf.strings.regex_full_match(line, "#.*")))
    rows = list(kept.as_numpy_iterator())
    print(rows)
    return rows


def text_dataset_from_directory(paths):
    for label in ("python", "java"):
        folder = os.path.join(paths["dir"], "stack_overflow", "train", label)
        os.makedirs(folder, exist_ok=True)
        for i in range(4):
            with open(os.path.join(folder, f"{i}.txt"), "w") as handle:
                handle.write(f"how do I sort a list in {label} question {i}")
    raw_train_ds = tf.keras.utils.text_dataset_from_directory(
        os.path.join(paths["dir"], "stack_overflow", "train"), batch_size=4,
        validation_split=0.25, subset="training", seed=42)
    for text_batch, label_batch in raw_train_ds.take(1):
        for i in range(2):
            print("Question: ", text_batch.numpy()[i])
            print("Label:", label_batch.numpy()[i])
    return raw_train_ds.class_names


def _bytes_feature(value):
    """Returns a bytes_list from a string / byte."""
    if isinstance(value, type(tf.constant(0))):
        value = value.numpy()  # BytesList won't unpack a string from an EagerTensor.
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _float_feature(value):
    """Returns a float_list from a float / double."""
    return tf.train.Feature(float_list=tf.train.FloatList(value=[value]))


def _int64_feature(value):
    """Returns an int64_list from a bool / enum / int / uint."""
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


def serialize_example(feature0, feature1, feature2, feature3):
    """Creates a tf.train.Example message ready to be written to a file."""
    feature = {
        "feature0": _int64_feature(feature0),
        "feature1": _int64_feature(feature1),
        "feature2": _bytes_feature(feature2),
        "feature3": _float_feature(feature3),
    }
    example_proto = tf.train.Example(features=tf.train.Features(feature=feature))
    return example_proto.SerializeToString()


def tfrecord_features():
    print(_bytes_feature(b"test_string"))
    print(_bytes_feature(b"test_bytes"))
    print(_float_feature(np.exp(1)))
    # The tutorial also shows _int64_feature(True); protobuf 5 and later (TF 2.21 ships 7)
    # refuse a bool in an Int64List, in TensorFlow as here, so the booleans are 0 and 1.
    print(_int64_feature(1))
    feature = _float_feature(np.exp(1))
    serialized = feature.SerializeToString()
    print(serialized)

    serialized_example = serialize_example(0, 4, b"goat", 0.9876)
    print(serialized_example)
    example_proto = tf.train.Example.FromString(serialized_example)
    print(example_proto)
    return {"feature": serialized, "example": serialized_example,
            "feature2": example_proto.features.feature["feature2"].bytes_list.value[0]}


def tutorial_observations(n_observations=64, seed=0):
    rng = np.random.default_rng(seed)
    feature0 = rng.choice([0, 1], n_observations)  # see tfrecord_features
    feature1 = rng.integers(0, 5, n_observations)
    strings = np.array([b"cat", b"dog", b"chicken", b"horse", b"goat"])
    feature2 = strings[feature1]
    feature3 = rng.standard_normal(n_observations)
    return feature0, feature1, feature2, feature3


def tfrecord_dataset_roundtrip(paths):
    feature0, feature1, feature2, feature3 = tutorial_observations()
    features_dataset = tf.data.Dataset.from_tensor_slices((feature0, feature1, feature2,
                                                           feature3))
    print(features_dataset)
    for f0, f1, f2, f3 in features_dataset.take(1):
        print(f0)
        print(f1)
        print(f2)
        print(f3)

    def generator():
        for features in features_dataset:
            yield serialize_example(*features)

    serialized_features_dataset = tf.data.Dataset.from_generator(
        generator, output_types=tf.string, output_shapes=())
    print(serialized_features_dataset)
    filename = os.path.join(paths["dir"], "test.tfrecord")
    writer = tf.data.experimental.TFRecordWriter(filename)
    writer.write(serialized_features_dataset)

    filenames = [filename]
    raw_dataset = tf.data.TFRecordDataset(filenames)
    print(raw_dataset)
    for raw_record in raw_dataset.take(3):
        print(repr(raw_record))

    feature_description = {
        "feature0": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "feature1": tf.io.FixedLenFeature([], tf.int64, default_value=0),
        "feature2": tf.io.FixedLenFeature([], tf.string, default_value=""),
        "feature3": tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
    }

    def _parse_function(example_proto):
        # Parse the input `tf.train.Example` proto using the dictionary above.
        return tf.io.parse_single_example(example_proto, feature_description)

    parsed_dataset = raw_dataset.map(_parse_function)
    print(parsed_dataset)
    for parsed_record in parsed_dataset.take(3):
        print(repr(parsed_record))
    parsed = list(parsed_dataset.as_numpy_iterator())
    return {"count": len(parsed),
            "feature1": [int(p["feature1"]) for p in parsed] == feature1.tolist(),
            "feature2": [p["feature2"] for p in parsed] == feature2.tolist(),
            "feature3": np.allclose([p["feature3"] for p in parsed], feature3, atol=1e-6),
            "spec": parsed_dataset.element_spec}


def tfrecord_py_function(paths):
    feature0, feature1, feature2, feature3 = tutorial_observations(8)
    features_dataset = tf.data.Dataset.from_tensor_slices((feature0, feature1, feature2,
                                                           feature3))

    def tf_serialize_example(f0, f1, f2, f3):
        tf_string = tf.py_function(serialize_example, (f0, f1, f2, f3), tf.string)
        return tf.reshape(tf_string, ())

    serialized_features_dataset = features_dataset.map(tf_serialize_example)
    records = list(serialized_features_dataset.as_numpy_iterator())
    print(records[0])
    return records


def tfrecord_python(paths):
    feature0, feature1, feature2, feature3 = tutorial_observations()
    n_observations = len(feature0)
    filename = os.path.join(paths["dir"], "test_python.tfrecord")
    with tf.io.TFRecordWriter(filename) as writer:
        for i in range(n_observations):
            example = serialize_example(feature0[i], feature1[i], feature2[i], feature3[i])
            writer.write(example)
    print(os.path.getsize(filename), "bytes")

    filenames = [filename]
    raw_dataset = tf.data.TFRecordDataset(filenames)
    for raw_record in raw_dataset.take(1):
        example = tf.train.Example()
        example.ParseFromString(raw_record.numpy())
        print(example)
    result = {}
    for key, feature in example.features.feature.items():
        kind = feature.WhichOneof("kind")
        result[key] = np.array(getattr(feature, kind).value)
    print(result)
    return {"size": os.path.getsize(filename), "first": {k: v.tolist() for k, v in
                                                         result.items()},
            "count": sum(1 for _ in raw_dataset)}


def list_files_shards(paths):
    for k in range(4):
        with tf.io.TFRecordWriter(os.path.join(paths["dir"], f"shard-{k}.tfrecord")) as writer:
            for j in range(3):
                writer.write(serialize_example(j % 2, k, b"shard", float(j)))
    pattern = os.path.join(paths["dir"], "shard-*.tfrecord")
    files = tf.data.Dataset.list_files(pattern, shuffle=False)
    names = [os.path.basename(f.decode()) for f in files.as_numpy_iterator()]
    print(names)
    shuffled = tf.data.Dataset.list_files(pattern, seed=42)
    shuffled_names = [os.path.basename(f.decode()) for f in shuffled.as_numpy_iterator()]
    print(shuffled_names)
    records = files.interleave(tf.data.TFRecordDataset, cycle_length=2,
                               num_parallel_calls=tf.data.AUTOTUNE)
    description = {"feature1": tf.io.FixedLenFeature([], tf.int64)}
    batch = next(iter(records.batch(12).map(
        lambda serialized: tf.io.parse_example(serialized, description))))
    print(batch["feature1"].numpy())
    return {"names": names, "shuffled": sorted(shuffled_names),
            "feature1": batch["feature1"].numpy().tolist()}


SECTIONS = ["make_csv_dataset_batches", "csv_dataset", "csv_low_level", "csv_options",
            "csv_snapshot", "csv_normalization", "font_interleave", "text_vectorization",
            "text_lines", "text_filter_survived", "text_filter_comments",
            "text_dataset_from_directory", "tfrecord_features", "tfrecord_dataset_roundtrip",
            "tfrecord_py_function", "tfrecord_python", "list_files_shards"]


def main():
    tf.random.set_seed(0)
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        paths = write_files(directory)
        for name in SECTIONS:
            print(f"\n## {name}")
            section = globals()[name]
            results[name] = section() if name == "tfrecord_features" else section(paths)
    return results


if __name__ == "__main__":
    main()
