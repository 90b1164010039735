"""Keras 3.15's newer augmentation layers (TF backend), seeded: MixUp, CutMix and the colour
layers.

Each case stores the layer's config and, for a fixed input batch, the outputs of: two batched
training calls (the second shows the SeedGenerator moving on), one unbatched call, an inference
call followed by one more training call (some layers draw at inference too, so that call shows
whether the generator moved), a ``channels_first`` layer on the transposed batch, a dict call
with labels (and boxes/masks where the layer passes or mixes them), and for differentiable
layers the gradient of ``sum(y * r)`` for a stored ``r``. The group runs in float32
(``keras.random`` draws depend on the dtype).
"""

from __future__ import annotations

import random as py_random

import numpy as np

from .common import as_numpy, rng_for, save_npz, to_json

GROUP = "layers_augmentation"


def _images():
    rng = rng_for("augmentation_keras3_images")
    return rng.uniform(0, 255, size=(4, 8, 10, 3)).astype(np.float32)


def _labels():
    rng = rng_for("augmentation_keras3_labels")
    return np.eye(5, dtype=np.float32)[rng.integers(0, 5, size=4)]


def cases():
    import keras

    L = keras.layers
    return [
        ("mix_up", lambda **k: L.MixUp(seed=3, **k), True),
        ("mix_up_alpha", lambda **k: L.MixUp(alpha=0.8, seed=4, **k), True),
        ("cut_mix", lambda **k: L.CutMix(seed=5, **k), True),
        ("cut_mix_factor", lambda **k: L.CutMix(factor=(0.2, 0.6), seed=6, **k), True),
        ("random_hue", lambda **k: L.RandomHue(0.4, seed=7, **k), False),
        ("random_hue_range", lambda **k: L.RandomHue((0.1, 0.9), value_range=(0, 1), seed=8,
                                                      **k), False),
        ("random_saturation", lambda **k: L.RandomSaturation(0.5, seed=9, **k), False),
        ("random_saturation_range", lambda **k: L.RandomSaturation(
            (0.3, 0.8), value_range=(0, 1), seed=10, **k), False),
        ("random_grayscale", lambda **k: L.RandomGrayscale(0.5, seed=11, **k), True),
        ("random_grayscale_all", lambda **k: L.RandomGrayscale(1.0, seed=12, **k), True),
        ("random_color_jitter", lambda **k: L.RandomColorJitter(
            brightness_factor=0.2, contrast_factor=0.3, saturation_factor=(0.4, 0.6),
            hue_factor=0.2, seed=13, **k), False),
        ("random_color_jitter_two", lambda **k: L.RandomColorJitter(
            value_range=(0, 255), brightness_factor=(-0.1, 0.3), hue_factor=0.5, seed=14, **k),
            False),
        ("solarization", lambda **k: L.Solarization(addition_factor=0.2, threshold_factor=0.6,
                                                    seed=15, **k), True),
        ("solarization_range", lambda **k: L.Solarization(
            addition_factor=(0.1, 0.3), threshold_factor=(0.2, 0.9), value_range=(0, 1),
            seed=16, **k), True),
        ("random_invert", lambda **k: L.RandomInvert(seed=17, **k), True),
        ("random_invert_half", lambda **k: L.RandomInvert(factor=0.5, value_range=(0, 1),
                                                          seed=18, **k), True),
        ("random_posterization", lambda **k: L.RandomPosterization(factor=(1, 8), seed=19,
                                                                   **k), False),
        ("random_posterization_fixed", lambda **k: L.RandomPosterization(
            factor=(3, 3), value_range=(0, 1), seed=20, **k), False),
        ("random_shear", lambda **k: L.RandomShear(0.3, 0.2, seed=24, **k), True),
        ("random_shear_constant_nearest", lambda **k: L.RandomShear(
            x_factor=(0.1, 0.5), interpolation="nearest", fill_mode="constant", fill_value=7.0,
            seed=25, **k), True),
        ("random_shear_wrap_y", lambda **k: L.RandomShear(y_factor=0.6, fill_mode="wrap",
                                                          seed=26, **k), True),
        ("random_erasing", lambda **k: L.RandomErasing(seed=27, **k), True),
        ("random_erasing_value", lambda **k: L.RandomErasing(
            factor=0.7, scale=(0.1, 0.5), fill_value=30.0, seed=28, **k), True),
        ("random_erasing_rgb", lambda **k: L.RandomErasing(
            factor=(0.5, 1.0), fill_value=[10.0, 200.0, 300.0], seed=29, **k), True),
        ("random_gaussian_blur", lambda **k: L.RandomGaussianBlur(seed=30, **k), True),
        ("random_gaussian_blur_five", lambda **k: L.RandomGaussianBlur(
            factor=0.6, kernel_size=5, sigma=(0.3, 2.0), seed=31, **k), True),
        ("auto_contrast", lambda **k: L.AutoContrast(**k), True),
        ("auto_contrast_range", lambda **k: L.AutoContrast(value_range=(0, 1), **k), True),
        ("equalization", lambda **k: L.Equalization(**k), False),
        ("equalization_bins", lambda **k: L.Equalization(value_range=(0, 1), bins=32, **k),
         False),
        ("random_color_degeneration", lambda **k: L.RandomColorDegeneration(0.6, seed=32, **k),
         True),
        ("random_color_degeneration_range", lambda **k: L.RandomColorDegeneration(
            (0.2, 0.9), value_range=(0, 1), seed=33, **k), True),
        ("random_sharpness", lambda **k: L.RandomSharpness(0.7, seed=34, **k), True),
        ("random_sharpness_range", lambda **k: L.RandomSharpness(
            (0.1, 0.4), value_range=(0, 1), seed=35, **k), True),
        ("random_perspective", lambda **k: L.RandomPerspective(seed=48, **k), True),
        ("random_perspective_half", lambda **k: L.RandomPerspective(
            factor=0.6, scale=0.4, interpolation="nearest", fill_value=5.0, seed=49, **k), True),
        ("random_perspective_small", lambda **k: L.RandomPerspective(
            factor=(0.5, 1.0), scale=0.2, seed=50, **k), True),
        ("max_num_bounding_boxes", lambda **k: L.MaxNumBoundingBoxes(3, **k), False),
        ("max_num_bounding_boxes_one", lambda **k: L.MaxNumBoundingBoxes(1, fill_value=-2, **k),
         False),
        ("random_elastic_transform", lambda **k: L.RandomElasticTransform(seed=51, **k), True),
        ("random_elastic_transform_large", lambda **k: L.RandomElasticTransform(
            factor=0.7, scale=(0.5, 1.0), fill_mode="constant", fill_value=3.0, seed=52, **k),
         True),
        ("random_elastic_transform_nearest_large", lambda **k: L.RandomElasticTransform(
            interpolation="nearest", fill_mode="wrap", seed=53, **k), True),
        ("clahe", lambda **k: L.ContrastLimitedAdaptiveHistogramEqualization(
            tile_grid_size=(2, 3), **k), False),
        ("clahe_unclipped_large", lambda **k: L.ContrastLimitedAdaptiveHistogramEqualization(
            clip_limit=0, tile_grid_size=(4, 4), **k), False),
        ("clahe_range_large", lambda **k: L.ContrastLimitedAdaptiveHistogramEqualization(
            value_range=(0, 1), clip_limit=2.0, tile_grid_size=(3, 5), **k), False),
    ] + [(f"aug_mix_{seed}", lambda seed=seed, **k: L.AugMix(seed=seed, **k), True)
         for seed in range(54, 60)] + [
        ("aug_mix_small", lambda **k: L.AugMix(num_chains=2, chain_depth=2, factor=(0.1, 0.5),
                                               alpha=0.5, all_ops=False, seed=60, **k), True),
        ("aug_mix_range", lambda **k: L.AugMix(value_range=(0, 1), seed=61, **k), True),
    ] + [(f"rand_augment_{seed}", lambda seed=seed, **k: L.RandAugment(seed=seed, **k), True)
         for seed in range(36, 46)] + [
        ("rand_augment_three", lambda **k: L.RandAugment(num_ops=3, factor=0.8,
                                                         interpolation="nearest", seed=46,
                                                         **k), True),
        ("rand_augment_range", lambda **k: L.RandAugment(value_range=(0, 1), factor=(0.1, 0.3),
                                                         seed=47, **k), True),
    ]


def run_case(name, make, differentiable, images, labels):
    import keras
    import tensorflow as tf

    scale = 1.0
    cfg_probe = make()
    value_range = getattr(cfg_probe, "value_range", (0, 255))
    if value_range is not None and max(value_range) <= 1:
        scale = 1.0 / 255.0
    if name.endswith("_large"):
        # big enough for the elastic field's blur (sigma = 0.05 * scale * min(h, w) >= 1)
        images = rng_for(f"{name}_images").uniform(0, 255, size=(3, 26, 30, 3))
        labels = labels[:3]
    x = (images * scale).astype(np.float32)
    out = {"x": x, "labels": labels}
    # AugMix picks its operations with Python's `random`: every call below starts from this
    # state, and the test seeds Python's random the same way
    py_random.seed(1234)
    layer = make()
    out["y"] = as_numpy(layer(x, training=True))
    out["y_second"] = as_numpy(layer(x, training=True))
    out["y_single"] = as_numpy(layer(x[0], training=True))
    out["y_inference"] = as_numpy(layer(x, training=False))
    out["y_after_inference"] = as_numpy(layer(x, training=True))
    out["class_name"] = type(layer).__name__
    if hasattr(layer, "seed"):
        out["seed"] = np.array(layer.seed)
    out["config"] = to_json(layer.get_config())
    py_random.seed(1234)
    first = make(data_format="channels_first")
    try:
        out["y_channels_first"] = as_numpy(first(np.transpose(x, (0, 3, 1, 2)),
                                                 training=True))
    except Exception as err:  # noqa: BLE001 - RandomColorJitter's parts are channels-last
        out["channels_first_error"] = np.array(f"{type(err).__name__}: {err}"[:300])
    py_random.seed(1234)
    boxed = make(bounding_box_format="xyxy")
    rng = rng_for(f"{name}_dict")
    batch, height, width = x.shape[:3]
    boxes = np.sort(rng.uniform(0, 8, size=(batch, 2, 4)).astype(np.float32), axis=-1)
    box_labels = rng.integers(0, 3, size=(batch, 2)).astype(np.float32)
    masks = rng.integers(0, 2, size=(batch, height, width, 1)).astype(np.float32)
    data = {"images": x, "labels": labels}
    if type(boxed).__name__ not in ("CutMix",):
        data["bounding_boxes"] = {"boxes": boxes, "labels": box_labels}
    if type(boxed).__name__ not in ("MixUp",):
        data["segmentation_masks"] = masks
    try:
        result = boxed(dict(data), training=True)
    except Exception as err:  # noqa: BLE001 - a Keras limitation is recorded, not hidden
        out["dict_error"] = np.array(f"{type(err).__name__}: {err}"[:300])
    else:
        out["dict_images"] = as_numpy(result["images"])
        out["dict_labels"] = as_numpy(result["labels"])
        if "bounding_boxes" in result:
            out["dict_boxes"] = as_numpy(result["bounding_boxes"]["boxes"])
            out["dict_box_labels"] = as_numpy(result["bounding_boxes"]["labels"])
        if "segmentation_masks" in result:
            out["dict_masks"] = as_numpy(result["segmentation_masks"])
    out["boxes"], out["box_labels"], out["masks"] = boxes, box_labels, masks
    if differentiable:
        py_random.seed(1234)
        grad_layer = make()
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = grad_layer(xt, training=True)
            r = rng.normal(size=tuple(y.shape)).astype(np.float32)
            loss = tf.reduce_sum(y * r)
        out["r"] = r
        out["dx"] = as_numpy(tape.gradient(loss, xt))
    save_npz(f"{GROUP}/{name}", out)
    keras.backend.clear_session()


def gamma_cases():
    """TF's stateless Gamma kernel itself (Beta draws are two of them)."""
    import tensorflow as tf

    out = {}
    for alpha in (0.2, 0.7, 1.0, 2.5):
        for seed in ((1, 2), (7, 0), (123, 45)):
            out[f"gamma_{alpha}_{seed[0]}_{seed[1]}"] = as_numpy(tf.random.stateless_gamma(
                [16], seed=seed, alpha=np.float32(alpha), dtype=tf.float32))
    save_npz(f"{GROUP}/stateless_gamma", out)


def dataset_map_cases(images):
    import keras
    import tensorflow as tf

    out = {}
    for name, make in [("hue", lambda: keras.layers.RandomHue(0.3, seed=21)),
                       ("mix_up", lambda: keras.layers.MixUp(seed=22)),
                       ("grayscale", lambda: keras.layers.RandomGrayscale(0.5, seed=23))]:
        per_element = tf.data.Dataset.from_tensor_slices(images).map(make()).batch(4)
        out[f"{name}_elements"] = np.concatenate([as_numpy(b) for b in per_element])
        per_batch = tf.data.Dataset.from_tensor_slices(images).batch(2).map(make())
        out[f"{name}_batches"] = np.concatenate([as_numpy(b) for b in per_batch])
    save_npz(f"{GROUP}/dataset_map", out)


def model_cases(images):
    import keras

    from .common import OUT

    model = keras.Sequential([
        keras.Input((8, 10, 3)), keras.layers.RandomHue(0.2, seed=1),
        keras.layers.RandomSaturation(0.3, seed=2), keras.layers.RandomGrayscale(0.3, seed=3),
        keras.layers.Solarization(0.1, 0.5, seed=4), keras.layers.RandomInvert(0.3, seed=5),
        keras.layers.RandomPosterization((2, 6), seed=6), keras.layers.Rescaling(1 / 255.0),
        keras.layers.Flatten(), keras.layers.Dense(2)])
    path = OUT / GROUP / "model_color.keras"
    model.save(str(path))
    save_npz(f"{GROUP}/model_color", {"x": images, "y": model.predict(images, verbose=0)})
    keras.backend.clear_session()


def run():
    import keras

    previous = keras.config.floatx()
    keras.config.set_floatx("float32")
    try:
        images, labels = _images(), _labels()
        for name, make, differentiable in cases():
            run_case(name, make, differentiable, images, labels)
        gamma_cases()
        dataset_map_cases(images)
        model_cases(images)
    finally:
        keras.config.set_floatx(previous)
