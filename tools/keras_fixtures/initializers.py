"""Initializer configs (values depend on the RNG, so only deterministic ones store values)."""

from __future__ import annotations

import json

import numpy as np

from .common import as_numpy, save_json, to_json

ALIASES = [
    "zeros",
    "ones",
    "constant",
    "identity",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "variance_scaling",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
]


def _with_arguments():
    import keras

    inits = keras.initializers
    return [
        ("constant_0p5", inits.Constant(0.5)),
        ("random_normal_mean1_std0p1_seed3", inits.RandomNormal(mean=1.0, stddev=0.1, seed=3)),
        ("random_uniform_pm0p1", inits.RandomUniform(minval=-0.1, maxval=0.1)),
        ("truncated_normal_std2", inits.TruncatedNormal(stddev=2.0)),
        (
            "variance_scaling_fan_out_uniform",
            inits.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform"),
        ),
        (
            "variance_scaling_fan_avg_untruncated",
            inits.VarianceScaling(mode="fan_avg", distribution="untruncated_normal"),
        ),
        ("orthogonal_gain2", inits.Orthogonal(gain=2.0)),
        ("identity_gain3", inits.Identity(gain=3.0)),
        ("glorot_uniform_seed7", inits.GlorotUniform(seed=7)),
    ]


def _entry(init, shape=(3, 4)):
    import keras

    entry = {
        "class_name": init.__class__.__name__,
        "config": json.loads(to_json(init.get_config())),
        "serialized": json.loads(to_json(keras.initializers.serialize(init))),
    }
    # Only these are RNG-free, so their values are meaningful references.
    if entry["class_name"] in ("Zeros", "Ones", "Constant", "IdentityInitializer", "Identity"):
        entry["values_shape"] = list(shape)
        entry["values"] = np.asarray(as_numpy(init(shape, dtype="float64"))).tolist()
    return entry


def run():
    import keras

    # keras.initializers.get("constant") fails in Keras 3 (from_config wants a value), so the
    # snake_case exports are instantiated with their defaults instead.
    by_alias = {alias: _entry(getattr(keras.initializers, alias)()) for alias in ALIASES}
    with_args = {name: _entry(init) for name, init in _with_arguments()}
    doc = {"by_alias": by_alias, "with_arguments": with_args}
    try:
        import tf_keras
    except ImportError:
        tf_keras = None
    if tf_keras is not None:
        # Keras 2 spells these differently (e.g. no input_axes); files from it carry this form.
        doc["tf_keras_by_alias"] = {
            alias: {
                "class_name": init.__class__.__name__,
                "config": json.loads(to_json(init.get_config())),
                "serialized": json.loads(to_json(tf_keras.initializers.serialize(init))),
            }
            for alias in ALIASES
            for init in [tf_keras.initializers.get(alias)]
        }
    save_json("initializers/initializers.json", doc)
