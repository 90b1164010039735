"""Mixed precision in Keras 3: layer dtypes, model outputs, loss scaling, fit and a saved file.

Writes tests/fixtures/keras/mixed_precision/:
- ``dtypes.json``: compute/variable/output/weight dtypes and the config ``dtype`` entry of
  each layer type under ``mixed_float16`` and ``mixed_bfloat16`` (and with ``dtype="float32"``
  overrides), the policy objects' properties, the errors for bad policy names;
- ``model_<name>.npz``: small models under ``mixed_float16`` with their weights, input, output
  (and its dtype) and the gradients of ``sum(output)`` w.r.t. the weights;
- ``lso_<name>.npz``: LossScaleOptimizer(SGD) on a scripted gradient sequence with inf/NaN
  steps: scale, step counter, iterations and the variable after every step, and the config;
- ``fit_<name>.npz``: ``fit`` of a Dense model under ``mixed_float16`` (the optimizer wrapped
  by compile), per-step losses, loss scales and final weights;
- ``keras_mixed.keras`` + ``keras_mixed.npz``: a compiled, trained mixed_float16 model saved by
  Keras, with its predictions.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, as_numpy, put_list, rng_for, save_json, save_npz

GROUP = "mixed_precision"


def _policy_cases(keras):
    L = keras.layers
    return {
        "Dense": lambda: L.Dense(4),
        "Conv2D": lambda: L.Conv2D(3, 3),
        "LSTM": lambda: L.LSTM(4),
        "BatchNormalization": lambda: L.BatchNormalization(),
        "LayerNormalization": lambda: L.LayerNormalization(),
        "Embedding": lambda: L.Embedding(10, 4),
        "Softmax_float32": lambda: L.Softmax(dtype="float32"),
        "Activation_float32": lambda: L.Activation("softmax", dtype="float32"),
        "Dense_float32": lambda: L.Dense(4, dtype="float32"),
        "Dropout": lambda: L.Dropout(0.5),
        "Add": lambda: L.Add(),
    }


def _inputs_for(name):
    if name == "Conv2D":
        return np.ones((1, 5, 5, 2), "float32")
    if name == "LSTM":
        return np.ones((1, 3, 2), "float32")
    if name == "Embedding":
        return np.array([[1, 2]], "int32")
    if name == "Add":
        return [np.ones((1, 4), "float32"), np.ones((1, 4), "float32")]
    return np.ones((2, 4), "float32")


def _dtypes(keras):
    out = {"layers": {}, "policies": {}, "errors": {}}
    for policy in ("mixed_float16", "mixed_bfloat16"):
        keras.mixed_precision.set_global_policy(policy)
        cases = {}
        for name, make in _policy_cases(keras).items():
            layer = make()
            x = _inputs_for(name)
            y = layer(x)
            cases[name] = {
                "compute_dtype": layer.compute_dtype,
                "variable_dtype": layer.variable_dtype,
                "dtype": layer.dtype,
                "policy": layer.dtype_policy.name,
                "output_dtype": str(y.dtype.name),
                "weight_dtypes": [w.dtype for w in layer.weights],
                "config_dtype": layer.get_config()["dtype"],
            }
        out["layers"][policy] = cases
    keras.mixed_precision.set_global_policy("float32")
    for name in ("float32", "float16", "bfloat16", "float64", "mixed_float16", "mixed_bfloat16"):
        p = keras.mixed_precision.DTypePolicy(name)
        out["policies"][name] = {"name": p.name, "compute_dtype": p.compute_dtype,
                                 "variable_dtype": p.variable_dtype, "repr": repr(p),
                                 "serialized": keras.dtype_policies.serialize(p)}
    for label, fn in {
        "policy_float17": lambda: keras.mixed_precision.DTypePolicy("float17"),
        "policy_int": lambda: keras.mixed_precision.DTypePolicy(5),
        "set_global_bad": lambda: keras.mixed_precision.set_global_policy("mixed_float17"),
        "set_global_number": lambda: keras.mixed_precision.set_global_policy(3.5),
        "dense_bad": lambda: keras.layers.Dense(2, dtype="mixed_half"),
    }.items():
        try:
            fn()
            out["errors"][label] = None
        except Exception as err:  # noqa: BLE001 - the fixture records whatever Keras raises
            out["errors"][label] = {"type": type(err).__name__, "message": str(err)}
    keras.mixed_precision.set_global_policy("float32")
    save_json(f"{GROUP}/dtypes.json", out)


def _models(keras):
    L = keras.layers
    return {
        "dense": ((8, 16), lambda: keras.Sequential([
            keras.Input((16,)), L.Dense(32, activation="relu"), L.Dense(8)])),
        "conv": ((2, 8, 8, 3), lambda: keras.Sequential([
            keras.Input((8, 8, 3)), L.Conv2D(6, 3, activation="relu"),
            L.GlobalAveragePooling2D(), L.Dense(4)])),
        "lstm": ((4, 6, 5), lambda: keras.Sequential([
            keras.Input((6, 5)), L.LSTM(8), L.Dense(3)])),
        "mha": ((2, 5, 12), lambda: _mha_model(keras)),
        "batchnorm": ((16, 6), lambda: keras.Sequential([
            keras.Input((6,)), L.Dense(8), L.BatchNormalization(), L.Dense(3)])),
        "layernorm": ((4, 6), lambda: keras.Sequential([
            keras.Input((6,)), L.Dense(8), L.LayerNormalization(), L.Dense(3)])),
        "softmax_float32": ((4, 6), lambda: keras.Sequential([
            keras.Input((6,)), L.Dense(5), L.Activation("softmax", dtype="float32")])),
    }


def _mha_model(keras):
    inp = keras.Input((5, 12))
    att = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inp, inp)
    out = keras.layers.Dense(3)(att)
    return keras.Model(inp, out)


def _model_fixtures(keras, tf):
    keras.mixed_precision.set_global_policy("mixed_float16")
    for name, (shape, make) in _models(keras).items():
        keras.utils.set_random_seed(7)
        model = make()
        rng = rng_for(f"mp_model_{name}")
        x = rng.standard_normal(shape).astype("float32")
        out = {"x": x}
        put_list(out, "w", [as_numpy(w) for w in model.weights])
        for training in (False, True):
            with tf.GradientTape() as tape:
                y = model(x, training=training)
                total = tf.reduce_sum(tf.cast(y, "float32"))
            grads = tape.gradient(total, model.trainable_weights)
            tag = "train" if training else "infer"
            out[f"y_{tag}"] = as_numpy(y).astype("float32")
            out[f"dtype_{tag}"] = np.array(y.dtype.name)
            put_list(out, f"dw_{tag}_", [as_numpy(g) for g in grads])
        out["trainable_index"] = np.array(
            [i for i, w in enumerate(model.weights) if w.trainable], "int32")
        save_npz(f"{GROUP}/model_{name}", out)
    keras.mixed_precision.set_global_policy("float32")


def _lso_cases():
    inf, nan = np.inf, np.nan
    return {
        # growth after 3 finite steps; inf / nan steps halve and skip
        "growth3": ({"initial_scale": 8.0, "dynamic_growth_steps": 3},
                    [[1, 2, 3], [1, 1, 1], [inf, 0, 0], [2, 2, 2], [0.5, 0.5, 0.5],
                     [1, -1, 1], [nan, 1, 1], [1, 1, 1], [1, 2, 1], [-1, 1, 2], [4, 4, 4],
                     [1, 1, -inf], [3, 2, 1]]),
        # Keras's defaults: 2**15, growth every 2000 steps
        "defaults": ({}, [[32768, 65536, 16384], [inf, 1, 1], [16384, 16384, 16384],
                          [nan, nan, nan], [8192, 0, 8192]]),
    }


def _lso_fixtures(keras):
    for name, (kwargs, grads) in _lso_cases().items():
        opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), **kwargs)
        var = keras.Variable(np.array([1.0, 2.0, 3.0], "float32"))
        scales, counters, iterations, values = [], [], [], []
        for g in grads:
            opt.apply([np.array(g, "float32")], [var])
            scales.append(float(as_numpy(opt.dynamic_scale)))
            counters.append(int(as_numpy(opt.step_counter)))
            iterations.append(int(as_numpy(opt.iterations)))
            values.append(as_numpy(var).copy())
        cfg = opt.get_config()
        save_npz(f"{GROUP}/lso_{name}", {
            "grads": np.array(grads, "float32"), "scales": np.array(scales, "float32"),
            "counters": np.array(counters, "int64"), "iterations": np.array(iterations),
            "values": np.array(values), "config": _json(cfg),
            "variables": _json([v.path for v in opt.variables]),
            "scaled_loss": np.float32(as_numpy(opt.scale_loss(np.float32(1.5)))),
        })


def _json(obj):
    import json

    return np.array(json.dumps(obj, sort_keys=True, default=_jsonable))


def _jsonable(o):
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(repr(o))


def _fit_fixtures(keras):
    L = keras.layers
    keras.mixed_precision.set_global_policy("mixed_float16")
    for name, x_scale, make_opt in (
            ("sgd", 1.0, lambda: keras.optimizers.SGD(0.05)),
            ("adam", 1.0, lambda: keras.optimizers.Adam(0.01)),
            # outputs far from the targets: scaled output gradients overflow float16, so the
            # first steps are skipped while the scale halves
            ("overflow", 300.0, lambda: keras.optimizers.SGD(1e-6))):
        keras.utils.set_random_seed(11)
        model = keras.Sequential([keras.Input((6,)), L.Dense(16, activation="relu"),
                                  L.Dense(2)])
        rng = rng_for(f"mp_fit_{name}")
        x = (rng.standard_normal((32, 6)) * x_scale).astype("float32")
        y = rng.standard_normal((32, 2)).astype("float32")
        out = {"x": x, "y": y}
        put_list(out, "w", [as_numpy(w) for w in model.weights])
        model.compile(optimizer=make_opt(), loss="mse", metrics=["mae"])
        losses, scales, iterations = [], [], []
        for step in range(6):
            sl = slice(8 * (step % 4), 8 * (step % 4) + 8)
            logs = model.train_on_batch(x[sl], y[sl], return_dict=True)
            losses.append(float(logs["loss"]))
            scales.append(float(as_numpy(model.optimizer.dynamic_scale)))
            iterations.append(int(as_numpy(model.optimizer.iterations)))
        out["losses"] = np.array(losses, "float32")
        out["scales"] = np.array(scales, "float32")
        out["iterations"] = np.array(iterations)
        out["optimizer_class"] = np.array(type(model.optimizer).__name__)
        out["optimizer_config"] = _json(keras.optimizers.serialize(model.optimizer))
        put_list(out, "final", [as_numpy(w) for w in model.weights])
        hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        out["fit_loss"] = np.array(hist.history["loss"], "float32")
        out["fit_mae"] = np.array(hist.history["mae"], "float32")
        put_list(out, "fit_final", [as_numpy(w) for w in model.weights])
        out["fit_scale"] = np.float32(as_numpy(model.optimizer.dynamic_scale))
        save_npz(f"{GROUP}/fit_{name}", out)
    keras.mixed_precision.set_global_policy("float32")


def _saved_model(keras):
    L = keras.layers
    keras.mixed_precision.set_global_policy("mixed_float16")
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((5,)), L.Dense(8, activation="relu"),
                              L.BatchNormalization(), L.Dense(3),
                              L.Activation("softmax", dtype="float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy")
    rng = rng_for("mp_saved")
    x = rng.standard_normal((16, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 16)]
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    keras.mixed_precision.set_global_policy("float32")
    path = OUT / GROUP / "keras_mixed.keras"
    model.save(path)
    out = {"x": x, "y_pred": as_numpy(model.predict(x, verbose=0)),
           "scale": np.float32(as_numpy(model.optimizer.dynamic_scale)),
           "iterations": np.int64(as_numpy(model.optimizer.iterations))}
    put_list(out, "w", [as_numpy(w) for w in model.weights])
    save_npz(f"{GROUP}/keras_mixed", out)


def run():
    import keras
    import tensorflow as tf

    _dtypes(keras)
    _model_fixtures(keras, tf)
    _lso_fixtures(keras)
    _fit_fixtures(keras)
    _saved_model(keras)
