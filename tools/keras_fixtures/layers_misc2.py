"""Keras 3's GroupQueryAttention, ReversibleEmbedding, STFTSpectrogram, MelSpectrogram,
Pipeline, InputSpec, the STFT initializer and the keras.backend dtype helpers.

Writes tests/fixtures/keras/layers_misc2/:
- ``layers/<case>``: in the layers_attention format (tests/layers/attention_replay.py replays
  it): inputs ``in_<name>``, the call (``call``), weights ``w<i>`` with their paths, outputs
  ``y<i>``, the random ``r<i>`` of ``L = sum_i sum(y_i * r_i)`` and its gradients (``d_<name>``
  for float inputs, ``dw<i>`` for trainable weights). float64. STFTSpectrogram cases keep the
  kernels the STFT initializer made (``w<i>`` are those), the others get seeded random weights.
- ``gqa_embedding_mask``: an Embedding(mask_zero=True) feeding GroupQueryAttention (self and
  cross attention): outputs, scores, the output mask and every weight's gradient.
- ``mel/<case>``: MelSpectrogram's config, input and output (a preprocessing layer: no
  gradients recorded), float32.
- ``stft_init``: kernels of ``keras.initializers.STFT`` for windows, sides, scalings,
  periodic or not (``init_<i>`` with ``init_cases`` their arguments).
- ``pipeline``: a Pipeline's config, input and output.
- ``input_spec``: error messages Keras's Layer.__call__ raises for InputSpec mismatches,
  InputSpec reprs and configs.
- ``dtypes``: keras.backend.standardize_dtype / result_type / is_float_dtype / is_int_dtype.
- ``models/gqa_model.keras`` + ``models/gqa_model``: a float32 model with
  GroupQueryAttention and ReversibleEmbedding saved by Keras, with its input and predictions.
"""

from __future__ import annotations

import json

import numpy as np

from .common import OUT, as_numpy, rng_for, save_npz, to_json
from .layer_runner import random_weights

GROUP = "layers_misc2"


def _call(layer, tensors, spec, training):
    args = [tensors[a] for a in spec.get("args", [])]
    kwargs = {k: tensors[v] for k, v in spec.get("tensor_kwargs", {}).items()}
    kwargs.update(spec.get("flags", {}))
    if training is not None and "training" in kwargs:
        kwargs["training"] = training
    out = layer(*args, **kwargs)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def record(name, layer, inputs, spec, *, randomize=True):
    """Build ``layer`` with a first call, (optionally) set seeded weights, record outputs and
    gradients; the layers_attention format."""
    import keras
    import tensorflow as tf

    rng = rng_for(name)
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    _call(layer, tensors, spec, training=False)
    if randomize:
        layer.set_weights(random_weights(layer, rng, 0.5))
    floats = [k for k, t in tensors.items() if t.dtype.is_floating]
    with tf.GradientTape() as tape:
        tape.watch([tensors[k] for k in floats])
        ys = _call(layer, tensors, spec, training=None)
        rs = [rng.normal(size=tuple(y.shape)) for y in ys]
        loss = tf.add_n([tf.reduce_sum(y * tf.constant(r, y.dtype)) for y, r in zip(ys, rs)])
    train_vars = [v for v in layer.weights if v.trainable]
    grads = tape.gradient(loss, [tensors[k] for k in floats] + train_vars)
    from keras.saving import serialize_keras_object

    out = {
        # the exported name (GroupQueryAttention, not the class's GroupedQueryAttention)
        "class_name": serialize_keras_object(layer)["class_name"],
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
        if g is not None:
            out[f"d_{k}"] = as_numpy(g)
    paths = [v.path for v in layer.weights]
    for v, g in zip(train_vars, grads[len(floats):]):
        if g is not None:
            out[f"dw{paths.index(v.path)}"] = as_numpy(tf.convert_to_tensor(g))
    keras.backend.clear_session()
    save_npz(f"{GROUP}/layers/{name}", out)


def gqa_cases():
    from keras import layers

    rng = rng_for(f"{GROUP}/gqa_inputs")
    q = rng.normal(size=(2, 5, 8))
    qc, vc, kc = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 6, 6)), rng.normal(size=(2, 6, 3))
    mask3 = rng.random((2, 4, 6)) < 0.75
    mask3[0, 1] = False  # a query that may attend to nothing
    self_spec = {"args": ["q", "q"]}
    scores = {"return_attention_scores": True}
    cross = {"args": ["q", "v"], "tensor_kwargs": {"key": "k"}}
    cross_in = {"q": qc, "v": vc, "k": kc}
    masked = {**cross, "tensor_kwargs": {"key": "k", "attention_mask": "m"}}
    G = layers.GroupQueryAttention
    cases = [
        ("gqa_self", G(4, 4, 2), {"q": q}, self_spec),
        ("gqa_self_scores", G(4, 4, 2), {"q": q}, {**self_spec, "flags": scores}),
        ("gqa_mqa", G(3, 4, 1), {"q": q}, self_spec),
        ("gqa_mha", G(3, 2, 2), {"q": q}, {**self_spec, "flags": scores}),
        ("gqa_no_bias", G(4, 6, 3, use_bias=False), {"q": q}, self_spec),
        ("gqa_cross_key", G(5, 4, 2), cross_in, cross),
        ("gqa_cross_key_scores", G(5, 4, 2), cross_in, {**cross, "flags": scores}),
        ("gqa_mask", G(4, 4, 2), {**cross_in, "m": mask3}, masked),
        ("gqa_mask_scores", G(4, 4, 2), {**cross_in, "m": mask3}, {**masked, "flags": scores}),
        ("gqa_mask_2d", G(4, 4, 2), {**cross_in, "m": mask3[1]}, masked),
        ("gqa_causal", G(4, 4, 2), {"q": q}, {**self_spec, "flags": {"use_causal_mask": True}}),
        ("gqa_causal_scores", G(4, 4, 2), {"q": q},
         {**self_spec, "flags": {"use_causal_mask": True, **scores}}),
        ("gqa_causal_cross_mask", G(4, 4, 2), {**cross_in, "m": mask3},
         {**masked, "flags": {"use_causal_mask": True}}),
        ("gqa_gate", G(4, 4, 2, use_gate=True), {"q": q}, self_spec),
        ("gqa_sliding_window", G(4, 4, 2, sliding_window=2), {"q": q},
         {**self_spec, "flags": {"use_causal_mask": True}}),
        ("gqa_dropout_inference", G(4, 4, 2, dropout=0.3), {**cross_in, "m": mask3},
         {**masked, "flags": {"training": False}}),
    ]
    for name, layer, inputs, spec in cases:
        record(name, layer, inputs, spec)


def gqa_embedding_mask_case():
    """Keras masks from an Embedding(mask_zero=True) feed GroupQueryAttention's query and
    value masks (self attention, then cross attention with a separate key)."""
    import keras
    import tensorflow as tf

    name = "gqa_embedding_mask"
    rng = rng_for(f"{GROUP}/{name}")
    q_ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 0], [5, 0, 0, 0, 0]], "int32")
    k_ids = np.array([[4, 4, 0, 0, 0, 0], [3, 2, 1, 6, 5, 0], [1, 1, 1, 0, 0, 0]], "int32")
    emb = keras.layers.Embedding(9, 8, mask_zero=True)
    gqa = keras.layers.GroupQueryAttention(3, 4, 2)
    gqa(emb(q_ids), emb(k_ids))
    weights = random_weights(emb, rng) + random_weights(gqa, rng)
    emb.set_weights(weights[:1])
    gqa.set_weights(weights[1:])
    out = {"in_q": q_ids, "in_k": k_ids, "emb_config": to_json(emb.get_config()),
           "config": to_json(gqa.get_config())}
    for tag, ids in (("self_", q_ids), ("cross_", k_ids)):
        with tf.GradientTape() as tape:
            q = emb(q_ids)
            v = emb(ids)
            res = gqa(q, v, return_attention_scores=True)
            rs = [rng.normal(size=tuple(y.shape)) for y in res]
            loss = tf.add_n([tf.reduce_sum(y * r) for y, r in zip(res, rs)])
        grads = tape.gradient(loss, emb.trainable_weights + gqa.trainable_weights)
        fused = gqa(q, v)  # no scores: Keras's fused attention kernel
        out[f"{tag}fused"] = as_numpy(fused)
        for i, (y, r) in enumerate(zip(res, rs)):
            out[f"{tag}y{i}"] = as_numpy(y)
            out[f"{tag}r{i}"] = r
        out[f"{tag}y0_mask"] = as_numpy(res[0]._keras_mask)
        for i, g in enumerate(grads):
            out[f"{tag}dw{i}"] = as_numpy(tf.convert_to_tensor(g))
    for i, w in enumerate(weights):
        out[f"w{i}"] = np.asarray(w)
    keras.backend.clear_session()
    save_npz(f"{GROUP}/{name}", out)


def reversible_embedding_cases():
    from keras import layers

    rng = rng_for(f"{GROUP}/rev_inputs")
    ids = np.array([[3, 1, 0, 7], [2, 0, 5, 5]], "int32")
    h = rng.normal(size=(2, 4, 6))
    R = layers.ReversibleEmbedding
    cases = [
        ("rev_embed_forward", R(9, 6), {"ids": ids}, {"args": ["ids"]}),
        ("rev_embed_forward_mask", R(9, 6, mask_zero=True), {"ids": ids}, {"args": ["ids"]}),
        ("rev_embed_reverse", R(9, 6), {"h": h}, {"args": ["h"], "flags": {"reverse": True}}),
        ("rev_embed_untied", R(9, 6, tie_weights=False), {"h": h},
         {"args": ["h"], "flags": {"reverse": True}}),
        ("rev_embed_untied_forward", R(9, 6, tie_weights=False), {"ids": ids},
         {"args": ["ids"]}),
        ("rev_embed_soft_cap", R(9, 6, logit_soft_cap=0.7), {"h": h},
         {"args": ["h"], "flags": {"reverse": True}}),
        ("rev_embed_reverse_dtype", R(9, 6, reverse_dtype="float32", tie_weights=False),
         {"h": h}, {"args": ["h"], "flags": {"reverse": True}}),
    ]
    for name, layer, inputs, spec in cases:
        record(name, layer, inputs, spec)


def stft_cases():
    from keras import layers

    rng = rng_for(f"{GROUP}/stft_inputs")
    x = rng.normal(size=(2, 64, 2))
    S = layers.STFTSpectrogram
    one = {"args": ["x"]}
    # channels_first is left out: TensorFlow's CPU convolutions refuse NCHW
    cases = [
        ("stft_log", S(frame_length=16), x),
        ("stft_magnitude", S(mode="magnitude", frame_length=16, frame_step=4), x),
        ("stft_psd", S(mode="psd", frame_length=12, frame_step=5, fft_length=16), x),
        ("stft_real", S(mode="real", frame_length=16, window="hamming"), x),
        ("stft_imag", S(mode="imag", frame_length=16, window="blackman", periodic=True), x),
        ("stft_angle", S(mode="angle", frame_length=8, scaling="spectrum"), x),
        ("stft_stft", S(mode="stft", frame_length=16, scaling=None, window=None), x),
        ("stft_same_expand", S(mode="magnitude", frame_length=10, frame_step=3,
                               padding="same", expand_dims=True), x),
        ("stft_bartlett_periodic", S(mode="magnitude", frame_length=16, window="bartlett",
                                     periodic=True), x),
    ]
    for name, layer, inp in cases:
        record(name, layer, {"x": inp}, one, randomize=False)


def stft_initializer_cases():
    import keras

    cases = []
    arrays = {}
    shapes = [(16, 1, 9), (15, 1, 17), (8, 1, 5)]
    windows = ["hann", "hamming", "blackman", "bartlett", "boxcar", "triang", "cosine",
               "blackmanharris", "nuttall", "flattop", "bohman", "parzen", "barthann",
               None]
    i = 0
    for window in windows:
        for periodic in (False, True):
            for side, scaling in (("real", "density"), ("imag", "spectrum"), ("real", None)):
                shape = shapes[i % len(shapes)]
                init = keras.initializers.STFT(side, window, scaling, periodic)
                arrays[f"init_{i}"] = as_numpy(init(shape, dtype="float64"))
                cases.append({"side": side, "window": window, "scaling": scaling,
                              "periodic": periodic, "shape": list(shape),
                              "config": init.get_config()})
                i += 1
    # an explicit window array
    win = np.linspace(0.1, 1.0, 8)
    init = keras.initializers.STFT("imag", win.tolist(), "density", False)
    arrays[f"init_{i}"] = as_numpy(init((8, 1, 5), dtype="float64"))
    cases.append({"side": "imag", "window": win.tolist(), "scaling": "density",
                  "periodic": False, "shape": [8, 1, 5], "config": init.get_config()})
    arrays["init_cases"] = json.dumps(cases)
    arrays["float32_hann"] = as_numpy(keras.initializers.STFT()((16, 1, 9), dtype="float32"))
    save_npz(f"{GROUP}/stft_init", arrays)


def mel_cases():
    from keras import layers

    rng = rng_for(f"{GROUP}/mel_inputs")
    audio = rng.normal(size=(2, 800))
    tone = np.sin(2 * np.pi * 440 * np.arange(1200) / 8000.0)[None] * np.array([[1.0], [0.01]])
    # float32: Keras's mel matrix is float32 whatever the layer's dtype, and its TensorFlow
    # backend refuses to subtract it from a float64 spectrogram
    def M(**kwargs):
        return layers.MelSpectrogram(dtype="float32", **kwargs)

    cases = [
        ("mel_default_small", M(fft_length=256, sequence_stride=64, num_mel_bins=20), audio),
        ("mel_no_db", M(fft_length=128, sequence_stride=50, num_mel_bins=16,
                        power_to_db=False, sampling_rate=8000), audio),
        ("mel_seq_len_hamming", M(fft_length=256, sequence_length=200, sequence_stride=80,
                                  window="hamming", num_mel_bins=24, min_freq=50.0,
                                  max_freq=3000.0, sampling_rate=8000), tone),
        ("mel_top_db", M(fft_length=128, sequence_stride=32, num_mel_bins=10, top_db=20.0,
                         mag_exp=1.0, ref_power=2.0, min_power=1e-6, sampling_rate=8000), tone),
        ("mel_no_window", M(fft_length=64, sequence_stride=16, window=None, num_mel_bins=8,
                            sampling_rate=4000), audio[:, :300]),
        ("mel_1d", M(fft_length=128, sequence_stride=40, num_mel_bins=12), audio[0]),
    ]
    for name, layer, x in cases:
        y = as_numpy(layer(x))
        save_npz(f"{GROUP}/mel/{name}", {"config": to_json(layer.get_config()), "x": x,
                                          "y": y, "shape": np.asarray(
                                              layer.compute_output_shape(x.shape), float)})


def pipeline_case():
    import keras
    import tensorflow as tf

    layer = keras.layers.Pipeline([
        keras.layers.Rescaling(1 / 255.0),
        keras.layers.CenterCrop(4, 4),
        keras.layers.Resizing(3, 3),
    ], name="prep")
    x = rng_for(f"{GROUP}/pipeline").integers(0, 255, size=(2, 6, 5, 3)).astype("float64")
    y = as_numpy(layer(x))
    ds = tf.data.Dataset.from_tensor_slices(x).batch(2).map(layer)
    y_ds = np.concatenate([as_numpy(b) for b in ds])
    save_npz(f"{GROUP}/pipeline", {"config": to_json(layer.get_config()), "x": x, "y": y,
                                   "y_dataset": y_ds})


def input_spec_case():
    import keras
    from keras.layers import InputSpec

    class Probe(keras.layers.Layer):
        def call(self, x):
            return x

    specs = [
        ({"ndim": 3}, (2, 4)),
        ({"ndim": 3}, (2, 4, 5)),
        ({"min_ndim": 3}, (2, 4)),
        ({"max_ndim": 2}, (2, 4, 5)),
        ({"dtype": "float32"}, "float64"),
        ({"axes": {-1: 4}}, (2, 5)),
        ({"axes": {1: 3}, "min_ndim": 2}, (2, 4, 4)),
        ({"shape": (None, 3, 4)}, (2, 3, 5)),
        ({"shape": (None, 3, 1), "allow_last_axis_squeeze": True}, (2, 3)),
        ({"shape": (None, 3), "allow_last_axis_squeeze": True}, (2, 3, 1)),
        ({"shape": (None, 3, 4), "name": "feat"}, (2, 3, 4)),
        ({"ndim": 2, "name": "feat"}, (4,)),
    ]
    rows = []
    for kwargs, given in specs:
        spec = InputSpec(**kwargs)
        layer = Probe(name="probe")
        layer.input_spec = spec
        if isinstance(given, str):
            x = np.zeros((2, 3), given)
        else:
            x = np.zeros(given, "float32")
        try:
            layer(x)
            error = None
        except ValueError as err:
            error = str(err)
        rows.append({"kwargs": {k: (list(v) if isinstance(v, tuple) else
                                    {str(a): b for a, b in v.items()} if isinstance(v, dict)
                                    else v) for k, v in kwargs.items()},
                     "shape": list(x.shape), "dtype": str(x.dtype), "error": error,
                     "repr": repr(spec), "config": spec.get_config()})
    # several inputs, one spec each
    layer = Probe(name="pair")
    layer.input_spec = [InputSpec(ndim=2), InputSpec(ndim=3)]
    multi = {}
    for tag, xs in (("ok", [np.zeros((2, 3)), np.zeros((2, 3, 4))]),
                    ("count", [np.zeros((2, 3))] * 3),
                    ("second", [np.zeros((2, 3)), np.zeros((2, 3))])):
        try:
            layer(xs)
            multi[tag] = None
        except ValueError as err:
            multi[tag] = str(err)
    try:
        InputSpec(ndim=2, axes={3: 4})
        axis_error = None
    except ValueError as err:
        axis_error = str(err)
    save_npz(f"{GROUP}/input_spec", {"rows": json.dumps(rows, default=str),
                                     "multi": json.dumps(multi), "axis_error": axis_error})


def dtype_cases():
    import keras
    import numpy as np_

    K = keras.backend
    names = ["float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
             "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128", "string"]
    std = {}
    for value, key in [(None, "None"), ("float32", "'float32'"), (np_.float64, "np.float64"),
                       (np_.dtype("int16"), "np.dtype('int16')"), (int, "int"),
                       (float, "float"), (bool, "bool"), (complex, "complex"), (str, "str"),
                       ("int", "'int'"), (np_.uint8, "np.uint8")]:
        std[key] = K.standardize_dtype(value)
    bad = None
    try:
        K.standardize_dtype("float31")
    except ValueError as err:
        bad = str(err)
    kinds = {n: [K.is_float_dtype(n), K.is_int_dtype(n)] for n in names}
    pairs = []
    lattice = names[:-1]
    for a in lattice:
        for b in lattice:
            pairs.append([a, b, K.result_type(a, b)])
    pythons = []
    for a in lattice:
        for p, tag in ((int, "int"), (float, "float"), (bool, "bool")):
            pythons.append([a, tag, K.result_type(a, p)])
    extra = {"empty": K.result_type(), "int_float": K.result_type(int, float),
             "int_int": K.result_type(int, int), "none_int8": K.result_type(None, "int8"),
             "three": K.result_type("int8", "uint8", "float16")}
    save_npz(f"{GROUP}/dtypes", {"standardize": json.dumps(std), "bad": bad,
                                 "kinds": json.dumps(kinds), "pairs": json.dumps(pairs),
                                 "pythons": json.dumps(pythons), "extra": json.dumps(extra)})


def model_case():
    import keras

    previous = keras.config.floatx()
    previous_policy = keras.config.dtype_policy()
    keras.config.set_floatx("float32")
    keras.config.set_dtype_policy("float32")
    try:
        keras.utils.set_random_seed(11)
        tokens = keras.Input((6,), dtype="int32", name="tokens")
        emb = keras.layers.ReversibleEmbedding(10, 8, name="embed")
        x = emb(tokens)
        x = keras.layers.GroupQueryAttention(4, 4, 2, name="gqa")(x, x, use_causal_mask=True)
        out = emb(x, reverse=True)
        model = keras.Model(tokens, out, name="gqa_lm")
        rng = rng_for(f"{GROUP}/model")
        model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32")
                           for w in model.get_weights()])
        ids = rng.integers(0, 10, size=(3, 6)).astype("int32")
        folder = OUT / GROUP / "models"
        folder.mkdir(parents=True, exist_ok=True)
        model.save(folder / "gqa_model.keras")
        save_npz(f"{GROUP}/models/gqa_model", {
            "x": ids, "y": as_numpy(model.predict(ids, verbose=0)),
            "weight_names": to_json([v.path for v in model.weights])})
        # STFTSpectrogram + MelSpectrogram-free audio model
        wave = keras.Input((64, 1), name="wave")
        spec = keras.layers.STFTSpectrogram(mode="log", frame_length=16, frame_step=8,
                                            name="stft")(wave)
        h = keras.layers.Flatten(name="flat")(spec)
        h = keras.layers.Dense(2, name="head")(h)
        audio_model = keras.Model(wave, h, name="stft_model")
        xw = rng.normal(size=(2, 64, 1)).astype("float32")
        audio_model.save(folder / "stft_model.keras")
        save_npz(f"{GROUP}/models/stft_model", {
            "x": xw, "y": as_numpy(audio_model.predict(xw, verbose=0)),
            "weight_names": to_json([v.path for v in audio_model.weights])})
        keras.backend.clear_session()
    finally:
        keras.config.set_floatx(previous)
        keras.config.set_dtype_policy(previous_policy)


def run():
    gqa_cases()
    gqa_embedding_mask_case()
    reversible_embedding_cases()
    stft_cases()
    stft_initializer_cases()
    mel_cases()
    pipeline_case()
    input_spec_case()
    dtype_cases()
    model_case()
