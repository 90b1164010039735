"""keras.random and tf.random.stateless_* against Keras 3.15 with the TF backend
(tests/fixtures/keras/layers_preprocessing/random.json, recorded in float32)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.keras import random
from tests.fixtures.keras_loader import load_json

FX = load_json("layers_preprocessing/random.json")
# uniform, randint, shuffle, dropout and categorical are bit-equal; normal draws go through
# log/sin/cos, where NumPy's float32 and glibc's sincosf may differ in the last bit.
NORMAL_RTOL = 2e-6


def test_uniform_is_bit_equal():
    gen = random.SeedGenerator(42)
    for want in FX["uniform_generator"]:
        np.testing.assert_array_equal(random.uniform((5,), seed=gen).numpy(),
                                      np.float32(want))
    np.testing.assert_array_equal(gen.state.numpy(), FX["generator_state_after_two"])
    np.testing.assert_array_equal(random.uniform((7,), -2.0, 3.0, seed=7).numpy(),
                                  np.float32(FX["uniform_range"]))
    np.testing.assert_array_equal(random.uniform((3, 5), seed=123456).numpy(),
                                  np.float32(FX["uniform_2d"]))
    np.testing.assert_array_equal(random.uniform((3,), seed=2**40 + 5).numpy(),
                                  np.float32(FX["uniform_big_seed"]))
    np.testing.assert_array_equal(random.uniform((5,), dtype="float64", seed=7).numpy(),
                                  FX["uniform_float64"])


def test_normal_and_truncated_normal():
    np.testing.assert_allclose(random.normal((2, 7), seed=3).numpy(), FX["normal"],
                               rtol=NORMAL_RTOL, atol=1e-7)
    np.testing.assert_allclose(random.normal((5,), 1.5, 0.5, seed=4).numpy(), FX["normal_odd"],
                               rtol=NORMAL_RTOL)
    np.testing.assert_allclose(random.normal((5,), dtype="float64", seed=3).numpy(),
                               FX["normal_float64"], rtol=1e-12)
    got = random.truncated_normal((3, 11), seed=5).numpy()
    np.testing.assert_allclose(got, FX["truncated_normal"], rtol=NORMAL_RTOL, atol=1e-7)
    assert np.abs(got).max() < 2
    np.testing.assert_allclose(random.truncated_normal((7,), seed=5, dtype="float64").numpy(),
                               FX["truncated_normal_float64"], rtol=1e-12)


def test_integer_and_index_draws():
    np.testing.assert_array_equal(random.randint((9,), 0, 10, seed=11).numpy(), FX["randint"])
    got = random.randint((9,), -5, 1000, dtype="int64", seed=11)
    assert got.dtype == "int64"
    np.testing.assert_array_equal(got.numpy(), FX["randint_int64"])
    np.testing.assert_array_equal(
        random.categorical(np.array(FX["categorical_logits"]), 7, seed=4).numpy(),
        FX["categorical"])
    np.testing.assert_array_equal(random.shuffle(np.arange(10), seed=2).numpy(), FX["shuffle"])
    np.testing.assert_array_equal(
        random.shuffle(np.arange(12).reshape(3, 4), axis=1, seed=2).numpy(),
        FX["shuffle_axis1"])


def test_dropout():
    np.testing.assert_array_equal(random.dropout(np.ones((2, 8), np.float32), 0.5,
                                                 seed=1).numpy(), FX["dropout"])
    got = random.dropout(np.arange(12, dtype=np.float32).reshape(3, 4), 0.3, noise_shape=(1, 4),
                         seed=random.SeedGenerator(8))
    np.testing.assert_allclose(got.numpy(), FX["dropout_noise_shape"], rtol=1e-7)
    x = tf.constant(np.ones((3, 4), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = random.dropout(x, 0.25, seed=3)
        total = tf.reduce_sum(y)
    grad = tape.gradient(total, x).numpy()
    np.testing.assert_allclose(grad, y.numpy())  # d/dx of x * mask / (1 - rate)


def test_seed_generator_semantics():
    gen = random.SeedGenerator(5, name="gen")
    assert gen.get_config() == FX["generator_config"]
    again = random.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(random.normal((3,), seed=gen).numpy(),
                                  random.normal((3,), seed=again).numpy())
    first = random.uniform((4,), seed=None).numpy()
    assert not np.array_equal(first, random.uniform((4,), seed=None).numpy())
    with pytest.raises(ValueError, match="must be an integer"):
        random.SeedGenerator(seed="abc")
    with pytest.raises(ValueError, match="SeedGenerator"):
        random.uniform((2,), seed=1.5)
    assert tf.keras.random.SeedGenerator is random.SeedGenerator


def test_other_distributions_are_seeded():
    for fn, args in [(random.gamma, (2.0,)), (random.beta, (2.0, 3.0)),
                     (random.binomial, (5, 0.3))]:
        a = fn((6,), *args, seed=9).numpy()
        np.testing.assert_array_equal(a, fn((6,), *args, seed=9).numpy())
        assert a.dtype == np.float32 and a.shape == (6,)
    assert random.gamma((2000,), 3.0, seed=1).numpy().mean() == pytest.approx(3.0, rel=0.1)


def test_tf_random_stateless_ops():
    # keras.random with an int seed s draws tf.random.stateless_*(seed=[s, 0])
    np.testing.assert_array_equal(tf.random.stateless_uniform([7], [7, 0], -2.0, 3.0).numpy(),
                                  np.float32(FX["uniform_range"]))
    np.testing.assert_allclose(tf.random.stateless_normal([2, 7], seed=[3, 0]).numpy(),
                               FX["normal"], rtol=NORMAL_RTOL, atol=1e-7)
    np.testing.assert_allclose(
        tf.random.stateless_truncated_normal([3, 11], seed=[5, 0]).numpy(),
        FX["truncated_normal"], rtol=NORMAL_RTOL, atol=1e-7)
    ints = tf.random.stateless_uniform([9], [11, 0], 0, 10, dtype="int32")
    np.testing.assert_array_equal(ints.numpy(), FX["randint"])
    with pytest.raises(ValueError, match="integer dtypes need"):
        tf.random.stateless_uniform([2], [1, 2], dtype="int32")
    with pytest.raises(ValueError, match="shape \\[2\\]"):
        tf.random.stateless_uniform([2], [1, 2, 3])
