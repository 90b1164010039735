"""Keras 3.15's newer augmentation layers against real Keras with the TF backend
(tests/fixtures/keras/layers_augmentation/, tools/keras_fixtures/layers_augmentation.py).

For every recorded layer and seed: two batched training calls, one image, inference, a
training call after inference (the layers that draw at inference move their generator on, as
Keras's do), channels_first, a dict with labels/boxes/masks, gradients, configs; then TF's
stateless Gamma kernel, Dataset.map, a saved Keras model, and bad arguments."""

import random

import numpy as np
import pytest

import featherflow as tf
from featherflow.layers.preprocessing.augmentation_mix import _stateless_gamma
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load, names

GROUP = "layers_augmentation"
CASES = [n for n in names(GROUP) if "class_name" in load(n) and "y" in load(n)]
# HSV-based layers go through TF's RGB->HSV->RGB kernels in float32; NumPy's and TF's
# divisions/rounding there differ in the last bit, which on a 0-255 scale is up to ~2e-4.
# Everything else (mixing, masks, inversion, solarization, posterization, grayscale) comes
# out bit-equal or within one float32 rounding.
HSV_ATOL = 5e-4
ATOL = 2e-5
HSV_LAYERS = {"RandomHue", "RandomSaturation", "RandomColorJitter"}
# TF's depthwise convolution sums the taps in its own order, and RandomErasing's noise is
# keras.random.normal (Box-Muller: NumPy's and glibc's log/sin may differ in the last bit),
# scaled by 255: a float32 rounding or two
ROUNDING_ATOL = 1e-4
# RandAugment's rotation builds its matrix from float32 sin/cos, where NumPy and TF may differ
# in the last bit: a bilinear sample of pixels up to 255 moves by up to 3e-4 (as RandomRotation
# in test_augmentation.py); RandomPerspective's homography is an 8x8 float32 solve (LAPACK
# here, Eigen in TF), which moves a sample by as much
ROTATION_ATOL = 5e-4
# RandomElasticTransform samples at pixel + alpha * blur(normal field): the normal draws agree
# to float32 rounding (Box-Muller, see keras.random), which moves a bilinear sample of pixels
# up to 255 by up to ~5e-4 (measured 5.3e-4)
ELASTIC_ATOL = 1e-3


def _atol(fx):
    scale = float(np.max(fx["x"]))
    atol = HSV_ATOL if fx["class_name"] in HSV_LAYERS else (
        ROUNDING_ATOL if fx["class_name"] in ("RandomGaussianBlur", "RandomErasing",
                                              "RandomSharpness") else (
            ROTATION_ATOL if fx["class_name"] in ("RandAugment", "AugMix", "RandomPerspective")
            else (
                ELASTIC_ATOL if fx["class_name"] == "RandomElasticTransform" else ATOL)))
    return atol * max(scale / 255.0, 1e-3)


def _layer(fx, **overrides):
    # AugMix picks its operations with Python's `random`, as Keras does: the fixtures seeded
    # it with 1234 before making each layer
    random.seed(1234)
    cls = getattr(tf.keras.layers, fx["class_name"])
    config = {k: v for k, v in fx["config"].items() if k not in ("dtype", "name")}
    # Keras leaves `seed` out of some configs (RandomGrayscale); the fixture records it
    if "seed" in fx:
        config["seed"] = fx["seed"].item()
    config.update(overrides)
    return cls.from_config(config)


def test_fixtures_present():
    assert len(CASES) >= 18


@pytest.mark.parametrize("name", CASES)
def test_seeded_calls_match_keras(name):
    fx = load(name)
    layer = _layer(fx)
    x, atol = fx["x"], _atol(fx)
    calls = [("y", x, True), ("y_second", x, True), ("y_single", x[0], True),
             ("y_inference", x, False), ("y_after_inference", x, True)]
    for key, images, training in calls:
        got = layer(images, training=training).numpy()
        assert got.shape == fx[key].shape, (name, key)
        np.testing.assert_allclose(got, fx[key], rtol=0, atol=atol, err_msg=f"{name}: {key}")


@pytest.mark.parametrize("name", CASES)
def test_channels_first(name):
    fx = load(name)
    layer = _layer(fx, data_format="channels_first")
    got = layer(np.transpose(fx["x"], (0, 3, 1, 2)), training=True).numpy()
    if "y_channels_first" in fx:
        np.testing.assert_allclose(got, fx["y_channels_first"], rtol=0, atol=_atol(fx))
    else:
        # Keras 3.15 fails here: RandomColorJitter builds channels-last parts, RandomErasing
        # broadcasts a per-channel fill_value over the width; featherflow applies the same
        # draws to the transposed batch
        assert "Error" in str(fx["channels_first_error"])
        np.testing.assert_allclose(np.transpose(got, (0, 2, 3, 1)), fx["y"], rtol=0,
                                   atol=_atol(fx))


@pytest.mark.parametrize("name", CASES)
def test_dict_inputs(name):
    fx = load(name)
    layer = _layer(fx, bounding_box_format="xyxy")
    data = {"images": fx["x"], "labels": fx["labels"]}
    # featherflow's RandAugment moves no boxes yet (test_bad_inputs_are_named); Keras's images,
    # labels and masks do not depend on them
    boxes = fx["class_name"] != "RandAugment"
    if boxes and ("dict_boxes" in fx or "dict_error" in fx):
        data["bounding_boxes"] = {"boxes": fx["boxes"], "labels": fx["box_labels"]}
    if "dict_masks" in fx or ("dict_error" in fx and fx["class_name"] != "MixUp"):
        data["segmentation_masks"] = fx["masks"]
    atol = _atol(fx)
    if fx["class_name"] == "RandomElasticTransform":
        # Keras 3.15 has no box rule here (NotImplementedError): a clear error instead; without
        # boxes the images get the field a plain call draws, the masks a field of their own
        assert "NotImplementedError" in str(fx["dict_error"])
        with pytest.raises(ValueError, match="cannot move bounding boxes"):
            layer(dict(data), training=True)
        data.pop("bounding_boxes")
        out = _layer(fx)(data, training=True)
        np.testing.assert_allclose(out["images"].numpy(), fx["y"], rtol=0, atol=atol)
        np.testing.assert_array_equal(out["labels"].numpy(), fx["labels"])
        # nearest sampling: mask values, or the constant fill
        fill = fx["config"]["fill_value"]
        assert set(np.unique(out["segmentation_masks"].numpy())) <= {0.0, 1.0, fill}
        return
    out = layer(data, training=True)
    if "dict_error" in fx:
        # Keras 3.15's RandomGrayscale reads `.shape` of the dict and fails; featherflow
        # transforms the images as a plain call does and passes the rest through
        np.testing.assert_allclose(out["images"].numpy(), fx["y"], rtol=0, atol=atol)
        np.testing.assert_array_equal(out["labels"].numpy(), fx["labels"])
        np.testing.assert_array_equal(out["segmentation_masks"].numpy(), fx["masks"])
        return
    np.testing.assert_allclose(out["images"].numpy(), fx["dict_images"], rtol=0, atol=atol)
    np.testing.assert_allclose(out["labels"].numpy(), fx["dict_labels"], rtol=0, atol=1e-6)
    if boxes and "dict_boxes" in fx:
        # perspective boxes go through the float32 homography and its inverse
        np.testing.assert_allclose(out["bounding_boxes"]["boxes"].numpy(), fx["dict_boxes"],
                                   rtol=0, atol=2e-4 if fx["class_name"] == "RandomPerspective"
                                   else 1e-6)
        np.testing.assert_allclose(out["bounding_boxes"]["labels"].numpy(),
                                   fx["dict_box_labels"], rtol=0, atol=1e-6)
    if "dict_masks" in fx:
        np.testing.assert_allclose(out["segmentation_masks"].numpy(), fx["dict_masks"],
                                   rtol=0, atol=1e-6)


def _warps(fx):
    """Whether the recorded gradient call resampled through TF's projective transform:
    RandomShear, RandomPerspective, AugMix, or a RandAugment whose first draw picked shear,
    translation or rotation."""
    if fx["class_name"] in ("RandomShear", "RandomPerspective", "AugMix"):
        return True  # (AugMix's recorded chains all hold a shear, translation or rotation)
    if fx["class_name"] != "RandAugment":
        return False
    picks = tf.keras.random.randint((fx["config"]["num_ops"],), 0, 11,
                                    seed=tf.keras.random.SeedGenerator(fx["seed"].item()))
    return bool(np.any(picks.numpy() < 3))


# TF's gradient of its projective transform is the inverse warp of the output gradient, not
# the adjoint of the resampling (tensorflow/python/ops/image_ops.py); featherflow's is the exact
# adjoint (checked against finite differences below), so those gradients are not compared.
@pytest.mark.parametrize("name", [n for n in CASES if "dx" in load(n) and not _warps(load(n))])
def test_gradients_match_keras(name):
    fx = load(name)
    layer = _layer(fx)
    x = tf.constant(fx["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x, training=True) * fx["r"])
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), fx["dx"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: tf.keras.layers.RandomShear(0.4, 0.3, seed=3, dtype="float64"),
    lambda: tf.keras.layers.RandomShear(0.4, 0.3, fill_mode="constant", seed=3,
                                        dtype="float64"),
    lambda: tf.keras.layers.RandomPerspective(scale=0.5, seed=4, dtype="float64"),
    # rotation, translation, sharpness: smooth away from the clipping bounds
    lambda: tf.keras.layers.RandAugment(num_ops=3, factor=0.2, seed=42, dtype="float64"),
    # geometric operations only, away from the clipping bounds
    lambda: tf.keras.layers.AugMix(factor=0.2, all_ops=False, seed=7, dtype="float64"),
])
def test_resampling_gradients_are_exact(make):
    images = np.random.default_rng(1).uniform(60, 190, size=(2, 5, 6, 3))
    layer = make()
    state = layer.generator.state.numpy().copy()

    def run(x):
        layer.generator.state.assign(state)  # the same draws for every evaluation
        random.seed(861)  # and the same AugMix operations (861: shears, rotations, a translation)
        return layer(x, training=True)

    # the sampling weights are float32 (TF's kernel), the pixels float64: differences of the
    # order of float32's rounding of a weight
    check_gradients(run, [images], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", CASES)
def test_config_matches_keras(name):
    fx = load(name)
    layer = _layer(fx)
    config = layer.get_config()
    expected = dict(fx["config"])
    # featherflow always records the seed (Keras's RandomGrayscale does not)
    extra = set(config) - set(expected)
    # and MaxNumBoundingBoxes its fill_value (Keras's loses it on a round trip)
    assert extra <= {"seed", "fill_value"}, (name, extra)
    for key, value in expected.items():
        if key not in ("name", "dtype"):
            assert config[key] == value, (name, key, config[key], value)
    again = type(layer).from_config(config)
    assert again.get_config() == config


def test_stateless_gamma_is_tf_kernel():
    fx = load(f"{GROUP}/stateless_gamma")
    for key in fx:
        _, alpha, first, second = key.split("_")
        got = _stateless_gamma(16, np.array([int(first), int(second)], np.int32),
                               np.float32(float(alpha)))
        np.testing.assert_array_equal(got, fx[key], err_msg=key)


@pytest.mark.parametrize("name, make", [
    ("hue", lambda: tf.keras.layers.RandomHue(0.3, seed=21)),
    ("mix_up", lambda: tf.keras.layers.MixUp(seed=22)),
    ("grayscale", lambda: tf.keras.layers.RandomGrayscale(0.5, seed=23)),
])
def test_dataset_map_draws_as_tf_data(name, make):
    fx = load(f"{GROUP}/dataset_map")
    images = load(f"{GROUP}/mix_up")["x"]
    elements = tf.data.Dataset.from_tensor_slices(images).map(make()).batch(4)
    np.testing.assert_allclose(np.concatenate([b.numpy() for b in elements]),
                               fx[f"{name}_elements"], rtol=0, atol=HSV_ATOL)
    batches = tf.data.Dataset.from_tensor_slices(images).batch(2).map(make())
    np.testing.assert_allclose(np.concatenate([b.numpy() for b in batches]),
                               fx[f"{name}_batches"], rtol=0, atol=HSV_ATOL)


def test_keras_model_file_loads_and_predicts(tmp_path):
    from tests.fixtures.keras_loader import fixture_path

    fx = load(f"{GROUP}/model_color")
    model = tf.keras.models.load_model(str(fixture_path(f"{GROUP}/model_color.keras")))
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-5)
    path = str(tmp_path / "again.keras")
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-5)
    assert [type(layer).__name__ for layer in again.layers[:6]] == [
        "RandomHue", "RandomSaturation", "RandomGrayscale", "Solarization", "RandomInvert",
        "RandomPosterization"]


def test_mixing_layers_train_in_a_model():
    images = load(f"{GROUP}/mix_up")["x"]
    inputs = tf.keras.Input((8, 10, 3))
    x = tf.keras.layers.CutMix(seed=1)(inputs)
    x = tf.keras.layers.MixUp(seed=2)(x)
    x = tf.keras.layers.RandomColorJitter(brightness_factor=0.1, hue_factor=0.1, seed=3)(x)
    outputs = tf.keras.layers.Dense(1)(tf.keras.layers.Flatten()(x / 255.0))
    model = tf.keras.Model(inputs, outputs)
    model.compile(loss="mse", optimizer="sgd")
    history = model.fit(images, np.zeros((4, 1)), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert model.predict(images, verbose=0).shape == (4, 1)


def test_mix_up_segmentation_masks_mix_along_the_batch():
    fx = load(f"{GROUP}/mix_up")
    layer = tf.keras.layers.MixUp(seed=3)
    out = layer({"images": fx["x"], "segmentation_masks": fx["masks"]}, training=True)
    # the same weights and partners as the images (Keras 3.15 fails on masks here)
    np.testing.assert_allclose(out["images"].numpy(), fx["y"], rtol=0, atol=ATOL)
    masks = out["segmentation_masks"].numpy()
    assert masks.shape == fx["masks"].shape
    assert np.all((masks >= 0) & (masks <= 1))


@pytest.mark.parametrize("make, match", [
    (lambda: tf.keras.layers.RandomHue(1.5), r"RandomHue.*`factor`.*\[0, 1\]"),
    (lambda: tf.keras.layers.RandomHue(0.2, value_range=(0,)), "value_range"),
    (lambda: tf.keras.layers.RandomSaturation("high"), "`factor`"),
    (lambda: tf.keras.layers.RandomGrayscale(1.2), r"`factor`.*between 0 and 1"),
    (lambda: tf.keras.layers.Solarization(addition_factor=2.0), "addition_factor"),
    (lambda: tf.keras.layers.Solarization(threshold_factor=(0.1, 0.2, 0.3)),
     "threshold_factor"),
    (lambda: tf.keras.layers.RandomInvert(factor=-0.5), "`factor`"),
    (lambda: tf.keras.layers.RandomPosterization(9), r"`factor`.*\[1, 8\]"),
    (lambda: tf.keras.layers.MixUp(alpha=0), "alpha"),
    (lambda: tf.keras.layers.CutMix(factor=3.0), "`factor`"),
    (lambda: tf.keras.layers.RandomColorJitter(hue_factor=2.0), "`factor`"),
])
def test_bad_arguments_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs_are_named():
    images = load(f"{GROUP}/mix_up")["x"]
    with pytest.raises(ValueError, match="rank 3 .*or 4"):
        tf.keras.layers.MixUp()(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="'images'"):
        tf.keras.layers.RandomHue(0.1)({"pictures": images})
    with pytest.raises(ValueError, match="bounding_box_format"):
        tf.keras.layers.RandomHue(0.1)({"images": images, "bounding_boxes": {
            "boxes": np.zeros((4, 1, 4)), "labels": np.zeros((4, 1))}})
    with pytest.raises(ValueError, match="3 channels"):
        tf.keras.layers.RandomHue(0.1)(np.zeros((2, 4, 4, 4)))
    with pytest.raises(ValueError, match="RandAugment does not move bounding boxes"):
        tf.keras.layers.RandAugment(bounding_box_format="xyxy")(
            {"images": images, "bounding_boxes": {"boxes": np.zeros((4, 1, 4)),
                                                  "labels": np.zeros((4, 1))}})
    with pytest.raises(ValueError, match="CutMix does not transform bounding boxes"):
        tf.keras.layers.CutMix(bounding_box_format="xyxy")(
            {"images": images, "bounding_boxes": {"boxes": np.zeros((4, 1, 4)),
                                                  "labels": np.zeros((4, 1))}})
