"""``tf.io``: TFRecord files and the parsing of ``tf.train.Example`` records (and
``decode_csv``, which lives with the CSV datasets).

Nothing here imports protobuf or google-crc32c until a record is written, read or parsed.
"""

import importlib

from featherflow.io.composite_features import RaggedFeature, SparseFeature
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

# Names defined beside the datasets that use them, loaded on first use
_LAZY = {"decode_csv": ("featherflow.data.csv", "decode_csv"),
         "decode_json_example": ("featherflow.io.json_example", "decode_json_example")}
_LAZY.update({name: ("featherflow.io.encodings", name) for name in (
    "decode_base64", "decode_compressed", "deserialize_many_sparse", "encode_base64",
    "serialize_many_sparse", "serialize_sparse")})
# files and codecs (Pillow) load on first use too
_LAZY.update({name: ("featherflow.io.files", name)
              for name in ("matching_files", "read_file", "write_file")})
_LAZY.update({name: ("featherflow.image.codecs", name)
              for name in ("decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image",
                           "decode_jpeg", "decode_png", "encode_jpeg", "encode_png",
                           "extract_jpeg_shape", "is_jpeg")})


def __getattr__(name):
    if name == "gfile":
        return importlib.import_module("featherflow.io.gfile")
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'featherflow.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


__all__ = [
    "FixedLenFeature", "FixedLenSequenceFeature", "RaggedFeature", "SparseFeature",
    "TFRecordOptions", "TFRecordWriter",
    "VarLenFeature", "decode_raw", "parse_example", "parse_sequence_example",
    "parse_single_example", "parse_single_sequence_example", "parse_tensor", "serialize_tensor",
    "gfile", *_LAZY,
]
