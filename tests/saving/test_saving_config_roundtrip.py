"""get_config -> JSON -> from_config gives the same object, for everything featherflow exports.

The lists are computed, so new layers, losses, optimizers, metrics, initializers, regularizers
and constraints are covered without editing this file (a layer with a new required argument
fails with a message asking for a sample value in ``_sample_args``'s ``samples``).
"""

import inspect
import json

import numpy as np
import pytest

from featherflow import constraints, initializers, losses, metrics, optimizers, regularizers
from featherflow.saving import deserialize_keras_object, serialize_keras_object
from featherflow.serialization.resolver import layer_classes

# internal bases, or classes with their own tests (Lambda, InputLayer, models)
NOT_STANDALONE = {"Layer", "Lambda", "InputLayer", "Sequential", "Functional", "Model",
                  "RecurrentCell", "RecurrentLayer", "ConvLSTM", "ConvLSTMCell"}


# per-class values for a required argument whose name other layers read differently
# (``output_shape`` is also Lambda's callable/shape argument)
CLASS_SAMPLES = {
    "EinsumDense": {"output_shape": 3},
    "GroupedQueryAttention": {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2},
    "RandomPosterization": {"factor": 4},
    "FeatureSpace": {"features": {"a": "integer_categorical", "b": "string_categorical"},
                     "crosses": [("a", "b")]},
    "TFDConcat": {"axis": -1},
}
# arguments with a None default that the layer still requires (Keras raises without them)
CLASS_EXTRA_ARGS = {
    "CategoryEncoding": {"num_tokens": 4},
    "Discretization": {"num_bins": 3},
}


def _sample_args(cls, L):
    name = cls.__name__
    samples = {
        "units": 3, "filters": 2, "kernel_size": 3, "rate": 0.25, "stddev": 0.1,
        "target_shape": (2, 3), "dims": (2, 1), "n": 2, "input_dim": 5, "output_dim": 2,
        "activation": "relu", "axes": 1, "cell": L["LSTMCell"](2),
        "cells": [L["LSTMCell"](2), L["GRUCell"](3)],
        # SpectralNormalization needs a layer with a kernel
        "layer": L["Dense"](2) if name in ("TimeDistributed", "SpectralNormalization")
        else L["LSTM"](2),
        "fn": losses.mean_squared_error if "Loss" in name else metrics.binary_accuracy,
        "pool_size": 2, "height": 4, "width": 5, "num_bins": 7, "factor": 0.2,
        "height_factor": 0.2, "width_factor": 0.3, "scale": 1.0 / 255, "num_heads": 2,
        "key_dim": 4, "equation": "ab,bc->ac", "output_size": 2, "max_number": 3,
        # metrics: IoU family and the rate-at-rate metrics
        "num_classes": 3, "target_class_ids": [0, 2], "recall": 0.5, "precision": 0.5,
        "specificity": 0.5, "sensitivity": 0.5,
    }
    # a name two layers read differently is keyed on the class name
    samples.update(CLASS_SAMPLES.get(name, {}))
    if name == "Pipeline":
        samples["layers"] = [L["Rescaling"](0.5), L["CenterCrop"](2, 2)]
    if name == "LossScaleOptimizer":
        from featherflow import optimizers as _optimizers

        samples["inner_optimizer"] = _optimizers.SGD(0.1)
    if name == "MultiOptimizer":
        from featherflow import optimizers as _optimizers

        samples["optimizer_map"] = _optimizers.OptimizerMap(
            _optimizers.SGD(0.1), {".*bias": _optimizers.Adam(0.01)})
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    args = dict(CLASS_EXTRA_ARGS.get(name, {}))
    for p in params:
        if p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            if p.name not in samples:
                pytest.fail(f"{name}: add a sample value for required argument {p.name!r}")
            args[p.name] = samples[p.name]
    return args


def _normalized(config):
    # tuples become lists in JSON; compare what a file would hold
    return json.loads(json.dumps(config, default=lambda o: o.tolist()
                                 if isinstance(o, np.ndarray) else str(o)))


def _roundtrip(obj):
    text = json.dumps(serialize_keras_object(obj))
    return deserialize_keras_object(json.loads(text))


def _layer_names():
    import featherflow.layers as exported

    names = set(layer_classes())
    names |= {n for n in dir(exported) if inspect.isclass(getattr(exported, n))}
    return sorted(n for n in names if n not in NOT_STANDALONE and not n.startswith("_")
                  and layer_classes().get(n) is not None
                  and layer_classes()[n].__name__ == n)


@pytest.mark.parametrize("name", _layer_names())
def test_layer_config_roundtrip(name):
    L = layer_classes()
    cls = L[name]
    layer = cls(**_sample_args(cls, L))
    again = _roundtrip(layer)
    assert type(again) is cls
    assert _normalized(again.get_config()) == _normalized(layer.get_config())


def _objects(module, base):
    seen, out = set(), []
    for n in sorted(getattr(module, "__all__", None) or dir(module)):
        obj = getattr(module, n, None)
        if (inspect.isclass(obj) and issubclass(obj, base) and obj is not base
                and not obj.__name__.startswith("_") and obj not in seen
                and not inspect.isabstract(obj)):
            seen.add(obj)
            out.append(obj)
    return out


_KINDS = {
    "loss": (losses, losses.Loss),
    "optimizer": (optimizers, optimizers.Optimizer),
    "metric": (metrics, metrics.Metric),
    "initializer": (initializers, initializers.Initializer),
    "regularizer": (regularizers, regularizers.Regularizer),
    "constraint": (constraints, constraints.Constraint),
}
_CASES = [(kind, cls) for kind, (mod, base) in _KINDS.items() for cls in _objects(mod, base)
          if cls.__name__ not in ("RandomInitializer",)]


@pytest.mark.parametrize("kind,cls", _CASES, ids=[f"{k}-{c.__name__}" for k, c in _CASES])
def test_object_config_roundtrip(kind, cls):
    obj = cls(**_sample_args(cls, layer_classes()))
    again = _roundtrip(obj)
    assert type(again) is cls
    assert _normalized(again.get_config()) == _normalized(obj.get_config())


def test_every_kind_has_cases():
    for kind in _KINDS:
        assert any(k == kind for k, _ in _CASES), f"no {kind} classes found"


def test_optimizer_state_free_config_keeps_hyperparameters():
    opt = optimizers.Adam(learning_rate=0.02, beta_1=0.8, clipnorm=1.5)
    again = _roundtrip(opt)
    assert again.get_config()["learning_rate"] == pytest.approx(0.02)
    assert again.beta_1 == 0.8 and again.clipnorm == 1.5


def test_keras3_and_keras2_layer_configs_both_load():
    keras3 = {
        "module": "keras.layers", "class_name": "Dense", "registered_name": None,
        "config": {
            "name": "d", "trainable": True,
            "dtype": {"module": "keras", "class_name": "DTypePolicy",
                      "config": {"name": "float32"}, "registered_name": None},
            "units": 4, "activation": "relu", "use_bias": True,
            "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                   "config": {"seed": None}, "registered_name": None},
            "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                 "config": {}, "registered_name": None},
            "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None, "quantization_config": None,
        },
        "build_config": {"input_shape": [None, 3]},
    }
    keras2 = {"class_name": "Dense", "config": {
        "name": "d2", "trainable": True, "dtype": "float32", "units": 4, "activation": "relu",
        "batch_input_shape": [None, 3],
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}}}
    a = deserialize_keras_object(keras3)
    b = deserialize_keras_object(keras2)
    assert a.units == b.units == 4 and a.dtype == b.dtype == "float32"
    assert a.built and a.kernel.shape == (3, 4)  # build_config was applied
    assert b._batch_input_shape == (None, 3)


def test_unknown_keras_only_setting_is_ignored_with_a_warning():
    config = {"class_name": "Dropout", "config": {"rate": 0.5, "noise_shape": None,
                                                  "some_future_flag": 3}}
    with pytest.warns(UserWarning, match="some_future_flag"):
        layer = deserialize_keras_object(config)
    assert layer.rate == 0.5
