"""featherflow.initializers: distributions, fans, seeding and Keras configs."""

import math

import numpy as np
import pytest

from featherflow import initializers as I
from featherflow.backend import config
from featherflow.utils.random import set_random_seed
from tests.fixtures.keras_loader import load_json

FIXTURES = load_json("initializers/initializers.json")
BIG = (400, 500)  # 200k draws: sample statistics within ~1% of the true ones


def test_compute_fans_as_keras():
    assert I.compute_fans(()) == (1, 1)
    assert I.compute_fans((7,)) == (7, 7)
    assert I.compute_fans((3, 5)) == (3, 5)
    # Conv2D kernel (kh, kw, in, out): receptive field 3*3 multiplies both fans.
    assert I.compute_fans((3, 3, 4, 8)) == (36, 72)
    assert I.compute_fans((2, 3, 4), input_axes=(0, 1), output_axes=(2,)) == (6, 4)


@pytest.mark.parametrize("cls,scale,mode", [
    (I.GlorotUniform, 1.0, "fan_avg"), (I.HeUniform, 2.0, "fan_in"),
    (I.LecunUniform, 1.0, "fan_in"),
])
def test_uniform_limits(cls, scale, mode):
    fan_in, fan_out = BIG
    n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    limit = math.sqrt(3.0 * scale / n)
    w = cls(seed=1)(BIG)
    assert w.dtype == np.float32 and w.shape == BIG
    assert -limit <= w.min() < -0.99 * limit and 0.99 * limit < w.max() <= limit
    assert abs(w.mean()) < 0.01 * limit
    np.testing.assert_allclose(w.std(), limit / math.sqrt(3.0), rtol=0.01)


@pytest.mark.parametrize("cls,scale,mode", [
    (I.GlorotNormal, 1.0, "fan_avg"), (I.HeNormal, 2.0, "fan_in"),
    (I.LecunNormal, 1.0, "fan_in"),
])
def test_truncated_normal_variance_scaling(cls, scale, mode):
    fan_in, fan_out = BIG
    n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    target_std = math.sqrt(scale / n)
    w = cls(seed=2)(BIG)
    # Keras divides by 0.8796 (the std of a unit normal cut at 2) to keep the variance.
    np.testing.assert_allclose(w.std(), target_std, rtol=0.01)
    assert np.abs(w).max() <= 2 * target_std / 0.87962566103423978 + 1e-7


def test_random_normal_uniform_truncated_defaults():
    w = I.RandomNormal(seed=3)(BIG)
    np.testing.assert_allclose([w.mean(), w.std()], [0.0, 0.05], atol=5e-4)
    u = I.RandomUniform(seed=3)(BIG)
    assert -0.05 <= u.min() and u.max() < 0.05
    t = I.TruncatedNormal(mean=1.0, stddev=2.0, seed=3)(BIG)
    assert 1.0 - 4.0 <= t.min() and t.max() <= 1.0 + 4.0
    # A unit normal cut at +-2 has std 0.8796.
    np.testing.assert_allclose(t.std(), 2.0 * 0.87962566103423978, rtol=0.01)
    np.testing.assert_allclose(t.mean(), 1.0, atol=0.02)


def test_variance_scaling_options():
    vs = I.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=0)
    w = vs((50, 200))
    limit = math.sqrt(3 * 2.0 / 200)
    assert np.abs(w).max() <= limit
    untr = I.VarianceScaling(mode="fan_avg", distribution="untruncated_normal", seed=0)(BIG)
    np.testing.assert_allclose(untr.std(), math.sqrt(1 / 450), rtol=0.01)
    assert I.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="mode"):
        I.VarianceScaling(mode="fan_sideways")
    with pytest.raises(ValueError, match="scale"):
        I.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="distribution"):
        I.VarianceScaling(distribution="cauchy")


def test_orthogonal_and_identity():
    q = I.Orthogonal(gain=2.0, seed=0)((6, 4))
    np.testing.assert_allclose(q.T @ q, 4.0 * np.eye(4), atol=1e-5)
    wide = I.Orthogonal(seed=0)((3, 5))
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-5)
    conv = I.Orthogonal(seed=0)((2, 2, 3, 4))
    flat = conv.reshape(-1, 4)
    np.testing.assert_allclose(flat.T @ flat, np.eye(4), atol=1e-5)
    with pytest.raises(ValueError, match="rank >= 2"):
        I.Orthogonal()((3,))
    np.testing.assert_array_equal(I.Identity(gain=3.0)((2, 3)), 3 * np.eye(2, 3))
    with pytest.raises(ValueError, match="2-D"):
        I.Identity()((2, 2, 2))


def test_seeds_reproducible():
    a = I.GlorotUniform(seed=5)((3, 4))
    np.testing.assert_array_equal(a, I.GlorotUniform(seed=5)((3, 4)))
    init = I.HeNormal(seed=9)
    np.testing.assert_array_equal(init((3, 4)), init((3, 4)))
    # seed=None draws from the global generator: set_random_seed makes it repeat.
    set_random_seed(11)
    first = [I.GlorotUniform()((3, 4)), I.RandomNormal()((2,))]
    set_random_seed(11)
    second = [I.GlorotUniform()((3, 4)), I.RandomNormal()((2,))]
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(I.GlorotUniform()((3, 4)), I.GlorotUniform()((3, 4)))


def test_dtype_follows_floatx_and_argument():
    assert I.Zeros()((2,), dtype="float64").dtype == np.float64
    previous = config.floatx()
    config.set_floatx("float64")
    try:
        assert I.GlorotUniform(seed=0)((2, 2)).dtype == np.float64
    finally:
        config.set_floatx(previous)


@pytest.mark.parametrize("section", ["by_alias", "with_arguments"])
def test_configs_and_values_match_keras(section):
    for key, entry in FIXTURES[section].items():
        init = I.deserialize(entry["serialized"])
        assert type(init).__name__ == entry["class_name"], key
        assert init.get_config() == entry["config"], key
        assert I.serialize(init) == entry["serialized"], key
        if key == "identity_gain3":
            # Keras's Identity.get_config() drops the gain ({}), so its config rebuilds a
            # gain-1 initializer; featherflow keeps a non-default gain to round-trip.
            init = I.Identity(gain=3.0)
            assert I.deserialize(I.serialize(init)).gain == 3.0
        if "values" in entry:
            np.testing.assert_allclose(init(tuple(entry["values_shape"]), dtype="float64"),
                                       entry["values"])


def test_aliases_resolve_to_classes():
    for alias in FIXTURES["by_alias"]:
        assert type(I.get(alias)).__name__ == FIXTURES["by_alias"][alias]["class_name"]
    assert isinstance(I.get("normal"), I.RandomNormal)
    assert isinstance(I.get("uniform"), I.RandomUniform)
    assert I.glorot_uniform is I.GlorotUniform


def test_get_accepts_instances_callables_arrays_and_keras2_configs():
    inst = I.Ones()
    assert I.get(inst) is inst
    assert I.get(None) is None
    fn = I.get(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(fn((2, 3)), np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="shape"):
        fn((3, 2))
    keras2 = I.get({"class_name": "GlorotUniform", "config": {"seed": None}})
    assert isinstance(keras2, I.GlorotUniform)
    const = I.get({"class_name": "Constant", "config": {"value": 2.0}})
    np.testing.assert_array_equal(const((2,)), [2.0, 2.0])


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="Valid initializer names are: .*glorot_uniform"):
        I.get("glorot_uniformm")
    with pytest.raises(ValueError, match="seed"):
        I.RandomNormal(seed="x")
