"""Numeric and image preprocessing layers and ``keras.random`` (Keras 3.15, TF backend).

Each case stores the layer's config, its inputs, outputs and (for the differentiable layers)
the gradient of ``L = sum(y * r)`` with respect to the input. Adapted layers store their
weights (Normalization) or boundaries (Discretization) after ``adapt``; augmentation cases are
called with a ``seed`` and ``training=True`` twice, so the second call shows the seed
generator moving on. The group runs in float32 (``keras.random`` draws depend on the dtype).
"""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for, save_json, save_npz, to_json

GROUP = "layers_preprocessing"


def _save(name, layer, out):
    import keras

    out["class_name"] = type(layer).__name__
    out["config"] = to_json(layer.get_config())
    save_npz(f"{GROUP}/{name}", out)
    keras.backend.clear_session()


def _grad(layer, x, rng, **kwargs):
    import tensorflow as tf

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, **kwargs)
        r = rng.normal(size=tuple(y.shape)).astype(np.float32)
        loss = tf.reduce_sum(y * r)
    try:
        dx = as_numpy(tape.gradient(loss, xt))
    except LookupError:  # TF has no gradient for ResizeArea
        dx = np.zeros(0, np.float32)
    return as_numpy(y), r, dx


# -- keras.random ---------------------------------------------------------------------------
def random_cases():
    import keras

    out = {}
    gen = keras.random.SeedGenerator(42)
    out["uniform_generator"] = [keras.random.uniform((5,), seed=gen).numpy().tolist()
                                for _ in range(3)]
    out["uniform_range"] = keras.random.uniform((7,), -2.0, 3.0, seed=7).numpy().tolist()
    out["uniform_2d"] = keras.random.uniform((3, 5), seed=123456).numpy().tolist()
    out["uniform_float64"] = keras.random.uniform((5,), dtype="float64", seed=7).numpy().tolist()
    out["uniform_big_seed"] = keras.random.uniform((3,), seed=2**40 + 5).numpy().tolist()
    out["normal"] = keras.random.normal((2, 7), seed=3).numpy().tolist()
    out["normal_odd"] = keras.random.normal((5,), mean=1.5, stddev=0.5, seed=4).numpy().tolist()
    out["normal_float64"] = keras.random.normal((5,), dtype="float64", seed=3).numpy().tolist()
    out["truncated_normal"] = keras.random.truncated_normal((3, 11), seed=5).numpy().tolist()
    out["truncated_normal_float64"] = keras.random.truncated_normal(
        (7,), seed=5, dtype="float64").numpy().tolist()
    out["randint"] = keras.random.randint((9,), 0, 10, seed=11).numpy().tolist()
    out["randint_int64"] = keras.random.randint((9,), -5, 1000, dtype="int64",
                                                seed=11).numpy().tolist()
    logits = np.log([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]])
    out["categorical_logits"] = logits.tolist()
    out["categorical"] = keras.random.categorical(logits, 7, seed=4).numpy().tolist()
    out["shuffle"] = keras.random.shuffle(np.arange(10), seed=2).numpy().tolist()
    out["shuffle_axis1"] = keras.random.shuffle(np.arange(12).reshape(3, 4), axis=1,
                                                seed=2).numpy().tolist()
    out["dropout"] = keras.random.dropout(np.ones((2, 8), "float32"), 0.5,
                                          seed=1).numpy().tolist()
    out["dropout_noise_shape"] = keras.random.dropout(
        np.arange(12, dtype="float32").reshape(3, 4), 0.3, noise_shape=(1, 4),
        seed=keras.random.SeedGenerator(8)).numpy().tolist()
    out["generator_config"] = keras.random.SeedGenerator(5, name="gen").get_config()
    out["generator_state_after_two"] = np.asarray(gen.state.value).tolist()
    save_json(f"{GROUP}/random.json", out)


# -- Normalization --------------------------------------------------------------------------
def normalization_cases():
    import keras
    import tensorflow as tf

    def record(name, layer, data, x, adapt=True):
        rng = rng_for(name)
        if adapt:
            layer.adapt(data)
        y, r, dx = _grad(layer, x, rng)
        out = {"x": x, "y": y, "r": r, "dx": dx}
        for i, w in enumerate(layer.get_weights()):
            out[f"w{i}"] = w
        out["weight_names"] = to_json([v.path.rsplit("/", 1)[-1] for v in layer.weights])
        if isinstance(data, np.ndarray):
            out["data"] = data
        _save(name, layer, out)

    rng = rng_for("normalization_data")
    data = (rng.normal(size=(50, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 5.0, -2.0, 100.0]
            ).astype(np.float32)
    x = data[:6] * np.float32(1.1)
    record("norm_array_axis_last", keras.layers.Normalization(), data, x)
    record("norm_array_axis_none", keras.layers.Normalization(axis=None), data, x)
    cube = (rng.normal(size=(20, 3, 5)) * 2 + 1).astype(np.float32)
    record("norm_array_axis_1", keras.layers.Normalization(axis=1), cube, cube[:3])
    record("norm_array_axis_1_2", keras.layers.Normalization(axis=(1, 2)), cube, cube[:3])
    record("norm_array_axis_neg2", keras.layers.Normalization(axis=-2), cube, cube[:3])
    record("norm_invert", keras.layers.Normalization(invert=True), data, x)

    # a Dataset of batches: Keras's running mean/variance combination, batch by batch
    out_name = "norm_dataset_batched"
    layer = keras.layers.Normalization()
    layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(7))
    record(out_name, layer, data, x, adapt=False)
    # rank-1 elements are batched by 128 first
    big = (rng.normal(size=(300, 3)) * [2.0, 0.5, 7.0]).astype(np.float32)
    layer = keras.layers.Normalization()
    layer.adapt(tf.data.Dataset.from_tensor_slices(big))
    record("norm_dataset_unbatched", layer, big, big[:4], adapt=False)
    layer = keras.layers.Normalization()
    layer.adapt([data[:20], data[20:]])
    record("norm_list_of_batches", layer, data, x, adapt=False)
    scalars = (rng.normal(size=(40,)) * 3 + 2).astype(np.float32)
    record("norm_scalars_axis_none", keras.layers.Normalization(axis=None), scalars,
           scalars[:5])

    record("norm_given_mean_variance",
           keras.layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[4.0, 1.0, 0.25, 9.0]),
           None, x, adapt=False)
    record("norm_given_scalar", keras.layers.Normalization(mean=3.0, variance=2.0), None, x,
           adapt=False)
    record("norm_given_invert",
           keras.layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[4.0, 1.0, 0.25, 9.0],
                                      invert=True), None, x, adapt=False)


# -- Rescaling, Resizing, CenterCrop --------------------------------------------------------
def image_cases():
    import keras

    rng = rng_for("image_data")
    images = rng.uniform(0, 255, size=(2, 9, 12, 3)).astype(np.float32)

    for name, layer in [
        ("rescaling_255", keras.layers.Rescaling(1.0 / 255)),
        ("rescaling_offset", keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)),
        ("rescaling_per_channel", keras.layers.Rescaling([0.5, 2.0, 3.0], offset=[1.0, 0., 2.])),
    ]:
        y, r, dx = _grad(layer, images, rng_for(name))
        _save(name, layer, {"x": images, "y": y, "r": r, "dx": dx})
    layer = keras.layers.Rescaling(0.5)
    ints = rng.integers(0, 256, size=(2, 4, 4, 1)).astype(np.uint8)
    _save("rescaling_uint8", layer, {"x": ints, "y": as_numpy(layer(ints))})

    resize_cases = [(f"resizing_{m}", dict(height=5, width=7, interpolation=m))
                    for m in ("bilinear", "nearest", "bicubic", "area", "lanczos3",
                              "lanczos5")]
    resize_cases += [
        ("resizing_up_bilinear", dict(height=13, width=17)),
        ("resizing_crop_to_aspect", dict(height=6, width=6, crop_to_aspect_ratio=True)),
        ("resizing_pad_to_aspect", dict(height=8, width=4, pad_to_aspect_ratio=True,
                                        fill_value=7.0)),
        ("resizing_pad_wide", dict(height=3, width=9, pad_to_aspect_ratio=True)),
        ("resizing_antialias", dict(height=4, width=5, antialias=True)),
    ]
    for name, kwargs in resize_cases:
        layer = keras.layers.Resizing(**kwargs)
        y, r, dx = _grad(layer, images, rng_for(name))
        _save(name, layer, {"x": images, "y": y, "r": r, "dx": dx,
                            "y_single": as_numpy(layer(images[0]))})
    layer = keras.layers.Resizing(3, 5)
    ints = rng.integers(0, 256, size=(1, 6, 7, 2)).astype(np.uint8)
    _save("resizing_uint8", layer, {"x": ints, "y": as_numpy(layer(ints))})

    for name, kwargs in [("center_crop", dict(height=5, width=6)),
                         ("center_crop_odd", dict(height=4, width=7)),
                         ("center_crop_larger", dict(height=12, width=10))]:
        layer = keras.layers.CenterCrop(**kwargs)
        y, r, dx = _grad(layer, images, rng_for(name))
        _save(name, layer, {"x": images, "y": y, "r": r, "dx": dx,
                            "y_single": as_numpy(layer(images[0]))})


# -- CategoryEncoding, Discretization -------------------------------------------------------
def encoding_cases():
    import keras
    import tensorflow as tf

    ids_1d = np.array([3, 2, 0, 1], np.int64)
    ids_2d = np.array([[0, 1], [0, 0], [1, 2], [3, 1]], np.int64)
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]], np.float32)
    for mode in ("one_hot", "multi_hot", "count"):
        for rank, ids in (("1d", ids_1d), ("2d", ids_2d)):
            name = f"category_encoding_{mode}_{rank}"
            layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
            out = {"x": ids, "y": as_numpy(layer(ids))}
            if mode == "count" and rank == "2d":
                out["count_weights"] = weights
                out["y_weighted"] = as_numpy(layer(ids, count_weights=weights))
            _save(name, layer, out)
    layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    col = ids_1d.reshape(4, 1)
    _save("category_encoding_one_hot_column", layer, {"x": col, "y": as_numpy(layer(col))})

    rng = rng_for("discretization_data")
    values = rng.normal(size=(200, 3)).astype(np.float32) * 4
    x = np.array([[-10.0, -1.0, 0.0], [0.5, 1.0, 2.5], [3.0, 7.0, 11.0]], np.float32)
    for mode in ("int", "one_hot", "multi_hot", "count"):
        name = f"discretization_bins_{mode}"
        layer = keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0, 2.5],
                                            output_mode=mode)
        xin = x[:, :1] if mode == "one_hot" else x
        _save(name, layer, {"x": xin, "y": as_numpy(layer(xin))})
    for name, kwargs, data in [
        ("discretization_adapt_array", dict(num_bins=5), values),
        ("discretization_adapt_eps", dict(num_bins=4, epsilon=0.1), values),
        ("discretization_adapt_small", dict(num_bins=3), values[:7, 0]),
        ("discretization_adapt_many_bins", dict(num_bins=40, epsilon=0.001), values),
    ]:
        layer = keras.layers.Discretization(**kwargs)
        layer.adapt(data)
        _save(name, layer, {"data": data, "x": x, "y": as_numpy(layer(x)),
                            "boundaries": np.asarray(layer.bin_boundaries, np.float64)})
    layer = keras.layers.Discretization(num_bins=6)
    layer.adapt(tf.data.Dataset.from_tensor_slices(values).batch(32))
    _save("discretization_adapt_dataset", layer,
          {"data": values, "x": x, "y": as_numpy(layer(x)),
           "boundaries": np.asarray(layer.bin_boundaries, np.float64)})


# -- augmentation ---------------------------------------------------------------------------
def augmentation_cases():
    import keras
    import tf_keras

    rng = rng_for("augmentation_data")
    images = rng.uniform(0, 255, size=(4, 8, 10, 3)).astype(np.float32)
    # one input for every augmentation case
    save_npz(f"{GROUP}/augmentation_input", {"x": images})
    cases = [
        ("random_flip", lambda: keras.layers.RandomFlip(seed=3)),
        ("random_flip_horizontal", lambda: keras.layers.RandomFlip("horizontal", seed=4)),
        ("random_flip_vertical", lambda: keras.layers.RandomFlip("vertical", seed=5)),
        ("random_rotation", lambda: keras.layers.RandomRotation(0.2, seed=6)),
        ("random_rotation_range_nearest", lambda: keras.layers.RandomRotation(
            (-0.3, 0.1), interpolation="nearest", seed=7)),
    ]
    for mode in ("reflect", "wrap", "nearest", "constant"):
        cases.append((f"random_rotation_{mode}", lambda mode=mode: keras.layers.RandomRotation(
            0.4, fill_mode=mode, fill_value=9.0, seed=8)))
        cases.append((f"random_zoom_{mode}", lambda mode=mode: keras.layers.RandomZoom(
            (-0.4, 0.5), fill_mode=mode, fill_value=9.0, seed=9)))
        cases.append((f"random_translation_{mode}",
                       lambda mode=mode: keras.layers.RandomTranslation(
                           0.3, (-0.4, 0.2), fill_mode=mode, fill_value=9.0, seed=10)))
    cases += [
        ("random_zoom_two_factors", lambda: keras.layers.RandomZoom(0.3, 0.2, seed=11)),
        ("random_zoom_nearest", lambda: keras.layers.RandomZoom(0.3, interpolation="nearest",
                                                                seed=12)),
        ("random_translation_nearest", lambda: keras.layers.RandomTranslation(
            0.2, 0.2, interpolation="nearest", seed=13)),
        ("random_contrast", lambda: keras.layers.RandomContrast(0.5, seed=14)),
        ("random_contrast_range", lambda: keras.layers.RandomContrast((0.2, 0.7),
                                                                      value_range=(0, 100),
                                                                      seed=15)),
        ("random_brightness", lambda: keras.layers.RandomBrightness(0.3, seed=16)),
        ("random_brightness_range", lambda: keras.layers.RandomBrightness(
            (-0.2, 0.5), value_range=(0, 1), seed=17)),
        ("random_crop", lambda: keras.layers.RandomCrop(5, 6, seed=18)),
    ]
    for name, make in cases:
        layer = make()
        first = as_numpy(layer(images, training=True))
        second = as_numpy(layer(images, training=True))
        single = as_numpy(layer(images[0], training=True))
        inference = as_numpy(layer(images, training=False))
        _save(name, layer, {"y": first, "y_second": second, "y_single": single,
                            "y_inference": inference})
    # Keras 3.15 returns RandomCrop's input unchanged at inference although its output shape
    # says (height, width); featherflow center-crops as tf.keras 2 does (recorded here).
    layer = tf_keras.layers.RandomCrop(5, 6, seed=18)
    save_npz(f"{GROUP}/random_crop_inference_tf_keras",
             {"x": images, "y": as_numpy(layer(images, training=False))})
    small = images[:, :4, :5]
    layer = tf_keras.layers.RandomCrop(5, 6, seed=18)
    save_npz(f"{GROUP}/random_crop_upscale_tf_keras",
             {"x": small, "y": as_numpy(layer(small, training=False))})


def projective_transform_cases():
    """TF's ImageProjectiveTransformV3 itself: a row of five pixels shifted by -12..12 in
    half pixels, and one general transform of a small image, per fill mode and
    interpolation."""
    import tensorflow as tf

    line = np.arange(1, 6, dtype=np.float32).reshape(1, 1, 5, 1)
    shifts = np.arange(-12, 12.5, 0.5, dtype=np.float32)
    rng = rng_for("projective_transform")
    image = rng.uniform(0, 10, size=(2, 5, 6, 2)).astype(np.float32)
    general = np.array([[0.9, 0.3, -1.2, -0.2, 1.1, 0.6, 0.01, -0.02],
                        [1.3, -0.4, 2.5, 0.5, 0.8, -3.1, 0.0, 0.03]], np.float32)
    out = {"line": line, "shifts": shifts, "image": image, "transforms": general}
    for mode in ("reflect", "wrap", "nearest", "constant"):
        for interp in ("nearest", "bilinear"):
            rows = []
            for shift in shifts:
                rows.append(as_numpy(tf.raw_ops.ImageProjectiveTransformV3(
                    images=line, transforms=np.array([[1, 0, shift, 0, 1, 0, 0, 0]], np.float32),
                    output_shape=[1, 5], fill_value=-1.0, interpolation=interp.upper(),
                    fill_mode=mode.upper())).ravel())
            out[f"line_{mode}_{interp}"] = np.stack(rows)
            out[f"image_{mode}_{interp}"] = as_numpy(tf.raw_ops.ImageProjectiveTransformV3(
                images=image, transforms=general, output_shape=[5, 6], fill_value=-1.0,
                interpolation=interp.upper(), fill_mode=mode.upper()))
    save_npz(f"{GROUP}/projective_transform", out)


def model_cases():
    """Models holding the layers, saved by Keras 3 as .keras files, with their predictions:
    featherflow must load the adapted state (Normalization's weights, Discretization's
    boundaries in the config) and predict the same."""
    import keras

    from .common import OUT

    rng = rng_for("preprocessing_models")
    x = (rng.normal(size=(20, 3)) * 3 + 1).astype(np.float32)
    images = rng.uniform(0, 255, size=(2, 8, 10, 3)).astype(np.float32)
    norm = keras.layers.Normalization()
    norm.adapt(x)
    inputs = keras.Input((3,))
    models = {
        "model_normalization": (keras.Model(inputs, keras.layers.Dense(2)(norm(inputs))), x),
        "model_image": (keras.Sequential([
            keras.Input((8, 10, 3)), keras.layers.RandomFlip(seed=1),
            keras.layers.RandomRotation(0.1, seed=2), keras.layers.Resizing(6, 6),
            keras.layers.CenterCrop(4, 4), keras.layers.Rescaling(1 / 255.0),
            keras.layers.Flatten(), keras.layers.Dense(2)]), images),
    }
    disc = keras.layers.Discretization(num_bins=3)
    disc.adapt(x[:, 0])
    models["model_discretization"] = (keras.Sequential([
        keras.Input((1,)), disc, keras.layers.CategoryEncoding(3, output_mode="one_hot")]),
        x[:, :1])
    for name, (model, inputs_) in models.items():
        path = OUT / GROUP / f"{name}.keras"
        model.save(str(path))
        save_npz(f"{GROUP}/{name}", {"x": inputs_, "y": model.predict(inputs_, verbose=0)})
        keras.backend.clear_session()


def dataset_map_cases():
    """Augmentation layers inside tf.data's map (graph mode, the layer's SeedGenerator state
    updated per call): element by element, and on batches."""
    import keras
    import tensorflow as tf

    images = rng_for("augmentation_data").uniform(0, 255, size=(4, 8, 10, 3)).astype(np.float32)
    out = {}
    for name, make in [("rotation", lambda: keras.layers.RandomRotation(0.2, seed=3)),
                       ("flip", lambda: keras.layers.RandomFlip(seed=4)),
                       ("brightness", lambda: keras.layers.RandomBrightness(0.2, seed=5))]:
        per_element = tf.data.Dataset.from_tensor_slices(images).map(make()).batch(4)
        out[f"{name}_elements"] = np.concatenate([as_numpy(b) for b in per_element])
        per_batch = tf.data.Dataset.from_tensor_slices(images).batch(2).map(make())
        out[f"{name}_batches"] = np.concatenate([as_numpy(b) for b in per_batch])
    save_npz(f"{GROUP}/dataset_map", out)


def run():
    import keras

    previous = keras.config.floatx()
    keras.config.set_floatx("float32")
    try:
        random_cases()
        normalization_cases()
        image_cases()
        encoding_cases()
        augmentation_cases()
        projective_transform_cases()
        model_cases()
        dataset_map_cases()
    finally:
        keras.config.set_floatx(previous)
