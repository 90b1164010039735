"""tf.io.encode_base64 / decode_base64, decode_compressed, serialize_sparse,
serialize_many_sparse and deserialize_many_sparse against TensorFlow 2.21
(tools/data_fixtures/io_encodings.py: bytes compared exactly)."""

from tests.data.scenarios import scenario_test

test_io_encodings_scenario, workdir = scenario_test("io_encodings")
