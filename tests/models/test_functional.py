import numpy as np
import pytest

import featherflow as tf
from featherflow.layers import Add, Concatenate, Dense, Input
from featherflow.models import Model, Sequential


def test_single_chain_matches_manual_computation():
    i = Input(shape=(3,))
    h = Dense(4, activation="relu")(i)
    o = Dense(2)(h)
    m = Model(i, o)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    d1, d2 = m.layers[1], m.layers[2]
    ref = np.maximum(x @ d1.kernel.numpy() + d1.bias.numpy(), 0) @ d2.kernel.numpy() \
        + d2.bias.numpy()
    np.testing.assert_allclose(m(x).numpy(), ref, rtol=1e-5)
    assert type(m).__name__ == "Functional"
    assert m.output_shape == (None, 2)


def test_branches_shared_layers_multiple_inputs_and_outputs():
    a = Input(shape=(2,), name="a")
    b = Input(shape=(2,), name="b")
    shared = Dense(3, name="shared")
    ha, hb = shared(a), shared(b)
    merged = Concatenate()([ha, hb])
    summed = Add()([ha, hb])
    out1 = Dense(1, name="out1")(merged)
    out2 = Dense(1, name="out2")(summed)
    m = Model([a, b], [out1, out2])
    assert [la.name for la in m.layers][:3] == ["a", "b", "shared"]
    assert len(shared._inbound_nodes) == 2
    xa = np.ones((4, 2), np.float32)
    xb = np.zeros((4, 2), np.float32)
    y1, y2 = m([xa, xb])
    assert y1.shape == (4, 1) and y2.shape == (4, 1)
    y1d, _ = m({"a": xa, "b": xb})
    np.testing.assert_allclose(y1d.numpy(), y1.numpy())
    with pytest.raises(ValueError, match="expects 2 input"):
        m([xa])


def test_layer_order_follows_keras_depth_rule():
    x = Input(shape=(3,))
    b1 = Dense(4, name="b1")(x)
    b2 = Dense(4, name="b2")(x)
    c = Concatenate(name="cat")([b1, b2])
    o = Dense(1, name="o")(c)
    m = Model(x, o)
    assert [la.name for la in m.layers][1:] == ["b1", "b2", "cat", "o"]


def test_disconnected_graph_is_reported():
    a = Input(shape=(2,))
    b = Input(shape=(2,))
    out = Add()([Dense(2)(a), Dense(2)(b)])
    with pytest.raises(ValueError, match="cannot be computed from the given inputs"):
        Model(a, out)


def test_sequential_as_a_layer_of_a_functional_model():
    inner = Sequential([Dense(3, input_shape=(2,)), Dense(2)])
    x = Input(shape=(2,))
    m = Model(x, Dense(1)(inner(x)))
    assert m(np.zeros((3, 2))).shape == (3, 1)


def test_subclassed_model_tracks_layers():
    class MLP(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = Dense(8, activation="relu")
            self.out = Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    m = MLP()
    y = m(np.zeros((2, 3)))
    assert y.shape == (2, 1)
    assert len(m.trainable_weights) == 4
    assert m.count_params() == 3 * 8 + 8 + 8 + 1


def test_symbolic_arithmetic_builds_layers():
    x = Input(shape=(2,))
    y = Dense(2)(x) * 2 + 1
    m = Model(x, y)
    d = m.layers[1]
    xv = np.ones((1, 2), np.float32)
    ref = (xv @ d.kernel.numpy() + d.bias.numpy()) * 2 + 1
    np.testing.assert_allclose(m(xv).numpy(), ref, rtol=1e-6)
