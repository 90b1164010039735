"""EinsumDense and tf.einsum against Keras 3.15 / TF 2.21 (float64 fixtures) and finite
differences."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.ops.einsum import contract
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import names
from tests.layers.attention_replay import replay
from tests.layers.layer_gradcheck import check_layer

CASES = [n for n in names("layers_attention") if n.split("/")[1].startswith("einsum")]


def test_fixtures_exist():
    assert len(CASES) == 8


@pytest.mark.parametrize("name", CASES)
def test_einsum_dense_matches_keras(name):
    case, layer, ys = replay(name)
    assert tuple(layer.compute_output_shape(case["in_x"].shape)) == ys[0].shape
    assert [tuple(w.shape) for w in layer.get_weights()] == [
        case[f"w{i}"].shape for i in range(len(layer.weights))]


@pytest.mark.parametrize("equation,shapes", [
    ("ab,bc->ac", [(3, 4), (4, 5)]),
    ("abc,cd->abd", [(2, 3, 4), (4, 5)]),
    ("abc,cde->abde", [(2, 3, 4), (4, 2, 3)]),
    ("abcd,cde->abe", [(2, 3, 2, 4), (2, 4, 3)]),
    ("aecd,abcd->acbe", [(2, 3, 2, 4), (2, 5, 2, 4)]),
    ("acbe,aecd->abcd", [(2, 2, 5, 3), (2, 3, 2, 4)]),
    ("...b,bc->...c", [(2, 3, 4), (4, 2)]),
    ("ab...,bc->ac...", [(2, 3, 4), (3, 2)]),
    ("...ij,...jk->...ik", [(1, 2, 3), (3, 3, 2)]),
    ("ij,jk->ik", [(2, 1), (3, 2)]),
    ("ab,ab->ab", [(2, 3), (1, 3)]),
    ("abc,bd->adc", [(2, 3, 4), (3, 5)]),
    ("ij,k->ik", [(2, 3), (2,)]),
    ("ab,ba->", [(3, 4), (4, 3)]),
    ("ab,bc,cd->ad", [(2, 3), (3, 4), (4, 2)]),
])
def test_einsum_gradients_and_values(equation, shapes):
    rng = np.random.default_rng(len(equation))
    xs = [rng.normal(size=s) for s in shapes]
    np.testing.assert_allclose(tf.einsum(equation, *xs).numpy(), np.einsum(equation, *xs),
                               rtol=1e-12, atol=1e-12)
    check_gradients(lambda *ts: tf.einsum(equation, *ts), xs)


def test_contract_plan_matches_numpy_for_mha_shapes():
    rng = np.random.default_rng(0)
    q = rng.normal(size=(3, 7, 2, 5)).astype(np.float32)
    k = rng.normal(size=(3, 6, 2, 5)).astype(np.float32)
    got = contract(["aecd", "abcd"], "acbe", k, q)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.einsum("aecd,abcd->acbe", k, q), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("equation,out_shape,bias_axes,x_shape", [
    ("abc,cde->abde", (None, 2, 3), "de", (2, 3, 4)),
    ("abc,cd->abd", (None, 3), "d", (2, 3, 4)),
    ("...b,bc->...c", 3, "c", (2, 2, 3, 4)),
])
def test_einsum_dense_layer_gradients(equation, out_shape, bias_axes, x_shape):
    x = np.random.default_rng(1).normal(size=x_shape)
    check_layer(lambda: tf.keras.layers.EinsumDense(equation, out_shape, bias_axes=bias_axes,
                                                    activation="tanh"), x)


def test_config_round_trip_and_symbolic_shape():
    layer = tf.keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8),
                                        bias_axes="de", kernel_initializer="he_normal",
                                        name="proj")
    again = tf.keras.layers.EinsumDense.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
    x = tf.keras.Input((5, 16))
    assert layer(x).shape == (None, 5, 4, 8)
    assert [tuple(w.shape) for w in layer.weights] == [(16, 4, 8), (4, 8)]


def test_fan_based_initializer_counts_kernel_input_and_output_axes():
    # Keras 3: fans over the contracted (16) and produced (4*8) axes, so glorot's limit is
    # sqrt(6 / (16 + 32)), not the conv-style sqrt(6 / (4*16 + 4*8)).
    tf.keras.utils.set_random_seed(3)
    layer = tf.keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8))
    layer.build((None, 5, 16))
    kernel = layer.kernel.numpy()
    limit = np.sqrt(6 / 48)
    assert kernel.max() <= limit and kernel.max() > 0.9 * limit


def test_bad_input_errors_name_the_layer():
    with pytest.raises(ValueError, match="EinsumDense 'bad'.*invalid einsum equation"):
        tf.keras.layers.EinsumDense("ab,bc", output_shape=3, name="bad")
    with pytest.raises(ValueError, match="EinsumDense 'e1'.*rank 3"):
        tf.keras.layers.EinsumDense("abc,cd->abd", (None, 3), name="e1")(np.ones((2, 4)))
    with pytest.raises(ValueError, match="bias axis 'x'"):
        tf.keras.layers.EinsumDense("ab,bc->ac", 3, bias_axes="x")(np.ones((2, 4)))
    with pytest.raises(ValueError, match="kernel dimension 'z'"):
        tf.keras.layers.EinsumDense("ab,bzc->ac", 3)(np.ones((2, 4)))
    with pytest.raises(ValueError, match="LoRA"):
        tf.keras.layers.EinsumDense("ab,bc->ac", 3, lora_rank=2)
    layer = tf.keras.layers.EinsumDense("abc,cd->abd", (None, 3), name="e2")
    layer(np.ones((2, 4, 5)))
    with pytest.raises(ValueError, match="EinsumDense 'e2' was built for inputs of rank 3"):
        layer(np.ones((2, 5)))
    with pytest.raises(ValueError, match="einsum 'ij,jk->ik'"):
        tf.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="ASCII letters"):
        tf.einsum("i1,1->i", np.ones((2, 3)), np.ones(3))
