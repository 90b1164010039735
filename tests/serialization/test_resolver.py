"""The one name resolver: every get() and loader suggests the closest names for a misspelling."""

import pytest

import featherflow as tf
from featherflow.serialization import resolver


@pytest.mark.parametrize("get,name,suggestion", [
    (lambda n: tf.keras.activations.get(n), "rellu", "'relu'"),
    (lambda n: tf.keras.losses.get(n), "mean_sqared_error", "'mean_squared_error'"),
    (lambda n: tf.keras.optimizers.get(n), "adamm", "'adam'"),
    (lambda n: tf.keras.initializers.get(n), "glorot_unifrom", "'glorot_uniform'"),
    (lambda n: tf.keras.constraints.get(n), "nonneg", "'non_neg'"),
    (lambda n: tf.keras.layers.deserialize({"class_name": n, "config": {}}), "Dence", "'Dense'"),
    (lambda n: tf.keras.saving.deserialize_keras_object(n), "msee", "'mse'"),
])
def test_misspelled_name_gets_did_you_mean(get, name, suggestion):
    with pytest.raises(ValueError, match=f"Did you mean {suggestion}"):
        get(name)


def test_did_you_mean_is_empty_without_a_close_name():
    assert resolver.did_you_mean("zzzz", ["relu", "tanh"]) == ""
    assert resolver.did_you_mean("Pkg>Rellu", ["relu", "relu"]) == " Did you mean 'relu'?"


def test_registered_objects_resolve_and_are_suggested():
    @tf.keras.saving.register_keras_serializable(package="ResolverTest")
    def my_swish(x):
        return x

    assert tf.keras.saving.get_registered_object("ResolverTest>my_swish") is my_swish
    with pytest.raises(ValueError, match="Did you mean 'ResolverTest>my_swish'"):
        resolver.find_layer_class("ResolverTest>my_swishh")
