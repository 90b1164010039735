"""keras.utils image helpers with Keras 3.15.1's semantics (keras/src/utils/image_utils.py):
the array <-> Pillow conversions, scaling, colour modes, resizing and the aspect-ratio crop."""

import io
import pathlib

import numpy as np
import pytest
from PIL import Image

import featherflow as tf

utils = tf.keras.utils
IMAGES = pathlib.Path(__file__).resolve().parents[1] / "fixtures/tf/data/images"


def test_array_to_img_scales_min_max_to_0_255():
    x = np.array([[[0.0], [0.5]], [[1.0], [0.25]]])
    image = utils.array_to_img(x)
    assert image.mode == "L"
    np.testing.assert_array_equal(np.asarray(image), [[0, 127], [255, 63]])
    unscaled = utils.array_to_img(np.full((2, 2, 3), 7.0), scale=False)
    assert unscaled.mode == "RGB" and np.asarray(unscaled).max() == 7


def test_array_to_img_modes_and_errors():
    assert utils.array_to_img(np.zeros((2, 2, 4))).mode == "RGBA"
    assert utils.array_to_img(np.full((2, 2, 1), 300.0), scale=False).mode == "I"
    assert utils.array_to_img(np.zeros((3, 2, 2)), data_format="channels_first").size == (2, 2)
    with pytest.raises(ValueError, match="rank 3"):
        utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        utils.array_to_img(np.zeros((2, 2, 2)))


def test_img_to_array_dtype_and_layout():
    image = Image.fromarray(np.arange(12, dtype=np.uint8).reshape(3, 4))
    x = utils.img_to_array(image)
    assert x.dtype == np.float32 and x.shape == (3, 4, 1)
    assert utils.img_to_array(image, data_format="channels_first").shape == (1, 3, 4)
    rgb = Image.fromarray(np.zeros((3, 4, 3), dtype=np.uint8))
    assert utils.img_to_array(rgb, data_format="channels_first", dtype="uint8").shape == (3, 3, 4)


def test_load_img_color_modes_and_target_size():
    path = IMAGES / "rgb.png"
    assert utils.load_img(path).mode == "RGB"
    assert utils.load_img(str(path), color_mode="grayscale").mode == "L"
    assert utils.load_img(path, color_mode="rgba").mode == "RGBA"
    resized = utils.load_img(path, target_size=(3, 4))
    expected = Image.open(path).convert("RGB").resize((4, 3), Image.Resampling.NEAREST)
    np.testing.assert_array_equal(np.asarray(resized), np.asarray(expected))
    with io.BytesIO(path.read_bytes()) as buffer:
        assert utils.load_img(buffer).size == (8, 6)
    with pytest.raises(ValueError, match="color_mode"):
        utils.load_img(path, color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid interpolation method"):
        utils.load_img(path, target_size=(2, 2), interpolation="area")
    with pytest.raises(TypeError, match="path should be path-like"):
        utils.load_img(42)


def test_load_img_keep_aspect_ratio_crops_the_centre():
    # 8x6 image to a square: Keras crops the central 6x6 box, then resizes
    path = IMAGES / "rgb.png"
    got = utils.load_img(path, target_size=(3, 3), keep_aspect_ratio=True)
    source = Image.open(path).convert("RGB")
    expected = source.resize((3, 3), Image.Resampling.NEAREST, box=[1, 0, 7, 6])
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


def test_save_img_round_trip_and_jpeg_rgba_warning(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (4, 5, 3)).astype("float32")
    utils.save_img(tmp_path / "a.png", x, scale=False)
    np.testing.assert_array_equal(utils.img_to_array(utils.load_img(tmp_path / "a.png")), x)
    with pytest.warns(UserWarning, match="JPEG format does not support RGBA"):
        utils.save_img(str(tmp_path / "b.jpg"), np.zeros((4, 4, 4)))
    assert Image.open(tmp_path / "b.jpg").format == "JPEG"
