"""Dense, activation functions, Embedding, Masking, merge layers and TimeDistributed."""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for, save_npz, to_json
from .layer_runner import run_layer

# Inputs for element-wise activations avoid every kink (0, +-0.5, +-1, +-2.5, +-3, 6, the
# thresholds below) so gradients are unambiguous; values at kinks are recorded separately in
# `x_edge` with Keras's own sub-gradient convention.
_SMOOTH_ROW = [-50.0, -10.0, -3.7, -2.2, -0.7, -1e-3, 1e-3, 0.3, 0.8, 1.7, 4.2, 12.0]
_EDGE = [0.0, -0.5, 0.5, -1.0, 1.0, -2.5, 2.5, -3.0, 3.0, 6.0, 0.2, -0.2]

# (fixture name, keras.activations attribute, kwargs)
ACTIVATIONS = [
    ("relu", "relu", {}),
    ("relu_params", "relu", {"negative_slope": 0.1, "max_value": 6.0, "threshold": 0.25}),
    ("relu6", "relu6", {}),
    ("leaky_relu", "leaky_relu", {}),
    ("leaky_relu_0p1", "leaky_relu", {"negative_slope": 0.1}),
    ("elu", "elu", {}),
    ("elu_alpha0p5", "elu", {"alpha": 0.5}),
    ("selu", "selu", {}),
    ("gelu_approx", "gelu", {"approximate": True}),
    ("gelu_exact", "gelu", {"approximate": False}),
    ("softplus", "softplus", {}),
    ("softsign", "softsign", {}),
    ("swish", "swish", {}),
    ("silu", "silu", {}),
    ("hard_sigmoid", "hard_sigmoid", {}),
    ("hard_silu", "hard_silu", {}),
    ("hard_swish", "hard_swish", {}),
    ("hard_tanh", "hard_tanh", {}),
    ("exponential", "exponential", {}),
    ("sigmoid", "sigmoid", {}),
    ("log_sigmoid", "log_sigmoid", {}),
    ("tanh", "tanh", {}),
    ("linear", "linear", {}),
    ("mish", "mish", {}),
    ("celu", "celu", {}),
    ("tanh_shrink", "tanh_shrink", {}),
    ("hard_shrink", "hard_shrink", {}),
    ("soft_shrink", "soft_shrink", {}),
    ("sparse_plus", "sparse_plus", {}),
    ("sparse_sigmoid", "sparse_sigmoid", {}),
    ("squareplus", "squareplus", {}),
    ("threshold", "threshold", {"threshold": 0.2, "default_value": -1.0}),
    ("glu", "glu", {"axis": -1}),
    ("softmax", "softmax", {"axis": -1}),
    ("softmax_axis0", "softmax", {"axis": 0}),
    ("log_softmax", "log_softmax", {"axis": -1}),
    ("log_softmax_axis0", "log_softmax", {"axis": 0}),
    ("sparsemax", "sparsemax", {"axis": -1}),
]


def activation_cases():
    import keras
    import tensorflow as tf

    for name, attr, kwargs in ACTIVATIONS:
        rng = rng_for("activation/" + name)
        x = np.stack([_SMOOTH_ROW, rng.normal(0, 2, 12), rng.normal(0, 0.5, 12)])
        if attr in ("softmax", "log_softmax", "sparsemax"):
            # A 12-wide row of +-50 saturates softmax completely; keep one moderate row.
            x[0] = np.clip(x[0], -8.0, 8.0)
        x_edge = np.array(_EDGE).reshape(2, 6)
        fn = getattr(keras.activations, attr)
        out = {"function": attr, "kwargs": to_json(kwargs), "x": x, "x_edge": x_edge}
        for suffix, arr in (("", x), ("_edge", x_edge)):
            t = tf.constant(arr)
            with tf.GradientTape() as tape:
                tape.watch(t)
                y = fn(t, **kwargs)
                # glu halves the last axis, so r takes the output's shape.
                r = rng.normal(size=tuple(y.shape)) if not suffix else np.ones(tuple(y.shape))
                loss = tf.reduce_sum(y * r)
            out["y" + suffix] = as_numpy(y)
            out["dx" + suffix] = as_numpy(tape.gradient(loss, t))
            if not suffix:
                out["r"] = r
        save_npz(f"activations/{name}", out)


def dense_cases():
    import keras

    layers = keras.layers
    x = rng_for("dense/x").normal(size=(3, 4))
    for act in ("relu", "sigmoid", "tanh", "softmax", "linear"):
        run_layer(f"dense_{act}", layers.Dense(5, activation=act), [x])
        run_layer(f"dense_{act}_nobias", layers.Dense(5, activation=act, use_bias=False), [x])
    x3 = rng_for("dense/x3").normal(size=(2, 3, 4))
    run_layer("dense_3d_input", layers.Dense(2, activation="tanh"), [x3])


def embedding_cases():
    import keras

    layers = keras.layers
    ids = np.array([[1, 4, 2, 0, 0], [3, 0, 5, 1, 0]], dtype="int32")
    run_layer("embedding", layers.Embedding(6, 3), [ids])
    run_layer("embedding_mask_zero", layers.Embedding(6, 3, mask_zero=True), [ids])
    x = rng_for("masking/x").normal(size=(2, 4, 3))
    x[0, 2:] = 0.0
    x[1, 1] = 0.0
    run_layer("masking", layers.Masking(mask_value=0.0), [x])


def merge_cases():
    import keras

    layers = keras.layers
    rng = rng_for("merge/x")
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    c = rng.normal(size=(2, 4))
    run_layer("concatenate", layers.Concatenate(axis=-1), [a, c])
    run_layer("add", layers.Add(), [a, b])
    run_layer("multiply", layers.Multiply(), [a, b])
    run_layer("subtract", layers.Subtract(), [a, b])
    run_layer("average", layers.Average(), [a, b])
    run_layer("maximum", layers.Maximum(), [a, b])
    run_layer("dot", layers.Dot(axes=1), [a, b])


def misc_cases():
    import keras

    layers = keras.layers
    rng = rng_for("misc/x")
    x = rng.normal(size=(2, 3, 4))
    run_layer(
        "time_distributed_dense", layers.TimeDistributed(layers.Dense(2, activation="relu")), [x]
    )
    run_layer("flatten", layers.Flatten(), [x])
    run_layer("reshape", layers.Reshape((4, 3)), [x])
    run_layer("permute", layers.Permute((2, 1)), [x])
    run_layer("repeat_vector", layers.RepeatVector(3), [x[:, 0]])
    run_layer("activation_layer_elu", layers.Activation("elu"), [x])
    run_layer("dropout_inference", layers.Dropout(0.5), [x], call_kwargs={"training": False})
    run_layer("leaky_relu_layer", layers.LeakyReLU(negative_slope=0.3), [x])
    run_layer("prelu", layers.PReLU(), [x])
    run_layer("softmax_layer", layers.Softmax(axis=-1), [x])


def run():
    activation_cases()
    dense_cases()
    embedding_cases()
    merge_cases()
    misc_cases()
