"""Replay a recorded ``layers_attention`` fixture on featherflow and compare every number.

A fixture (tools/keras_fixtures/layers_attention.py) holds the layer's Keras config, its
inputs ``in_<name>``, how it was called (``call``), the weights, the outputs ``y<i>`` and the
gradients of ``sum_i sum(y_i * r_i)`` for the float inputs (``d_<name>``) and the trainable
weights (``dw<i>``).
"""

import json

import numpy as np

import featherflow as tf
from tests.fixtures.keras_loader import load

# float64 on both sides; what is left is summation order
RTOL = 1e-7
ATOL = 1e-10


def build_layer(case):
    cfg = dict(case["config"])
    return tf.keras.layers.deserialize({"class_name": case["class_name"], "config": cfg,
                                        "module": "keras.layers"})


def call_layer(layer, tensors, spec, training=None):
    args = [tensors[a] for a in spec.get("args", [])]
    if spec.get("list"):
        args = [args]
    kwargs = {k: tensors[v] for k, v in spec.get("tensor_kwargs", {}).items()}
    kwargs.update(spec.get("flags", {}))
    if training is not None and "training" in kwargs:
        kwargs["training"] = training
    if "mask_list" in spec:
        kwargs["mask"] = [None if m is None else tensors[m] for m in spec["mask_list"]]
    out = layer(*args, **kwargs)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def replay(name, rtol=RTOL, atol=ATOL):
    """Run fixture ``name`` through featherflow; returns (case, layer, outputs)."""
    case = load(name)
    # "call" is JSON that keras_loader does not decode
    spec = json.loads(case["call"])
    layer = build_layer(case)
    inputs = {k[3:]: case[k] for k in case if k.startswith("in_")}
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    call_layer(layer, tensors, spec, training=False)
    assert [v.path for v in layer.weights] == case["weight_names"], name
    n_w = len(layer.weights)
    layer.set_weights([case[f"w{i}"] for i in range(n_w)])
    floats = [k for k, v in inputs.items() if v.dtype.kind == "f"
              and k not in spec.get("constant", [])]
    with tf.GradientTape() as tape:
        for k in floats:
            tape.watch(tensors[k])
        ys = call_layer(layer, tensors, spec)
        loss = tf.add_n([tf.reduce_sum(y * case[f"r{i}"]) for i, y in enumerate(ys)])
    n_out = len([k for k in case if k.startswith("y") and k[1:].isdigit()])
    assert len(ys) == n_out, name
    for i, y in enumerate(ys):
        np.testing.assert_allclose(y.numpy(), case[f"y{i}"], rtol=rtol, atol=atol,
                                   err_msg=f"{name} y{i}")
        if f"y{i}_mask" in case:
            np.testing.assert_array_equal(np.asarray(y._keras_mask), case[f"y{i}_mask"],
                                          err_msg=f"{name} y{i} mask")
    train = [v for v in layer.weights if v.trainable]
    grads = tape.gradient(loss, [tensors[k] for k in floats] + train)
    for k, g in zip(floats, grads):
        np.testing.assert_allclose(g.numpy(), case[f"d_{k}"], rtol=rtol, atol=atol,
                                   err_msg=f"{name} d_{k}")
    paths = [v.path for v in layer.weights]
    for v, g in zip(train, grads[len(floats):]):
        i = paths.index(v.path)
        np.testing.assert_allclose(g.numpy(), case[f"dw{i}"], rtol=rtol, atol=atol,
                                   err_msg=f"{name} dw{i} ({v.path})")
    return case, layer, ys
