"""Small models shared by the saving tests (as fixtures returning factories)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.utils.random import set_random_seed


def _dense(seed=0, compile=True, optimizer="adam"):
    set_random_seed(seed)
    m = tf.keras.Sequential([
        tf.keras.layers.Dense(5, activation="relu", input_shape=(3,)),
        tf.keras.layers.Dense(2, activation="softmax"),
    ])
    if compile:
        m.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return m


def _branchy(seed=0):
    set_random_seed(seed)
    L = tf.keras.layers
    a = tf.keras.Input(shape=(3,), name="a")
    b = tf.keras.Input(shape=(2,), name="b")
    shared = L.Dense(4, activation="tanh", name="shared")
    ha, hb = shared(L.Dense(4, name="pa")(a)), shared(L.Dense(4, name="pb")(b))
    out1 = L.Dense(2, name="main")(L.Concatenate(name="join")([ha, hb]))
    out2 = L.Dense(1, name="side")(L.Add(name="sum")([ha, hb]))
    return tf.keras.Model([a, b], [out1, out2], name="branchy")


def _xy(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


@pytest.fixture
def make_dense():
    """``make_dense(seed=0, compile=True, optimizer="adam")``: Dense 3-5-2, softmax."""
    return _dense


@pytest.fixture
def make_branchy():
    """Two inputs, a shared layer, Concatenate and Add, two outputs."""
    return _branchy


@pytest.fixture
def xy():
    return _xy()
