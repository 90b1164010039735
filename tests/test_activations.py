"""featherflow.activations: values and gradients against real Keras, lookup and serialization."""

import numpy as np
import pytest

from featherflow import activations as A
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load, names

# Keras's sparsemax (all backends) sums the cumulative sums over the support instead of taking
# the last one, so its rows do not sum to 1 once two or more entries are kept; featherflow
# computes the true projection and is compared with Keras only where one entry is kept.
KERAS_DIFFERS = {"activations/sparsemax"}


@pytest.fixture
def float64():
    previous = config.floatx()
    config.set_floatx("float64")
    yield
    config.set_floatx(previous)


def _value_and_grad(fn, x, kwargs, weights):
    t = Tensor(np.array(x, dtype=np.float64))
    with GradientTape() as tape:
        tape.watch(t)
        y = fn(t, **kwargs)
    g = tape.gradient(y, t, output_gradients=weights)
    return y.numpy(), (np.zeros_like(x) if g is None else g.numpy())


@pytest.mark.parametrize("name", [n for n in names("activations") if n not in KERAS_DIFFERS])
def test_matches_keras(name, float64):
    fx = load(name)
    fn = A.get(fx["function"])
    y, dx = _value_and_grad(fn, fx["x"], fx["kwargs"], fx["r"])
    np.testing.assert_allclose(y, fx["y"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dx, fx["dx"], rtol=1e-4, atol=1e-7)
    # At kinks (0, +-1, ...) the derivative follows Keras's own one-sided convention.
    y, dx = _value_and_grad(fn, fx["x_edge"], fx["kwargs"], None)
    np.testing.assert_allclose(y, fx["y_edge"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dx, fx["dx_edge"], rtol=1e-4, atol=1e-7)


def _sparsemax_reference(z):
    """Projection onto the simplex by sorting (Martins & Astudillo, 2016), row by row."""
    out = np.zeros_like(z)
    for i, row in enumerate(z):
        srt = np.sort(row)[::-1]
        csum = np.cumsum(srt)
        k = np.arange(1, len(row) + 1)
        support = srt - (csum - 1) / k > 0
        kz = k[support][-1]
        tau = (csum[kz - 1] - 1) / kz
        out[i] = np.maximum(row - tau, 0)
    return out


def test_sparsemax_is_the_simplex_projection(float64):
    fx = load("activations/sparsemax")
    for x in (fx["x"], fx["x_edge"]):
        y = A.sparsemax(x).numpy()
        np.testing.assert_allclose(y, _sparsemax_reference(x), atol=1e-12)
        np.testing.assert_allclose(y.sum(axis=-1), 1.0, atol=1e-12)
    # Where Keras keeps a single entry its formula is exact: the results agree there.
    single = (fx["y"] > 0).sum(axis=-1) == 1
    np.testing.assert_allclose(A.sparsemax(fx["x"][single]).numpy(), fx["y"][single])


@pytest.mark.parametrize("name,kwargs", [
    ("celu", {"alpha": 0.7}), ("glu", {}), ("log_sigmoid", {}), ("tanh_shrink", {}),
    ("squareplus", {"b": 2.0}), ("sparsemax", {}), ("relu", {"negative_slope": 0.1,
                                                              "max_value": 2.0,
                                                              "threshold": 0.3}),
    ("soft_shrink", {}), ("sparse_plus", {}), ("gelu", {"approximate": True}),
])
def test_gradients_against_finite_differences(name, kwargs):
    rng = np.random.default_rng(1)
    # Values away from every kink, so central differences are valid.
    x = rng.uniform(0.05, 0.45, size=(3, 4)) * rng.choice([-1, 1], size=(3, 4)) * 3 + 0.01
    fn = A.get(name)
    check_gradients(lambda t: fn(t, **kwargs), [x], atol=1e-6, rtol=1e-5)


def test_names_for_dense_fusion():
    for key in ("relu", "sigmoid", "tanh", "softmax", "linear"):
        assert A.get(key).__name__ == key
    assert A.get("swish") is A.silu and A.silu.__name__ == "silu"
    assert A.get("hard_swish") is A.hard_silu


def test_get_resolves_every_form():
    assert A.get(None) is A.linear
    assert A.get("relu") is A.relu
    assert A.get({"class_name": "function", "config": "tanh", "module": "builtins",
                  "registered_name": "function"}) is A.tanh

    def custom(x):
        return x

    assert A.get(custom) is custom
    assert A.deserialize("elu") is A.elu


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Valid activation names are: .*relu"):
        A.get("rellu")
    with pytest.raises(ValueError, match="Could not interpret activation"):
        A.get(42)


def test_serialize():
    assert A.serialize(A.relu) == "relu"
    assert A.serialize(A.swish) == "silu"

    def my_act(x):
        return x

    cfg = A.serialize(my_act)
    assert cfg["class_name"] == "function" and cfg["config"] == "my_act"
    assert A.deserialize(cfg, custom_objects={"my_act": my_act}) is my_act


def test_relu_options_and_float32_default():
    x = [-2.0, -0.5, 0.2, 0.5, 3.0]
    y = A.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.3).numpy()
    np.testing.assert_allclose(y, [-0.23, -0.08, -0.01, 0.5, 2.0], rtol=1e-6)
    assert y.dtype == np.float32  # a list becomes floatx
    # a float64 array keeps its dtype, as Keras's activations do
    assert A.relu(np.array(x)).numpy().dtype == np.float64
    x = np.array(x)
    np.testing.assert_allclose(A.relu(x, max_value=1.0).numpy(), [0, 0, 0.2, 0.5, 1.0])
    np.testing.assert_allclose(A.relu(x, threshold=0.3).numpy(), [0, 0, 0, 0.5, 3.0])


def test_softmax_axis_and_glu_errors():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(A.softmax(x, axis=0).numpy().sum(axis=0), 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="must be even"):
        A.glu(np.ones((2, 3)))


def test_registered_and_scoped_custom_activations():
    from featherflow import saving

    @saving.register_keras_serializable(package="TestActs")
    def doubled(x):
        return x * 2.0

    cfg = {"module": None, "class_name": "function", "config": "doubled",
           "registered_name": "TestActs>doubled"}
    assert A.get(cfg) is doubled
    assert A.get("TestActs>doubled") is doubled

    def halved(x):
        return x * 0.5

    with saving.custom_object_scope({"halved": halved}):
        assert A.get("halved") is halved
    with pytest.raises(ValueError, match="Unknown activation"):
        A.get("halved")
