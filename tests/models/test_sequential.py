import numpy as np
import pytest

import featherflow as tf
from featherflow.layers import Dense, Dropout, Input
from featherflow.models import Sequential


def test_input_shape_input_dim_and_input_tensor_build_the_model():
    for first in (Dense(3, input_shape=(2,)), Dense(3, input_dim=2)):
        m = Sequential([first, Dense(1)])
        assert m.built
        assert m.layers[0].kernel.shape == (2, 3)
        assert m.output_shape == (None, 1)
    m = Sequential([Input(shape=(2,)), Dense(3)])
    assert m.built and m.layers[0].kernel.shape == (2, 3)
    assert len(m.layers) == 1


def test_deferred_build_on_first_data():
    m = Sequential([Dense(4), Dense(1)])
    assert not m.built
    out = m(np.zeros((5, 3)))
    assert out.shape == (5, 1)
    assert m.built and m.count_params() == 3 * 4 + 4 + 4 + 1


def test_add_pop_and_layer_access():
    m = Sequential()
    m.add(Dense(2, input_shape=(3,)))
    m.add(Dense(1))
    assert [type(la).__name__ for la in m.layers] == ["Dense", "Dense"]
    popped = m.pop()
    assert popped.units == 1 and len(m.layers) == 1
    assert m.get_layer(index=0) is m.layers[0]
    assert m.get_layer(m.layers[0].name) is m.layers[0]
    with pytest.raises(ValueError, match="No layer named"):
        m.get_layer("nope")
    with pytest.raises(TypeError, match="expected a layer"):
        m.add("dense")


def test_unique_default_names_and_weights_order():
    m = Sequential([Dense(2, input_shape=(2,)), Dense(1)])
    names = [la.name for la in m.layers]
    assert len(set(names)) == 2 and all(n.startswith("dense") for n in names)
    w = m.get_weights()
    assert [a.shape for a in w] == [(2, 2), (2,), (2, 1), (1,)]
    m.set_weights([np.ones_like(a) for a in w])
    assert np.all(m.layers[0].kernel.numpy() == 1)
    with pytest.raises(ValueError, match="expects 4 weight arrays"):
        m.set_weights(w[:2])


def test_call_casts_integer_data_and_keeps_float32():
    m = Sequential([Dense(1, input_shape=(2,))])
    out = m(np.array([[0, 1], [1, 0]]))
    assert out.dtype == np.float32
    out = m(np.array([[0.5, 1.0]], dtype=np.float64))
    assert out.dtype == np.float32


def test_wrong_input_width_names_layer_and_shapes():
    m = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"expects inputs whose last dimension is 2.*\(4, 3\)"):
        m(np.zeros((4, 3)))


def test_frozen_layer_is_not_trainable():
    m = Sequential([Dense(2, input_shape=(2,)), Dense(1)])
    m.layers[0].trainable = False
    assert len(m.trainable_weights) == 2
    assert len(m.non_trainable_weights) == 2
    assert len(m.weights) == 4


def test_dropout_only_in_training():
    tf.keras.utils.set_random_seed(1)
    m = Sequential([Input(shape=(100,)), Dropout(0.5)])
    x = np.ones((2, 100), np.float32)
    assert np.array_equal(m(x).numpy(), x)
    y = m(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0}
    assert 0.3 < (y == 0).mean() < 0.7
