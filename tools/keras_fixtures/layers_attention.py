"""EinsumDense, MultiHeadAttention, Attention and AdditiveAttention as Keras 3 computes them.

Each case stores its named inputs (``in_<name>``), the call (``call``: which inputs go where,
and the flags), seeded random weights (``w<i>``, get_weights order) with their paths, the
outputs (``y<i>``), the random weights ``r<i>`` of the recorded scalar
``L = sum_i sum(y_i * r_i)`` and its gradients: ``d_<name>`` for float inputs and ``dw<i>``
for trainable weights. ``mha_model.keras`` is a model file written by Keras with an
Embedding(mask_zero=True) and a MultiHeadAttention inside, beside its inputs and predictions.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, as_numpy, rng_for, save_npz, to_json
from .layer_runner import random_weights

GROUP = "layers_attention"


def _call(layer, tensors, spec, training):
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


def record(name, layer, inputs, spec, *, weight_scale=0.5):
    """Build ``layer`` with a first call, set seeded weights, record outputs and gradients."""
    import keras
    import tensorflow as tf

    rng = rng_for(name)
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    _call(layer, tensors, spec, training=False)
    weights = random_weights(layer, rng, weight_scale)
    layer.set_weights(weights)
    floats = [k for k, t in tensors.items() if t.dtype.is_floating
              and k not in spec.get("constant", [])]
    with tf.GradientTape() as tape:
        tape.watch([tensors[k] for k in floats])
        ys = _call(layer, tensors, spec, training=None)
        rs = [rng.normal(size=tuple(y.shape)) for y in ys]
        loss = tf.add_n([tf.reduce_sum(y * tf.constant(r, y.dtype)) for y, r in zip(ys, rs)])
    train_vars = [v for v in layer.weights if v.trainable]
    grads = tape.gradient(loss, [tensors[k] for k in floats] + train_vars)
    out = {
        "class_name": layer.__class__.__name__,
        "config": to_json(layer.get_config()),
        "call": to_json(spec),
        "weight_names": to_json([v.path for v in layer.weights]),
        "loss": np.asarray(as_numpy(loss)),
    }
    for k, v in inputs.items():
        out[f"in_{k}"] = np.asarray(v)
    for i, (y, r) in enumerate(zip(ys, rs)):
        out[f"y{i}"] = as_numpy(y)
        out[f"r{i}"] = r
        mask = getattr(y, "_keras_mask", None)
        if mask is not None:
            out[f"y{i}_mask"] = as_numpy(mask)
    for i, w in enumerate(layer.get_weights()):
        out[f"w{i}"] = np.asarray(w)
    for k, g in zip(floats, grads[: len(floats)]):
        out[f"d_{k}"] = as_numpy(g)
    paths = [v.path for v in layer.weights]
    for v, g in zip(train_vars, grads[len(floats):]):
        if g is not None:
            out[f"dw{paths.index(v.path)}"] = as_numpy(tf.convert_to_tensor(g))
    keras.backend.clear_session()
    save_npz(f"{GROUP}/{name}", out)


def _mask(rng, shape, p=0.75):
    return rng.random(shape) < p


def einsum_dense_cases():
    from keras import layers

    rng = rng_for("einsum_dense_inputs")
    x2, x3, x4 = rng.normal(size=(3, 4)), rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4, 5))
    one = {"args": ["x"]}
    cases = [
        ("einsum_ab_bc", layers.EinsumDense("ab,bc->ac", output_shape=5, bias_axes="c"), x2),
        ("einsum_ab_bc_nobias", layers.EinsumDense("ab,bc->ac", output_shape=5), x2),
        ("einsum_abc_cd", layers.EinsumDense("abc,cd->abd", output_shape=(None, 5),
                                             bias_axes="d", activation="tanh"), x3),
        ("einsum_abc_cde", layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 5),
                                              bias_axes="de"), x3),
        ("einsum_abc_cde_bias_e", layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 5),
                                                     bias_axes="e", activation="relu"), x3),
        ("einsum_abcd_cde_abe", layers.EinsumDense("abcd,cde->abe", output_shape=(None, 3),
                                                   bias_axes="e"), rng.normal(size=(2, 3, 4, 6))),
        ("einsum_ellipsis_left", layers.EinsumDense("...b,bc->...c", output_shape=3,
                                                    bias_axes="c"), x4),
        ("einsum_ellipsis_right", layers.EinsumDense("ab...,bc->ac...", output_shape=3,
                                                     bias_axes="c"), x3),
    ]
    for name, layer, x in cases:
        record(name, layer, {"x": x}, one)


def mha_cases():
    from keras import layers

    rng = rng_for("mha_inputs")
    q = rng.normal(size=(2, 5, 8))
    qc, vc, kc = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 6, 7)), rng.normal(size=(2, 6, 3))
    mask3 = _mask(rng, (2, 4, 6))
    mask3[0, 1] = False  # a query that may attend to nothing
    self_spec = {"args": ["q", "q"]}
    scores = {"return_attention_scores": True}
    cross = {"args": ["q", "v"], "tensor_kwargs": {"key": "k"}}
    cross_in = {"q": qc, "v": vc, "k": kc}
    cases = [
        ("mha_self", layers.MultiHeadAttention(2, 4), {"q": q}, self_spec),
        ("mha_self_scores", layers.MultiHeadAttention(2, 4), {"q": q},
         {**self_spec, "flags": scores}),
        ("mha_no_bias", layers.MultiHeadAttention(2, 3, use_bias=False), {"q": q}, self_spec),
        ("mha_cross_key", layers.MultiHeadAttention(3, 4, value_dim=5), cross_in,
         {**cross, "flags": scores}),
        ("mha_cross_key_fused", layers.MultiHeadAttention(3, 4, value_dim=5), cross_in, cross),
        ("mha_mask_3d", layers.MultiHeadAttention(2, 4), {**cross_in, "m": mask3},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"}}),
        ("mha_mask_3d_scores", layers.MultiHeadAttention(2, 4), {**cross_in, "m": mask3},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"}, "flags": scores}),
        ("mha_mask_2d", layers.MultiHeadAttention(2, 4), {**cross_in, "m": mask3[1]},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"}}),
        ("mha_mask_b1s", layers.MultiHeadAttention(2, 4),
         {**cross_in, "m": _mask(rng, (2, 1, 6))},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"}, "flags": scores}),
        ("mha_mask_int", layers.MultiHeadAttention(2, 4),
         {**cross_in, "m": mask3.astype("int32")},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"}}),
        ("mha_causal", layers.MultiHeadAttention(2, 4), {"q": q},
         {**self_spec, "flags": {"use_causal_mask": True}}),
        ("mha_causal_scores", layers.MultiHeadAttention(2, 4), {"q": q},
         {**self_spec, "flags": {"use_causal_mask": True, **scores}}),
        ("mha_causal_cross_mask", layers.MultiHeadAttention(2, 4), {**cross_in, "m": mask3},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"},
          "flags": {"use_causal_mask": True}}),
        ("mha_axes_12", layers.MultiHeadAttention(2, 3, attention_axes=(1, 2)),
         {"q": rng.normal(size=(2, 3, 4, 5))}, {"args": ["q", "q"], "flags": scores}),
        ("mha_axes_12_mask", layers.MultiHeadAttention(2, 3, attention_axes=(1, 2)),
         {"q": rng.normal(size=(2, 3, 4, 5)), "m": _mask(rng, (2, 3, 4, 3, 4), 0.8)},
         {"args": ["q", "q"], "tensor_kwargs": {"attention_mask": "m"}}),
        ("mha_axes_2", layers.MultiHeadAttention(2, 3, attention_axes=2),
         {"q": rng.normal(size=(2, 3, 4, 5))}, {"args": ["q", "q"], "flags": scores}),
        ("mha_output_shape", layers.MultiHeadAttention(2, 4, output_shape=(3, 2)), {"q": q},
         self_spec),
        ("mha_output_shape_int", layers.MultiHeadAttention(2, 4, output_shape=6), {"q": q},
         self_spec),
        ("mha_dropout0_training", layers.MultiHeadAttention(2, 4, dropout=0.0), {"q": q},
         {**self_spec, "flags": {"training": True}}),
        ("mha_dropout_inference", layers.MultiHeadAttention(2, 4, dropout=0.3),
         {**cross_in, "m": mask3},
         {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"},
          "flags": {"training": False}}),
        ("mha_gate", layers.MultiHeadAttention(2, 4, use_gate=True), {"q": q}, self_spec),
        ("mha_sliding_window", layers.MultiHeadAttention(2, 4, sliding_window=2), {"q": q},
         {**self_spec, "flags": {"use_causal_mask": True}}),
    ]
    for name, layer, inputs, spec in cases:
        record(name, layer, inputs, spec)


def mha_embedding_mask_case():
    """Keras masks from an Embedding(mask_zero=True) feed the query/value masks."""
    import keras
    import tensorflow as tf

    name = "mha_embedding_mask"
    rng = rng_for(name)
    tokens = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 0], [5, 0, 0, 0, 0]], "int32")
    emb = keras.layers.Embedding(9, 6, mask_zero=True)
    mha = keras.layers.MultiHeadAttention(2, 3)
    x = emb(tf.constant(tokens))
    mha(x, x)
    weights = random_weights(emb, rng) + random_weights(mha, rng)
    emb.set_weights(weights[:1])
    mha.set_weights(weights[1:])
    out = {"in_tokens": tokens, "emb_config": to_json(emb.get_config()),
           "config": to_json(mha.get_config())}
    for scores_flag in (False, True):
        with tf.GradientTape() as tape:
            x = emb(tf.constant(tokens))
            res = mha(x, x, return_attention_scores=scores_flag)
            ys = list(res) if scores_flag else [res]
            rs = [rng.normal(size=tuple(y.shape)) for y in ys]
            loss = tf.add_n([tf.reduce_sum(y * r) for y, r in zip(ys, rs)])
        grads = tape.gradient(loss, emb.trainable_weights + mha.trainable_weights)
        tag = "scores_" if scores_flag else ""
        for i, (y, r) in enumerate(zip(ys, rs)):
            out[f"{tag}y{i}"] = as_numpy(y)
            out[f"{tag}r{i}"] = r
        out[f"{tag}y0_mask"] = as_numpy(ys[0]._keras_mask)
        for i, g in enumerate(grads):
            out[f"{tag}dw{i}"] = as_numpy(tf.convert_to_tensor(g))
    for i, w in enumerate(weights):
        out[f"w{i}"] = np.asarray(w)
    keras.backend.clear_session()
    save_npz(f"{GROUP}/{name}", out)


def mha_embedding_cross_mask_case():
    """Cross attention whose query, value and key each carry their own Keras mask."""
    import keras
    import tensorflow as tf

    name = "mha_embedding_cross_masks"
    rng = rng_for(name)
    q_ids = np.array([[3, 1, 0, 0], [2, 7, 1, 8]], "int32")
    v_ids = np.array([[5, 2, 6, 0, 0], [1, 1, 0, 0, 0]], "int32")
    k_ids = np.array([[4, 4, 4, 4, 0], [3, 0, 0, 0, 0]], "int32")
    emb = keras.layers.Embedding(9, 6, mask_zero=True)
    mha = keras.layers.MultiHeadAttention(2, 3, value_dim=2)
    mha(emb(q_ids), emb(v_ids), key=emb(k_ids))
    weights = random_weights(emb, rng) + random_weights(mha, rng)
    emb.set_weights(weights[:1])
    mha.set_weights(weights[1:])
    out = {"in_q": q_ids, "in_v": v_ids, "in_k": k_ids}
    with tf.GradientTape() as tape:
        res = mha(emb(q_ids), emb(v_ids), key=emb(k_ids), return_attention_scores=True)
        rs = [rng.normal(size=tuple(y.shape)) for y in res]
        loss = tf.add_n([tf.reduce_sum(y * r) for y, r in zip(res, rs)])
    grads = tape.gradient(loss, emb.trainable_weights + mha.trainable_weights)
    for i, (y, r) in enumerate(zip(res, rs)):
        out[f"y{i}"] = as_numpy(y)
        out[f"r{i}"] = r
    out["y0_mask"] = as_numpy(res[0]._keras_mask)
    for i, g in enumerate(grads):
        out[f"dw{i}"] = as_numpy(tf.convert_to_tensor(g))
    for i, w in enumerate(weights):
        out[f"w{i}"] = np.asarray(w)
    keras.backend.clear_session()
    save_npz(f"{GROUP}/{name}", out)


def attention_cases():
    from keras import layers

    rng = rng_for("attention_inputs")
    q, v, k = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 4))
    qm = np.array([[True, True, False], [True, True, True]])
    vm = np.array([[True, True, True, False, False], [True, True, True, True, True]])
    pair = {"args": ["q", "v"], "list": True}
    triple = {"args": ["q", "v", "k"], "list": True}
    scores = {"return_attention_scores": True}
    masked = {"q": q, "v": v, "k": k, "qm": qm, "vm": vm}
    mask_spec = {**triple, "mask_list": ["qm", "vm"], "flags": scores, "constant": []}
    cases = [
        ("attention_dot", layers.Attention(), {"q": q, "v": v}, pair),
        ("attention_dot_key_scores", layers.Attention(), {"q": q, "v": v, "k": k},
         {**triple, "flags": scores}),
        ("attention_dot_scale", layers.Attention(use_scale=True), {"q": q, "v": v, "k": k},
         triple),
        ("attention_concat", layers.Attention(score_mode="concat"), {"q": q, "v": v, "k": k},
         {**triple, "flags": scores}),
        ("attention_concat_scale", layers.Attention(use_scale=True, score_mode="concat"),
         {"q": q, "v": v}, pair),
        ("attention_masks", layers.Attention(), masked, mask_spec),
        ("attention_causal", layers.Attention(), {"q": q, "v": v[:, :3]},
         {**pair, "flags": {"use_causal_mask": True, **scores}}),
        ("attention_causal_masks", layers.Attention(use_scale=True), masked,
         {**mask_spec, "flags": {"use_causal_mask": True, **scores}}),
        ("attention_dropout_inference", layers.Attention(dropout=0.5), {"q": q, "v": v},
         {**pair, "flags": {"training": False}}),
        ("additive", layers.AdditiveAttention(), {"q": q, "v": v}, pair),
        ("additive_key_scores", layers.AdditiveAttention(), {"q": q, "v": v, "k": k},
         {**triple, "flags": scores}),
        ("additive_no_scale", layers.AdditiveAttention(use_scale=False), {"q": q, "v": v},
         pair),
        ("additive_masks", layers.AdditiveAttention(), masked, mask_spec),
        ("additive_causal", layers.AdditiveAttention(), {"q": q, "v": v[:, :3]},
         {**pair, "flags": {"use_causal_mask": True}}),
    ]
    for name, layer, inputs, spec in cases:
        record(name, layer, inputs, spec)


def model_file_case():
    """A float32 model written by Keras: Embedding(mask_zero) -> MHA -> Add -> LayerNorm ->
    Flatten -> Dense. (A mask-consuming layer such as GlobalAveragePooling1D after the masked
    tensors would make Keras store its mask computation as NotEqual/LogicalOr op nodes.)"""
    import keras

    previous = keras.config.floatx()
    keras.config.set_floatx("float32")
    try:
        keras.utils.set_random_seed(7)
        tokens = keras.Input((6,), dtype="int32", name="tokens")
        x = keras.layers.Embedding(12, 8, mask_zero=True, name="embed")(tokens)
        attn = keras.layers.MultiHeadAttention(2, 4, name="mha")(x, x)
        x = keras.layers.Add(name="residual")([x, attn])
        x = keras.layers.LayerNormalization(name="norm")(x)
        x = keras.layers.Flatten(name="flat")(x)
        out = keras.layers.Dense(3, activation="softmax", name="head")(x)
        model = keras.Model(tokens, out, name="mha_classifier")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        rng = rng_for("mha_model")
        ids = rng.integers(1, 12, size=(8, 6)).astype("int32")
        ids[:, 4:] = 0
        ids[0, 2:] = 0
        model.fit(ids, rng.integers(0, 3, size=(8,)), epochs=1, verbose=0)
        path = OUT / GROUP / "mha_model.keras"
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        save_npz(f"{GROUP}/mha_model", {"x": ids, "y": model.predict(ids, verbose=0),
                                        "weight_names": to_json([v.path for v in
                                                                 model.weights])})
        keras.backend.clear_session()
    finally:
        keras.config.set_floatx(previous)


def run():
    einsum_dense_cases()
    mha_cases()
    mha_embedding_mask_case()
    mha_embedding_cross_mask_case()
    attention_cases()
    model_file_case()
