"""MultiHeadAttention, Attention and AdditiveAttention against Keras 3.15 (float64 fixtures:
outputs, attention scores, gradients for inputs and weights), finite differences, files."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.ops import attention as attention_ops
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import fixture_path, load, names
from tests.layers.attention_replay import ATOL, RTOL, replay
from tests.layers.layer_gradcheck import check_layer

ALL = [n for n in names("layers_attention") if not n.split("/")[1].startswith("einsum")]
MHA = [n for n in ALL if n.split("/")[1].startswith("mha_") and "embedding" not in n
       and "model" not in n]
DOT = [n for n in ALL if n.split("/")[1].startswith(("attention_", "additive"))]


def test_fixture_counts():
    assert len(MHA) == 22 and len(DOT) == 14


@pytest.fixture(autouse=True)
def _float64():
    previous = tf.keras.backend.floatx()
    tf.keras.backend.set_floatx("float64")
    yield
    tf.keras.backend.set_floatx(previous)


@pytest.mark.parametrize("name", MHA)
def test_multi_head_attention_matches_keras(name):
    case, layer, ys = replay(name)
    cfg = layer.get_config()
    for key in ("num_heads", "key_dim", "value_dim", "use_bias", "attention_axes",
                "output_shape", "dropout"):
        want = case["config"][key]
        got = cfg[key]
        assert (list(got) if isinstance(got, tuple) else got) == want, (name, key)


@pytest.mark.parametrize("name", DOT)
def test_attention_layers_match_keras(name):
    replay(name)


def test_keras_masks_from_embedding_feed_query_and_value_masks():
    case = load("layers_attention/mha_embedding_mask")
    emb = tf.keras.layers.Embedding(9, 6, mask_zero=True)
    mha = tf.keras.layers.MultiHeadAttention(2, 3)
    x = emb(case["in_tokens"])
    mha(x, x)
    emb.set_weights([case["w0"]])
    mha.set_weights([case[f"w{i}"] for i in range(1, 9)])
    for tag, flag in (("", False), ("scores_", True)):
        with tf.GradientTape() as tape:
            x = emb(case["in_tokens"])
            res = mha(x, x, return_attention_scores=flag)
            ys = list(res) if flag else [res]
            loss = tf.add_n([tf.reduce_sum(y * case[f"{tag}r{i}"]) for i, y in enumerate(ys)])
        for i, y in enumerate(ys):
            np.testing.assert_allclose(y.numpy(), case[f"{tag}y{i}"], rtol=RTOL, atol=ATOL)
        np.testing.assert_array_equal(np.asarray(ys[0]._keras_mask), case[f"{tag}y0_mask"])
        grads = tape.gradient(loss, emb.trainable_weights + mha.trainable_weights)
        for i, g in enumerate(grads):
            np.testing.assert_allclose(g.numpy(), case[f"{tag}dw{i}"], rtol=RTOL, atol=ATOL,
                                       err_msg=f"{tag}dw{i}")


def test_keras_written_model_file_loads_and_predicts():
    case = load("layers_attention/mha_model")
    model = tf.keras.models.load_model(fixture_path("layers_attention/mha_model.keras"))
    assert [v.path for v in model.weights] == case["weight_names"]
    # float32 model: Keras and featherflow differ by summation order only
    np.testing.assert_allclose(model.predict(case["x"], verbose=0), case["y"], rtol=1e-5,
                               atol=1e-6)


def test_weights_file_round_trip_in_featherflow(tmp_path):
    model = tf.keras.models.load_model(fixture_path("layers_attention/mha_model.keras"))
    x = load("layers_attention/mha_model")["x"]
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    again = tf.keras.models.load_model(fixture_path("layers_attention/mha_model.keras"))
    for v in again.weights:
        v.assign(np.zeros(v.shape, v.dtype))
    again.load_weights(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_featherflow_written_model_file_keeps_the_attention_graph(tmp_path, suffix):
    # the MHA takes a separate value tensor: the file must keep both call arguments
    model = tf.keras.models.load_model(fixture_path("layers_attention/mha_model.keras"))
    x = load("layers_attention/mha_model")["x"]
    path = str(tmp_path / f"m{suffix}")
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_weights_move_both_ways_with_get_and_set_weights():
    case = load("layers_attention/mha_cross_key")
    mha = tf.keras.layers.MultiHeadAttention(3, 4, value_dim=5)
    mha(case["in_q"], case["in_v"], key=case["in_k"])
    mha.set_weights([case[f"w{i}"] for i in range(8)])
    for i, w in enumerate(mha.get_weights()):
        np.testing.assert_array_equal(w, case[f"w{i}"])
    assert [w.shape for w in mha.get_weights()] == [(6, 3, 4), (3, 4), (3, 3, 4), (3, 4),
                                                    (7, 3, 5), (3, 5), (3, 5, 6), (6,)]


def test_functional_model_with_masks_causal_flag_and_scores():
    tokens = tf.keras.Input((5,), dtype="int32")
    x = tf.keras.layers.Embedding(9, 6, mask_zero=True)(tokens)
    mha = tf.keras.layers.MultiHeadAttention(2, 3)
    out, scores = mha(query=x, value=x, use_causal_mask=True, return_attention_scores=True)
    assert out.shape == (None, 5, 6) and scores.shape == (None, 2, 5, 5)
    model = tf.keras.Model(tokens, [out, scores])
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 5]])
    got_out, got_scores = model.predict(ids, verbose=0)
    emb_out = model.layers[1](ids)
    want_out, want_scores = mha(emb_out, emb_out, use_causal_mask=True,
                                return_attention_scores=True)
    np.testing.assert_allclose(got_out, want_out.numpy(), rtol=1e-12)
    np.testing.assert_allclose(got_scores, want_scores.numpy(), rtol=1e-12)
    assert np.all(got_scores[0][:, :, 3:] == 0)  # masked keys get no weight
    assert np.all(np.triu(got_scores[1], 1) == 0)  # nor do future positions


def test_build_config_matches_keras_and_rebuilds():
    mha = tf.keras.layers.MultiHeadAttention(2, 4)
    mha(np.ones((1, 3, 8)), np.ones((1, 5, 6)), key=np.ones((1, 5, 2)))
    cfg = mha.get_build_config()
    assert cfg == {"shapes_dict": {"query_shape": [1, 3, 8], "value_shape": [1, 5, 6],
                                   "key_shape": [1, 5, 2]}}
    again = tf.keras.layers.MultiHeadAttention.from_config(mha.get_config())
    again.build_from_config(cfg)
    assert [w.shape for w in again.weights] == [w.shape for w in mha.weights]
    assert again.compute_output_shape((None, 3, 8), (None, 5, 6)) == (None, 3, 8)


def test_mha_layer_gradients_against_finite_differences():
    x = np.random.default_rng(0).normal(size=(2, 4, 6))
    check_layer(lambda: tf.keras.layers.MultiHeadAttention(2, 3), x,
                call_kwargs={"value": x, "use_causal_mask": True})


def test_fused_attention_primitive_gradients():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 3, 2, 4)), rng.normal(size=(2, 5, 2, 4)), rng.normal(
        size=(2, 5, 2, 3))
    mask = rng.random((2, 1, 3, 5)) < 0.7
    mask[0, 0, 1] = False
    keep = (rng.random((2, 2, 3, 5)) > 0.3) / 0.7
    for zero in (True, False):
        for drop in (None, keep):
            def fn(a, b, c, zero=zero, drop=drop):
                out, probs = attention_ops.DotProductAttention(0.5, mask, -1e9, zero,
                                                               drop)(a, b, c)
                return tf.reduce_sum(out * 1.3) + tf.reduce_sum(probs * probs)
            check_gradients(fn, [q, k, v])


def test_masked_softmax_gradients_multi_axis():
    rng = np.random.default_rng(2)
    mask = rng.random((2, 1, 3, 4)) < 0.7
    check_gradients(lambda s: attention_ops.MaskedSoftmax((2, 3), mask)(s) * 1.7,
                    [rng.normal(size=(2, 2, 3, 4))])


def test_fully_masked_query_rows_follow_keras_paths():
    # Keras's fused kernel averages all values for a query that may attend to nothing;
    # its explicit path (scores returned, dropout, extra axes) gives zeros instead
    case = load("layers_attention/mha_mask_3d_scores")
    assert np.all(case["y1"][0, :, 1] == 0)
    fused = load("layers_attention/mha_mask_3d")
    assert not np.allclose(fused["y0"][0, 1], case["y0"][0, 1])


def test_dropout_in_training_changes_scores_and_is_seeded():
    x = np.random.default_rng(0).normal(size=(2, 4, 6))
    a = tf.keras.layers.MultiHeadAttention(2, 3, dropout=0.5, seed=3)
    _, s_train = a(x, x, training=True, return_attention_scores=True)
    out_inf = a(x, x, training=False)
    out_train = a(x, x, training=True)
    assert not np.allclose(out_inf.numpy(), out_train.numpy())
    assert np.allclose(s_train.numpy().sum(-1), 1)  # scores are reported before dropout


def test_bad_input_errors():
    with pytest.raises(TypeError, match="MultiHeadAttention 'm'.*`key_dim` is missing"):
        tf.keras.layers.MultiHeadAttention(num_heads=2, name="m")
    with pytest.raises(TypeError, match="`key_dim` is missing"):
        tf.keras.layers.MultiHeadAttention(2)
    with pytest.raises(ValueError, match="`key_dim` must be a positive integer"):
        tf.keras.layers.MultiHeadAttention(2, None)
    with pytest.raises(ValueError, match="`num_heads` must be a positive integer"):
        tf.keras.layers.MultiHeadAttention(0, 4)
    mha = tf.keras.layers.MultiHeadAttention(2, 4, name="att")
    with pytest.raises(ValueError, match="att.*same rank"):
        mha(np.ones((2, 3, 4)), np.ones((2, 3, 4, 4)))
    mha = tf.keras.layers.MultiHeadAttention(2, 4, name="att2")
    with pytest.raises(ValueError, match=r"att2.*attention_mask of shape \(2, 1, 3, 4\).*"
                                         r"Expected a mask of shape \(2, 3, 5\)"):
        mha(np.ones((2, 3, 4)), np.ones((2, 5, 4)), attention_mask=np.ones((2, 3, 4), bool))
    with pytest.raises(TypeError, match="needs a query and a value"):
        mha(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="key.*but the last"):
        tf.keras.layers.MultiHeadAttention(2, 4)(np.ones((2, 3, 4)), np.ones((2, 5, 4)),
                                                 key=np.ones((2, 6, 4)))
    with pytest.raises(ValueError, match="list of inputs"):
        tf.keras.layers.Attention()(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="score_mode"):
        tf.keras.layers.Attention(score_mode="add")


def test_layers_copy_and_pickle():
    import copy
    import pickle

    mha = tf.keras.layers.MultiHeadAttention(2, 4)
    assert copy.deepcopy(mha).get_config() == mha.get_config()
    assert pickle.loads(pickle.dumps(mha)).get_config() == mha.get_config()


def test_attention_configs_round_trip():
    for layer in (tf.keras.layers.Attention(use_scale=True, score_mode="concat", dropout=0.1),
                  tf.keras.layers.AdditiveAttention(use_scale=False),
                  tf.keras.layers.MultiHeadAttention(2, 4, value_dim=3, output_shape=(2, 3),
                                                     attention_axes=(1,), use_gate=True)):
        cfg = layer.get_config()
        assert type(layer).from_config(cfg).get_config() == cfg
    assert "score_mode" not in tf.keras.layers.AdditiveAttention().get_config()


@pytest.mark.parametrize("module", ["featherflow.ops.einsum", "featherflow.layers.einsum_dense",
                                    "featherflow.layers.attention.multi_head_attention",
                                    "featherflow.layers.attention.attention",
                                    "featherflow.layers.attention.additive_attention"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), extraglobs={"np": np, "tf": tf},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_query_value_and_key_keras_masks_in_cross_attention():
    case = load("layers_attention/mha_embedding_cross_masks")
    emb = tf.keras.layers.Embedding(9, 6, mask_zero=True)
    mha = tf.keras.layers.MultiHeadAttention(2, 3, value_dim=2)
    mha(emb(case["in_q"]), emb(case["in_v"]), key=emb(case["in_k"]))
    emb.set_weights([case["w0"]])
    mha.set_weights([case[f"w{i}"] for i in range(1, 9)])
    with tf.GradientTape() as tape:
        res = mha(emb(case["in_q"]), emb(case["in_v"]), key=emb(case["in_k"]),
                  return_attention_scores=True)
        loss = tf.add_n([tf.reduce_sum(y * case[f"r{i}"]) for i, y in enumerate(res)])
    for i, y in enumerate(res):
        np.testing.assert_allclose(y.numpy(), case[f"y{i}"], rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(np.asarray(res[0]._keras_mask), case["y0_mask"])
    grads = tape.gradient(loss, emb.trainable_weights + mha.trainable_weights)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g.numpy(), case[f"dw{i}"], rtol=RTOL, atol=ATOL)


def test_fused_attention_equals_the_unfused_ops():
    # the fused primitive against Keras's einsum equations + masked softmax, values and
    # gradients, for both fully-masked-row conventions
    rng = np.random.default_rng(4)
    q, k, v = rng.normal(size=(2, 3, 2, 4)), rng.normal(size=(2, 5, 2, 4)), rng.normal(
        size=(2, 5, 2, 3))
    mask = rng.random((2, 1, 3, 5)) < 0.6
    mask[1, 0, 2] = False
    r_out, r_p = rng.normal(size=(2, 3, 2, 3)), rng.normal(size=(2, 2, 3, 5))
    for zero, fill in ((True, -1e9), (False, -0.7 * 3.38953e38)):
        results = []
        for fused in (True, False):
            ts = [tf.constant(a) for a in (q, k, v)]
            with tf.GradientTape() as tape:
                for t in ts:
                    tape.watch(t)
                if fused:
                    out, p = attention_ops.DotProductAttention(0.5, mask, fill, zero)(*ts)
                else:
                    logits = tf.einsum("aecd,abcd->acbe", ts[1], ts[0] * 0.5)
                    p = attention_ops.MaskedSoftmax((3,), mask, fill, zero)(logits)
                    out = tf.einsum("acbe,aecd->abcd", p, ts[2])
                loss = tf.reduce_sum(out * r_out) + tf.reduce_sum(p * r_p)
            results.append([out.numpy(), p.numpy()] + [g.numpy() for g in
                                                        tape.gradient(loss, ts)])
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
