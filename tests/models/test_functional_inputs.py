"""Functional models whose inputs come from the middle of another graph, and Keras 3's
symbolic tensor names, against Keras 3.15.1 (tools/data_fixtures/functional_inputs.py)."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_functional_inputs_scenario, workdir = scenario_test("functional_inputs", rtol=1e-5,
                                                         atol=1e-6)


def test_the_original_graph_is_left_as_it_was():
    keras = tf.keras
    a = keras.Input((3,), name="a")
    h = keras.layers.Dense(4, name="h")(a)
    y = keras.layers.Dense(1, name="y")(h)
    first = keras.Model(a, y)
    middle = keras.Model(h, y)
    assert [la.name for la in first.layers] == ["a", "h", "y"]
    assert middle.inputs[0] is not h and middle.outputs[0] is not y
    assert middle.layers[1] is first.layers[2]  # the same layer object, shared weights
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(first.predict(x, verbose=0),
                               middle.predict(first.get_layer("h")(x), verbose=0), rtol=1e-6)


def test_a_model_of_a_middle_input_saves_and_loads(tmp_path):
    keras = tf.keras
    a = keras.Input((3,), name="a")
    h = keras.layers.Dense(4, name="h")(a)
    y = keras.layers.Dense(1, name="y")(h)
    model = keras.Model(h, y)
    path = str(tmp_path / "middle.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.linspace(0, 1, 8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_outputs_not_reachable_from_the_middle_inputs():
    keras = tf.keras
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    h = keras.layers.Dense(4)(a)
    y = keras.layers.Add()([h, keras.layers.Dense(4)(b)])
    with pytest.raises(ValueError, match="Input 'b'.*Add it to `inputs`"):
        keras.Model(h, y)
