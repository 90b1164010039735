"""Image codecs against TF 2.21's decoded pixels (tools/data_fixtures/image_codecs.py).

PNG, BMP, GIF and JPEG pixels are equal to TF's for every ``channels`` (JPEG through
featherflow/image/jpeg.py, which reproduces TF's fast IDCT and fancy upsampling; the JPEG
options are compared in test_jpeg_exact.py).
"""

import importlib
import json
import pathlib

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import common  # noqa: F401  (puts tools/ on the path)

image_codecs_fixtures = importlib.import_module("data_fixtures.image_codecs")

IMAGES = pathlib.Path(__file__).resolve().parents[1] / "fixtures/tf/data/images"
PIXELS = json.loads((IMAGES / "pixels.json").read_text())
CASES = [(name, channels) for name, entry in PIXELS.items() for channels in ("0", "1", "3", "4")
         if channels in entry]


def _expected(name, channels):
    return PIXELS[name][channels]


@pytest.mark.parametrize("name,channels", CASES)
def test_decode_image_matches_tf(name, channels):
    data = (IMAGES / name).read_bytes()
    expected = _expected(name, channels)
    if expected == "InvalidArgumentError":
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.io.decode_image(data, channels=int(channels))
        return
    got = tf.io.decode_image(data, channels=int(channels)).numpy()
    expected = np.array(expected, dtype=np.uint8)
    assert got.dtype == np.uint8 and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", [n for n in PIXELS if "uint16" in PIXELS[n]])
@pytest.mark.parametrize("channels", ["0", "1", "3", "4"])
def test_decode_png_uint16_matches_tf(name, channels):
    data = (IMAGES / name).read_bytes()
    got = tf.io.decode_png(data, channels=int(channels), dtype=tf.uint16).numpy()
    expected = np.array(PIXELS[name]["uint16"][channels])
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, expected)


def test_decode_filtered_16bit_png_written_by_tf():
    data = (IMAGES / "smooth16.png").read_bytes()
    got = tf.io.decode_png(data, dtype=tf.uint16).numpy()
    np.testing.assert_array_equal(got, image_codecs_fixtures.smooth_16bit())
    np.testing.assert_array_equal(tf.io.decode_png(data).numpy(),
                                  image_codecs_fixtures.smooth_16bit() >> 8)


def test_decode_jpeg_equals_tf_and_shape():
    for name in ("rgb.jpg", "gray.jpg"):
        data = (IMAGES / name).read_bytes()
        for channels in ("0", "1", "3"):
            got = tf.io.decode_jpeg(data, channels=int(channels)).numpy()
            np.testing.assert_array_equal(got, np.array(PIXELS[name][channels]))
        assert tf.io.extract_jpeg_shape(data).numpy().tolist() == PIXELS[name]["shape"]


def test_jpeg_ratio_matches_tf():
    data = (IMAGES / "rgb.jpg").read_bytes()
    np.testing.assert_array_equal(tf.io.decode_jpeg(data, ratio=2).numpy(),
                                  np.array(PIXELS["rgb.jpg"]["ratio2"]))


def test_encode_png_round_trips_uint8_and_uint16():
    rng = np.random.default_rng(0)
    for channels in (1, 2, 3, 4):
        pixels = rng.integers(0, 256, (5, 7, channels), dtype=np.uint8)
        encoded = tf.io.encode_png(pixels)
        assert bytes(encoded.numpy()).startswith(b"\x89PNG")
        np.testing.assert_array_equal(tf.io.decode_png(encoded).numpy(), pixels)
    wide = rng.integers(0, 65536, (4, 3, 3), dtype=np.uint16)
    decoded = tf.io.decode_png(tf.io.encode_png(wide), dtype=tf.uint16).numpy()
    np.testing.assert_array_equal(decoded, wide)


def test_encode_jpeg_decodes_close():
    pixels = np.tile(np.linspace(0, 255, 16, dtype=np.uint8)[None, :, None], (16, 1, 3))
    encoded = tf.io.encode_jpeg(pixels, quality=95)
    assert tf.io.is_jpeg(encoded).numpy()
    assert not tf.io.is_jpeg(tf.io.encode_png(pixels)).numpy()
    assert np.abs(tf.io.decode_jpeg(encoded).numpy().astype(int) - pixels).max() <= 8


def test_gif_frames_and_expand_animations():
    data = (IMAGES / "two_frames.gif").read_bytes()
    assert tf.io.decode_gif(data).shape == (2, 6, 8, 3)
    assert tf.io.decode_image(data, expand_animations=False).shape == (6, 8, 3)


def test_decode_image_float_dtype_scales():
    data = (IMAGES / "rgb.png").read_bytes()
    image = tf.io.decode_image(data, dtype=tf.float32).numpy()
    np.testing.assert_allclose(image, np.array(PIXELS["rgb.png"]["0"]) / 255, rtol=1e-6)


@pytest.mark.parametrize("decode", ["decode_png", "decode_jpeg", "decode_image"])
def test_corrupt_contents_raise_invalid_argument(decode):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown image file format"):
        getattr(tf.io, decode)(b"garbage")
    truncated = (IMAGES / "rgb.png").read_bytes()[:40]
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not decode"):
        getattr(tf.image, decode)(truncated)


def test_decode_inside_dataset_map():
    files = tf.data.Dataset.from_tensor_slices([str(IMAGES / "rgb.png"), str(IMAGES / "rgba.png")])
    images = files.map(lambda path: tf.io.decode_png(tf.io.read_file(path), channels=3))
    got = list(images.as_numpy_iterator())
    np.testing.assert_array_equal(got[0], np.array(PIXELS["rgb.png"]["3"]))
    np.testing.assert_array_equal(got[1], np.array(PIXELS["rgba.png"]["3"]))


def test_missing_pillow_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install featherflow\[image\]"):
        tf.io.decode_png((IMAGES / "rgb.png").read_bytes())
