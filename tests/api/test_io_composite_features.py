"""tf.io.SparseFeature, tf.io.RaggedFeature and tf.io.decode_json_example against
TensorFlow 2.21 (tools/data_fixtures/io_composite_features.py)."""

import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

pytest.importorskip("google.protobuf")

test_io_composite_scenario, workdir = scenario_test("io_composite_features")


def _record(**features):
    feature = {k: tf.train.Feature(int64_list=tf.train.Int64List(value=v))
               for k, v in features.items()}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def test_ragged_feature_in_a_dataset_map():
    records = [_record(tokens=[1, 2, 3]), _record(tokens=[4])]
    ds = tf.data.Dataset.from_tensor_slices(records).batch(2).map(
        lambda r: tf.io.parse_example(r, {"tokens": tf.io.RaggedFeature(tf.int64)}))
    batch = next(iter(ds))["tokens"]
    assert batch.to_list() == [[1, 2, 3], [4]]


def test_sparse_feature_refusals_name_the_feature():
    with pytest.raises(ValueError, match="Missing index_key"):
        tf.io.parse_example([_record(v=[1])], {"s": tf.io.SparseFeature("", "v", tf.int64, 3)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Error while parsing JSON"):
        tf.io.decode_json_example(["{]"])
