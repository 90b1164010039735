"""Activation functions at large magnitudes (float32 and float64) and the activation layers.

Writes tests/fixtures/keras/layers_activation/:
- ``functions/<case>_<dtype>``: every keras.activations function (and its argument variants)
  on a row of large magnitudes (up to 1e4) plus two random rows, in float32 and float64:
  ``x``, ``y``, ``r`` and ``dx`` (gradient of ``sum(y * r)``).
- ``tf_nn/<case>_<dtype>``: the tf.nn activations with TF's own arguments, the same way.
- ``layers/<case>``: ReLU, LeakyReLU, PReLU, ELU and Softmax configurations through
  layer_runner (outputs, input and weight gradients, config, output mask).
- ``models/``: one Keras 3 model with every activation layer saved as ``.keras`` and ``.h5``,
  and the same model from tf_keras (Keras 2) as ``.h5``, with inputs, weights and predictions.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, as_numpy, rng_for, save_npz, to_json
from .layer_runner import run_layer

GROUP = "layers_activation"

# Large magnitudes on both sides, away from every kink (0, +-0.5, +-1, +-3, 6, thresholds).
_LARGE_ROW = [-1e4, -300.0, -80.0, -20.0, -3.7, -0.7, 0.3, 1.9, 4.2, 20.0, 80.0, 1e4]

# (case, keras.activations name, kwargs); every name of keras.activations.ALL_OBJECTS_DICT
FUNCTIONS = [
    ("relu", "relu", {}),
    ("relu_slope", "relu", {"negative_slope": 0.1}),
    ("relu_max", "relu", {"max_value": 2.0}),
    ("relu_max6", "relu", {"max_value": 6.0}),
    ("relu_threshold", "relu", {"threshold": 0.25}),
    ("relu_all", "relu", {"negative_slope": 0.2, "max_value": 3.5, "threshold": 0.25}),
    ("leaky_relu", "leaky_relu", {}),
    ("leaky_relu_0p05", "leaky_relu", {"negative_slope": 0.05}),
    ("relu6", "relu6", {}),
    ("softmax", "softmax", {}),
    ("softmax_axis0", "softmax", {"axis": 0}),
    ("log_softmax", "log_softmax", {}),
    ("log_softmax_axis0", "log_softmax", {"axis": 0}),
    ("elu", "elu", {}),
    ("elu_alpha0p3", "elu", {"alpha": 0.3}),
    ("selu", "selu", {}),
    ("celu", "celu", {}),
    ("celu_alpha2", "celu", {"alpha": 2.0}),
    ("softplus", "softplus", {}),
    ("softsign", "softsign", {}),
    ("squareplus", "squareplus", {}),
    ("squareplus_b1", "squareplus", {"b": 1.0}),
    ("soft_shrink", "soft_shrink", {}),
    ("soft_shrink_0p2", "soft_shrink", {"threshold": 0.2}),
    ("hard_shrink", "hard_shrink", {}),
    ("hard_shrink_0p2", "hard_shrink", {"threshold": 0.2}),
    ("sparse_plus", "sparse_plus", {}),
    ("sparse_sigmoid", "sparse_sigmoid", {}),
    ("silu", "silu", {}),
    ("swish", "swish", {}),
    ("gelu", "gelu", {}),
    ("gelu_approximate", "gelu", {"approximate": True}),
    ("glu", "glu", {}),
    ("glu_axis0", "glu", {"axis": 0}),
    ("tanh", "tanh", {}),
    ("tanh_shrink", "tanh_shrink", {}),
    ("hard_tanh", "hard_tanh", {}),
    ("threshold", "threshold", {"threshold": 0.25, "default_value": -2.0}),
    ("sigmoid", "sigmoid", {}),
    ("log_sigmoid", "log_sigmoid", {}),
    ("exponential", "exponential", {}),
    ("hard_sigmoid", "hard_sigmoid", {}),
    ("hard_silu", "hard_silu", {}),
    ("hard_swish", "hard_swish", {}),
    ("linear", "linear", {}),
    ("mish", "mish", {}),
    ("sparsemax", "sparsemax", {}),
]

_KINKS = (0.0, 0.2, 0.25, 0.5, 1.0, 2.0, 3.0, 3.5, 6.0)


def _away_from_kinks(values, margin=0.02):
    """Push entries off every kink (+-k) so one-sided derivatives do not matter."""
    v = np.array(values, dtype=np.float64)
    for k in _KINKS:
        for kink in (k, -k):
            close = np.abs(v - kink) < margin
            v[close] = kink + 2 * margin
    return v


def function_cases():
    import keras
    import tensorflow as tf

    covered = set()
    for case, attr, kwargs in FUNCTIONS:
        covered.add(attr)
        rng = rng_for(f"{GROUP}/function/{case}")
        x = np.stack([_LARGE_ROW, _away_from_kinks(rng.normal(0, 3, 12)),
                      _away_from_kinks(rng.normal(0, 0.7, 12))])
        if attr == "glu" and kwargs.get("axis") == 0:
            x = np.concatenate([x, _away_from_kinks(rng.normal(0, 2, (1, 12)))])
        fn = getattr(keras.activations, attr)
        for dtype in ("float32", "float64"):
            t = tf.constant(x.astype(dtype))
            with tf.GradientTape() as tape:
                tape.watch(t)
                y = fn(t, **kwargs)
                r = rng_for(f"{GROUP}/function/{case}/r").normal(size=tuple(y.shape))
                loss = tf.reduce_sum(y * tf.constant(r, dtype=dtype))
            out = {"function": attr, "kwargs": to_json(kwargs), "dtype": dtype,
                   "x": x.astype(dtype), "y": as_numpy(y), "r": r,
                   "dx": as_numpy(tape.gradient(loss, t))}
            save_npz(f"{GROUP}/functions/{case}_{dtype}", out)
    from keras.src.activations import ALL_OBJECTS_DICT

    missing = set(ALL_OBJECTS_DICT) - covered
    if missing:
        raise AssertionError(f"keras.activations names without a fixture case: {missing}")
    names = sorted(ALL_OBJECTS_DICT)
    serialized = [keras.activations.serialize(keras.activations.get(n)) for n in names]
    save_npz(f"{GROUP}/names", {"names": np.array(names), "serialized": np.array(serialized)})


# (case, tf.nn attribute, kwargs): TF's own spellings (features=, alpha=, beta=)
TF_NN = [
    ("gelu", "gelu", {}),
    ("gelu_approximate", "gelu", {"approximate": True}),
    ("silu", "silu", {}),
    ("swish_beta0p5", "swish", {"beta": 0.5}),
    ("silu_beta2", "silu", {"beta": 2.0}),
    ("relu6", "relu6", {}),
    ("selu", "selu", {}),
    ("elu", "elu", {}),
    ("leaky_relu", "leaky_relu", {}),
    ("leaky_relu_alpha0p1", "leaky_relu", {"alpha": 0.1}),
    ("softsign", "softsign", {}),
    ("softplus", "softplus", {}),
    ("log_softmax", "log_softmax", {}),
    ("log_softmax_axis0", "log_softmax", {"axis": 0}),
    ("softmax", "softmax", {}),
]


def tf_nn_cases():
    import tensorflow as tf

    for case, attr, kwargs in TF_NN:
        rng = rng_for(f"{GROUP}/tf_nn/{case}")
        x = np.stack([_LARGE_ROW, _away_from_kinks(rng.normal(0, 3, 12))])
        for dtype in ("float32", "float64"):
            t = tf.constant(x.astype(dtype))
            r = rng_for(f"{GROUP}/tf_nn/{case}/r").normal(size=x.shape)
            with tf.GradientTape() as tape:
                tape.watch(t)
                y = getattr(tf.nn, attr)(t, **kwargs)
                loss = tf.reduce_sum(y * tf.constant(r, dtype=dtype))
            save_npz(f"{GROUP}/tf_nn/{case}_{dtype}", {
                "function": attr, "kwargs": to_json(kwargs), "x": x.astype(dtype),
                "y": as_numpy(y), "r": r, "dx": as_numpy(tape.gradient(loss, t))})


def _x(name, shape, scale=2.0):
    return _away_from_kinks(rng_for(f"{GROUP}/layer/{name}").normal(0, scale, shape))


def layer_cases():
    import keras

    layers = keras.layers
    cases = []

    def add(name, layer, inputs, **kwargs):
        out = run_layer(name, layer, inputs, save=False, **kwargs)
        save_npz(f"{GROUP}/layers/{name}", out)
        cases.append(name)

    x2 = _x("x2", (3, 8))
    x3 = _x("x3", (2, 4, 3))
    x4 = _x("x4", (2, 3, 4, 2))
    add("relu", layers.ReLU(), [x2])
    add("relu_max6", layers.ReLU(max_value=6.0), [x2 * 3])
    add("relu_max1p5", layers.ReLU(max_value=1.5), [x2])
    add("relu_slope", layers.ReLU(negative_slope=0.1), [x2])
    add("relu_threshold", layers.ReLU(threshold=0.5), [x2])
    add("relu_slope_threshold", layers.ReLU(negative_slope=0.2, threshold=0.5), [x2])
    add("relu_max_slope", layers.ReLU(max_value=2.0, negative_slope=0.25), [x2])
    add("relu_all", layers.ReLU(max_value=3.0, negative_slope=0.2, threshold=1.0), [x3])
    add("relu_max0", layers.ReLU(max_value=0.0), [x2])
    add("leaky_relu", layers.LeakyReLU(), [x3])
    add("leaky_relu_0p05", layers.LeakyReLU(negative_slope=0.05), [x3])
    add("prelu", layers.PReLU(), [x3])
    add("prelu_shared1", layers.PReLU(shared_axes=[1]), [x3])
    add("prelu_shared12", layers.PReLU(shared_axes=[1, 2]), [x4])
    add("prelu_shared_int", layers.PReLU(shared_axes=2), [x3])
    add("prelu_options", layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25),
                                      alpha_regularizer="l2", alpha_constraint="non_neg"),
        [x3])
    add("elu", layers.ELU(), [x3])
    add("elu_alpha0p4", layers.ELU(alpha=0.4), [x3])
    add("softmax", layers.Softmax(), [x3])
    add("softmax_axis1", layers.Softmax(axis=1), [x3])
    add("softmax_axes12", layers.Softmax(axis=[1, 2]), [x3])
    add("softmax_axis_list1", layers.Softmax(axis=[1]), [x3])
    mask = np.array([[True, True, False, True, False, True, True, True],
                     [False, True, True, True, True, True, False, False],
                     [True, False, False, False, False, False, False, False]])
    add("softmax_mask", layers.Softmax(), [x2], mask=mask)
    full = mask.copy()
    full[2] = False
    add("softmax_mask_full_row", layers.Softmax(), [x2], mask=full)
    add("softmax_mask_broadcast", layers.Softmax(), [x3],
        mask=np.array([[[True, False, True]], [[False, True, True]]]))
    add("softmax_mask_float", layers.Softmax(axis=1), [x3],
        mask=np.array([[0.9], [0.2], [0.7], [0.51]]))
    save_npz(f"{GROUP}/layer_cases", {"names": np.array(cases)})


def _model_keras3(keras):
    layers = keras.layers
    inputs = keras.Input(shape=(4, 3))
    h = layers.Dense(3, name="d0")(inputs)
    h = layers.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.2, name="relu")(h)
    h = layers.PReLU(shared_axes=[1], alpha_initializer="ones", name="prelu")(h)
    h = layers.LeakyReLU(negative_slope=0.2, name="leaky")(h)
    h = layers.Dense(3, name="d1")(h)
    h = layers.ELU(alpha=0.7, name="elu")(h)
    out = layers.Softmax(axis=1, name="softmax")(h)
    return keras.Model(inputs, out)


def _model_tf_keras(tf_keras):
    layers = tf_keras.layers
    inputs = tf_keras.Input(shape=(4, 3))
    h = layers.Dense(3, name="d0")(inputs)
    h = layers.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.2, name="relu")(h)
    h = layers.PReLU(shared_axes=[1], alpha_initializer="ones", name="prelu")(h)
    h = layers.LeakyReLU(alpha=0.2, name="leaky")(h)
    h = layers.Dense(3, name="d1")(h)
    h = layers.ELU(alpha=0.7, name="elu")(h)
    out = layers.Softmax(axis=1, name="softmax")(h)
    return tf_keras.Model(inputs, out)


def _randomize(model, rng):
    model.set_weights([rng.normal(0, 0.7, np.shape(w)).astype("float32")
                       for w in model.get_weights()])


def model_cases():
    import keras
    import tf_keras

    folder = OUT / GROUP / "models"
    folder.mkdir(parents=True, exist_ok=True)
    x = rng_for(f"{GROUP}/model/x").normal(0, 1.5, (5, 4, 3)).astype("float32")

    keras.config.set_floatx("float32")
    try:
        keras.backend.clear_session()
        model = _model_keras3(keras)
        _randomize(model, rng_for(f"{GROUP}/model/keras3"))
        y = model.predict(x, verbose=0)
        model.save(folder / "activation_layers.keras")
        model.save(folder / "activation_layers.h5")
        for f in ("activation_layers.keras", "activation_layers.h5"):
            again = keras.models.load_model(folder / f)
            np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-6)
        out = {"x": x, "y": y, "weight_names": to_json([v.path for v in model.weights])}
        for i, w in enumerate(model.get_weights()):
            out[f"w{i}"] = w
        save_npz(f"{GROUP}/models/activation_layers_keras3", out)

        # Softmax given its mask as a tensor argument (the attention-scores pattern)
        keras.backend.clear_session()
        scores = keras.Input(shape=(3, 4), name="scores")
        keep = keras.Input(shape=(1, 4), dtype="bool", name="keep")
        model = keras.Model([scores, keep], keras.layers.Softmax(name="softmax")(
            keras.layers.Dense(4, name="dense")(scores), mask=keep))
        _randomize(model, rng_for(f"{GROUP}/model/masked"))
        rng = rng_for(f"{GROUP}/model/masked/x")
        xs = rng.normal(0, 1.5, (5, 3, 4)).astype("float32")
        ks = rng.uniform(size=(5, 1, 4)) > 0.4
        ks[0] = False  # one fully masked example: all zeros
        y = model.predict([xs, ks], verbose=0)
        model.save(folder / "softmax_mask_input.keras")
        again = keras.models.load_model(folder / "softmax_mask_input.keras")
        np.testing.assert_allclose(again.predict([xs, ks], verbose=0), y, rtol=1e-6)
        out = {"x0": xs, "x1": ks, "y": y}
        for i, w in enumerate(model.get_weights()):
            out[f"w{i}"] = w
        save_npz(f"{GROUP}/models/softmax_mask_input", out)
    finally:
        keras.config.set_floatx("float64")

    tf_keras.backend.clear_session()
    model = _model_tf_keras(tf_keras)
    _randomize(model, rng_for(f"{GROUP}/model/tf_keras"))
    y = model.predict(x, verbose=0)
    model.save(folder / "activation_layers_tf_keras.h5")
    out = {"x": x, "y": y, "weight_names": to_json([v.name for v in model.weights])}
    for i, w in enumerate(model.get_weights()):
        out[f"w{i}"] = w
    save_npz(f"{GROUP}/models/activation_layers_tf_keras", out)


def run():
    function_cases()
    tf_nn_cases()
    layer_cases()
    model_cases()
