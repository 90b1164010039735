"""Rescaling, Resizing (each interpolation, crop/pad to aspect ratio, antialias, uint8) and
CenterCrop against Keras 3.15 (tests/fixtures/keras/layers_preprocessing/), with input
gradients; then models, files, Dataset.map and bad input."""

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import load, names

CASES = [n for n in names("layers_preprocessing")
         if n.split("/")[1].startswith(("rescaling", "resizing", "center_crop"))]
# pixels up to 255 in float32: TF's and NumPy's sums of the same weighted pixels differ in
# the last bits (6e-5 absolute is 2.4e-7 of 255)
OUT_ATOL = 1e-4
GRAD_ATOL = 1e-6


def _layer(fx):
    cls = getattr(tf.keras.layers, fx["class_name"])
    return cls.from_config({k: v for k, v in fx["config"].items() if k != "dtype"})


def test_fixtures_present():
    assert len(CASES) >= 18


@pytest.mark.parametrize("name", CASES)
def test_outputs_and_gradients_match_keras(name):
    fx = load(name)
    layer = _layer(fx)
    x = tf.constant(fx["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * fx["r"]) if "r" in fx else None
    assert y.dtype == fx["y"].dtype, name
    np.testing.assert_allclose(y.numpy(), fx["y"], rtol=0, atol=OUT_ATOL, err_msg=name)
    if "dx" in fx and fx["dx"].size:  # TF has no gradient for ResizeArea (dx empty)
        np.testing.assert_allclose(tape.gradient(loss, x).numpy(), fx["dx"], rtol=0,
                                   atol=GRAD_ATOL, err_msg=name)
    if "y_single" in fx:
        np.testing.assert_allclose(layer(fx["x"][0]).numpy(), fx["y_single"], rtol=0,
                                   atol=OUT_ATOL, err_msg=name)
    assert layer.compute_output_shape((None,) + fx["x"].shape[1:]) == (None,) + fx["y"].shape[1:]


@pytest.mark.parametrize("name", CASES)
def test_config_matches_keras(name):
    fx = load(name)
    cfg = _layer(fx).get_config()
    assert set(cfg) == set(fx["config"]), name
    for key, value in fx["config"].items():
        if key not in ("name", "dtype"):
            assert cfg[key] == value, (name, key)
    assert type(_layer(fx)).from_config(cfg).get_config() == cfg


def test_area_resize_gradient_is_featherflows_own():
    # TF registers no gradient for ResizeArea; featherflow's is the weights' transpose
    layer = tf.keras.layers.Resizing(2, 3, interpolation="area")
    x = tf.constant(np.ones((1, 4, 6, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(layer(x))
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), np.full((1, 4, 6, 1), 0.25),
                               rtol=1e-6)


def test_in_a_model_file_and_dataset_map(tmp_path):
    images = np.random.default_rng(1).uniform(0, 255, size=(3, 9, 12, 3)).astype(np.float32)
    model = tf.keras.Sequential([
        tf.keras.Input((9, 12, 3)), tf.keras.layers.Resizing(6, 6, crop_to_aspect_ratio=True),
        tf.keras.layers.CenterCrop(4, 4), tf.keras.layers.Rescaling(1 / 255.0),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(2)])
    assert model.output_shape == (None, 2)
    assert model.layers[1].output_shape == (None, 4, 4, 3)
    path = str(tmp_path / "image.keras")
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(images, verbose=0), model.predict(images, verbose=0),
                               rtol=1e-6)
    pipeline = tf.data.Dataset.from_tensor_slices(images).map(tf.keras.layers.Resizing(4, 5))
    assert [tuple(e.shape) for e in pipeline] == [(4, 5, 3)] * 3


def test_channels_first_and_integer_images():
    x = np.arange(2 * 3 * 4 * 6, dtype=np.float32).reshape(2, 3, 4, 6)
    last = tf.keras.layers.Resizing(2, 3)(np.transpose(x, (0, 2, 3, 1))).numpy()
    first = tf.keras.layers.Resizing(2, 3, data_format="channels_first")(x).numpy()
    np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), last)
    crop = tf.keras.layers.CenterCrop(2, 2, data_format="channels_first")(x).numpy()
    np.testing.assert_array_equal(crop, x[:, :, 1:3, 2:4])
    scale = tf.keras.layers.Rescaling([1.0, 2.0, 3.0], data_format="channels_first")(x).numpy()
    np.testing.assert_allclose(scale[:, 2], x[:, 2] * 3)
    pixels = np.full((1, 2, 2, 1), 250, np.uint8)
    out = tf.keras.layers.Resizing(3, 3, interpolation="bicubic")(pixels)
    assert out.dtype == "uint8" and out.numpy().max() <= 255
    assert tf.keras.layers.Rescaling(0.5)(pixels).dtype == "float32"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="Resizing layer 'r'.*interpolation"):
        tf.keras.layers.Resizing(2, 2, interpolation="gaussian", name="r")
    with pytest.raises(ValueError, match="only one of"):
        tf.keras.layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="fill_mode"):
        tf.keras.layers.Resizing(2, 2, fill_mode="reflect")
    with pytest.raises(ValueError, match="`height` must be a positive integer"):
        tf.keras.layers.Resizing(0, 2)
    with pytest.raises(ValueError, match="CenterCrop layer 'c'.*rank 3.*or 4"):
        tf.keras.layers.CenterCrop(2, 2, name="c")(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="data_format"):
        tf.keras.layers.CenterCrop(2, 2, data_format="nhwc")
