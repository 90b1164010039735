"""The tf.data guide ("Build TensorFlow input pipelines"), typed in as its reader would.

Each section of the guide is one function below; ``main()`` runs them in the guide's order
and prints what the guide prints. The guide downloads Fashion-MNIST, the Titanic CSV and
photos; here the same shapes are generated (small arrays, a CSV written to a temporary
directory), so the example runs without a network in a few seconds:

    python examples/data_pipelines.py

Each section returns the values it printed, so tests/examples/test_data_examples.py can
check them (the recorded TF 2.21 answers for the same snippets are in
tests/fixtures/tf/data/guide.json).
"""

import os
import tempfile
import time

import numpy as np

import featherflow as tf

TITANIC_HEADER = "survived,sex,age,n_siblings_spouses,parch,fare,class,deck,embark_town,alone"


def write_titanic_csv(directory, rows=627, seed=0):
    """A CSV with the Titanic training file's columns and row count (generated values)."""
    rng = np.random.default_rng(seed)
    path = os.path.join(directory, "train.csv")
    classes = ["First", "Second", "Third"]
    towns = ["Southampton", "Cherbourg", "Queenstown"]
    with open(path, "w") as handle:
        handle.write(TITANIC_HEADER + "\n")
        for _ in range(rows):
            handle.write(
                f"{rng.integers(0, 2)},{rng.choice(['male', 'female'])},"
                f"{rng.integers(1, 80)}.0,{rng.integers(0, 4)},{rng.integers(0, 3)},"
                f"{rng.uniform(5, 100):.4f},{rng.choice(classes)},unknown,"
                f"{rng.choice(towns)},{rng.choice(['y', 'n'])}\n")
    return path


def basic_mechanics():
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    print(dataset)
    elements = []
    for elem in dataset:
        print(elem.numpy())
        elements.append(int(elem.numpy()))
    it = iter(dataset)
    first = next(it).numpy()
    print(first)
    total = dataset.reduce(0, lambda state, value: state + value).numpy()
    print(total)
    return {"elements": elements, "first": int(first), "reduce": int(total)}


def dataset_structure():
    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
    print(dataset1.element_spec)
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random.uniform([4]),
         tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
    print(dataset2.element_spec)
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    print(dataset3.element_spec)

    dataset1 = tf.data.Dataset.from_tensor_slices(
        tf.random.uniform([4, 10], minval=1, maxval=10, dtype=tf.int32))
    rows = []
    for z in dataset1:
        print(z.numpy())
        rows.append(z.numpy())
    shapes = []
    for a, (b, c) in dataset3:
        print(f"shapes: {a.shape}, {b.shape}, {c.shape}")
        shapes.append((tuple(a.shape), tuple(b.shape), tuple(c.shape)))
    dataset4 = tf.data.Dataset.from_tensor_slices(
        {"a": tf.random.uniform([4]), "b": tf.random.uniform([4, 3], maxval=5, dtype=tf.int64)})
    print(dataset4.element_spec)
    return {"spec3": dataset3.element_spec, "rows": rows, "shapes": shapes,
            "spec4": dataset4.element_spec}


def sparse_element_spec():
    dataset4 = tf.data.Dataset.from_tensors(
        tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4]))
    print(dataset4.element_spec)
    print(dataset4.element_spec.value_type)
    return dataset4.element_spec


def numpy_arrays():
    # Fashion-MNIST's train split has this layout: uint8 images and uint8 labels.
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(256, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=256, dtype=np.uint8)
    images = images / 255
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    print(dataset)
    return dataset.element_spec


def count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1


def gen_series():
    i = 0
    while True:
        size = np.random.randint(0, 10)
        yield i, np.random.normal(size=(size,))
        i += 1


def python_generators():
    for n in count(5):
        print(n)
    ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32,
                                                output_shapes=())
    batches = []
    for count_batch in ds_counter.repeat().batch(10).take(10):
        print(count_batch.numpy())
        batches.append(count_batch.numpy().tolist())

    for i, series in gen_series():
        print(i, ":", str(series))
        if i > 5:
            break
    ds_series = tf.data.Dataset.from_generator(
        gen_series,
        output_signature=(tf.TensorSpec(shape=(), dtype=tf.int32),
                          tf.TensorSpec(shape=(None,), dtype=tf.float32)))
    print(ds_series)
    ds_series_batch = ds_series.shuffle(20).padded_batch(10)
    ids, sequence_batch = next(iter(ds_series_batch))
    print(ids.numpy())
    print()
    print(sequence_batch.numpy())
    return {"batches": batches, "series_spec": ds_series.element_spec,
            "ids": sorted(ids.numpy().tolist()), "sequence_shape": sequence_batch.shape}


def batching():
    inc_dataset = tf.data.Dataset.range(100)
    dec_dataset = tf.data.Dataset.range(0, -100, -1)
    dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
    batched_dataset = dataset.batch(4)
    simple = []
    for batch in batched_dataset.take(4):
        print([arr.numpy() for arr in batch])
        simple.append([arr.numpy().tolist() for arr in batch])
    print(batched_dataset)
    dropped = dataset.batch(7, drop_remainder=True)
    print(dropped)

    dataset = tf.data.Dataset.range(100)
    dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    dataset = dataset.padded_batch(4, padded_shapes=(None,))
    padded = []
    for batch in dataset.take(2):
        print(batch.numpy())
        print()
        padded.append(batch.numpy().tolist())
    return {"simple": simple, "batched_spec": batched_dataset.element_spec,
            "dropped_spec": dropped.element_spec, "padded": padded}


def training_workflows(titanic_file):
    titanic_lines = tf.data.TextLineDataset(titanic_file)

    def batch_sizes(ds):
        return [batch.shape[0] for batch in ds]

    repeat_then_batch = batch_sizes(titanic_lines.repeat(3).batch(128))
    print(repeat_then_batch)
    batch_then_repeat = batch_sizes(titanic_lines.batch(128).repeat(3))
    print(batch_then_repeat)

    epochs = 3
    dataset = titanic_lines.batch(128)
    for epoch in range(epochs):
        for batch in dataset:
            print(batch.shape)
        print("End of epoch: ", epoch)
    return {"repeat_then_batch": repeat_then_batch, "batch_then_repeat": batch_then_repeat}


def shuffling(titanic_file):
    lines = tf.data.TextLineDataset(titanic_file)
    counter = tf.data.experimental.Counter()

    dataset = tf.data.Dataset.zip((counter, lines))
    dataset = dataset.shuffle(buffer_size=100)
    dataset = dataset.batch(20)
    print(dataset)
    n, line_batch = next(iter(dataset))
    print(n.numpy())

    dataset = tf.data.Dataset.zip((counter, lines))
    shuffled = dataset.shuffle(buffer_size=100).batch(10).repeat(2)
    print("Here are the item ID's near the epoch boundary:\n")
    for n, _line_batch in shuffled.skip(60).take(5):
        print(n.numpy())
    shuffle_repeat = [n.numpy().mean() for n, line_batch in shuffled]

    shuffled = dataset.repeat(2).shuffle(buffer_size=100).batch(10)
    print("Here are the item ID's near the epoch boundary:\n")
    near_boundary = []
    for n, _line_batch in shuffled.skip(55).take(15):
        print(n.numpy())
        near_boundary.append(n.numpy().tolist())
    repeat_shuffle = [n.numpy().mean() for n, line_batch in shuffled]
    return {"shuffle_repeat": shuffle_repeat, "repeat_shuffle": repeat_shuffle,
            "near_boundary": near_boundary}


def shuffle_then_repeat():
    # The guide's ordering point on a dataset of ids: with shuffle first, every id of the
    # first epoch comes before any of the second; with repeat first, epochs blend.
    dataset = tf.data.Dataset.range(100)
    shuffle_first = dataset.shuffle(buffer_size=20, seed=7).batch(10).repeat(2)
    repeat_first = dataset.repeat(2).shuffle(buffer_size=20, seed=7).batch(10)
    first = [batch.numpy() for batch in shuffle_first]
    second = [batch.numpy() for batch in repeat_first]
    print("shuffle then repeat, batch 10:", first[10])
    print("repeat then shuffle, batch 9:", second[9])
    return {"shuffle_first": [b.tolist() for b in first],
            "repeat_first": [b.tolist() for b in second]}


def preprocessing_files(directory):
    # The guide's flower photos: files in one folder per label.
    for label in ("daisy", "roses"):
        os.makedirs(os.path.join(directory, "flowers", label), exist_ok=True)
        for i in range(3):
            with open(os.path.join(directory, "flowers", label, f"{i}.jpg"), "wb") as handle:
                handle.write(bytes([i]) * (10 + i))
    list_ds = tf.data.Dataset.list_files(os.path.join(directory, "flowers", "*", "*"),
                                         shuffle=False)
    for f in list_ds.take(5):
        print(f.numpy())

    def process_path(file_path):
        label = tf.strings.split(file_path, os.sep)[-2]
        return tf.io.read_file(file_path), label

    labeled_ds = list_ds.map(process_path)
    result = []
    for image_raw, label_text in labeled_ds.take(6):
        print(repr(image_raw.numpy()[:100]))
        print()
        print(label_text.numpy())
        result.append((len(image_raw.numpy()), label_text.numpy()))
    return result


def py_function_map():
    def double_in_numpy(value):
        return np.asarray(value) * 2

    def tf_double(value):
        (result,) = tf.py_function(double_in_numpy, [value], [tf.int64])
        return result

    ds = tf.data.Dataset.range(5).map(tf_double)
    values = [int(v) for v in ds.as_numpy_iterator()]
    print(values)
    return values


def time_series():
    range_ds = tf.data.Dataset.range(100000)
    batches = range_ds.batch(10, drop_remainder=True)
    first_batches = []
    for batch in batches.take(5):
        print(batch.numpy())
        first_batches.append(batch.numpy().tolist())

    def dense_1_step(batch):
        # Shift features and labels one step relative to each other.
        return batch[:-1], batch[1:]

    predict_dense_1_step = batches.map(dense_1_step)
    for features, label in predict_dense_1_step.take(3):
        print(features.numpy(), " => ", label.numpy())

    batches = range_ds.batch(15, drop_remainder=True)

    def label_next_5_steps(batch):
        return (batch[:-5],   # Inputs: All except the last 5 steps
                batch[-5:])   # Labels: The last 5 steps

    predict_5_steps = batches.map(label_next_5_steps)
    for features, label in predict_5_steps.take(3):
        print(features.numpy(), " => ", label.numpy())

    feature_length = 10
    label_length = 3
    features = range_ds.batch(feature_length, drop_remainder=True)
    labels = range_ds.batch(feature_length).skip(1).map(lambda labels: labels[:label_length])
    predicted_steps = tf.data.Dataset.zip((features, labels))
    overlapping = []
    for features, label in predicted_steps.take(5):
        print(features.numpy(), " => ", label.numpy())
        overlapping.append((features.numpy().tolist(), label.numpy().tolist()))

    return {"first_batches": first_batches, "overlapping": overlapping}


def dense_1_step(batch):
    # Shift features and labels one step relative to each other.
    return batch[:-1], batch[1:]


def windows_as_datasets():
    range_ds = tf.data.Dataset.range(100000)
    window_size = 5
    windows = range_ds.window(window_size, shift=1)
    for sub_ds in windows.take(5):
        print(sub_ds)
    return [list(sub_ds.as_numpy_iterator()) for sub_ds in windows.take(2)]


def window_flat_map():
    range_ds = tf.data.Dataset.range(100000)
    window_size = 5
    windows = range_ds.window(window_size, shift=1)
    flat = []
    for x in windows.flat_map(lambda x: x).take(30):
        print(x.numpy(), end=" ")
        flat.append(int(x.numpy()))
    print()

    def sub_to_batch(sub):
        return sub.batch(window_size, drop_remainder=True)

    batched = []
    for example in windows.flat_map(sub_to_batch).take(5):
        print(example.numpy())
        batched.append(example.numpy().tolist())

    def make_window_dataset(ds, window_size=5, shift=1, stride=1):
        windows = ds.window(window_size, shift=shift, stride=stride)

        def sub_to_batch(sub):
            return sub.batch(window_size, drop_remainder=True)

        windows = windows.flat_map(sub_to_batch)
        return windows

    ds = make_window_dataset(range_ds, window_size=10, shift=5, stride=3)
    strided = []
    for example in ds.take(10):
        print(example.numpy())
        strided.append(example.numpy().tolist())
    dense_labels_ds = ds.map(dense_1_step)
    for inputs, labels in dense_labels_ds.take(3):
        print(inputs.numpy(), "=>", labels.numpy())
    return {"flat": flat, "batched": batched, "strided": strided}


def write_creditcard_csv(directory, rows=2000, seed=0):
    """The guide's credit-card fraud file: 30 float columns and an int ``Class``, ~2% ones."""
    rng = np.random.default_rng(seed)
    path = os.path.join(directory, "creditcard.csv")
    names = ["Time"] + [f"V{i}" for i in range(1, 29)] + ["Amount", "Class"]
    with open(path, "w") as handle:
        handle.write(",".join(f'"{name}"' for name in names) + "\n")
        for _ in range(rows):
            values = rng.normal(size=30)
            label = int(rng.uniform() < 0.02)
            handle.write(",".join(f"{v:.6f}" for v in values) + f",{label}\n")
    return path


def resampling(csv_path):
    creditcard_ds = tf.data.experimental.make_csv_dataset(
        csv_path, batch_size=1024, label_name="Class",
        # Set the column types: 30 floats and an int.
        column_defaults=[0.0] * 30 + [0])

    def count(counts, batch):
        features, labels = batch
        class_1 = labels == 1
        class_1 = tf.cast(class_1, tf.int32)
        class_0 = labels == 0
        class_0 = tf.cast(class_0, tf.int32)
        counts["class_0"] += tf.reduce_sum(class_0)
        counts["class_1"] += tf.reduce_sum(class_1)
        return counts

    counts = creditcard_ds.take(10).reduce(initial_state={"class_0": 0, "class_1": 0},
                                           reduce_func=count)
    counts = np.array([counts["class_0"].numpy(), counts["class_1"].numpy()]).astype(np.float32)
    fractions = counts / counts.sum()
    print(fractions)

    negative_ds = (creditcard_ds.unbatch().filter(lambda features, label: label == 0)
                   .repeat())
    positive_ds = (creditcard_ds.unbatch().filter(lambda features, label: label == 1)
                   .repeat())
    for _features, label in positive_ds.batch(10).take(1):
        print(label.numpy())
    balanced_ds = tf.data.Dataset.sample_from_datasets(
        [negative_ds, positive_ds], [0.5, 0.5]).batch(10)
    means = []
    for _features, labels in balanced_ds.take(10):
        print(labels.numpy())
        means.append(float(labels.numpy().mean()))
    return {"counts": counts.tolist(), "fractions": fractions.tolist(), "means": means}


def rejection_resampling(csv_path):
    creditcard_ds = tf.data.experimental.make_csv_dataset(
        csv_path, batch_size=1024, label_name="Class",
        column_defaults=[0.0] * 30 + [0])

    def class_func(features, label):
        return label

    resample_ds = (creditcard_ds.unbatch()
                   .rejection_resample(class_func, target_dist=[0.5, 0.5],
                                       initial_dist=[0.98, 0.02])
                   .batch(10))
    balanced_ds = resample_ds.map(lambda extra_label, features_and_label: features_and_label)
    means = []
    for _features, labels in balanced_ds.take(10):
        print(labels.numpy())
        means.append(float(labels.numpy().mean()))
    return means


def iterator_checkpointing(directory):
    range_ds = tf.data.Dataset.range(20)
    iterator = iter(range_ds)
    ckpt = tf.train.Checkpoint(step=tf.Variable(0), iterator=iterator)
    manager = tf.train.CheckpointManager(ckpt, os.path.join(directory, "my_ckpt"),
                                         max_to_keep=3)
    first = [next(iterator).numpy() for _ in range(5)]
    print(first)
    manager.save()
    second = [next(iterator).numpy() for _ in range(5)]
    print(second)
    ckpt.restore(manager.latest_checkpoint)
    restored = [next(iterator).numpy() for _ in range(5)]
    print(restored)
    return [int(v) for v in restored]


def splits_and_helpers(titanic_file):
    # take/skip for a validation split, enumerate, cache and prefetch, as the guide uses them.
    dataset = tf.data.Dataset.range(10)
    validation = dataset.take(3)
    train = dataset.skip(3)
    print(list(validation.as_numpy_iterator()), list(train.as_numpy_iterator()))
    enumerated = list(tf.data.Dataset.from_tensor_slices(["a", "b", "c"]).enumerate(start=5)
                      .as_numpy_iterator())
    print(enumerated)
    evens = dataset.filter(lambda x: x % 2 == 0).map(lambda x: x * x)
    print(list(evens.as_numpy_iterator()))
    cached = tf.data.TextLineDataset(titanic_file).skip(1).cache().prefetch(tf.data.AUTOTUNE)
    passes = [sum(1 for _ in cached) for _ in range(2)]
    print(passes)
    print(cached.cardinality().numpy(), dataset.cardinality().numpy(),
          dataset.repeat().cardinality().numpy())
    return {"validation": [int(v) for v in validation.as_numpy_iterator()],
            "train": [int(v) for v in train.as_numpy_iterator()],
            "enumerated": [(int(i), s) for i, s in enumerated],
            "evens": [int(v) for v in evens.as_numpy_iterator()], "passes": passes,
            "cardinalities": [int(cached.cardinality()), int(dataset.cardinality()),
                              int(dataset.repeat().cardinality())]}


def interleave_files(directory):
    paths = []
    for k in range(3):
        path = os.path.join(directory, f"part{k}.txt")
        with open(path, "w") as handle:
            handle.write("".join(f"file{k} line{j}\n" for j in range(4)))
        paths.append(path)
    files_ds = tf.data.Dataset.from_tensor_slices(paths)
    lines_ds = files_ds.interleave(tf.data.TextLineDataset, cycle_length=3)
    lines = []
    for i, line in enumerate(lines_ds.take(9)):
        if i % 3 == 0:
            print()
        print(line.numpy())
        lines.append(line.numpy())
    parallel = files_ds.interleave(tf.data.TextLineDataset, cycle_length=2, block_length=2,
                                   num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return {"lines": lines, "parallel": list(parallel.as_numpy_iterator())}


class ArtificialDataset(tf.data.Dataset):
    """The performance guide's slow source: a generator that sleeps to mimic file reads."""

    def _generator(num_samples):
        time.sleep(0.003)  # opening the file
        for sample_idx in range(num_samples):
            time.sleep(0.001)  # reading one record
            yield (sample_idx,)

    def __new__(cls, num_samples=3):
        return tf.data.Dataset.from_generator(
            cls._generator,
            output_signature=tf.TensorSpec(shape=(1,), dtype=tf.int64),
            args=(num_samples,))


def benchmark(dataset, num_epochs=2):
    start_time = time.perf_counter()
    steps = 0
    for _epoch_num in range(num_epochs):
        for _sample in dataset:
            time.sleep(0.001)  # a training step
            steps += 1
    print("Execution time:", round(time.perf_counter() - start_time, 3))
    return steps


def performance():
    steps = {
        "naive": benchmark(ArtificialDataset()),
        "prefetch": benchmark(ArtificialDataset().prefetch(tf.data.AUTOTUNE)),
        "interleave": benchmark(tf.data.Dataset.range(2).interleave(
            lambda _: ArtificialDataset(), num_parallel_calls=tf.data.AUTOTUNE)),
        "parallel_map": benchmark(ArtificialDataset().map(
            lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)),
        "cache": benchmark(ArtificialDataset().map(lambda x: x * 2).cache(), 5),
    }
    fast_dataset = tf.data.Dataset.range(1000)

    def increment(x):
        return x + 1

    vectorized = fast_dataset.batch(256).map(increment)
    scalar = fast_dataset.map(increment).batch(256)
    same = all(np.array_equal(a, b) for a, b in zip(vectorized.as_numpy_iterator(),
                                                     scalar.as_numpy_iterator()))
    print("vectorized map gives the same batches:", same)
    options = tf.data.Options()
    options.deterministic = False
    unordered = fast_dataset.with_options(options)
    print(unordered.options().deterministic)
    steps["same"] = same
    return steps


def performance_mapped_function():
    # The performance guide's stand-in for a slow preprocessing step: a Python sleep run
    # through tf.py_function with no outputs (Tout=()).
    def mapped_function(s):
        tf.py_function(lambda: time.sleep(0.001), [], ())
        return s

    return {"sequential": benchmark(ArtificialDataset().map(mapped_function)),
            "parallel": benchmark(ArtificialDataset().map(
                mapped_function, num_parallel_calls=tf.data.AUTOTUNE)),
            "cached": benchmark(ArtificialDataset().map(mapped_function).cache(), 5)}


def keras_training():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(320, 28, 28)).astype(np.float32) / 255
    labels = rng.integers(0, 10, size=320).astype(np.uint8)
    tf.keras.utils.set_random_seed(0)
    fmnist_train_ds = tf.data.Dataset.from_tensor_slices((images, labels))
    fmnist_train_ds = fmnist_train_ds.shuffle(5000).batch(32)

    model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(fmnist_train_ds, epochs=2, verbose=0)
    print(history.history)
    history_steps = model.fit(fmnist_train_ds.repeat(), epochs=2, steps_per_epoch=20,
                              verbose=0)
    loss, accuracy = model.evaluate(fmnist_train_ds, verbose=0)
    print("Loss :", loss)
    print("Accuracy :", accuracy)
    loss, accuracy = model.evaluate(fmnist_train_ds.repeat(), steps=10, verbose=0)
    print("Loss :", loss)
    print("Accuracy :", accuracy)
    predict_ds = tf.data.Dataset.from_tensor_slices(images).batch(32)
    result = model.predict(predict_ds, steps=10, verbose=0)
    print(result.shape)
    result = model.predict(fmnist_train_ds, steps=10, verbose=0)
    print(result.shape)
    return {"epochs": len(history.history["loss"]),
            "steps_epochs": len(history_steps.history["loss"]), "loss": float(loss),
            "accuracy": float(accuracy), "predict_shape": result.shape}


def main():
    np.random.seed(0)
    tf.random.set_seed(0)
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        titanic_file = write_titanic_csv(directory)
        creditcard_file = write_creditcard_csv(directory)
        sections = [
            ("basic_mechanics", basic_mechanics),
            ("dataset_structure", dataset_structure),
            ("sparse_element_spec", sparse_element_spec),
            ("numpy_arrays", numpy_arrays),
            ("python_generators", python_generators),
            ("batching", batching),
            ("training_workflows", lambda: training_workflows(titanic_file)),
            ("shuffling", lambda: shuffling(titanic_file)),
            ("shuffle_then_repeat", shuffle_then_repeat),
            ("preprocessing_files", lambda: preprocessing_files(directory)),
            ("py_function_map", py_function_map),
            ("time_series", time_series),
            ("windows_as_datasets", windows_as_datasets),
            ("window_flat_map", window_flat_map),
            ("resampling", lambda: resampling(creditcard_file)),
            ("rejection_resampling", lambda: rejection_resampling(creditcard_file)),
            ("iterator_checkpointing", lambda: iterator_checkpointing(directory)),
            ("splits_and_helpers", lambda: splits_and_helpers(titanic_file)),
            ("interleave_files", lambda: interleave_files(directory)),
            ("performance", performance),
            ("performance_mapped_function", performance_mapped_function),
            ("keras_training", keras_training),
        ]
        for name, section in sections:
            print(f"\n## {name}")
            results[name] = section()
    return results


if __name__ == "__main__":
    main()
