"""tf.make_tensor_proto / tf.make_ndarray against TensorFlow 2.21
(tools/data_fixtures/tensor_proto_util.py): the serialized bytes equal TensorFlow's for 26
value/dtype/shape cases, make_ndarray reads them back, and errors are TensorFlow's classes."""

import featherflow as tf
from tests.data.scenarios import scenario_test

# err_make_ndarray_tensor: TensorFlow fails with AttributeError ('EagerTensor' object has no
# attribute 'tensor_shape'); featherflow raises a TypeError that says a TensorProto is expected
test_tensor_proto_util_scenario, workdir = scenario_test(
    "tensor_proto_util", skip=lambda name: "featherflow's error names what was expected"
    if name == "err_make_ndarray_tensor" else None)


def test_make_ndarray_of_a_tensor_says_what_it_expects():
    import pytest

    with pytest.raises(TypeError, match="TensorProto"):
        tf.make_ndarray(tf.constant([1]))


def test_serialize_tensor_and_make_ndarray_share_the_message():
    proto = tf.make_tensor_proto([[1.0, 2.0]])
    parsed = tf.io.parse_tensor(proto.SerializeToString(), tf.float32)
    assert parsed.numpy().tolist() == [[1.0, 2.0]]
