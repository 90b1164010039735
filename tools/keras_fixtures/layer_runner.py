"""Run one Keras 3 layer on stored inputs and record outputs and gradients.

The recorded scalar is ``L = sum_k sum(y_k * r_k)`` over every output ``y_k`` with a stored
random array ``r_k`` of the same shape, so a test can rebuild ``L`` and compare every gradient.
"""

from __future__ import annotations

import numpy as np

from .common import as_numpy, put_list, rng_for, save_npz, to_json


def random_weights(layer, rng, scale=0.5):
    """Random replacements for every weight (get_weights order), kept away from 0 variance."""
    new = []
    for v in layer.weights:
        shape = tuple(v.shape)
        name = v.path.rsplit("/", 1)[-1]
        if "moving_variance" in name:
            new.append(rng.uniform(0.5, 1.5, shape))
        else:
            new.append(rng.normal(0.0, scale, shape))
    return new


def run_layer(
    name,
    layer,
    inputs,
    *,
    states=(),
    mask=None,
    call_kwargs=None,
    weight_scale=0.5,
    weights=None,
    after=None,
    list_input=False,
    save=True,
):
    """Build ``layer`` on ``inputs``, set seeded weights, record y and grads, save the case.

    ``states`` are passed as ``initial_state`` (recurrent layers), ``mask`` as ``mask=``;
    ``after(layer, tensors, out)`` may add keys once the recorded call has run.
    """
    import tensorflow as tf

    rng = rng_for(name)
    xs = [np.asarray(x) for x in inputs]
    txs = [tf.constant(x) for x in xs]
    tstates = [tf.constant(s) for s in states]
    kwargs = dict(call_kwargs or {})

    def call(training_override=None):
        args = txs if (list_input or len(txs) > 1) else txs[0]
        kw = dict(kwargs)
        if training_override is not None and "training" in kw:
            kw["training"] = training_override
        if tstates:
            kw["initial_state"] = tstates
        if mask is not None:
            kw["mask"] = tf.constant(mask)
        return layer(args, **kw)

    # The first call builds the weights; inference mode so BatchNormalization's moving
    # statistics are untouched until the recorded call.
    call(training_override=False)
    if weights is None:
        weights = random_weights(layer, rng, weight_scale)
    layer.set_weights(weights)
    w_before = [as_numpy(w).copy() for w in layer.get_weights()]

    float_inputs = [t for t in txs + tstates if t.dtype.is_floating]
    with tf.GradientTape() as tape:
        tape.watch(float_inputs)
        y = call()
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        rs = [rng.normal(size=tuple(t.shape)) for t in ys]
        loss = tf.add_n([tf.reduce_sum(t * tf.constant(r, dtype=t.dtype)) for t, r in zip(ys, rs)])
    train_vars = [v for v in layer.weights if v.trainable]
    grads = tape.gradient(loss, float_inputs + train_vars)

    out = {
        "class_name": layer.__class__.__name__,
        "config": to_json(layer.get_config()),
        "call_kwargs": to_json(kwargs),
        "weight_names": to_json([v.path.rsplit("/", 1)[-1] for v in layer.weights]),
        "loss": np.asarray(as_numpy(loss)),
    }
    put_list(out, "x", xs)
    put_list(out, "y", [as_numpy(t) for t in ys])
    put_list(out, "r", rs)
    if states:
        put_list(out, "s", [np.asarray(s) for s in states])
    if mask is not None:
        out["mask"] = np.asarray(mask)
    for i, w in enumerate(w_before):
        out[f"w{i}"] = w

    n_in = len([t for t in txs if t.dtype.is_floating])
    g_inputs, g_rest = grads[: len(float_inputs)], grads[len(float_inputs) :]
    if n_in:
        put_list(out, "dx", [as_numpy(g) for g in g_inputs[:n_in]])
    if states:
        put_list(out, "ds", [as_numpy(g) for g in g_inputs[n_in:]])
    paths = [v.path for v in layer.weights]
    for v, g in zip(train_vars, g_rest):
        if g is None:
            continue
        out[f"dw{paths.index(v.path)}"] = as_numpy(tf.convert_to_tensor(g))

    if hasattr(layer, "compute_mask") and getattr(layer, "supports_masking", False):
        m = layer.compute_mask(
            txs[0] if len(txs) == 1 else txs, None if mask is None else tf.constant(mask)
        )
        if m is not None and not isinstance(m, (list, tuple)):
            out["y_mask"] = as_numpy(m)
    if after is not None:
        after(layer, txs, out)
    # Reset name counters so the next case's layer is "dense", not "dense_17": stored
    # configs then do not depend on how many cases ran before.
    import keras

    keras.backend.clear_session()
    if save:
        save_npz(f"layers/{name}", out)
    return out
