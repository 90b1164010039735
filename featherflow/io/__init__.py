"""``tf.io``: TFRecord files and the parsing of ``tf.train.Example`` records.

Nothing here imports protobuf or google-crc32c until a record is written, read or parsed.
"""

from featherflow.io.features import FixedLenFeature, FixedLenSequenceFeature, VarLenFeature
from featherflow.io.parsing import (
    parse_example,
    parse_sequence_example,
    parse_single_example,
    parse_single_sequence_example,
)
from featherflow.io.raw import decode_raw
from featherflow.io.tensor_proto import parse_tensor, serialize_tensor
from featherflow.io.tfrecord import TFRecordOptions, TFRecordWriter

__all__ = [
    "FixedLenFeature", "FixedLenSequenceFeature", "TFRecordOptions", "TFRecordWriter",
    "VarLenFeature", "decode_raw", "parse_example", "parse_sequence_example",
    "parse_single_example", "parse_single_sequence_example", "parse_tensor", "serialize_tensor",
]
