"""Embedding and Masking: Keras fixtures, masks consumed by recurrent layers, errors."""

import numpy as np
import pytest

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.layers.embedding import Embedding, Masking
from featherflow.layers.rnn import GRU, LSTM
from featherflow.ops import math as M
from tests.fixtures.keras_loader import load

RNG = np.random.default_rng(5)


@pytest.mark.parametrize("name", ["layers/embedding", "layers/embedding_mask_zero"])
def test_embedding_fixture(name):
    fx = load(name)
    layer = Embedding.from_config({k: v for k, v in fx["config"].items()
                                   if k != "quantization_config"})
    layer(fx["x"])
    layer.set_weights([fx["w0"]])
    with GradientTape() as tape:
        out = layer(fx["x"])
        loss = M.reduce_sum(out * Tensor(fx["r"]))
    np.testing.assert_allclose(out.numpy(), fx["y"], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, layer.embeddings).numpy(), fx["dw0"],
                               rtol=1e-6)
    if "y_mask" in fx:
        np.testing.assert_array_equal(out._keras_mask, fx["y_mask"])
    else:
        assert out._keras_mask is None


def test_masking_fixture():
    fx = load("layers/masking")
    layer = Masking.from_config(fx["config"])
    x = Tensor(fx["x"])
    with GradientTape() as tape:
        tape.watch(x)
        out = layer(x)
        loss = M.reduce_sum(out * Tensor(fx["r"]))
    np.testing.assert_allclose(out.numpy(), fx["y"])
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), fx["dx"])
    np.testing.assert_array_equal(out._keras_mask, fx["y_mask"])


def test_defaults_shapes_and_config():
    emb = Embedding(10, 4)
    out = emb(np.array([[1, 2, 3]]))
    assert tuple(out.shape) == (1, 3, 4)
    assert out.numpy().dtype == np.float32
    w = emb.embeddings.numpy()
    assert w.shape == (10, 4) and np.abs(w).max() <= 0.05
    assert emb.weights[0].path.endswith("/embeddings")
    assert emb.compute_output_shape((None, 7)) == (None, 7, 4)
    cfg = emb.get_config()
    assert cfg["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert cfg["input_dim"] == 10 and cfg["output_dim"] == 4 and cfg["mask_zero"] is False
    clone = Embedding.from_config(cfg)
    assert clone.get_config()["output_dim"] == 4
    assert Masking(-1.0).get_config()["mask_value"] == -1.0


def test_keras2_input_length_sets_the_input_shape():
    import featherflow as tf

    model = tf.keras.Sequential([Embedding(20, 4, input_length=6), LSTM(2)])
    assert model.output_shape == (None, 2)
    assert tuple(model.predict(np.ones((3, 6), np.int64), verbose=0).shape) == (3, 2)


def test_pretrained_weights_and_float_ids():
    matrix = RNG.normal(size=(5, 3))
    emb = Embedding(5, 3, weights=[matrix])
    out = emb(np.array([[4.0, 0.0]]))
    np.testing.assert_allclose(out.numpy(), matrix[[4, 0]][None], rtol=1e-6)


def test_out_of_range_ids_are_a_clear_error():
    with pytest.raises(ValueError, match=r"id 7 is outside \[0, 5\).*input_dim"):
        Embedding(5, 2)(np.array([[1, 7]]))
    with pytest.raises(ValueError, match="positive integer"):
        Embedding(0, 2)


def test_mask_zero_makes_lstm_skip_padding():
    # post-padded sequences give the same final state as the unpadded ones
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
    emb = Embedding(10, 4, mask_zero=True)
    lstm = LSTM(3)
    out = lstm(emb(ids)).numpy()
    short = lstm(emb(ids[:1, :3])).numpy()
    np.testing.assert_allclose(out[0], short[0], rtol=1e-5)
    # without the mask the padding steps change the result
    plain = LSTM(3)
    plain(emb(ids).numpy())
    plain.set_weights(lstm.get_weights())
    assert not np.allclose(plain(Tensor(emb(ids).numpy())).numpy()[0], short[0])


def test_masking_layer_feeds_a_mask_to_gru():
    x = RNG.normal(size=(2, 4, 3))
    x[0, 2:] = 0.0
    gru = GRU(2, return_sequences=True)
    out = gru(Masking(0.0)(x)).numpy()
    # masked steps repeat the last unmasked output
    np.testing.assert_allclose(out[0, 2], out[0, 1])
    np.testing.assert_allclose(out[0, 3], out[0, 1])
    assert not np.allclose(out[1, 2], out[1, 1])
