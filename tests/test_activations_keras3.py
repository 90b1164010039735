"""Every Keras 3.15 activation at large magnitudes, float32 and float64, against real Keras.

Fixtures: tests/fixtures/keras/layers_activation/functions/ (tools/keras_fixtures/
layers_activation.py): a row of +-1e4, +-300, +-80, +-20, ... and two random rows, with the
gradient of ``sum(y * r)``. Tolerances: float64 rtol 1e-6 (values) and 1e-5 (gradients);
float32 rtol 2e-5 and 1e-4 (a few ulps: NumPy and TF round differently, e.g. in exp and
erf); absolute 1e-12 (float64) / 1e-6 (float32) for values that cancel to about 0.
"""

import warnings

import numpy as np
import pytest

import featherflow as tf
from featherflow import activations as A
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load, names

CASES = sorted({n.rsplit("_", 1)[0] for n in names("layers_activation/functions")})

TOL = {"float64": dict(y=(1e-6, 1e-12), dx=(1e-5, 1e-12)),
       "float32": dict(y=(2e-5, 1e-6), dx=(1e-4, 1e-6))}

# Where Keras's (TF's) float32 formula itself loses the digits, featherflow's float32 result
# is compared with the float64 one instead (the test checks the float32 one really is off):
# squareplus: x + sqrt(x^2 + b) cancels for x << 0 (Keras: 0 at -1e4, the value is 1e-4);
# tf.nn.gelu(approximate=True): 1 + tanh(u) cancels for x < 0 (slope 9e-4 off at x = -3.7).
FLOAT32_INEXACT = {"layers_activation/functions/squareplus",
                   "layers_activation/functions/squareplus_b1",
                   "layers_activation/tf_nn/gelu_approximate"}


def _reference(case, dtype):
    fx = load(f"{case}_{dtype}")
    if dtype != "float32" or case not in FLOAT32_INEXACT:
        return fx, fx
    exact = load(f"{case}_float64")
    assert not all(np.allclose(fx[k], exact[k], rtol=1e-4, atol=0) for k in ("y", "dx")), (
        f"{case}: the float32 reference is exact now; drop it from FLOAT32_INEXACT")
    return fx, exact

# Keras's sparsemax sums the cumulative sums over the support instead of taking the last one
# (see tests/test_activations.py): compared only on rows where one entry is kept.
SPARSEMAX = "layers_activation/functions/sparsemax"


def _run(fn, x, kwargs, r):
    t = Tensor(np.array(x))
    with GradientTape() as tape:
        tape.watch(t)
        y = fn(t, **kwargs)
    dx = tape.gradient(y, t, output_gradients=np.asarray(r, x.dtype))
    return y.numpy(), (np.zeros_like(x) if dx is None else dx.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES)
def test_matches_keras_at_large_magnitudes(case, dtype):
    fx, want = _reference(case, dtype)
    fn = A.get(fx["function"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid-value warnings either
        if fx["function"] == "exponential":
            # exp(80) in float32 and exp(1e4) are inf, for Keras too
            warnings.filterwarnings("ignore", "overflow", RuntimeWarning)
        y, dx = _run(fn, fx["x"], fx["kwargs"], fx["r"])
    assert y.dtype == np.dtype(dtype) and dx.dtype == np.dtype(dtype)
    rows = slice(None)
    if case == SPARSEMAX:
        # rows where the projection keeps one entry: Keras's formula is exact there
        rows = (y > 0).sum(axis=-1) == 1
        assert rows.any()
    (rtol, atol), (grtol, gatol) = TOL[dtype]["y"], TOL[dtype]["dx"]
    np.testing.assert_allclose(y[rows], want["y"][rows].astype(dtype), rtol=rtol, atol=atol,
                               err_msg=f"{case} {dtype} value")
    np.testing.assert_allclose(dx[rows], want["dx"][rows].astype(dtype), rtol=grtol,
                               atol=gatol, err_msg=f"{case} {dtype} gradient")


def test_every_keras_name_resolves_and_serializes_like_keras():
    fx = load("layers_activation/names")
    assert sorted(A.ALL_OBJECTS_DICT) == sorted(fx["names"].tolist())
    for name, serialized in zip(fx["names"].tolist(), fx["serialized"].tolist()):
        fn = A.get(name)
        assert callable(fn) and A.serialize(fn) == serialized
        assert A.deserialize(serialized) is fn
        assert getattr(tf.keras.activations, name) is fn


def test_fixtures_cover_every_keras_name():
    fx = load("layers_activation/names")
    covered = {load(f"{case}_float64")["function"] for case in CASES}
    assert covered == set(fx["names"].tolist())


# Inputs away from every kink (0, +-0.2, +-0.25, +-0.5, +-1, +-3, 6) for central differences.
def _smooth(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-4.5, 4.5, size=shape)
    kinks = np.array([0, 0.2, 0.25, 0.5, 1, 2, 3, 3.5, 6])
    kinks = np.concatenate([kinks, -kinks])
    near = np.abs(x[..., None] - kinks).min(axis=-1) < 0.05
    return np.where(near, x + 0.11, x)


@pytest.mark.parametrize("case", CASES)
def test_gradient_check(case):
    fx = load(f"{case}_float64")
    fn, kwargs = A.get(fx["function"]), fx["kwargs"]
    x = _smooth((4, 6), abs(hash(case)) % 1000)
    if fx["function"] == "sparsemax":
        x = x * 0.3  # several entries kept, so the threshold itself moves with x
    check_gradients(lambda t: fn(t, **kwargs), [x], atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name", ["squareplus", "gelu", "silu", "mish", "sparsemax"])
def test_extreme_magnitudes_stay_finite(name):
    # beyond the fixtures' 1e4: float32 squares and cubes overflow from 2e19 / 7e12
    fn = A.get(name)
    kwargs = {"approximate": True} if name == "gelu" else {}
    x = np.array([[-3e38, -1e30, -1e20, -1e13, 1e13, 1e20, 1e30, 3e38]], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dx = _run(fn, x, kwargs, np.ones_like(x))
    assert np.isfinite(y).all() and np.isfinite(dx).all(), (y, dx)
    if name != "sparsemax":
        # relu-like on both sides: ~0 far left (squareplus: b / (4 |x|)), ~x far right,
        # slopes 0 and 1
        left = 1 / np.abs(x[0, :4]) if name == "squareplus" else 0
        np.testing.assert_allclose(y[0, :4], left, rtol=1e-5, atol=1e-30)
        np.testing.assert_allclose(y[0, 4:], x[0, 4:], rtol=1e-6)
        np.testing.assert_allclose(dx[0], [0, 0, 0, 0, 1, 1, 1, 1], atol=1e-25)


def test_float32_squareplus_is_exact_where_the_formula_cancels():
    x = np.array([-1e4, -300.0, -20.0], np.float32)
    want = 0.5 * (x.astype(np.float64) + np.sqrt(x.astype(np.float64) ** 2 + 4))
    np.testing.assert_allclose(A.squareplus(x).numpy(), want, rtol=1e-6)


def test_hard_sigmoid_is_keras3s_formula():
    # Keras 3: relu6(x + 3) / 6 (slope 1/6, saturating at +-3); tf.keras 2 was
    # clip(0.2 x + 0.5, 0, 1) (slope 0.2, saturating at +-2.5)
    x = np.array([-4.0, -2.75, 0.6, 2.75, 4.0])
    np.testing.assert_allclose(A.hard_sigmoid(x).numpy(), np.clip(x + 3, 0, 6) / 6)


def test_tf_nn_aliases():
    x = _smooth((3, 5), 7)
    pairs = {"gelu": A.gelu, "silu": A.silu, "swish": A.silu, "relu6": A.relu6,
             "selu": A.selu, "log_softmax": A.log_softmax, "elu": A.elu,
             "softsign": A.softsign, "softplus": A.softplus, "softmax": A.softmax,
             "relu": A.relu, "sigmoid": A.sigmoid, "tanh": A.tanh}
    for name, fn in pairs.items():
        np.testing.assert_allclose(getattr(tf.nn, name)(x).numpy(), fn(x).numpy(),
                                   rtol=1e-12, err_msg=name)
    # TF's own spellings: leaky_relu(features, alpha=0.2), gelu(features, approximate)
    np.testing.assert_allclose(tf.nn.leaky_relu(x, alpha=0.1).numpy(),
                               np.where(x > 0, x, 0.1 * x))
    np.testing.assert_allclose(tf.nn.leaky_relu(x).numpy(), A.leaky_relu(x).numpy())
    np.testing.assert_allclose(tf.nn.gelu(x, approximate=True).numpy(),
                               A.gelu(x, approximate=True).numpy())


def test_bad_arguments():
    with pytest.raises(ValueError, match="Did you mean 'gelu'"):
        A.get("gelus")
    with pytest.raises(ValueError, match="Valid activation names are: .*squareplus"):
        A.get("square_plus")
    # layers name the same list
    with pytest.raises(ValueError, match="Did you mean 'relu'"):
        tf.keras.layers.Activation("rleu")
    with pytest.raises(ValueError, match="Did you mean 'hard_silu'"):
        tf.keras.layers.Dense(2, activation="hard_sillu")
    with pytest.raises(ValueError, match="b must be a number >= 0"):
        A.squareplus(np.ones(3), b=-1.0)
    with pytest.raises(ValueError, match="must be even"):
        A.glu(np.ones((2, 5)))


TF_NN = sorted({n.rsplit("_", 1)[0] for n in names("layers_activation/tf_nn")})


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", TF_NN)
def test_tf_nn_matches_tensorflow(case, dtype):
    # TF's own spellings (features=, alpha=, beta=); same tolerances as the Keras functions
    fx, want = _reference(case, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dx = _run(getattr(tf.nn, fx["function"]), fx["x"], fx["kwargs"], fx["r"])
    assert y.dtype == np.dtype(dtype)
    (rtol, atol), (grtol, gatol) = TOL[dtype]["y"], TOL[dtype]["dx"]
    np.testing.assert_allclose(y, want["y"].astype(dtype), rtol=rtol, atol=atol,
                               err_msg=f"{case} value")
    np.testing.assert_allclose(dx, want["dx"].astype(dtype), rtol=grtol, atol=gatol,
                               err_msg=f"{case} gradient")


def test_tf_nn_swish_beta_gradient_check():
    x = _smooth((3, 4), 3)
    check_gradients(lambda t: tf.nn.swish(t, beta=0.7), [x])


def test_second_order_of_the_new_primitives():
    from featherflow.ops.prelu import prelu
    from featherflow.testing import check_second_order

    x = _smooth((3, 4), 11)
    alpha = np.random.default_rng(2).uniform(0.1, 0.9, (1, 4))
    check_second_order(lambda t, a: tf.reduce_sum(prelu(t, a) ** 2), [x, alpha])
    check_second_order(lambda t: tf.reduce_sum(A.squareplus(t, b=2.0) ** 2), [x])
    # gelu(approximate=True) stays first order (tests/autodiff/test_second_order.py uses it
    # as its example of a primitive without a second order)
    for fn in (A.silu, A.mish, A.hard_silu):
        check_second_order(lambda t, fn=fn: tf.reduce_sum(fn(t) ** 2), [x * 10])
