# ruff: noqa: E501 - a table of one-line scenarios
"""tf.io.encode_base64 / decode_base64, decode_compressed and the SparseTensor serializers,
recorded from TensorFlow 2.21 eagerly (bytes compared exactly)."""

import gzip
import zlib

import numpy as np

TEXTS = ["", "a", "ab", "abc", "hello?", "\xff\xfe binary ~~~", "x" * 50]


def _sp(tf):
    return tf.sparse.from_dense(tf.constant([[[1, 0], [0, 2]], [[0, 0], [0, 0]], [[3, 0], [0, 4]]]))


def _roundtrip(tf, sp, dtype):
    s = tf.io.serialize_many_sparse(sp)
    back = tf.io.deserialize_many_sparse(s, dtype)
    return [s, back.indices, back.values, back.dense_shape]


SCENARIOS = {
    "encode": lambda tf: tf.io.encode_base64([t.encode("latin-1") for t in TEXTS]),
    "encode_pad": lambda tf: tf.io.encode_base64([t.encode("latin-1") for t in TEXTS], pad=True),
    "decode_unpadded": lambda tf: tf.io.decode_base64(tf.io.encode_base64([t.encode("latin-1") for t in TEXTS])),
    "decode_padded": lambda tf: tf.io.decode_base64(tf.io.encode_base64([t.encode("latin-1") for t in TEXTS], pad=True)),
    "decode_2d": lambda tf: tf.io.decode_base64([["aGk", "eQ=="], ["", "_-8"]]),
    "decode_bad_char": lambda tf: tf.io.decode_base64(["ab$d"]),
    "decode_bad_length": lambda tf: tf.io.decode_base64(["abcde"]),
    "decompress": lambda tf: [tf.io.decode_compressed([zlib.compress(b"hello zlib"), zlib.compress(b"")], "ZLIB"),
                              tf.io.decode_compressed([gzip.compress(b"hello gzip", mtime=0)], "GZIP"),
                              tf.io.decode_compressed([b"plain"], "")],
    "decompress_bad": lambda tf: tf.io.decode_compressed([b"not zlib"], "ZLIB"),
    "serialize_sparse": lambda tf: tf.io.serialize_sparse(tf.sparse.from_dense(tf.constant([[1.5, 0.0], [0.0, -2.0]]))),
    "serialize_sparse_strings": lambda tf: tf.io.serialize_sparse(tf.SparseTensor([[0], [3]], ["a", "bc"], [5])),
    "serialize_many_roundtrip": lambda tf: _roundtrip(tf, _sp(tf), tf.int32),
    "serialize_many_rank2": lambda tf: _roundtrip(tf, tf.SparseTensor([[0, 1], [2, 0]], tf.constant([7.0, 8.0]), [4, 3]), tf.float32),
    "serialize_many_strings_roundtrip": lambda tf: _roundtrip(tf, tf.SparseTensor([[0, 0], [1, 2]], ["x", "yz"], [2, 3]), tf.string),
    "serialize_many_rank1_refused": lambda tf: tf.io.serialize_many_sparse(tf.SparseTensor([[1]], [1], [3])),
}
