"""The augmentation layers against Keras 3.15 with the TF backend
(tests/fixtures/keras/layers_preprocessing/random_*): the same ``seed`` gives Keras's images on
the first and second batched call, then on one image, and the input back at inference;
RandomCrop's inference against tf.keras 2. Then TF's projective transform per fill mode,
gradients, models, files, Dataset.map and bad input."""

import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.layers.preprocessing.affine_transform import projective_transform
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load, names

CASES = [n for n in names("layers_preprocessing")
         if n.split("/")[1].startswith("random_") and "tf_keras" not in n]
IMAGES = load("layers_preprocessing/augmentation_input")["x"]
# Flips, crops, translations, zooms, contrast and brightness come out bit-equal. Rotations
# build their matrix from float32 sin/cos, where NumPy and TF may differ in the last bit: on
# pixels up to 255 that moves a bilinear sample by up to 3e-4.
ATOL = 5e-4


def _layer(fx):
    cls = getattr(tf.keras.layers, fx["class_name"])
    return cls.from_config({k: v for k, v in fx["config"].items() if k != "dtype"})


def test_fixtures_present():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_seeded_outputs_match_keras(name):
    fx = load(name)
    layer = _layer(fx)
    for key, images in (("y", IMAGES), ("y_second", IMAGES), ("y_single", IMAGES[0])):
        got = layer(images, training=True).numpy()
        assert got.shape == fx[key].shape, (name, key)
        np.testing.assert_allclose(got, fx[key], rtol=0, atol=ATOL, err_msg=f"{name}: {key}")
    if fx["class_name"] != "RandomCrop":  # Keras 3.15 does not crop at inference
        np.testing.assert_array_equal(layer(IMAGES, training=False).numpy(), fx["y_inference"])


@pytest.mark.parametrize("name", CASES)
def test_config_matches_keras(name):
    fx = load(name)
    cfg = _layer(fx).get_config()
    assert set(cfg) == set(fx["config"]), name
    for key, value in fx["config"].items():
        if key not in ("name", "dtype"):
            assert cfg[key] == value, (name, key)
    assert type(_layer(fx)).from_config(cfg).get_config() == cfg


@pytest.mark.parametrize("case", ["random_crop_inference_tf_keras",
                                  "random_crop_upscale_tf_keras"])
def test_random_crop_at_inference_is_tf_keras_center_crop(case):
    fx = load(f"layers_preprocessing/{case}")
    layer = tf.keras.layers.RandomCrop(5, 6, seed=18)
    np.testing.assert_allclose(layer(fx["x"], training=False).numpy(), fx["y"], rtol=0,
                               atol=1e-4)
    assert layer(fx["x"], training=True).shape == (4, 5, 6, 3)


@pytest.mark.parametrize("mode", ["reflect", "wrap", "nearest", "constant"])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_projective_transform_matches_tf(mode, interpolation):
    # TF 2.21's ImageProjectiveTransformV3: a row shifted by -12..12 half pixels (every
    # branch of the fill-mode maps), and a general projective transform of a small batch
    fx = load("layers_preprocessing/projective_transform")
    for row, shift in enumerate(fx["shifts"]):
        got = projective_transform(fx["line"], [1, 0, shift, 0, 1, 0, 0, 0], interpolation,
                                   mode, -1.0)
        np.testing.assert_allclose(got.numpy().ravel(), fx[f"line_{mode}_{interpolation}"][row],
                                   rtol=0, atol=1e-6, err_msg=f"{mode} shift {shift}")
    got = projective_transform(fx["image"], fx["transforms"], interpolation, mode, -1.0)
    np.testing.assert_allclose(got.numpy(), fx[f"image_{mode}_{interpolation}"], rtol=0,
                               atol=1e-5)


def test_projective_transform_gradient():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(2, 4, 5, 2))
    transforms = np.array([[0.9, 0.2, 0.3, -0.1, 1.1, -0.4, 0.0, 0.0],
                           [1.0, 0.0, -1.3, 0.0, 1.0, 0.7, 0.0, 0.0]], np.float32)
    for mode in ("reflect", "constant"):
        check_gradients(lambda x, mode=mode: projective_transform(x, transforms, "bilinear",
                                                                  mode, 0.5), [images])


def test_layers_in_a_model_fit_predict_and_file(tmp_path):
    model = tf.keras.Sequential([
        tf.keras.Input((8, 10, 3)), tf.keras.layers.RandomFlip(seed=1),
        tf.keras.layers.RandomRotation(0.1, seed=2), tf.keras.layers.RandomZoom(0.1, seed=3),
        tf.keras.layers.RandomTranslation(0.1, 0.1, seed=4),
        tf.keras.layers.RandomContrast(0.2, seed=5), tf.keras.layers.RandomBrightness(0.1, seed=6),
        tf.keras.layers.RandomCrop(6, 6, seed=7), tf.keras.layers.Rescaling(1 / 255.0),
        tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
    assert model.layers[6].output_shape == (None, 6, 6, 3)
    model.compile(loss="mse", optimizer="sgd")
    model.fit(IMAGES, np.zeros((4, 1)), epochs=1, verbose=0)
    path = str(tmp_path / "augment.keras")
    model.save(path)
    again = tf.keras.models.load_model(path)
    # inference: every augmentation is the identity, RandomCrop crops the centre
    np.testing.assert_allclose(again.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0),
                               rtol=1e-6)
    assert json.loads(json.dumps(again.layers[1].get_config()))["seed"] == 2


@pytest.mark.parametrize("name, make", [
    ("rotation", lambda: tf.keras.layers.RandomRotation(0.2, seed=3)),
    ("flip", lambda: tf.keras.layers.RandomFlip(seed=4)),
    ("brightness", lambda: tf.keras.layers.RandomBrightness(0.2, seed=5)),
])
def test_dataset_map_draws_as_tf_data(name, make):
    # TF's map calls the layer once per element (or batch), its SeedGenerator moving on each
    # time; featherflow's element-wise check must not use up a draw
    fx = load("layers_preprocessing/dataset_map")
    elements = tf.data.Dataset.from_tensor_slices(IMAGES).map(make()).batch(4)
    np.testing.assert_allclose(np.concatenate([b.numpy() for b in elements]),
                               fx[f"{name}_elements"], rtol=0, atol=ATOL)
    batches = tf.data.Dataset.from_tensor_slices(IMAGES).batch(2).map(make())
    np.testing.assert_allclose(np.concatenate([b.numpy() for b in batches]),
                               fx[f"{name}_batches"], rtol=0, atol=ATOL)
    layer = make()
    assert not np.array_equal(layer(IMAGES).numpy(), layer(IMAGES).numpy())


def test_channels_first_matches_channels_last():
    first = np.transpose(IMAGES, (0, 3, 1, 2))
    for cls, kwargs in [(tf.keras.layers.RandomRotation, {"factor": 0.2}),
                        (tf.keras.layers.RandomFlip, {})]:
        last = cls(seed=3, **kwargs)(IMAGES).numpy()
        out = cls(seed=3, data_format="channels_first", **kwargs)(first).numpy()
        np.testing.assert_allclose(np.transpose(out, (0, 2, 3, 1)), last, atol=1e-4)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"RandomRotation layer 'rot'.*`factor`.*\[-1, 1\]"):
        tf.keras.layers.RandomRotation(1.5, name="rot")
    with pytest.raises(ValueError, match="`factor`"):
        tf.keras.layers.RandomRotation("a lot")
    with pytest.raises(ValueError, match="`factor`"):
        tf.keras.layers.RandomRotation((0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="fill_mode"):
        tf.keras.layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="interpolation"):
        tf.keras.layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match=r"height_factor.*\(-1.0, 1.0\]"):
        tf.keras.layers.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="width_factor"):
        tf.keras.layers.RandomTranslation(0.1, 2.0)
    with pytest.raises(ValueError, match="mode"):
        tf.keras.layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="value_range"):
        tf.keras.layers.RandomBrightness(0.1, value_range=(0,))
    with pytest.raises(ValueError, match="rank 3 .*or 4"):
        tf.keras.layers.RandomFlip()(np.zeros((4, 4)))
