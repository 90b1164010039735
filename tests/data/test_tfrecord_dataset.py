"""tf.data.TFRecordDataset beyond the recorded scenarios: open files released, argument
errors, passes over a dataset of file names, and a tutorial pipeline end to end."""

import os

import numpy as np
import pytest

import featherflow as tf


@pytest.fixture
def shards(tmp_path):
    paths = []
    for n in range(3):
        path = str(tmp_path / f"shard{n}.tfrecord")
        with tf.io.TFRecordWriter(path) as writer:
            for i in range(5):
                writer.write(f"{n}:{i}".encode())
        paths.append(path)
    return paths


def _open_files():
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count files")
@pytest.mark.parametrize("parallel", [None, 3])
def test_closing_an_iterator_early_closes_its_files(shards, parallel):
    before = _open_files()
    iterator = iter(tf.data.TFRecordDataset(shards, num_parallel_reads=parallel))
    next(iterator)
    next(iterator)
    assert _open_files() > before
    iterator.close()
    assert _open_files() == before


def test_elements_are_scalar_string_tensors(shards):
    element = next(iter(tf.data.TFRecordDataset(shards[0])))
    assert isinstance(element, tf.Tensor)
    assert element.shape == () and element.dtype == object and element.numpy() == b"0:0"


def test_a_dataset_of_names_is_read_anew_each_pass(shards):
    names = tf.data.Dataset.from_tensor_slices(shards[:2])
    ds = tf.data.TFRecordDataset(names)
    first = list(ds.as_numpy_iterator())
    assert first == list(ds.as_numpy_iterator())
    assert len(first) == 10


def test_argument_errors_say_what_is_accepted(shards):
    with pytest.raises(ValueError, match="num_parallel_reads must be a positive"):
        tf.data.TFRecordDataset(shards, num_parallel_reads=0)
    with pytest.raises(TypeError, match="must contain `tf.string` elements"):
        tf.data.TFRecordDataset(tf.data.Dataset.range(3))
    with pytest.raises(TypeError, match="scalar elements"):
        tf.data.TFRecordDataset(tf.data.Dataset.from_tensors(shards))
    with pytest.raises(ValueError, match="Not a valid compression_type"):
        tf.data.TFRecordDataset(shards, compression_type="zip")


def test_autotune_reads_every_file(shards):
    ds = tf.data.TFRecordDataset(shards, num_parallel_reads=tf.data.AUTOTUNE)
    assert sorted(ds.as_numpy_iterator()) == sorted(
        f"{n}:{i}".encode() for n in range(3) for i in range(5))


def test_damage_in_the_second_file_names_that_file(shards, tmp_path):
    data = bytearray(open(shards[1], "rb").read())
    data[-1] ^= 1
    open(shards[1], "wb").write(bytes(data))
    seen = []
    with pytest.raises(tf.errors.DataLossError, match=r"shard1\.tfrecord.*record 4"):
        for record in tf.data.TFRecordDataset(shards).as_numpy_iterator():
            seen.append(record)
    assert len(seen) == 9


def test_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.tfrecord"):
        list(tf.data.TFRecordDataset(str(tmp_path / "nope.tfrecord")))


def test_tutorial_pipeline_write_read_parse_batch(tmp_path):
    path = str(tmp_path / "train.tfrecord")
    images = np.arange(24, dtype=np.float32).reshape(6, 4)
    with tf.io.TFRecordWriter(path) as writer:
        for row, image in enumerate(images):
            feature = {
                "image": tf.train.Feature(float_list=tf.train.FloatList(value=image)),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[row % 2])),
            }
            example = tf.train.Example(features=tf.train.Features(feature=feature))
            writer.write(example.SerializeToString())
    description = {"image": tf.io.FixedLenFeature([4], tf.float32),
                   "label": tf.io.FixedLenFeature([], tf.int64)}

    def parse(record):
        parsed = tf.io.parse_single_example(record, description)
        return parsed["image"], parsed["label"]

    ds = tf.data.TFRecordDataset(path).map(parse).batch(4)
    batches = list(ds.as_numpy_iterator())
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), images)
    assert [b[1].tolist() for b in batches] == [[0, 1, 0, 1], [0, 1]]
    assert ds.element_spec[0].shape.as_list() == [None, 4]


def test_after_a_damaged_file_the_reader_goes_on_with_the_next(shards):
    data = bytearray(open(shards[0], "rb").read())
    data[30] ^= 1  # the data of record 1
    open(shards[0], "wb").write(bytes(data))
    records = tf.data.TFRecordDataset(shards[:2])._iterate()
    assert next(records)[()] == b"0:0"
    with pytest.raises(tf.errors.DataLossError):
        next(records)
    assert [r[()] for r in records] == [f"1:{i}".encode() for i in range(5)]


def test_experimental_writer_writes_a_dataset_of_strings(tmp_path):
    from featherflow.data.tfrecord_writer import TFRecordWriter

    path = str(tmp_path / "from_dataset.tfrecord")
    TFRecordWriter(path, "ZLIB").write(tf.data.Dataset.from_tensor_slices([b"x", b"yz"]))
    assert list(tf.data.TFRecordDataset(path, "ZLIB").as_numpy_iterator()) == [b"x", b"yz"]
    with pytest.raises(TypeError, match="scalar `tf.string` elements"):
        TFRecordWriter(path).write(tf.data.Dataset.range(2))
