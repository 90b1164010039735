"""The legacy image augmentation API (keras.preprocessing.image: ImageDataGenerator, its
iterators, apply_affine_transform and the random_* functions) recorded from Keras 3.

Every file holds its cases as JSON under ``config`` (the arguments the test replays) and
the arrays Keras produced. Image folders are stored as their uint8 pixels plus the relative
paths, so the test writes the same PNG files (PNG is lossless) before replaying.
"""

from __future__ import annotations

import os
import tempfile
import warnings

import numpy as np

from .common import rng_for, save_npz, to_json

GROUP = "legacy_image"

_AFFINE_PARAMS = [
    {"theta": 33.0},
    {"theta": -117.5, "zx": 0.7, "zy": 1.3},
    {"tx": 2.5, "ty": -3.0},
    {"shear": 25.0, "tx": 1.0},
    {"zx": 1.8, "zy": 0.6, "theta": 10.0, "ty": 2.25},
    {"theta": 90.0},
    {"tx": 3.0},
]


def _affine(image):
    rng = rng_for("affine")
    inputs = {
        "x_last": rng.normal(size=(7, 9, 3)).astype("float32"),
        "x_first": rng.normal(size=(3, 6, 5)),
        "x_u8": rng.integers(0, 256, size=(6, 7, 3)).astype("uint8"),
        "x_gray": rng.normal(size=(8, 8, 1)).astype("float32"),
    }
    axes = {"x_last": (0, 1, 2), "x_first": (1, 2, 0), "x_u8": (0, 1, 2), "x_gray": (1, 0, 2)}
    cases, arrays = [], dict(inputs)
    for name, (row, col, channel) in axes.items():
        for params in _AFFINE_PARAMS:
            for mode in ("constant", "nearest", "reflect", "wrap"):
                for order in (0, 1, 2, 3, 4, 5):
                    kwargs = dict(params, row_axis=row, col_axis=col, channel_axis=channel,
                                  fill_mode=mode, cval=-2.5 if name != "x_u8" else 17.0,
                                  order=order)
                    arrays[f"out{len(cases)}"] = image.apply_affine_transform(
                        inputs[name], **kwargs)
                    cases.append({"input": name, "kwargs": kwargs})
    arrays["config"] = to_json(cases)
    save_npz(f"{GROUP}/affine", arrays)


_GENERATORS = [
    {"rotation_range": 40},
    {"width_shift_range": 0.2, "height_shift_range": 0.1},
    {"width_shift_range": 3, "height_shift_range": [-2, 1, 4]},
    {"shear_range": 30.0, "zoom_range": 0.3, "fill_mode": "reflect"},
    {"zoom_range": [0.5, 1.5], "fill_mode": "constant", "cval": 7.0},
    {"horizontal_flip": True, "vertical_flip": True},
    {"channel_shift_range": 40.0},
    {"brightness_range": [0.5, 1.5]},
    {"rotation_range": 25, "width_shift_range": 0.15, "height_shift_range": 0.15,
     "shear_range": 10, "zoom_range": 0.2, "channel_shift_range": 10.0, "fill_mode": "wrap",
     "horizontal_flip": True, "vertical_flip": True, "brightness_range": (0.8, 1.2),
     "interpolation_order": 0},
    {"rotation_range": 30, "data_format": "channels_first", "fill_mode": "nearest"},
    {"rotation_range": 35, "zoom_range": 0.2, "interpolation_order": 3,
     "fill_mode": "constant"},
    {"shear_range": 20, "interpolation_order": 5, "fill_mode": "nearest"},
]


def _random_transform(image):
    rng = rng_for("random_transform")
    x_last = (rng.random((10, 12, 3)) * 255).astype("float32")
    x_first = np.ascontiguousarray(x_last.transpose(2, 0, 1))
    cases, arrays = [], {"x_last": x_last, "x_first": x_first}
    for config in _GENERATORS:
        for seed in (0, 11):
            gen = image.ImageDataGenerator(**config)
            x = x_first if config.get("data_format") == "channels_first" else x_last
            params = gen.get_random_transform(x.shape, seed=seed)
            arrays[f"out{len(cases)}"] = gen.random_transform(x.copy(), seed=seed)
            cases.append({"generator": config, "seed": seed,
                          "input": "x_first" if x is x_first else "x_last",
                          "params": {k: (None if v is None else float(v))
                                     for k, v in params.items()}})
    # without a seed argument: the global stream, several images in a row
    gen = image.ImageDataGenerator(**_GENERATORS[8])
    np.random.seed(5)
    arrays["sequence"] = np.stack([gen.random_transform(x_last.copy()) for _ in range(3)])
    arrays["config"] = to_json({"cases": cases, "sequence_generator": _GENERATORS[8],
                                "sequence_seed": 5})
    save_npz(f"{GROUP}/random_transform", arrays)


def _module_functions(image):
    rng = rng_for("module_functions")
    x = (rng.random((3, 8, 10)) * 100).astype("float32")
    calls = [
        ("random_rotation", [50], {}),
        ("random_rotation", [50], {"fill_mode": "constant", "cval": 1.0}),
        ("random_shift", [0.2, 0.3], {"fill_mode": "wrap"}),
        ("random_shear", [40], {"fill_mode": "reflect", "interpolation_order": 0}),
        ("random_zoom", [[0.6, 1.4]], {}),
        ("random_channel_shift", [20.0], {}),
        ("apply_channel_shift", [15.0], {}),
        ("random_brightness", [[0.4, 1.6]], {}),
        ("apply_brightness_shift", [0.6], {"scale": False}),
    ]
    cases, arrays = [], {"x": x}
    for name, args, kwargs in calls:
        np.random.seed(len(cases) + 3)
        data = x.transpose(1, 2, 0) if "brightness" in name else x
        arrays[f"out{len(cases)}"] = getattr(image, name)(data.copy(), *args, **kwargs)
        cases.append({"name": name, "args": args, "kwargs": kwargs, "seed": len(cases) + 3,
                      "channels_last": "brightness" in name})
    arrays["config"] = to_json(cases)
    save_npz(f"{GROUP}/module_functions", arrays)


_FIT_CONFIGS = [
    ({"featurewise_center": True, "featurewise_std_normalization": True}, {}),
    ({"zca_whitening": True}, {}),
    ({"zca_whitening": True, "zca_epsilon": 0.1, "rescale": 1 / 255.0}, {}),
    ({"featurewise_center": True, "rotation_range": 30, "horizontal_flip": True},
     {"augment": True, "rounds": 2, "seed": 4}),
    ({"samplewise_center": True, "samplewise_std_normalization": True, "rescale": 0.5}, {}),
    ({"featurewise_std_normalization": True, "data_format": "channels_first"}, {}),
]


def _fit_standardize(image):
    rng = rng_for("fit_standardize")
    x = (rng.random((12, 5, 4, 3)) * 255).astype("float32")
    probe = (rng.random((4, 5, 4, 3)) * 255).astype("float32")
    cases, arrays = [], {"x": x, "probe": probe}
    for config, fit_kwargs in _FIT_CONFIGS:
        first = config.get("data_format") == "channels_first"
        data = x.transpose(0, 3, 1, 2) if first else x
        batch = probe.transpose(0, 3, 1, 2) if first else probe
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen = image.ImageDataGenerator(**config)
            gen.fit(data, **fit_kwargs)
            index = len(cases)
            arrays[f"standardized{index}"] = gen.standardize(np.array(batch))
        for name in ("mean", "std", "zca_whitening_matrix"):
            if getattr(gen, name) is not None:
                arrays[f"{name}{index}"] = getattr(gen, name)
        cases.append({"generator": config, "fit": fit_kwargs})
    arrays["config"] = to_json(cases)
    save_npz(f"{GROUP}/fit_standardize", arrays)


def _flow(image):
    rng = rng_for("flow")
    x = (rng.random((10, 6, 5, 3)) * 255).astype("float32")
    y = np.arange(10)
    weights = rng.random(10)
    extra = rng.normal(size=(10, 2))
    aug = {"rotation_range": 20, "width_shift_range": 0.2, "horizontal_flip": True,
           "rescale": 1 / 255.0}
    runs = [
        ("next", {}, {"batch_size": 4, "shuffle": True, "seed": 3}, 6),
        ("getitem", {}, {"batch_size": 4, "shuffle": True, "seed": 3}, 0),
        ("next", aug, {"batch_size": 3, "shuffle": True, "seed": 8}, 5),
        ("getitem", aug, {"batch_size": 3, "shuffle": False, "seed": 8}, 0),
        ("next", {}, {"batch_size": 4, "shuffle": False}, 4),
        ("getitem", {"validation_split": 0.3}, {"batch_size": 2, "shuffle": True, "seed": 1,
                                                 "subset": "validation",
                                                 "ignore_class_split": True}, 0),
        ("getitem", {"validation_split": 0.3}, {"batch_size": 3, "shuffle": True, "seed": 1,
                                                 "subset": "training",
                                                 "ignore_class_split": True}, 0),
        ("next", aug, {"batch_size": 4, "shuffle": True, "seed": 2, "sample_weight": True}, 3),
        ("getitem", {}, {"batch_size": 4, "shuffle": False, "extra": True}, 0),
    ]
    cases, arrays = [], {"x": x, "y": y, "weights": weights, "extra": extra}
    for how, config, flow_kwargs, steps in runs:
        gen = image.ImageDataGenerator(**config)
        kwargs = dict(flow_kwargs)
        kwargs.pop("extra", None)
        if kwargs.pop("sample_weight", False):
            kwargs["sample_weight"] = weights
        inputs = (x, extra) if flow_kwargs.get("extra") else x
        it = gen.flow(inputs, y, **kwargs)
        if how == "next":
            batches = [next(it) for _ in range(steps)]
        else:
            batches = [it[i] for i in range(len(it))]
            it.on_epoch_end()
            batches += [it[i] for i in range(len(it))]
        index = len(cases)
        for b, batch in enumerate(batches):
            batch_x = batch[0]
            if isinstance(batch_x, list):
                arrays[f"c{index}_b{b}_extra"] = batch_x[1]
                batch_x = batch_x[0]
            arrays[f"c{index}_b{b}_x"] = batch_x
            arrays[f"c{index}_b{b}_y"] = batch[1]
            if len(batch) == 3:
                arrays[f"c{index}_b{b}_w"] = batch[2]
        cases.append({"how": how, "generator": config, "flow": flow_kwargs, "steps": steps,
                      "batches": len(batches), "length": len(it)})
    arrays["config"] = to_json(cases)
    save_npz(f"{GROUP}/flow", arrays)


# class folder -> (file names, image size); a nested folder and a non-image file included
_FOLDER = {
    "cats": (["c0.png", "c1.png", "c2.png", "sub/c3.png", "notes.txt"], (9, 7)),
    "dogs": (["d0.png", "d1.png", "d2.png", "d3.png"], (6, 10)),
    "birds": (["b0.png", "b1.png", "b2.png"], (8, 8)),
}


def _folder_images():
    rng = rng_for("folder")
    images = {}
    for folder, (names, (height, width)) in _FOLDER.items():
        for name in names:
            if name.endswith(".png"):
                images[f"{folder}/{name}"] = rng.integers(0, 256, (height, width, 3),
                                                          dtype="uint8")
    return images


def _write_folder(root, images):
    from PIL import Image

    for relpath, pixels in images.items():
        path = os.path.join(root, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        Image.fromarray(pixels).save(path)
    with open(os.path.join(root, "cats", "notes.txt"), "w") as handle:
        handle.write("not an image\n")


def _record_iterator(it, arrays, index, epochs=2):
    batches = []
    for _ in range(epochs):
        batches += [it[i] for i in range(len(it))]
        it.on_epoch_end()
    for b, batch in enumerate(batches):
        if isinstance(batch, tuple):
            arrays[f"c{index}_b{b}_x"] = batch[0]
            labels = batch[1]
            if isinstance(labels, list):
                for k, part in enumerate(labels):
                    arrays[f"c{index}_b{b}_y{k}"] = part
            else:
                arrays[f"c{index}_b{b}_y"] = labels
            if len(batch) == 3:
                arrays[f"c{index}_b{b}_w"] = batch[2]
        else:
            arrays[f"c{index}_b{b}_x"] = batch
    return {"batches": len(batches), "length": len(it), "samples": it.samples,
            "filenames": [name.replace(os.sep, "/") for name in it.filenames],
            "class_indices": getattr(it, "class_indices", None),
            "classes": ([c if isinstance(c, list) else int(c) for c in it.classes]
                        if hasattr(it, "classes") else None)}


_DIRECTORY_RUNS = [
    ({}, {"target_size": (5, 6), "batch_size": 4, "seed": 7}),
    ({"rotation_range": 30, "rescale": 1 / 255.0},
     {"target_size": (8, 8), "batch_size": 3, "seed": 2, "class_mode": "sparse"}),
    ({}, {"target_size": (6, 6), "color_mode": "grayscale", "shuffle": False,
          "class_mode": "binary", "classes": ["dogs", "cats"]}),
    ({"validation_split": 0.34}, {"target_size": (4, 4), "subset": "validation",
                                  "shuffle": False}),
    ({"validation_split": 0.34}, {"target_size": (4, 4), "subset": "training",
                                  "batch_size": 5, "seed": 3, "class_mode": "input"}),
    ({}, {"target_size": (7, 5), "shuffle": False, "class_mode": None, "color_mode": "rgba",
          "interpolation": "bilinear", "keep_aspect_ratio": True}),
    ({"data_format": "channels_first", "horizontal_flip": True},
     {"target_size": (5, 5), "seed": 9, "batch_size": 6}),
]


def _directory(image):
    images = _folder_images()
    arrays = {f"img{i}": pixels for i, pixels in enumerate(images.values())}
    cases = []
    with tempfile.TemporaryDirectory() as root:
        _write_folder(root, images)
        for config, flow_kwargs in _DIRECTORY_RUNS:
            gen = image.ImageDataGenerator(**config)
            it = gen.flow_from_directory(root, **flow_kwargs)
            result = _record_iterator(it, arrays, len(cases))
            cases.append({"generator": config, "flow": flow_kwargs, **result})
    arrays["config"] = to_json({"paths": list(images), "cases": cases})
    save_npz(f"{GROUP}/directory", arrays)


def _dataframe(image):
    import pandas as pd

    images = _folder_images()
    arrays = {f"img{i}": pixels for i, pixels in enumerate(images.values())}
    names = [path for path in images if "/sub/" not in path] + ["dogs/missing.png"]
    labels = [path.split("/")[0] for path in names]
    rng = rng_for("dataframe_columns")
    columns = {
        "filename": names,
        "class": labels,
        "pair": [[label, "any"] if i % 3 else [label] for i, label in enumerate(labels)],
        "score": rng.random(len(names)).round(4).tolist(),
        "size": rng.integers(0, 5, len(names)).tolist(),
        "weight": rng.random(len(names)).round(4).tolist(),
        "binary": ["cats" if label == "cats" else "other" for label in labels],
    }
    runs = [
        ({}, {"target_size": (5, 5), "batch_size": 4, "seed": 1}),
        ({"rotation_range": 20}, {"target_size": (6, 6), "batch_size": 3, "seed": 4,
                                  "class_mode": "sparse", "weight_col": "weight"}),
        ({}, {"target_size": (4, 4), "shuffle": False, "y_col": "binary",
              "class_mode": "binary"}),
        ({}, {"target_size": (4, 4), "shuffle": False, "y_col": "score", "class_mode": "raw"}),
        ({}, {"target_size": (4, 4), "shuffle": False, "y_col": ["score", "size"],
              "class_mode": "multi_output"}),
        ({}, {"target_size": (4, 4), "shuffle": False, "y_col": "pair"}),
        ({}, {"target_size": (4, 4), "shuffle": False, "classes": ["dogs", "birds"]}),
        ({"validation_split": 0.25}, {"target_size": (4, 4), "subset": "training",
                                      "seed": 5}),
        ({}, {"target_size": (4, 4), "shuffle": False, "class_mode": None,
              "validate_filenames": False, "batch_size": 20, "x_col": "filename",
              "drop_missing": True}),
    ]
    cases = []
    with tempfile.TemporaryDirectory() as root:
        _write_folder(root, images)
        frame = pd.DataFrame(columns)
        for config, flow_kwargs in runs:
            kwargs = dict(flow_kwargs)
            data = frame[~frame["filename"].str.contains("missing")] if kwargs.pop(
                "drop_missing", False) else frame
            gen = image.ImageDataGenerator(**config)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                it = gen.flow_from_dataframe(data, directory=root, **kwargs)
            result = _record_iterator(it, arrays, len(cases))
            cases.append({"generator": config, "flow": flow_kwargs, **result})
    arrays["config"] = to_json({"paths": list(images), "columns": columns, "cases": cases})
    save_npz(f"{GROUP}/dataframe", arrays)


def _model_fit(image):
    import keras

    rng = rng_for("model_fit")
    x = (rng.random((20, 6, 6, 1)) * 255).astype("float32")
    y = rng.integers(0, 3, 20)
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    initial = model.get_weights()
    gen = image.ImageDataGenerator(rescale=1 / 255.0, featurewise_center=True)
    gen.fit(x)
    history = model.fit(gen.flow(x, y, batch_size=8, shuffle=False), epochs=3, shuffle=False,
                        verbose=0)
    evaluated = model.evaluate(gen.flow(x, y, batch_size=8, shuffle=False), verbose=0)
    predicted = model.predict(gen.flow(x, batch_size=8, shuffle=False), verbose=0)
    arrays = {"x": x, "y": y, "w0": initial[0], "w1": initial[1],
              "loss": np.array(history.history["loss"]),
              "accuracy": np.array(history.history["accuracy"]),
              "evaluate": np.array(evaluated), "predict": predicted}
    final = model.get_weights()
    arrays["final0"], arrays["final1"] = final
    arrays["config"] = to_json({"lr": 0.5, "epochs": 3, "batch_size": 8})
    save_npz(f"{GROUP}/model_fit", arrays)


def run() -> None:
    import keras
    from keras.src.legacy.preprocessing import image

    floatx = keras.config.floatx()
    # the generator's dtype defaults to floatx; featherflow's default is float32
    keras.config.set_floatx("float32")
    try:
        _affine(image)
        _random_transform(image)
        _module_functions(image)
        _fit_standardize(image)
        _flow(image)
        _directory(image)
        _dataframe(image)
        _model_fit(image)
    finally:
        keras.config.set_floatx(floatx)
