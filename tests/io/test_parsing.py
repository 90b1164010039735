"""tf.io.parse_single_example / parse_example / parse_single_sequence_example and the
tf.train protos: inputs of every kind, outputs as featherflow Tensors, and the errors'
wording (values against TensorFlow: tests/data/test_tfrecord.py)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.tensor import Tensor


def _record(**features):
    built = {}
    for key, values in features.items():
        if isinstance(values[0], bytes):
            built[key] = tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
        elif isinstance(values[0], float):
            built[key] = tf.train.Feature(float_list=tf.train.FloatList(value=values))
        else:
            built[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    return tf.train.Example(features=tf.train.Features(feature=built)).SerializeToString()


DESCRIPTION = {
    "x": tf.io.FixedLenFeature([2], tf.float32),
    "label": tf.io.FixedLenFeature([], tf.int64),
    "name": tf.io.FixedLenFeature([], tf.string, default_value=""),
}


def _scalar_string(value):
    array = np.empty((), dtype=object)
    array[()] = value
    return Tensor(array)


@pytest.mark.parametrize("wrap", [bytes, _scalar_string, lambda b: np.array(b, dtype=object),
                                  lambda b: b.decode("latin-1").encode("latin-1")])
def test_single_example_from_bytes_and_string_tensors(wrap):
    parsed = tf.io.parse_single_example(wrap(_record(x=[1.0, 2.0], label=[7])), DESCRIPTION)
    assert all(type(v) is Tensor for v in parsed.values())
    np.testing.assert_array_equal(parsed["x"].numpy(), np.array([1, 2], np.float32))
    assert parsed["x"].dtype == np.float32 and parsed["label"].dtype == np.int64
    assert parsed["label"].numpy() == 7 and parsed["name"].numpy() == b""


def test_batch_from_a_list_a_vector_tensor_and_nothing():
    records = [_record(x=[1.0, 2.0], label=[1]), _record(x=[3.0, 4.0], label=[2],
                                                         name=[b"b"])]
    for serialized in (records, Tensor(np.array(records, dtype=object))):
        parsed = tf.io.parse_example(serialized, DESCRIPTION)
        assert parsed["x"].shape == (2, 2)
        assert parsed["name"].numpy().tolist() == [b"", b"b"]
    empty = tf.io.parse_example(np.array([], dtype=object), DESCRIPTION)
    assert empty["x"].shape == (0, 2) and empty["name"].dtype == object


def test_varlen_gives_a_sparse_tensor_with_tf_layout():
    parsed = tf.io.parse_example(
        [_record(v=[5, 6, 7]), _record(label=[0]), _record(v=[8])],
        {"v": tf.io.VarLenFeature(tf.int64)})["v"]
    assert parsed.indices.numpy().tolist() == [[0, 0], [0, 1], [0, 2], [2, 0]]
    assert parsed.values.numpy().tolist() == [5, 6, 7, 8]
    assert parsed.dense_shape.numpy().tolist() == [3, 3]
    assert isinstance(parsed, tf.SparseTensor)
    assert tf.sparse.to_dense(parsed).numpy().tolist() == [[5, 6, 7], [0, 0, 0], [8, 0, 0]]


def test_dtypes_given_as_names():
    parsed = tf.io.parse_single_example(
        _record(a=[1.5], b=[b"s"]), {"a": tf.io.FixedLenFeature([], "float32"),
                                     "b": tf.io.FixedLenFeature([], "string")})
    assert parsed["a"].dtype == np.float32 and parsed["b"].numpy() == b"s"
    # Python's float is float32 here, as tf.as_dtype(float) is
    parsed = tf.io.parse_single_example(_record(a=[1.5]),
                                        {"a": tf.io.FixedLenFeature([], float)})
    assert parsed["a"].dtype == np.float32


def test_errors_name_the_feature_and_what_was_expected():
    record = _record(x=[1.0, 2.0, 3.0], label=[1])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Key: x.*expected 2 values.*has 3"):
        tf.io.parse_single_example(record, DESCRIPTION)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Key: label.*Data type: int64 but expected type: float"):
        tf.io.parse_single_example(record, {"label": tf.io.FixedLenFeature([], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Feature: y \(data type: int64\) is required.*default_value"):
        tf.io.parse_single_example(record, {"y": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Index: 1"):
        tf.io.parse_example([_record(x=[1.0, 2.0]), record],
                            {"x": tf.io.FixedLenFeature([2], tf.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="received dtype int32"):
        tf.io.parse_single_example(record, {"label": tf.io.FixedLenFeature([], tf.int32)})


def test_an_invalid_argument_error_is_a_value_error():
    with pytest.raises(ValueError):
        tf.io.parse_single_example(_record(label=[1]), {"y": tf.io.FixedLenFeature([], tf.int64)})


def test_garbage_bytes_say_they_are_not_an_example():
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a serialized tf.train.Example"):
        tf.io.parse_single_example(b"garbage\xff", {"x": tf.io.VarLenFeature(tf.float32)})


def test_numbers_are_not_records():
    with pytest.raises(TypeError, match="serialized must hold tf.string values"):
        tf.io.parse_example(np.array([1.0, 2.0]), DESCRIPTION)
    with pytest.raises(TypeError, match="must be a dict"):
        tf.io.parse_single_example(_record(label=[1]), [tf.io.VarLenFeature(tf.int64)])


def test_sequence_example_steps_and_errors():
    frames = tf.train.FeatureList(feature=[
        tf.train.Feature(float_list=tf.train.FloatList(value=[1.0, 2.0])),
        tf.train.Feature(float_list=tf.train.FloatList(value=[3.0, 4.0]))])
    record = tf.train.SequenceExample(
        context=tf.train.Features(feature={"id": tf.train.Feature(
            bytes_list=tf.train.BytesList(value=[b"clip"]))}),
        feature_lists=tf.train.FeatureLists(feature_list={"frames": frames}),
    ).SerializeToString()
    context, sequences = tf.io.parse_single_sequence_example(
        record, context_features={"id": tf.io.FixedLenFeature([], tf.string)},
        sequence_features={"frames": tf.io.FixedLenSequenceFeature([2], tf.float32),
                           "ragged": tf.io.VarLenFeature(tf.int64)})
    assert context["id"].numpy() == b"clip"
    assert sequences["frames"].numpy().tolist() == [[1, 2], [3, 4]]
    assert sequences["ragged"].dense_shape.numpy().tolist() == [0, 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature list: gone is required"):
        tf.io.parse_single_sequence_example(
            record, sequence_features={"gone": tf.io.FixedLenSequenceFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key: frames, Index: 0"):
        tf.io.parse_single_sequence_example(
            record, sequence_features={"frames": tf.io.FixedLenSequenceFeature([3], tf.float32)})


def test_train_protos_are_tf_full_names_and_lazy_attributes():
    assert tf.train.Example.DESCRIPTOR.full_name == "tensorflow.Example"
    assert tf.train.Features.DESCRIPTOR.fields_by_name["feature"].number == 1
    assert "SequenceExample" in dir(tf.train)
    with pytest.raises(AttributeError, match="no attribute 'Exampel'"):
        tf.train.Exampel  # noqa: B018


def test_feature_descriptions_have_tf_fields_and_defaults():
    assert tf.io.FixedLenFeature([1], tf.int64).default_value is None
    sequence = tf.io.FixedLenSequenceFeature([], tf.float32)
    assert sequence.allow_missing is False and sequence.default_value is None
    assert tf.io.VarLenFeature(tf.string)._fields == ("dtype",)
