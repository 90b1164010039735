"""Gradients of gradients (nested and persistent tapes), against TensorFlow 2.21 in float64.

The fixture (tools/keras_fixtures/autodiff_second_order.py) holds each expression as source
text over ``tf``; here ``tf`` is featherflow. Tolerance 1e-10 relative: float64 throughout,
only the order of a few sums differs from TensorFlow's kernels.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.higher_order import NoSecondOrder
from featherflow.losses.fused import (
    BinaryCrossentropyMean,
    MeanSquaredErrorMean,
    MeanSquaredErrorPerSample,
)
from featherflow.testing import check_second_order

FIXTURE = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "keras" / "autodiff" / "second_order.json")
    .read_text())
RTOL, ATOL = 1e-10, 1e-12
#: TensorFlow's exact gelu differs from featherflow's (erf to double precision) by ~6e-9
#: relative in the first derivative and ~2e-8 in the second
LOOSER = {"tf.nn.gelu(x)": 1e-7}


def close(got, want, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=rtol, atol=ATOL)


@pytest.mark.parametrize("case", FIXTURE["elementwise"], ids=lambda c: c["expr"])
def test_second_derivative_of_elementwise_expressions(case):
    x = tf.constant(np.array(case["x"]))
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = eval(case["expr"], {"tf": tf, "x": x})
        g = t1.gradient(y, x)
    rtol = LOOSER.get(case["expr"], RTOL)
    close(g, case["grad"], rtol)
    close(t2.gradient(g, x), case["second"], rtol)


@pytest.mark.parametrize("case", FIXTURE["scalar"], ids=lambda c: c["expr"])
def test_hessian_vector_products(case):
    inputs = {k: np.array(v) for k, v in FIXTURE["scalar_inputs"].items()}
    x = tf.constant(inputs["x"])
    names = {"tf": tf, "x": x, "w": tf.constant(inputs["w"]), "c": tf.constant(inputs["c"])}
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = eval(case["expr"], names)
        g = t1.gradient(y, x)
        gv = tf.reduce_sum(g * inputs["v"])
    close(g, case["grad"])
    close(t2.gradient(gv, x), case["hvp"])


def test_persistent_tape_differentiates_its_own_gradient():
    case = FIXTURE["elementwise"][1]  # sin(x) * exp(x)
    x = tf.constant(np.array(case["x"]))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.sin(x) * tf.exp(x)
        g = tape.gradient(y, x)
    close(tape.gradient(g, x), case["second"])


def test_gradient_penalty_through_a_dense_model():
    ref = FIXTURE["penalty"]
    tf.keras.backend.set_floatx("float64")
    try:
        layers = [tf.keras.layers.Dense(4 if a is not None else 1, activation=a)
                  for a in ref["activations"]]
        model = tf.keras.Sequential([tf.keras.Input((3,))] + layers)
        model.set_weights([np.array(w) for w in ref["weights"]])
        x = tf.constant(np.array(ref["x"]))
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = model(x)
            g = inner.gradient(y, x)
            penalty = tf.reduce_mean((tf.norm(g, axis=1) - 1.0) ** 2)
        grads = outer.gradient(penalty, model.trainable_variables)
    finally:
        tf.keras.backend.set_floatx("float32")
    close(g, ref["input_grad"])
    close(penalty, ref["penalty"])
    for got, want in zip(grads, ref["grads"]):
        if want is None:
            assert got is None
        elif got is None:
            # the relu layer's bias reaches the penalty only through relu's slope, a constant
            # here: featherflow says unconnected where TensorFlow returns zeros
            assert not np.any(want)
        else:
            close(got, want)


def test_first_order_path_is_unchanged_without_an_outer_tape():
    x = tf.constant(np.array([0.5, 2.0]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x ** 3
    g = tape.gradient(y, x)
    assert g._node is None  # a plain array result: nothing recorded
    close(g, 3 * np.array([0.5, 2.0]) ** 2)


def test_a_primitive_without_second_order_raises_only_when_differentiated():
    x = tf.constant(np.array([0.3, 0.7]))
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = tf.nn.gelu(x, approximate=True)  # gelu_tanh: first order only
        g = t1.gradient(y, x)
    assert isinstance(g._node, NoSecondOrder)
    close(g, g.numpy())  # the first-order value is there
    with pytest.raises(LookupError, match="Elementwise has no second-order gradient"):
        t2.gradient(g, x)


@pytest.mark.parametrize("fn", [
    lambda x: tf.reduce_sum(tf.sin(x) * tf.exp(x)),
    lambda x: tf.reduce_sum(tf.nn.softmax(x) * tf.constant(np.arange(3.0))),
    lambda x: tf.reduce_sum(tf.nn.elu(x) ** 2),
    lambda x: tf.reduce_mean(tf.square(tf.matmul(x, tf.transpose(x)))),
])
def test_second_order_by_finite_differences(fn):
    x = np.random.default_rng(3).normal(size=(2, 3))
    check_second_order(fn, [x])


@pytest.mark.parametrize("loss", [
    lambda y, p: tf.reduce_sum(MeanSquaredErrorPerSample()(y, p) ** 2),
    lambda y, p: MeanSquaredErrorMean()(y, p) ** 2,
    lambda y, p: BinaryCrossentropyMean(from_logits=True)(y, p) ** 2,
    lambda y, p: BinaryCrossentropyMean()(y, p) ** 2,
], ids=["mse_per_sample", "mse_mean", "bce_logits", "bce"])
def test_fused_losses_second_order_by_finite_differences(loss):
    # squared, so the second derivative also sees the first-order gradient's own slope
    rng = np.random.default_rng(0)
    check_second_order(loss, [rng.uniform(size=(3, 4)), rng.uniform(0.1, 0.9, size=(3, 4))])
