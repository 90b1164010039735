"""GroupQueryAttention, ReversibleEmbedding, STFTSpectrogram, MelSpectrogram, Pipeline and
InputSpec against real Keras 3.15 (tests/fixtures/keras/layers_misc2/, written by
tools/keras_fixtures/layers_misc2.py).

Tolerances: the float64 layer cases (outputs and every input/weight gradient) rtol 1e-7,
atol 1e-10 (tests/layers/attention_replay.py), 1e-5/1e-6 for ReversibleEmbedding's
reverse_dtype="float32" case (float32 arithmetic); STFT initializer kernels (float64) rtol 1e-12,
atol 1e-14; MelSpectrogram (float32, as Keras builds it) rtol 1e-4 with atol 1e-5 of the
largest output (the FFT in float64 then rounded vs TensorFlow's complex64 FFT); Pipeline
atol 2e-7 (Keras's Resizing interpolates float64 images in float32).
"""

import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.layers.input_spec import InputSpec, assert_input_compatibility
from tests.fixtures.keras_loader import fixture_path, load, names
from tests.layers.attention_replay import ATOL, RTOL, build_layer, call_layer, replay
from tests.layers.layer_gradcheck import check_layer

L = tf.keras.layers
GROUP = "layers_misc2"
CASES = names(f"{GROUP}/layers")
GQA = [n for n in CASES if "/gqa_" in n]
REV = [n for n in CASES if "/rev_embed_" in n]
STFT = [n for n in CASES if "/stft_" in n]
MEL = names(f"{GROUP}/mel")


@pytest.fixture
def float64():
    previous = tf.keras.backend.floatx()
    tf.keras.backend.set_floatx("float64")
    yield
    tf.keras.backend.set_floatx(previous)


def _strip(cfg):
    """A config without what is not a setting of the layer (dtype policy, name, Keras's
    quantization_config)."""
    if isinstance(cfg, dict):
        return {k: _strip(v) for k, v in cfg.items()
                if k not in ("dtype", "name", "quantization_config", "build_config")}
    if isinstance(cfg, (list, tuple)):
        return [_strip(v) for v in cfg]
    return cfg


def _plain(value):
    return json.loads(json.dumps(value))


def test_fixture_counts():
    assert (len(GQA), len(REV), len(STFT), len(MEL)) == (16, 7, 9, 6)


# -- outputs and gradients -------------------------------------------------------------------
@pytest.mark.parametrize("name", GQA + STFT)
def test_matches_keras(name, float64):
    case, layer, _ = replay(name)
    assert _strip(_plain(layer.get_config())) == _strip(case["config"])


@pytest.mark.parametrize("name", REV)
def test_reversible_embedding_matches_keras(name, float64):
    # replay() wants a gradient for every trainable weight; a reverse call does not reach
    # ``embeddings`` when untied, nor a forward call ``reverse_embeddings``
    case = load(name)
    spec = json.loads(case["call"])
    layer = build_layer(case)
    inputs = {k[3:]: case[k] for k in case if k.startswith("in_")}
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    call_layer(layer, tensors, spec)
    assert [v.path for v in layer.weights] == case["weight_names"]
    layer.set_weights([case[f"w{i}"] for i in range(len(layer.weights))])
    floats = [k for k, v in inputs.items() if v.dtype.kind == "f"]
    with tf.GradientTape() as tape:
        for k in floats:
            tape.watch(tensors[k])
        (y,) = call_layer(layer, tensors, spec)
        loss = tf.reduce_sum(y * case["r0"])
    assert y.dtype == case["y0"].dtype
    # reverse_dtype="float32" computes the logits (and their gradients) in float32
    rtol, atol = (RTOL, ATOL) if y.dtype == np.float64 else (1e-5, 1e-6)
    np.testing.assert_allclose(y.numpy(), case["y0"], rtol=rtol, atol=atol)
    if "y0_mask" in case:
        np.testing.assert_array_equal(np.asarray(y._keras_mask), case["y0_mask"])
    else:
        assert getattr(y, "_keras_mask", None) is None
    grads = tape.gradient(loss, [tensors[k] for k in floats] + layer.weights)
    for k, g in zip(floats, grads):
        np.testing.assert_allclose(g.numpy(), case[f"d_{k}"], rtol=rtol, atol=atol)
    for i, g in enumerate(grads[len(floats):]):
        if f"dw{i}" in case:
            np.testing.assert_allclose(np.asarray(tf.convert_to_tensor(g).numpy()),
                                       case[f"dw{i}"], rtol=rtol, atol=atol)
        else:
            assert g is None, (name, i)
    assert _strip(_plain(layer.get_config())) == _strip(case["config"])


@pytest.mark.parametrize("tag", ["self_", "cross_"])
def test_gqa_keras_masks_from_embedding(tag, float64):
    case = load(f"{GROUP}/gqa_embedding_mask")
    emb = L.Embedding.from_config(_strip(json.loads(case["emb_config"])) | {"dtype": "float64"})
    gqa = L.GroupQueryAttention.from_config(_strip(case["config"]) | {"dtype": "float64"})
    ids = case["in_q"] if tag == "self_" else case["in_k"]
    gqa(emb(case["in_q"]), emb(ids))
    n_emb = len(emb.weights)
    emb.set_weights([case["w0"]])
    gqa.set_weights([case[f"w{i}"] for i in range(n_emb, n_emb + len(gqa.weights))])
    with tf.GradientTape() as tape:
        q, v = emb(case["in_q"]), emb(ids)
        out, scores = gqa(q, v, return_attention_scores=True)
        loss = tf.reduce_sum(out * case[f"{tag}r0"]) + tf.reduce_sum(scores * case[f"{tag}r1"])
    np.testing.assert_allclose(out.numpy(), case[f"{tag}y0"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(scores.numpy(), case[f"{tag}y1"], rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), case[f"{tag}y0_mask"])
    grads = tape.gradient(loss, emb.trainable_weights + gqa.trainable_weights)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(tf.convert_to_tensor(g).numpy(), case[f"{tag}dw{i}"],
                                   rtol=RTOL, atol=ATOL)
    # the fused path (no scores): a fully masked query row averages the values, as Keras
    np.testing.assert_allclose(gqa(q, v).numpy(), case[f"{tag}fused"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", STFT)
def test_stft_kernels_start_from_keras_initializer(name, float64):
    case = load(name)
    layer = build_layer(case)
    layer(case["in_x"])
    for i, w in enumerate(layer.get_weights()):
        np.testing.assert_allclose(w, case[f"w{i}"], rtol=1e-12, atol=1e-14)


def test_stft_initializer_matches_keras():
    fx = load(f"{GROUP}/stft_init")
    cases = json.loads(str(fx["init_cases"]))
    assert len(cases) == 85
    for i, c in enumerate(cases):
        init = tf.keras.initializers.STFT(c["side"], c["window"], c["scaling"], c["periodic"])
        got = init(tuple(c["shape"]), dtype="float64")
        np.testing.assert_allclose(got, fx[f"init_{i}"], rtol=1e-12, atol=1e-14,
                                   err_msg=str(c))
        assert _plain(init.get_config()) == c["config"]
        again = tf.keras.initializers.deserialize(tf.keras.initializers.serialize(init))
        np.testing.assert_array_equal(again(tuple(c["shape"]), "float64"), got)
    got32 = tf.keras.initializers.get("STFTInitializer")((16, 1, 9), dtype="float32")
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, fx["float32_hann"], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", MEL)
def test_mel_spectrogram_matches_keras(name):
    fx = load(name)
    cfg = dict(fx["config"])
    cfg["dtype"] = "float32"
    layer = L.MelSpectrogram.from_config(cfg)
    y = layer(fx["x"])
    assert y.dtype == np.float32 and y.shape == fx["y"].shape
    scale = np.abs(fx["y"]).max()
    np.testing.assert_allclose(y.numpy(), fx["y"], rtol=1e-4, atol=1e-5 * scale)
    assert layer.compute_output_shape(fx["x"].shape) == tuple(int(d) for d in fx["shape"])
    assert _strip(_plain(layer.get_config())) == _strip(fx["config"])


def test_pipeline_matches_keras(float64):
    fx = load(f"{GROUP}/pipeline")
    layer = L.Pipeline.from_config(fx["config"])
    assert [type(x).__name__ for x in layer.layers] == ["Rescaling", "CenterCrop", "Resizing"]
    np.testing.assert_allclose(layer(fx["x"]).numpy(), fx["y"], rtol=0, atol=2e-7)
    ds = tf.data.Dataset.from_tensor_slices(fx["x"]).batch(2).map(layer)
    y_ds = np.concatenate([np.asarray(b) for b in ds])
    np.testing.assert_allclose(y_ds, fx["y_dataset"], rtol=0, atol=2e-7)
    ours = _strip(_plain(layer.get_config()))
    assert ours == _strip(fx["config"])
    assert layer.get_config()["name"] == "prep"
    again = L.Pipeline.from_config(layer.get_config())
    np.testing.assert_array_equal(again(fx["x"]).numpy(), layer(fx["x"]).numpy())


def test_pipeline_passes_training_and_masks():
    drop = L.Dropout(0.5, seed=3)
    pipe = L.Pipeline([L.Masking(0.0), drop])
    x = np.ones((4, 3, 8), "float32")
    x[:, 2] = 0.0
    y = pipe(x)  # training defaults to True on its own, as in Keras
    assert np.any(y.numpy()[:, :2] == 0.0)
    np.testing.assert_array_equal(np.asarray(y._keras_mask), [[True, True, False]] * 4)
    np.testing.assert_array_equal(pipe(x, training=False).numpy(), x)
    inp = tf.keras.Input((3, 8))
    model = tf.keras.Model(inp, pipe(inp))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x * [[[1]] * 2 + [[0]]])
    assert np.any(model(x).numpy()[:, :2] == 0.0)  # model(x): no training given, as Keras
    with pytest.raises(ValueError, match="list of layers"):
        L.Pipeline("rescaling")
    with pytest.raises(ValueError, match="`layers` key"):
        L.Pipeline.from_config({"name": "p"})


# -- model files -------------------------------------------------------------------------------
def test_keras_written_gqa_model_loads_and_predicts():
    fx = load(f"{GROUP}/models/gqa_model")
    model = tf.keras.models.load_model(fixture_path(f"{GROUP}/models/gqa_model.keras"))
    assert [v.path for v in model.weights] == fx["weight_names"]
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-6)


def test_keras_written_stft_model_loads_and_predicts():
    fx = load(f"{GROUP}/models/stft_model")
    model = tf.keras.models.load_model(fixture_path(f"{GROUP}/models/stft_model.keras"))
    assert [v.path for v in model.weights] == fx["weight_names"]
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_featherflow_files_round_trip(tmp_path, suffix):
    pytest.importorskip("h5py")
    tokens = tf.keras.Input((6,), dtype="int32")
    emb = L.ReversibleEmbedding(10, 8, tie_weights=False, logit_soft_cap=5.0)
    h = emb(tokens)
    h = L.GroupQueryAttention(4, 4, 2, use_gate=True)(h, h, use_causal_mask=True)
    h = emb(h, reverse=True)
    wave = tf.keras.Input((64, 1))
    s = L.STFTSpectrogram(mode="magnitude", frame_length=16, frame_step=8)(wave)
    s = L.Pipeline([L.Flatten(), L.Dense(3)])(s)
    model = tf.keras.Model([tokens, wave], [h, s])
    ids = np.random.default_rng(0).integers(0, 10, (3, 6)).astype("int32")
    xw = np.random.default_rng(1).normal(size=(3, 64, 1)).astype("float32")
    path = tmp_path / f"m{suffix}"
    # saved before any call: every weight exists once the model is made of Inputs
    if suffix == ".keras":
        model.save(path)
        again = tf.keras.models.load_model(path)
    else:
        model.save_weights(path)
        again = tf.keras.models.clone_model(model)
        again.load_weights(path)
    want = model.predict([ids, xw], verbose=0)
    got = again.predict([ids, xw], verbose=0)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


# -- gradients against finite differences ------------------------------------------------------
def test_stft_layer_gradients_against_finite_differences():
    x = np.random.default_rng(2).normal(size=(2, 40, 2))
    for mode in ("log", "psd", "angle", "stft", "imag"):
        layer = check_layer(lambda mode=mode: L.STFTSpectrogram(
            mode=mode, frame_length=8, frame_step=4, padding="same"), x)
        assert len(layer.trainable_weights) == (1 if mode == "imag" else 2)


def test_gqa_gradients_against_finite_differences():
    x = np.random.default_rng(3).normal(size=(2, 4, 6))

    class Self(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.gqa = L.GroupQueryAttention(3, 4, 2, use_gate=True, sliding_window=2)

        def call(self, x):
            return self.gqa(x, x, use_causal_mask=True)

    check_layer(Self, x)


# -- channels_first, shapes, symbolic use ------------------------------------------------------
@pytest.mark.parametrize("mode", ["log", "stft", "psd", "angle"])
@pytest.mark.parametrize("expand_dims", [False, True])
def test_stft_channels_first_is_channels_last_transposed(mode, expand_dims):
    # TensorFlow's CPU convolutions refuse NCHW, so Keras cannot record channels_first
    x = np.random.default_rng(4).normal(size=(2, 50, 3)).astype("float32")
    kw = dict(mode=mode, frame_length=8, frame_step=3, expand_dims=expand_dims)
    last = L.STFTSpectrogram(**kw)(x).numpy()
    first = L.STFTSpectrogram(data_format="channels_first", **kw)(x.transpose(0, 2, 1))
    if expand_dims:
        want = last.transpose(0, 3, 1, 2)  # (b, t, f, c) -> (b, c, t, f)
    else:
        b, t, cf = last.shape
        want = last.reshape(b, t, 3, cf // 3).transpose(0, 2, 3, 1).reshape(b, cf, t)
    np.testing.assert_allclose(first.numpy(), want, rtol=1e-6, atol=1e-6)


def test_symbolic_shapes_match_calls():
    for layer, shape in [
        (L.STFTSpectrogram(frame_length=10, frame_step=3, padding="same"), (None, 31, 2)),
        (L.STFTSpectrogram(mode="stft", frame_length=8, expand_dims=True), (None, 40, 2)),
        (L.STFTSpectrogram(frame_length=8, data_format="channels_first"), (None, 2, 40)),
    ]:
        inp = tf.keras.Input(shape[1:])
        out = layer(inp)
        real = layer(np.zeros((2,) + shape[1:], "float32"))
        assert out.shape == (None,) + tuple(real.shape[1:])
    inp = tf.keras.Input((5, 8))
    out, scores = L.GroupQueryAttention(2, 4, 2)(inp, inp, return_attention_scores=True)
    assert out.shape == (None, 5, 8) and scores.shape == (None, 4, 5, 5)
    ids = tf.keras.Input((6,), dtype="int32")
    emb = L.ReversibleEmbedding(11, 4, mask_zero=True)
    h = emb(ids)
    assert h.shape == (None, 6, 4) and h._has_mask
    logits = emb(h, reverse=True)
    assert logits.shape == (None, 6, 11) and not logits._has_mask


# -- errors --------------------------------------------------------------------------------------
def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"GroupQueryAttention 'g'.*divisible.*"
                                         r"num_query_heads=6.*num_key_value_heads=4"):
        L.GroupQueryAttention(4, 6, 4, name="g")
    with pytest.raises(ValueError, match="head_dim` must be a positive integer"):
        L.GroupQueryAttention(0, 4, 2)
    with pytest.raises(ValueError, match="sliding_window"):
        L.GroupQueryAttention(4, 4, 2, sliding_window=0)
    with pytest.raises(ValueError, match="dropout is not supported with flash"):
        L.GroupQueryAttention(4, 4, 2, dropout=0.1, flash_attention=True)
    gqa = L.GroupQueryAttention(4, 4, 2, flash_attention=True)
    x = np.zeros((1, 3, 8), "float32")
    with pytest.raises(ValueError, match="flash_attention"):
        gqa(x, x, return_attention_scores=True)
    with pytest.raises(ValueError, match=r"\(batch, sequence, features\)"):
        L.GroupQueryAttention(4, 4, 2)(np.zeros((1, 2, 3, 8)), np.zeros((1, 2, 3, 8)))
    with pytest.raises(TypeError, match="needs a query and a value"):
        L.GroupQueryAttention(4, 4, 2)(x)
    with pytest.raises(ValueError, match="frame_step"):
        L.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="fft_length"):
        L.STFTSpectrogram(frame_length=8, fft_length=4)
    with pytest.raises(ValueError, match="mode=spectrum"):
        L.STFTSpectrogram(mode="spectrum")
    with pytest.raises(ValueError, match="unknown window 'kaiser'"):
        L.STFTSpectrogram(window="kaiser")
    with pytest.raises(ValueError, match="padding"):
        L.STFTSpectrogram(padding="causal")
    with pytest.warns(UserWarning, match="power of two"):
        L.STFTSpectrogram(frame_length=8, fft_length=12)
    with pytest.raises(TypeError, match="float16"):
        L.STFTSpectrogram(frame_length=8)(np.zeros((1, 16, 1), "int32"))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        L.STFTSpectrogram(frame_length=8)(np.zeros((1, 16), "float32"))
    with pytest.raises(ValueError, match="sequence_length"):
        L.MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match="hann"):
        L.MelSpectrogram(window="blackman")
    with pytest.raises(ValueError, match="reflect padding"):
        L.MelSpectrogram(fft_length=64, sequence_stride=16)(np.zeros((1, 20), "float32"))
    with pytest.raises(ValueError, match="logit_soft_cap"):
        L.ReversibleEmbedding(10, 4, logit_soft_cap=-1.0)
    emb = L.ReversibleEmbedding(10, 4, name="tok")
    with pytest.raises(TypeError, match="ReversibleEmbedding 'tok'.*not ids"):
        emb(np.array([[1, 2]]), reverse=True)
    with pytest.raises(ValueError, match="output_dim=4"):
        emb(np.zeros((1, 2, 5), "float32"), reverse=True)
    with pytest.raises(ValueError, match="side"):
        tf.keras.initializers.STFT(side="both")
    with pytest.raises(ValueError, match=r"window must have shape \[frame_length\]"):
        tf.keras.initializers.STFT(window=[1.0, 2.0])((4, 1, 3))


# -- InputSpec -----------------------------------------------------------------------------------
def _spec_kwargs(row):
    kwargs = dict(row["kwargs"])
    if "axes" in kwargs:
        kwargs["axes"] = {int(k): v for k, v in kwargs["axes"].items()}
    return kwargs


def test_input_spec_messages_match_keras():
    fx = load(f"{GROUP}/input_spec")
    rows = json.loads(str(fx["rows"]))
    assert len(rows) == 12
    for row in rows:
        spec = InputSpec(**_spec_kwargs(row))
        assert repr(spec) == row["repr"]
        cfg = _plain(spec.get_config())
        assert cfg == row["config"]
        x = tf.constant(np.zeros(row["shape"], row["dtype"]))
        if row["error"] is None:
            assert_input_compatibility(spec, x, "probe")
        else:
            with pytest.raises(ValueError) as err:
                assert_input_compatibility(spec, x, "probe")
            assert str(err.value) == row["error"]
    multi = json.loads(str(fx["multi"]))
    pair = [InputSpec(ndim=2), InputSpec(ndim=3)]
    assert_input_compatibility(pair, [np.zeros((2, 3)), np.zeros((2, 3, 4))], "pair")
    with pytest.raises(ValueError) as err:
        assert_input_compatibility(pair, [np.zeros((2, 3))] * 2, "pair")
    assert str(err.value) == multi["second"]
    with pytest.raises(ValueError) as err:
        assert_input_compatibility(pair, [np.zeros((2, 3))] * 3, "pair")
    assert str(err.value).startswith(multi["count"].split("Inputs received")[0])
    with pytest.raises(ValueError) as err:
        InputSpec(ndim=2, axes={3: 4})
    assert str(err.value) == str(fx["axis_error"])
    with pytest.raises(TypeError, match="integer keys"):
        InputSpec(axes={"a": 1})
    named = [InputSpec(ndim=2, name="a"), InputSpec(ndim=1, name="b")]
    assert_input_compatibility(named, {"b": np.zeros(3), "a": np.zeros((1, 2))}, "d")
    with pytest.raises(ValueError, match='Missing data for input "b"'):
        assert_input_compatibility(named, {"a": np.zeros((1, 2))}, "d")
    assert InputSpec.from_config(InputSpec(min_ndim=2, axes={-1: 3}).get_config()).axes == {
        -1: 3}


def test_layer_call_checks_input_spec(float64):
    # recorded with floatx float64: the float64 input of the dtype row is not autocast
    fx = load(f"{GROUP}/input_spec")

    class Probe(tf.keras.layers.Layer):
        def call(self, x):
            return x

    for row in json.loads(str(fx["rows"])):
        probe = Probe(name="probe")
        probe.input_spec = InputSpec(**_spec_kwargs(row))
        x = np.zeros(row["shape"], row["dtype"])
        if row["error"] is None:
            probe(x)
        else:
            with pytest.raises(ValueError) as err:
                probe(x)
            assert row["error"] in str(err.value)
            with pytest.raises(ValueError):
                probe(tf.keras.Input(row["shape"][1:], dtype=row["dtype"],
                                     batch_size=row["shape"][0]))


# -- keras.backend dtypes ----------------------------------------------------------------------
def test_backend_dtype_helpers_match_keras(float64):
    # recorded with floatx float64: None means floatx
    fx = load(f"{GROUP}/dtypes")
    K = tf.keras.backend
    values = {"None": None, "'float32'": "float32", "np.float64": np.float64,
              "np.dtype('int16')": np.dtype("int16"), "int": int, "float": float,
              "bool": bool, "complex": complex, "str": str, "'int'": "int",
              "np.uint8": np.uint8}
    std = json.loads(str(fx["standardize"]))
    assert {k: K.standardize_dtype(values[k]) for k in std} == std
    assert tf.keras.utils.standardize_dtype(tf.float16) == "float16"
    with pytest.raises(ValueError) as err:
        K.standardize_dtype("float31")
    assert str(err.value) == str(fx["bad"])
    kinds = json.loads(str(fx["kinds"]))
    assert {n: [K.is_float_dtype(n), K.is_int_dtype(n)] for n in kinds} == kinds
    for a, b, want in json.loads(str(fx["pairs"])):
        assert K.result_type(a, b) == want, (a, b)
    py = {"int": int, "float": float, "bool": bool}
    for a, p, want in json.loads(str(fx["pythons"])):
        assert K.result_type(a, py[p]) == want, (a, p)
    extra = json.loads(str(fx["extra"]))
    assert K.result_type() == "float64" == extra["empty"]
    assert K.result_type(int, float) == extra["int_float"]
    assert K.result_type(int, int) == extra["int_int"]
    assert K.result_type(None, "int8") == extra["none_int8"]
    assert K.result_type("int8", "uint8", "float16") == extra["three"]


# -- keras.utils names -------------------------------------------------------------------------
def test_keras_utils_names():
    u = tf.keras.utils
    from featherflow import serialization

    assert u.CustomObjectScope is serialization.CustomObjectScope
    assert u.serialize_keras_object is serialization.serialize_keras_object
    assert u.deserialize_keras_object(u.serialize_keras_object(L.Dense(3))).units == 3
    assert u.get_registered_name(L.Dense) == "Dense"
    assert u.Progbar is __import__("featherflow.utils.progbar", fromlist=["x"]).Progbar
    was = u.is_interactive_logging_enabled()
    u.disable_interactive_logging()
    assert not u.is_interactive_logging_enabled()
    u.enable_interactive_logging()
    assert u.is_interactive_logging_enabled()
    if not was:
        u.disable_interactive_logging()
    a, b = tf.keras.Input((3,)), tf.keras.Input((2,))
    c = L.Concatenate()([L.Dense(2)(a), b])
    out = L.Dense(1)(L.Add()([c, c]))
    sources = u.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert u.get_source_inputs(a) == [a]
    assert u.is_keras_tensor(out) and not u.is_keras_tensor(np.zeros(2))
    u.clear_session()
    assert L.Dense(1).name == "dense"
    cfg = u.Config(learning_rate=0.1)
    cfg.momentum = 0.9
    cfg["seed"] = 3
    assert cfg.as_dict() == {"learning_rate": 0.1, "momentum": 0.9, "seed": 3}
    assert json.loads(cfg.to_json())["seed"] == 3 and "seed" in cfg and len(cfg) == 3
    with pytest.raises(AttributeError, match="Did you mean 'momentum'"):
        cfg.momentun  # noqa: B018
    cfg.freeze()
    assert cfg.frozen
    with pytest.raises(ValueError, match="frozen"):
        cfg.seed = 4
    cfg.unfreeze()
    cfg.update(seed=5)
    assert cfg.pop("seed") == 5 and list(cfg) == ["learning_rate", "momentum"]


@pytest.mark.parametrize("module", [
    "featherflow.layers.attention.grouped_query_attention", "featherflow.layers.input_spec",
    "featherflow.layers.reversible_embedding", "featherflow.layers.preprocessing.audio",
    "featherflow.layers.preprocessing.pipeline", "featherflow.utils.config",
    "featherflow.initializers"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), extraglobs={"np": np, "tf": tf},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


_KERAS_CHECK = """
import os, sys, json
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, keras
folder = sys.argv[1]
m = keras.models.load_model(os.path.join(folder, "m.keras"))
ys = m.predict([np.load(os.path.join(folder, "ids.npy")), np.load(os.path.join(folder,
               "wave.npy"))], verbose=0)
print("RESULT " + json.dumps([y.tolist() for y in ys]))
"""


def _writes_keras_gqa_name():
    from featherflow.serialization import layer_config

    gqa = L.GroupQueryAttention(2, 2, 1)
    return layer_config.layer_to_dict(gqa, keras3=True)["class_name"] == "GroupQueryAttention"


def test_featherflow_file_opens_in_real_keras(tmp_path):
    import os
    import subprocess

    python = os.environ.get("FF_TF_PYTHON", "/work/venv-tf/bin/python")
    if not os.path.exists(python):
        pytest.skip(f"no TensorFlow Python at {python} (set FF_TF_PYTHON to run this check)")
    tokens = tf.keras.Input((6,), dtype="int32", name="tokens")
    emb = L.ReversibleEmbedding(10, 8, tie_weights=False, logit_soft_cap=5.0, name="emb")
    h = emb(tokens)
    # GroupQueryAttention only once featherflow writes Keras's exported class name for it
    # (the serialization/layer_config.py entry in the misc2 report)
    if _writes_keras_gqa_name():
        h = L.GroupQueryAttention(4, 4, 2, use_gate=True, name="gqa")(h, h,
                                                                      use_causal_mask=True)
    h = emb(h, reverse=True)
    wave = tf.keras.Input((64, 1), name="wave")
    s = L.STFTSpectrogram(mode="magnitude", frame_length=16, frame_step=8, name="stft")(wave)
    s = L.Pipeline([L.Flatten(), L.Rescaling(2.0), L.Dense(3)], name="pipe")(s)
    model = tf.keras.Model([tokens, wave], [h, s])
    ids = np.random.default_rng(0).integers(0, 10, (3, 6)).astype("int32")
    xw = np.random.default_rng(1).normal(size=(3, 64, 1)).astype("float32")
    model.save(str(tmp_path / "m.keras"))
    np.save(tmp_path / "ids.npy", ids)
    np.save(tmp_path / "wave.npy", xw)
    proc = subprocess.run([python, "-c", _KERAS_CHECK, str(tmp_path)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": ""},
                          cwd=str(tmp_path))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"Keras could not load the file:\n{proc.stderr[-3000:]}"
    for got, want in zip(json.loads(lines[-1][len("RESULT "):]),
                         model.predict([ids, xw], verbose=0)):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)
