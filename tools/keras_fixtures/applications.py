"""keras.applications references: small seeded weight files in the published Keras 2 layout.

For each case the real Keras 3 application is built with ``weights=None``; every variable gets
seeded values (convolution/dense kernels at He scale, BatchNormalization gamma/beta and moving
mean/variance drawn away from their defaults) and the weights are written with h5py in the layout
of Keras's published ``*_tf_dim_ordering_tf_kernels*.h5`` files: root attributes ``layer_names``
(every layer, weights or not), ``backend``, ``keras_version``; one group per layer with
``weight_names`` (``conv1_conv/kernel:0``) and one dataset per weight, trainable first.

To keep full-width files (VGG, ResNet) small, a variable larger than ``PERIOD`` values repeats a
random block of ``PERIOD`` values (a prime, so the repeat never lines up with a channel axis),
values are rounded to 9 significant bits, and the datasets are gzip-compressed (with the
byte-shuffle filter) in one chunk each; h5py reads that transparently, as Keras does. No
HDF5 object records a modification time, so regenerating gives byte-identical files.
ResNet152/152V2, NASNetLarge and VGG's 4096-wide top are checked through ``architectures.json``
(names, output shapes, parameter counts) only: their weight files would exceed 2 MB.

The file is then loaded back by Keras 3 (``weights=path``) and by tf_keras (the Keras 2 reader),
and both predictions must agree, so the file is proven to be one that Keras's loaders read. The
fixture records the Keras 3 prediction on a fixed preprocessed input, the layer list (name,
class, output shape, parameter count) and ``count_params``. ``architectures.json`` also records
the default full-size models (224x224, include_top=True) for names and parameter counts.
"""

from __future__ import annotations

import json

import numpy as np

from .common import OUT, rng_for, save_json, save_npz

PERIOD = 1021
# InceptionResNetV2 has ~1000 weight datasets, each holding PERIOD random values: a shorter
# block keeps its file under 2 MB (1021 gave 2.05 MB)
PERIODS = {"inception_resnet_v2_notop_75": 257}
MANTISSA_BITS = 8  # values keep 9 significant bits, so half of each float is zero bytes
GROUP = "applications"

# case -> (family module, constructor, kwargs, input (h, w))
CASES = {
    "vgg16_notop_40_max": ("vgg16", "VGG16", dict(include_top=False, input_shape=(40, 40, 3),
                                                   pooling="max")),
    "vgg19_notop_48_avg": ("vgg19", "VGG19", dict(include_top=False, input_shape=(48, 48, 3),
                                                   pooling="avg")),
    "resnet50_top_35": ("resnet50", "ResNet50", dict(include_top=True, input_shape=(35, 35, 3),
                                                     classes=10, classifier_activation=None)),
    "resnet101_notop_32_max": ("resnet", "ResNet101", dict(include_top=False,
                                                           input_shape=(32, 32, 3),
                                                           pooling="max")),
    "resnet50v2_notop_33": ("resnet_v2", "ResNet50V2", dict(include_top=False,
                                                            input_shape=(33, 33, 3))),
    "resnet101v2_top_32": ("resnet_v2", "ResNet101V2", dict(include_top=True,
                                                            input_shape=(32, 32, 3),
                                                            classes=7,
                                                            classifier_activation=None)),
    "mobilenet_025_top_32": ("mobilenet", "MobileNet", dict(alpha=0.25, include_top=True,
                                                            input_shape=(32, 32, 3),
                                                            classes=10)),
    "mobilenet_050_notop_67_avg": ("mobilenet", "MobileNet", dict(alpha=0.5, include_top=False,
                                                                  input_shape=(67, 67, 3),
                                                                  pooling="avg")),
    "mobilenetv2_035_top_32": ("mobilenet_v2", "MobileNetV2", dict(alpha=0.35,
                                                                   include_top=True,
                                                                   input_shape=(32, 32, 3),
                                                                   classes=10)),
    "mobilenetv2_100_notop_35": ("mobilenet_v2", "MobileNetV2", dict(alpha=1.0,
                                                                     include_top=False,
                                                                     input_shape=(35, 35, 3))),
    "mobilenetv2_130_notop_33_max": ("mobilenet_v2", "MobileNetV2", dict(
        alpha=1.3, include_top=False, input_shape=(33, 33, 3), pooling="max")),
    "densenet121_top_32": ("densenet", "DenseNet121", dict(include_top=True,
                                                           input_shape=(32, 32, 3), classes=10,
                                                           classifier_activation=None)),
    "densenet169_notop_37_avg": ("densenet", "DenseNet169", dict(include_top=False,
                                                                 input_shape=(37, 37, 3),
                                                                 pooling="avg")),
    "densenet201_notop_33_max": ("densenet", "DenseNet201", dict(include_top=False,
                                                                 input_shape=(33, 33, 3),
                                                                 pooling="max")),
    "xception_top_71": ("xception", "Xception", dict(include_top=True, input_shape=(71, 71, 3),
                                                     classes=10, classifier_activation=None)),
    "xception_notop_76_max": ("xception", "Xception", dict(include_top=False,
                                                           input_shape=(76, 76, 3),
                                                           pooling="max")),
    "inception_v3_top_75": ("inception_v3", "InceptionV3", dict(include_top=True,
                                                                input_shape=(75, 75, 3),
                                                                classes=10,
                                                                classifier_activation=None)),
    "inception_v3_notop_99_avg": ("inception_v3", "InceptionV3", dict(include_top=False,
                                                                      input_shape=(99, 99, 3),
                                                                      pooling="avg")),
    "inception_resnet_v2_notop_75": ("inception_resnet_v2", "InceptionResNetV2", dict(
        include_top=False, input_shape=(75, 75, 3))),
    "nasnet_mobile_top_32": ("nasnet", "NASNetMobile", dict(include_top=True,
                                                            input_shape=(32, 32, 3),
                                                            classes=10,
                                                            classifier_activation=None)),
    "nasnet_mobile_notop_37_max": ("nasnet", "NASNetMobile", dict(include_top=False,
                                                                  input_shape=(37, 37, 3),
                                                                  pooling="max")),
    # NASNetLarge's wiring (skip_reduction=True) at a width small enough for a weight file
    "nasnet_skip_reduction_33_avg": ("nasnet", "NASNet", dict(
        input_shape=(33, 33, 3), penultimate_filters=192, num_blocks=2, stem_block_filters=16,
        skip_reduction=True, include_top=False, pooling="avg")),
}

# default full-size models: architecture only (no weights written)
FULL = {
    "VGG16": ("vgg16", {}), "VGG19": ("vgg19", {}),
    "ResNet50": ("resnet50", {}), "ResNet101": ("resnet", {}), "ResNet152": ("resnet", {}),
    "ResNet50V2": ("resnet_v2", {}), "ResNet101V2": ("resnet_v2", {}),
    "ResNet152V2": ("resnet_v2", {}),
    "MobileNet": ("mobilenet", {}), "MobileNetV2": ("mobilenet_v2", {}),
    "MobileNet_075_160_notop": ("mobilenet", dict(alpha=0.75, input_shape=(160, 160, 3),
                                                  include_top=False)),
    "MobileNetV2_140_224": ("mobilenet_v2", dict(alpha=1.4)),
    "DenseNet121": ("densenet", {}), "DenseNet169": ("densenet", {}),
    "DenseNet201": ("densenet", {}),
    "Xception": ("xception", {}), "InceptionV3": ("inception_v3", {}),
    "InceptionResNetV2": ("inception_resnet_v2", {}),
    "NASNetMobile": ("nasnet", {}), "NASNetLarge": ("nasnet", {}),
}


def _values(rng, var_path, shape, period=PERIOD):
    n = int(np.prod(shape))
    leaf = var_path.rsplit("/", 1)[-1]
    if leaf == "gamma":
        base = rng.uniform(0.5, 1.5, size=min(n, period))
    elif leaf == "beta":
        base = rng.normal(0.0, 0.1, size=min(n, period))
    elif leaf == "moving_mean":
        base = rng.normal(0.0, 0.2, size=min(n, period))
    elif leaf == "moving_variance":
        base = rng.uniform(0.5, 2.0, size=min(n, period))
    elif leaf == "bias":
        base = rng.normal(0.0, 0.05, size=min(n, period))
    else:
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else n
        if leaf == "depthwise_kernel":  # (kh, kw, cin, mult): fan-in is one channel's window
            fan_in = int(shape[0] * shape[1])
        base = rng.normal(0.0, np.sqrt(2.0 / max(fan_in, 1)), size=min(n, period))
    step = 2.0 ** (np.floor(np.log2(np.max(np.abs(base)))) - MANTISSA_BITS)
    base = np.round(base / step) * step
    flat = np.resize(base, n)  # repeats the block
    return flat.reshape(shape).astype("float32")


def _write_keras2_h5(path, model, values):
    """The published files' layout, written with h5py (gzip datasets). No object records a
    modification time, so regenerating gives byte-identical files."""
    import h5py

    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_obj_track_times(False)
    fid = h5py.h5f.create(str(path).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)
    with h5py.File(fid) as f:
        f.attrs["layer_names"] = [layer.name.encode("utf8") for layer in model.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in model.layers:
            g = h5py.Group(h5py.h5g.create(f.id, layer.name.encode("utf8"), gcpl=gcpl))
            weights = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            names = [f"{layer.name}/{w.name}:0" for w in weights]
            g.attrs["weight_names"] = [n.encode("utf8") for n in names]
            for n, w in zip(names, weights):
                parent = g
                *levels, leaf = n.split("/")
                for level in levels:  # the intermediate groups, also without times
                    if level not in parent:
                        h5py.h5g.create(parent.id, level.encode("utf8"), gcpl=gcpl)
                    parent = parent[level]
                parent.create_dataset(leaf, data=values[id(w)], compression="gzip",
                                      compression_opts=9, shuffle=True,
                                      chunks=values[id(w)].shape, track_times=False)


def _layer_rows(model):
    rows = []
    for layer in model.layers:
        shape = layer.output.shape
        rows.append([layer.name, type(layer).__name__, [None if d is None else int(d)
                                                          for d in shape],
                     int(layer.count_params())])
    return rows


def _constructor(package, module, ctor):
    """``package.applications.<module>.<ctor>``, or the family's unexported body (``NASNet``,
    which featherflow's ``nasnet`` module also offers) from ``package.src.applications``."""
    import importlib

    public = getattr(package.applications, module)
    if hasattr(public, ctor):
        return getattr(public, ctor)
    return getattr(importlib.import_module(f"{package.__name__}.src.applications.{module}"),
                   ctor)


def _case(name, module, ctor, kwargs):
    import keras
    import tf_keras

    keras.backend.clear_session()
    family = getattr(keras.applications, module)
    build = _constructor(keras, module, ctor)
    model = build(weights=None, **kwargs)
    rng = rng_for(f"{GROUP}/{name}")
    values = {}
    for layer in model.layers:
        for w in list(layer.trainable_weights) + list(layer.non_trainable_weights):
            values[id(w)] = _values(rng, w.path, tuple(w.shape), PERIODS.get(name, PERIOD))
    path = OUT / GROUP / f"{name}.h5"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_keras2_h5(path, model, values)

    h, w = kwargs["input_shape"][:2]
    x_raw = rng_for(f"{GROUP}/{name}/x").uniform(0, 255, size=(2, h, w, 3)).astype("float32")
    x = family.preprocess_input(x_raw.copy())
    x = np.asarray(x, dtype="float32")

    keras.backend.clear_session()  # auto-generated names ("input_layer") as in a fresh session
    loaded = build(weights=str(path), **kwargs)
    y = np.asarray(loaded.predict(x, verbose=0))
    # the same file through the Keras 2 reader
    k2 = _constructor(tf_keras, module, ctor)(weights=str(path), **kwargs)
    y2 = np.asarray(k2.predict(x, verbose=0))
    scale = float(np.max(np.abs(y)))
    err = float(np.max(np.abs(y - y2)))
    assert err <= 1e-4 * max(scale, 1.0), (name, err, scale)
    save_npz(f"{GROUP}/{name}", {
        "x_raw": x_raw, "x": x, "y": y.astype("float32"),
        "count_params": np.int64(loaded.count_params()),
        "layers": json.dumps(_layer_rows(loaded)),
        "kwargs": json.dumps(kwargs),
        "module": module, "ctor": ctor, "model_name": loaded.name,
        "keras2_max_abs_diff": np.float64(err),
    })
    print(f"  {name}: params={loaded.count_params()} |y|max={scale:.3g} "
          f"keras3-vs-tf_keras={err:.2e} file={path.stat().st_size / 1e6:.2f} MB")


def _preprocess_cases():
    """imagenet_utils.preprocess_input on float/uint8, batch/single, both data formats."""
    import keras

    iu = keras.applications.imagenet_utils
    rng = rng_for(f"{GROUP}/preprocess")
    batch = rng.uniform(0, 255, size=(2, 5, 4, 3)).astype("float32")
    single_cf = rng.uniform(0, 255, size=(3, 4, 5)).astype("float32")
    u8 = rng.integers(0, 256, size=(2, 3, 3, 3)).astype("uint8")
    out = {"batch": batch, "single_cf": single_cf, "u8": u8}
    for mode in ("caffe", "tf", "torch"):
        out[f"{mode}_batch"] = iu.preprocess_input(batch.copy(), mode=mode)
        out[f"{mode}_batch_cf"] = iu.preprocess_input(
            np.ascontiguousarray(batch.transpose(0, 3, 1, 2)), mode=mode,
            data_format="channels_first")
        out[f"{mode}_single_cf"] = iu.preprocess_input(single_cf.copy(), mode=mode,
                                                       data_format="channels_first")
        out[f"{mode}_u8"] = iu.preprocess_input(u8.copy(), mode=mode)
        out[f"{mode}_tensor"] = np.asarray(iu.preprocess_input(
            keras.ops.convert_to_tensor(batch), mode=mode))
    save_npz(f"{GROUP}/preprocess", out)


def _architectures():
    import keras

    out = {}
    for label, (module, kwargs) in FULL.items():
        keras.backend.clear_session()
        ctor = label.split("_")[0]
        model = getattr(getattr(keras.applications, module), ctor)(weights=None, **kwargs)
        out[label] = {"module": module, "ctor": ctor, "kwargs": kwargs,
                      "count_params": int(model.count_params()), "name": model.name,
                      "layers": _layer_rows(model),
                      "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights))}
        print(f"  {label}: {model.count_params()} params, {len(model.layers)} layers")
    save_json(f"{GROUP}/architectures.json", out)


def run():
    import keras

    keras.config.set_floatx("float32")  # the published files are float32
    _preprocess_cases()
    _architectures()
    for name, (module, ctor, kwargs) in CASES.items():
        _case(name, module, ctor, kwargs)
