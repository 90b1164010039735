"""keras.applications part B references: MobileNetV3, EfficientNet, EfficientNetV2, ConvNeXt.

As tools/keras_fixtures/applications.py (same seeded values, same Keras 2 .h5 layout, same
size tricks): each case builds the real Keras 3 application with ``weights=None``, gives every
variable seeded values, writes them in the layout of Keras's published files, loads the file
back in Keras 3 (``weights=path``) and in tf_keras (the Keras 2 reader; both predictions must
agree) and records the Keras 3 prediction, the layer list and ``count_params``.

Values the part-A script does not know: Normalization's ``mean`` (normal), ``variance``
(uniform 0.5..2) and ``count``, and ConvNeXt's ``LayerScale`` gamma (uniform 0.2..1), so the
in-model preprocessing and the residual branches carry weight.

``*_imagenet_*`` cases build the model with ``weights="imagenet"`` while Keras's ``get_file``
is replaced by one that records the requested file name, URL, hash and cache_subdir and returns
the seeded file: the prediction is the one of Keras's own imagenet code path (EfficientNet adds
a Rescaling layer there), and the test serves the same bytes under that file name from
127.0.0.1. ``architectures.json`` records the default full-size models (names, classes, output
shapes, parameter counts).
"""

from __future__ import annotations

import json

import numpy as np

from .applications import MANTISSA_BITS, PERIOD, _layer_rows
from .applications import _values as _values_a
from .common import OUT, rng_for, save_json, save_npz

GROUP = "applications_b"

# case -> (family module, constructor, kwargs); inputs are pixels in [0, 255], or in [-1, 1]
# for include_preprocessing=False (x_range)
CASES = {
    "mnv3small_top_32": ("mobilenet_v3", "MobileNetV3Small", dict(
        input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    "mnv3large_notop_35_avg": ("mobilenet_v3", "MobileNetV3Large", dict(
        include_top=False, input_shape=(35, 35, 3), pooling="avg")),
    "mnv3small_min075_notop_33_max": ("mobilenet_v3", "MobileNetV3Small", dict(
        minimalistic=True, alpha=0.75, include_top=False, input_shape=(33, 33, 3),
        pooling="max")),
    "mnv3large_noprep_top_32": ("mobilenet_v3", "MobileNetV3Large", dict(
        include_preprocessing=False, input_shape=(32, 32, 3), classes=7, dropout_rate=0.0)),
    "mnv3large_imagenet_notop_32": ("mobilenet_v3", "MobileNetV3Large", dict(
        weights="imagenet", include_top=False, input_shape=(32, 32, 3))),
    "effb0_top_32": ("efficientnet", "EfficientNetB0", dict(
        input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    "effb1_notop_33_max": ("efficientnet", "EfficientNetB1", dict(
        include_top=False, input_shape=(33, 33, 3), pooling="max")),
    "effb3_notop_32": ("efficientnet", "EfficientNetB3", dict(
        include_top=False, input_shape=(32, 32, 3))),
    "effb0_imagenet_notop_35_avg": ("efficientnet", "EfficientNetB0", dict(
        weights="imagenet", include_top=False, input_shape=(35, 35, 3), pooling="avg")),
    "effv2b0_top_32": ("efficientnet_v2", "EfficientNetV2B0", dict(
        input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    "effv2b2_notop_35_avg": ("efficientnet_v2", "EfficientNetV2B2", dict(
        include_top=False, input_shape=(35, 35, 3), pooling="avg")),
    "effv2s_notop_32": ("efficientnet_v2", "EfficientNetV2S", dict(
        include_top=False, input_shape=(32, 32, 3))),
    "effv2b0_noprep_notop_33_max": ("efficientnet_v2", "EfficientNetV2B0", dict(
        include_preprocessing=False, include_top=False, input_shape=(33, 33, 3),
        pooling="max")),
    "effv2b1_imagenet_notop_32": ("efficientnet_v2", "EfficientNetV2B1", dict(
        weights="imagenet", include_top=False, input_shape=(32, 32, 3))),
    "convnext_tiny_top_32": ("convnext", "ConvNeXtTiny", dict(
        input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    "convnext_small_notop_32_avg": ("convnext", "ConvNeXtSmall", dict(
        include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    "convnext_tiny_noprep_notop_35_max": ("convnext", "ConvNeXtTiny", dict(
        include_preprocessing=False, include_top=False, input_shape=(35, 35, 3),
        pooling="max")),
    "convnext_tiny_imagenet_notop_32": ("convnext", "ConvNeXtTiny", dict(
        weights="imagenet", include_top=False, input_shape=(32, 32, 3))),
}

# default full-size models: architecture only
FULL = {
    "MobileNetV3Small": ("mobilenet_v3", {}), "MobileNetV3Large": ("mobilenet_v3", {}),
    "MobileNetV3Small_075": ("mobilenet_v3", dict(alpha=0.75)),
    "MobileNetV3Large_minimalistic": ("mobilenet_v3", dict(minimalistic=True)),
    "MobileNetV3Large_125_notop": ("mobilenet_v3", dict(alpha=1.25, include_top=False)),
    **{f"EfficientNetB{i}": ("efficientnet", {}) for i in range(8)},
    **{f"EfficientNetV2{v}": ("efficientnet_v2", {})
       for v in ("B0", "B1", "B2", "B3", "S", "M", "L")},
    **{f"ConvNeXt{v}": ("convnext", {}) for v in ("Tiny", "Small", "Base", "Large", "XLarge")},
}


def _values(rng, layer, var_path, shape):
    n = int(np.prod(shape)) if shape else 1
    leaf = var_path.rsplit("/", 1)[-1]
    kind = type(layer).__name__
    if kind == "Normalization" and leaf in ("mean", "variance", "count"):
        if leaf == "count":
            return np.asarray(1000, dtype="int64").reshape(shape)
        base = (rng.normal(0.0, 0.2, size=n) if leaf == "mean"
                else rng.uniform(0.5, 2.0, size=n))
    elif kind == "LayerScale":
        base = rng.uniform(0.2, 1.0, size=min(n, PERIOD))
    else:
        return _values_a(rng, var_path, shape)
    step = 2.0 ** (np.floor(np.log2(np.max(np.abs(base)))) - MANTISSA_BITS)
    base = np.round(base / step) * step
    return np.resize(base, n).reshape(shape).astype("float32")


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _write_keras2_h5(path, model, values):
    """The published files' layout (one group per layer, nested models flattened into their
    group in weight order), gzip datasets."""
    import h5py

    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["layer_names"] = [layer.name.encode("utf8") for layer in model.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in model.layers:
            g = f.create_group(layer.name)
            weights = _legacy_weights(layer)
            # a nested Sequential's weights keep their sub-layer ("..._stem_conv/kernel:0")
            names = [f"{layer.name}/{w.name}:0" if w.path.split("/")[0] == layer.name
                     else f"{layer.name}/{w.path}:0" for w in weights]
            g.attrs["weight_names"] = [n.encode("utf8") for n in names]
            for n, w in zip(names, weights):
                data = values[id(w)]
                if data.shape:
                    g.create_dataset(n, data=data, compression="gzip", compression_opts=9,
                                     shuffle=True, chunks=data.shape)
                else:  # a scalar (Normalization's count) takes no filters
                    g.create_dataset(n, data=data)


class _RecordingGetFile:
    """Stands in for keras.utils.file_utils.get_file: records the request, returns ``path``."""

    def __init__(self, path):
        self.path = str(path)
        self.calls = []

    def __call__(self, fname=None, origin=None, **kwargs):
        self.calls.append(dict(fname=fname, origin=origin, file_hash=kwargs.get("file_hash"),
                               cache_subdir=kwargs.get("cache_subdir")))
        return self.path


def _case(name, module, ctor, kwargs):
    import keras
    import tf_keras
    from keras.src.utils import file_utils

    imagenet = kwargs.get("weights") == "imagenet"
    build_kwargs = {k: v for k, v in kwargs.items() if k != "weights"}
    keras.backend.clear_session()
    family = getattr(keras.applications, module)
    build = getattr(keras.applications, ctor)
    model = build(weights=None, **build_kwargs)
    rng = rng_for(f"{GROUP}/{name}")
    values = {}
    for layer in model.layers:
        for w in _legacy_weights(layer):
            values[id(w)] = _values(rng, layer, w.path, tuple(w.shape))
    path = OUT / GROUP / f"{name}.h5"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_keras2_h5(path, model, values)

    h, w = kwargs["input_shape"][:2]
    x_rng = rng_for(f"{GROUP}/{name}/x")
    if kwargs.get("include_preprocessing", True):
        x_raw = x_rng.uniform(0, 255, size=(2, h, w, 3)).astype("float32")
    else:
        x_raw = x_rng.uniform(-1, 1, size=(2, h, w, 3)).astype("float32")
    x = np.asarray(family.preprocess_input(x_raw.copy()), dtype="float32")

    keras.backend.clear_session()  # auto-generated names ("re_lu_3") as in a fresh session
    request = {}
    if imagenet:
        fake = _RecordingGetFile(path)
        real = file_utils.get_file
        file_utils.get_file = fake
        try:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded = build(weights="imagenet", **build_kwargs)
        finally:
            file_utils.get_file = real
        (request,) = fake.calls
    else:
        loaded = build(weights=str(path), **build_kwargs)
    y = np.asarray(loaded.predict(x, verbose=0))
    scale = float(np.max(np.abs(y)))
    err = -1.0
    if not imagenet:  # the same file through the Keras 2 reader
        k2 = getattr(tf_keras.applications, ctor)(weights=str(path), **build_kwargs)
        y2 = np.asarray(k2.predict(x, verbose=0))
        err = float(np.max(np.abs(y - y2)))
        assert err <= 1e-4 * max(scale, 1.0), (name, err, scale)
    save_npz(f"{GROUP}/{name}", {
        "x_raw": x_raw, "x": x, "y": y.astype("float32"),
        "count_params": np.int64(loaded.count_params()),
        "layers": json.dumps(_layer_rows(loaded)),
        "kwargs": json.dumps(kwargs),
        "request": json.dumps(request),
        "module": module, "ctor": ctor, "model_name": loaded.name,
        "keras2_max_abs_diff": np.float64(err),
    })
    print(f"  {name}: params={loaded.count_params()} |y|max={scale:.3g} "
          f"keras3-vs-tf_keras={err:.2e} file={path.stat().st_size / 1e6:.2f} MB "
          f"{request.get('fname', '')}")


def _architectures():
    import keras

    out = {}
    for label, (module, kwargs) in FULL.items():
        keras.backend.clear_session()
        ctor = label.split("_")[0]
        model = getattr(keras.applications, ctor)(weights=None, **kwargs)
        out[label] = {"module": module, "ctor": ctor, "kwargs": kwargs,
                      "count_params": int(model.count_params()), "name": model.name,
                      "layers": _layer_rows(model),
                      "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights))}
        print(f"  {label}: {model.count_params()} params, {len(model.layers)} layers")
        del model
    save_json(f"{GROUP}/architectures.json", out)


def _configs():
    """get_config of ConvNeXt's custom layers and of the in-model preprocessing layers."""
    import keras

    keras.backend.clear_session()
    model = keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3),
                                            include_top=False)
    out = {}
    for lname in ("convnext_tiny_stage_0_block_0_layer_scale",
                  "convnext_tiny_prestem_normalization",
                  "convnext_tiny_stage_0_block_0_identity"):
        layer = model.get_layer(lname)
        out[lname] = {"class_name": type(layer).__name__, "config": layer.get_config()}
    from keras.src.applications.convnext import StochasticDepth

    out["stochastic_depth"] = {"class_name": "StochasticDepth",
                               "config": StochasticDepth(0.25, name="sd").get_config()}
    save_json(f"{GROUP}/configs.json", out)


def run():
    import keras

    keras.config.set_floatx("float32")  # the published files are float32
    _configs()
    for name, (module, ctor, kwargs) in CASES.items():
        _case(name, module, ctor, kwargs)
    _architectures()
