# ruff: noqa: E501 - a table of one-line scenarios
"""``Dataset.map``'s element_spec for decoders, as TF 2.21's tracer gives it: image, raw,
tensor-proto and WAV decoding have shapes known only from the data (the channels when
given), whatever the first element's size."""

import os

import numpy as np


def setup(tf, workdir):
    image = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    paths = {"png": tf.io.encode_png(image), "jpg": tf.io.encode_jpeg(image),
             "wav": tf.audio.encode_wav(np.zeros((8, 2), np.float32), 16000),
             "tensor": tf.io.serialize_tensor(tf.constant([[1.0, 2.0]]))}
    for name, data in paths.items():
        with open(os.path.join(workdir, f"x.{name}"), "wb") as f:
            f.write(data.numpy())


def _files(tf, name):
    return tf.data.Dataset.from_tensor_slices([f"x.{name}"]).map(tf.io.read_file)


def _spec(ds):
    return ds.element_spec


SCENARIOS = {
    "decode_png": lambda tf: _spec(_files(tf, "png").map(lambda s: (tf.io.decode_png(s), tf.io.decode_png(s, channels=3), tf.io.decode_png(s, channels=1, dtype=tf.uint16)))),
    "decode_jpeg": lambda tf: _spec(_files(tf, "jpg").map(lambda s: (tf.io.decode_jpeg(s), tf.io.decode_jpeg(s, channels=3)))),
    "decode_image": lambda tf: _spec(_files(tf, "png").map(lambda s: (tf.io.decode_image(s), tf.io.decode_image(s, channels=3), tf.io.decode_image(s, expand_animations=False), tf.io.decode_image(s, channels=3, expand_animations=False)))),
    "decode_raw": lambda tf: _spec(_files(tf, "png").map(lambda s: (tf.io.decode_raw(s, tf.uint8), tf.io.decode_raw(tf.stack([s[None][0]]), tf.uint8, fixed_length=8)))),
    "parse_tensor": lambda tf: _spec(_files(tf, "tensor").map(lambda s: tf.io.parse_tensor(s, tf.float32))),
    "decode_wav": lambda tf: _spec(_files(tf, "wav").map(lambda s: tf.audio.decode_wav(s))),
    "decode_wav_desired": lambda tf: _spec(_files(tf, "wav").map(lambda s: tf.audio.decode_wav(s, desired_channels=1, desired_samples=5))),
    "decode_then_resize": lambda tf: _spec(_files(tf, "png").map(lambda s: tf.image.resize(tf.io.decode_png(s, channels=3), [8, 8]))),
    "read_file": lambda tf: _spec(_files(tf, "png")),
}
