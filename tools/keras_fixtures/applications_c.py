"""keras.applications part C references: Keras 3 ``.weights.h5`` files, decode_predictions,
and a Keras-written ``.keras`` model holding tensor-arithmetic operations.

- ``weights3_*``: the real Keras 3 application (``weights=None``) gets the seeded values of
  tools/keras_fixtures/applications_b.py and writes them with ``model.save_weights`` (the
  Keras 3 ``.weights.h5`` layout: ``layers/<name>/vars/<i>``, nested models as nested groups).
  The datasets are then rewritten gzip-compressed (same groups, names, attributes and values)
  so the files stay under 1 MB; Keras 3 loads the rewritten file (``weights=path``) and its
  prediction is the one recorded.
- ``decode_predictions``: Keras's ``imagenet_utils.decode_predictions`` on seeded scores, with
  the class index (/work/shared/data/imagenet_class_index.json, Keras's md5) placed in a
  temporary Keras home (``<home>/models/``) so Keras finds it without the network.
- ``ops_model.keras``: a small Functional model whose graph holds operations (``x + y``,
  ``x * 2.0``, ``1.0 - x``, ``x / y``, ``x ** 2``, ``-x``, ``x[:, 1:3]``, ``x[..., 0]``) saved
  by Keras 3 ``model.save``, with its prediction on a fixed input; ``convnext_narrow.keras``
  a narrow ConvNeXt (Keras's ``convnext.ConvNeXt``, seeded weights) saved whole by Keras.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .applications_b import _legacy_weights, _values
from .common import OUT, rng_for, save_npz

GROUP = "applications_c"
CLASS_INDEX = Path("/work/shared/data/imagenet_class_index.json")

# case -> (family module, constructor, kwargs); inputs are pixels in [0, 255]
WEIGHTS3 = {
    "weights3_mnv2_035_top_32": ("mobilenet_v2", "MobileNetV2", dict(
        alpha=0.35, input_shape=(32, 32, 3), classes=10, classifier_activation=None)),
    "weights3_convnext_tiny_notop_32_avg": ("convnext", "ConvNeXtTiny", dict(
        include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    "weights3_effb0_top_33": ("efficientnet", "EfficientNetB0", dict(
        input_shape=(33, 33, 3), classes=7, classifier_activation=None)),
}


def _compress_h5(src, dst):
    """The same file with every array dataset gzip-compressed (h5py reads either)."""
    import h5py

    def copy(g_in, g_out):
        for key, value in g_in.attrs.items():
            g_out.attrs[key] = value
        for name, item in g_in.items():
            if isinstance(item, h5py.Group):
                copy(item, g_out.create_group(name))
                continue
            data = item[()]
            if getattr(data, "shape", ()):
                ds = g_out.create_dataset(name, data=data, compression="gzip",
                                          compression_opts=9, shuffle=True, chunks=data.shape,
                                          track_times=False)
            else:
                ds = g_out.create_dataset(name, data=data, track_times=False)
            for key, value in item.attrs.items():
                ds.attrs[key] = value

    with h5py.File(src, "r") as f_in, h5py.File(dst, "w", libver="latest",
                                                   track_order=True) as f_out:
        copy(f_in, f_out)


def _weights3_case(name, module, ctor, kwargs):
    import keras

    keras.backend.clear_session()
    family = getattr(keras.applications, module)
    build = getattr(keras.applications, ctor)
    model = build(weights=None, **kwargs)
    rng = rng_for(f"{GROUP}/{name}")
    for layer in model.layers:
        for w in _legacy_weights(layer):
            w.assign(_values(rng, layer, w.path, tuple(w.shape)))
    path = OUT / GROUP / f"{name}.weights.h5"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.weights.h5"
        model.save_weights(raw)
        _compress_h5(raw, path)
        raw_size = raw.stat().st_size

    h, w = kwargs["input_shape"][:2]
    x_raw = rng_for(f"{GROUP}/{name}/x").uniform(0, 255, size=(2, h, w, 3)).astype("float32")
    x = np.asarray(family.preprocess_input(x_raw.copy()), dtype="float32")
    y_written = np.asarray(model.predict(x, verbose=0))
    keras.backend.clear_session()
    loaded = build(weights=str(path), **kwargs)
    y = np.asarray(loaded.predict(x, verbose=0))
    # the same values: EfficientNet's Normalization recomputes its scale on load (1.5e-7)
    err = float(np.max(np.abs(y - y_written)))
    assert err <= 1e-6 * max(1.0, float(np.max(np.abs(y)))), (name, err)
    save_npz(f"{GROUP}/{name}", {
        "x_raw": x_raw, "x": x, "y": y.astype("float32"),
        "count_params": np.int64(loaded.count_params()),
        "kwargs": json.dumps(kwargs), "module": module, "ctor": ctor,
        "model_name": loaded.name,
    })
    print(f"  {name}: params={loaded.count_params()} |y|max={np.max(np.abs(y)):.3g} "
          f"written-vs-loaded={err:.1e} "
          f"raw={raw_size / 1e6:.2f} MB gzip={path.stat().st_size / 1e6:.2f} MB")


def _decode_predictions():
    from keras.src.applications import imagenet_utils
    from keras.src.backend import config

    rng = rng_for(f"{GROUP}/decode")
    logits = rng.normal(0, 3, size=(4, 1000))
    preds = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    preds = preds.astype("float32")
    preds[3, [5, 700, 999]] = preds[3].max() * 2  # a three-way tie at the top
    home = tempfile.mkdtemp()
    old = config._KERAS_DIR  # read from $KERAS_HOME when keras was imported
    try:
        os.makedirs(os.path.join(home, "models"))
        shutil.copy(CLASS_INDEX, os.path.join(home, "models", "imagenet_class_index.json"))
        config._KERAS_DIR = home
        imagenet_utils.CLASS_INDEX = None
        out = {}
        for top in (5, 1, 10):
            rows = imagenet_utils.decode_predictions(preds, top=top)
            out[f"top{top}"] = json.dumps([[[wnid, label, float(score)]
                                            for wnid, label, score in row] for row in rows])
    finally:
        config._KERAS_DIR = old
        shutil.rmtree(home, ignore_errors=True)
    save_npz(f"{GROUP}/decode_predictions", {"preds": preds, **out})
    print("  decode_predictions:", json.loads(out["top1"]))


def _ops_model():
    import keras

    keras.backend.clear_session()
    inp = keras.Input((6,), name="features")
    a = keras.layers.Dense(4, name="dense_a")(inp)
    b = keras.layers.Dense(4, name="dense_b")(inp)
    s = a + b
    t = s * 2.0
    u = 1.0 - t
    v = u / (b * b + 1.0)
    w = -(v ** 2)
    hard = keras.layers.ReLU(6.0, name="relu6")(a + 3.0) * (1.0 / 6.0)
    sliced = s[:, 1:3]
    last = keras.layers.Dense(2, name="head")(keras.layers.Concatenate(name="concat")(
        [w, hard, sliced]))
    model = keras.Model(inp, [last, s[..., 0]], name="ops_model")
    rng = rng_for(f"{GROUP}/ops_model")
    for var in model.weights:
        var.assign(rng.normal(0, 0.5, size=tuple(var.shape)).astype("float32"))
    x = rng_for(f"{GROUP}/ops_model/x").normal(0, 1, size=(3, 6)).astype("float32")
    path = OUT / GROUP / "ops_model.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    ys = [np.asarray(y) for y in model.predict(x, verbose=0)]
    ys2 = [np.asarray(y) for y in reloaded.predict(x, verbose=0)]
    assert all(np.array_equal(p, q) for p, q in zip(ys, ys2))
    import zipfile

    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    save_npz(f"{GROUP}/ops_model", {
        "x": x, "y0": ys[0], "y1": ys[1],
        "layer_names": json.dumps([la.name for la in model.layers]),
        "config": json.dumps(config["config"]),
    })
    print(f"  ops_model: {len(config['config']['layers'])} entries, "
          f"{path.stat().st_size / 1e3:.1f} KB")


def _convnext_keras():
    """A narrow ConvNeXt (Keras's own ``convnext.ConvNeXt``: nested Sequential stem and
    downsampling blocks, LayerScale, ``inputs + x`` operations) saved whole by Keras."""
    import keras
    from keras.src.applications import convnext

    keras.backend.clear_session()
    model = convnext.ConvNeXt(depths=[1, 1, 2, 1], projection_dims=[8, 16, 24, 32],
                              default_size=32, input_shape=(32, 32, 3), classes=5,
                              classifier_activation=None, weights=None, name="convnext_narrow")
    rng = rng_for(f"{GROUP}/convnext_narrow")
    for layer in model.layers:
        for w in _legacy_weights(layer):
            w.assign(_values(rng, layer, w.path, tuple(w.shape)))
    x = rng_for(f"{GROUP}/convnext_narrow/x").uniform(0, 255, size=(2, 32, 32, 3))
    x = x.astype("float32")
    path = OUT / GROUP / "convnext_narrow.keras"
    model.save(path)
    y = np.asarray(keras.models.load_model(path).predict(x, verbose=0))
    assert np.array_equal(y, np.asarray(model.predict(x, verbose=0)))
    save_npz(f"{GROUP}/convnext_narrow", {
        "x": x, "y": y, "count_params": np.int64(model.count_params()),
        "layer_names": json.dumps([la.name for la in model.layers])})
    print(f"  convnext_narrow: {model.count_params()} params, "
          f"{path.stat().st_size / 1e3:.1f} KB")


def run():
    import keras

    keras.config.set_floatx("float32")  # the application files are float32
    _decode_predictions()
    _ops_model()
    _convnext_keras()
    for name, (module, ctor, kwargs) in WEIGHTS3.items():
        _weights3_case(name, module, ctor, kwargs)
