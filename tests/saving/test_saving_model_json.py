"""to_json / model_from_json, custom objects, registration, Lambda and unknown names."""

import json

import numpy as np
import pytest

import featherflow as tf
from featherflow.layers.core import Lambda
from featherflow.models import Functional, Sequential, clone_model, model_from_json
from featherflow.saving import (
    custom_object_scope,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from tests.fixtures.keras_loader import load


class Scale(tf.keras.layers.Layer):
    """A user layer (not registered): multiplies by a learned vector."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.w * self.factor

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@register_keras_serializable(package="SavingTests")
class Shift(tf.keras.layers.Layer):
    """A registered user layer."""

    def __init__(self, offset=1.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def call(self, inputs):
        return inputs + self.offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


def _same_predictions(a, b, x):
    ya, yb = a.predict(x, verbose=0), b.predict(x, verbose=0)
    ya = ya if isinstance(ya, list) else [ya]
    yb = yb if isinstance(yb, list) else [yb]
    for p, q in zip(ya, yb):
        np.testing.assert_array_equal(p, q)


def test_sequential_to_json_is_keras2_style_and_rebuilds(make_dense):
    model = make_dense(compile=False)
    config = json.loads(model.to_json())
    assert config["class_name"] == "Sequential"
    assert config["keras_version"].startswith("2.")
    first = config["config"]["layers"][0]
    assert first["class_name"] == "InputLayer"
    assert first["config"]["batch_input_shape"] == [None, 3]
    again = model_from_json(model.to_json())
    assert isinstance(again, Sequential)
    assert [la.name for la in again.layers] == [la.name for la in model.layers]
    again.set_weights(model.get_weights())
    _same_predictions(model, again, np.ones((2, 3), "float32"))


def test_functional_with_shared_layer_two_inputs_two_outputs(make_branchy):
    model = make_branchy()
    config = json.loads(model.to_json())["config"]
    shared = next(e for e in config["layers"] if e["name"] == "shared")
    # one call per branch, Keras 2 list style
    assert shared["inbound_nodes"] == [[["pa", 0, 0, {}]], [["pb", 0, 0, {}]]]
    join = next(e for e in config["layers"] if e["name"] == "join")
    assert join["inbound_nodes"] == [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    again = model_from_json(model.to_json())
    assert isinstance(again, Functional)
    again.set_weights(model.get_weights())
    x = [np.ones((2, 3), "float32"), np.full((2, 2), 0.5, "float32")]
    _same_predictions(model, again, x)


def test_keras3_style_functional_config_reads_the_same(make_branchy):
    from featherflow.serialization.layer_config import layer_to_dict

    model = make_branchy()
    data = layer_to_dict(model, keras3=True)
    node = next(e for e in data["config"]["layers"] if e["name"] == "join")["inbound_nodes"][0]
    assert node["args"][0][1]["config"]["keras_history"] == ["shared", 1, 0]
    again = model_from_json(json.dumps(data))
    again.set_weights(model.get_weights())
    _same_predictions(model, again, [np.ones((1, 3), "float32"), np.ones((1, 2), "float32")])


def test_nested_model_keras2_numbering_roundtrips():
    L = tf.keras.layers
    inner = tf.keras.Sequential([tf.keras.Input(shape=(4,)), L.Dense(3)], name="inner")
    x = tf.keras.Input(shape=(4,), name="x")
    model = tf.keras.Model(x, L.Dense(1, name="head")(inner(x)))
    config = json.loads(model.to_json())["config"]
    head = next(e for e in config["layers"] if e["name"] == "head")
    # Keras 2 counts a nested model's construction node: its first call is node 1
    assert head["inbound_nodes"] == [[["inner", 1, 0, {}]]]
    again = model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    _same_predictions(model, again, np.ones((2, 4), "float32"))


def test_tf_keras_to_json_fixture_loads():
    fx = load("models/tf_keras/functional_branches")
    model = model_from_json(fx["to_json"])
    assert [la.name for la in model.layers] == ["features", "branch_a", "branch_b", "merge",
                                                 "head"]
    model.set_weights([fx[f"w{i}"] for i in range(6)])
    np.testing.assert_allclose(model.predict(fx["x"], verbose=0), fx["y"], atol=1e-6)


def test_clone_model_has_same_architecture_and_fresh_weights(make_dense):
    model = make_dense(compile=False)
    copy = clone_model(model)
    assert json.loads(copy.to_json()) == json.loads(model.to_json())
    assert not all(np.array_equal(a, b) for a, b in zip(copy.get_weights(),
                                                        model.get_weights()))


def test_unknown_class_lists_known_names_and_how_to_register():
    model = tf.keras.Sequential([Scale(input_shape=(2,))])
    text = model.to_json()
    with pytest.raises(ValueError) as info:
        model_from_json(text)
    message = str(info.value)
    assert "Unknown layer class 'Scale'" in message
    assert "Dense" in message and "Conv2D" in message
    assert "custom_objects" in message and "register_keras_serializable" in message


def test_custom_objects_and_scope_rebuild_user_layers():
    model = tf.keras.Sequential([Scale(factor=3.0, input_shape=(2,))])
    text = model.to_json()
    again = model_from_json(text, custom_objects={"Scale": Scale})
    assert isinstance(again.layers[0], Scale) and again.layers[0].factor == 3.0
    with custom_object_scope({"Scale": Scale}):
        again = model_from_json(text)
    assert isinstance(again.layers[0], Scale)


def test_registered_layer_is_named_with_its_package():
    assert get_registered_name(Shift) == "SavingTests>Shift"
    assert get_registered_object("SavingTests>Shift") is Shift
    model = tf.keras.Sequential([Shift(offset=2.5, input_shape=(2,))])
    config = json.loads(model.to_json())
    assert config["config"]["layers"][1]["class_name"] == "SavingTests>Shift"
    again = model_from_json(model.to_json())
    assert isinstance(again.layers[0], Shift) and again.layers[0].offset == 2.5
    # a Keras 3 style reference (bare class name + registered_name) finds it too
    from featherflow.serialization.layer_config import layer_to_dict

    data = layer_to_dict(model.layers[0], keras3=True)
    assert data["class_name"] == "Shift" and data["registered_name"] == "SavingTests>Shift"
    assert isinstance(tf.keras.saving.deserialize_keras_object(data), Shift)


def test_registration_requires_get_config():
    with pytest.raises(ValueError, match="get_config"):
        register_keras_serializable()(type("NoConfig", (), {}))


def double(x):
    return x * 2.0


def _lambda_model():
    return tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(2,)),
                                Lambda(double, name="twice")])


def test_lambda_is_refused_in_safe_mode(tmp_path):
    model = _lambda_model()
    path = tmp_path / "lam.h5"
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        tf.keras.models.load_model(path)


def test_lambda_without_its_function_explains_custom_objects(tmp_path):
    path = tmp_path / "lam.keras"
    _lambda_model().save(path)
    with pytest.raises(ValueError, match="custom_objects") as info:
        tf.keras.models.load_model(path, safe_mode=False)
    assert "never runs code" in str(info.value)


def test_lambda_rebuilt_from_a_function_passed_in(tmp_path):
    model = _lambda_model()
    path = tmp_path / "lam.h5"
    model.save(path)
    again = tf.keras.models.load_model(path, safe_mode=False,
                                       custom_objects={"double": double})
    assert again.layers[1].function is double
    _same_predictions(model, again, np.ones((3, 2), "float32"))


def test_keras_marshalled_lambda_is_never_executed():
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2], "name": "i"}},
        {"class_name": "Lambda", "config": {
            "name": "evil", "function": ["4wEAAAAAAAAA", None, None],
            "function_type": "lambda", "output_shape": None, "arguments": {}}}]}}
    with pytest.raises(ValueError, match="safe_mode"):
        model_from_json(json.dumps(config))
    with pytest.raises(ValueError, match="compiled code"):
        _load_unsafe(config)


def _load_unsafe(config):
    from featherflow.serialization import SafeModeScope

    with SafeModeScope(False):
        return model_from_json(json.dumps(config))


def test_non_layer_class_from_a_file_is_not_instantiated():
    # a file naming an arbitrary importable callable must not reach it
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"module": "os", "class_name": "system", "config": {"command": "echo hacked"},
         "registered_name": None}]}}
    with pytest.raises(ValueError, match="Unknown layer class 'system'"):
        model_from_json(json.dumps(config))
