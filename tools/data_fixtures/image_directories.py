"""Scenarios for keras.utils.image_dataset_from_directory (featherflow/utils/image_dataset.py),
recorded with Keras 3.15.1 on TF 2.21. The PNG files are written with zlib and struct here,
so both runs read the same bytes without an image library."""

import os
import struct
import zlib

import numpy as np


def _png(path, pixels):
    """An 8-bit RGB (H, W, 3) or gray (H, W) PNG with no filtering."""
    height, width = pixels.shape[:2]
    color = 2 if pixels.ndim == 3 else 0
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                   + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def setup(tf, workdir):
    rs = np.random.RandomState(0)
    shapes = {"cats/a.png": (5, 7), "cats/b.png": (8, 8), "cats/sub/c.png": (6, 4),
              "dogs/d.png": (4, 9), "dogs/e.png": (7, 5), "dogs/f.PNG": (3, 3),
              "dogs/g.txt": None, "birds/h.png": (6, 6)}
    for name, shape in shapes.items():
        path = os.path.join(workdir, "pets", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if shape is None:
            with open(path, "w") as file:
                file.write("not an image")
        else:
            _png(path, rs.randint(0, 256, size=shape + (3,)).astype(np.uint8))


def _ids(tf, **kwargs):
    kwargs.setdefault("verbose", False)
    ds = tf.keras.utils.image_dataset_from_directory("pets", **kwargs)
    return [ds.class_names, list(ds.as_numpy_iterator())]


SCENARIOS = {
    "bilinear_unshuffled": lambda tf: _ids(tf, image_size=(4, 4), shuffle=False,
                                           batch_size=3),
    "nearest_seeded": lambda tf: _ids(tf, image_size=(3, 5), interpolation="nearest",
                                      seed=2, batch_size=4),
    "crop_to_aspect_ratio": lambda tf: _ids(tf, image_size=(4, 2), crop_to_aspect_ratio=True,
                                            shuffle=False, batch_size=None),
    "pad_to_aspect_ratio": lambda tf: _ids(tf, image_size=(4, 4), pad_to_aspect_ratio=True,
                                           shuffle=False, batch_size=8),
    "grayscale_categorical": lambda tf: _ids(tf, image_size=(2, 2), color_mode="grayscale",
                                             label_mode="categorical", shuffle=False),
    "split_validation": lambda tf: _ids(tf, image_size=(2, 3), validation_split=0.3,
                                        subset="validation", seed=9),
    "spec": lambda tf: tf.keras.utils.image_dataset_from_directory(
        "pets", image_size=(5, 6), verbose=False).element_spec,
    "bad_color_mode": lambda tf: _ids(tf, color_mode="cmyk"),
    "bad_interpolation": lambda tf: _ids(tf, interpolation="cubic"),
}
