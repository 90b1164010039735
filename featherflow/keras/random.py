"""``keras.random``: Keras 3's seeded random functions, drawing what the TensorFlow backend draws.

Keras 3 makes every random op stateless: an integer ``seed`` becomes the pair ``[seed, 0]``; a
:class:`SeedGenerator` hands out ``[seed, counter]`` and counts up, so each call differs and a
re-created generator repeats the sequence. The pair (taken modulo ``2**31 - 2``, as the backend
casts it to int32) seeds TF's stateless kernels, which ``featherflow.backend.stateless_random``
reproduces: ``uniform``, ``randint``, ``shuffle``, ``dropout`` and ``categorical`` give
Keras's values exactly, ``normal`` and ``truncated_normal`` to float32 rounding. ``gamma``,
``binomial`` and ``beta`` are seeded and repeatable but not TF's numbers
(docs/preprocessing_layers.md).

Example::

    >>> gen = keras.random.SeedGenerator(42)
    >>> keras.random.uniform((2,), seed=gen)   # Keras 3 + TF gives the same two numbers
"""

import random as python_random

import numpy as np

from featherflow.autodiff import state as autodiff_state
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.backend import stateless_random as kernels
from featherflow.ops import math
from featherflow.utils import naming

_INT32_MAX = 2**31 - 1


class SeedGenerator:
    """The state ``[seed, counter]`` of Keras 3's random ops; each draw takes the next counter.

    Example::

        gen = keras.random.SeedGenerator(seed=1337)
        a = keras.random.normal((2, 3), seed=gen)
        b = keras.random.normal((2, 3), seed=gen)   # different from a, the same in every run
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments {sorted(kwargs)}; "
                             "it takes seed and name.")
        self.name = name if name is not None else naming.unique_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.state = Variable(np.array([int(seed), 0], np.int64), trainable=False,
                              name="seed_generator_state", dtype="int64")

    def next(self, ordered=True):
        """The current ``[seed, counter]`` pair; the state moves on."""
        value = self.state.numpy().copy()
        probe = autodiff_state.probe
        if probe is not None:
            # A trace (tf.data's element-wise check of a map function) must not use up a
            # draw: TF's map draws once per element. Random values are never element-wise
            # across a batch either, so the trace is told the function is not.
            probe.touch(None)
            return value
        if ordered:
            self.state.assign(value + np.array([0, 1], np.int64))
        else:
            self.state.assign((value + 1) * 5387 % 933199)
        return value

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, state={self.state.numpy().tolist()}>"


_GLOBAL_GENERATOR = []


def make_default_seed():
    return python_random.randint(1, int(1e9))


def global_seed_generator():
    """The generator unseeded draws use (made on first use, as Keras's global one)."""
    if not _GLOBAL_GENERATOR:
        _GLOBAL_GENERATOR.append(SeedGenerator())
    return _GLOBAL_GENERATOR[0]


def draw_seed(seed):
    """The ``[seed, counter]`` pair (int64) a random op uses for ``seed``."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.array([int(seed), 0], np.int64)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError("Argument `seed` must be either an integer or an instance of "
                     f"`SeedGenerator`. Received: seed={seed!r} (of type {type(seed)})")


def _kernel_seed(seed):
    # The TF backend takes the int64 pair modulo int32.max - 1 and casts it to int32.
    return np.mod(draw_seed(seed), _INT32_MAX - 1).astype(np.int32)


def _shape(shape, op):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise ValueError(f"keras.random.{op}: `shape` must be a tuple of integers; received "
                         f"{shape!r}.") from None


def _float(dtype):
    return np.dtype(dtype or config.floatx())


def _value(x):
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform floats in ``[minval, maxval)`` (TF's ``stateless_uniform``, exact)."""
    dtype = _float(dtype)
    if dtype.kind != "f":
        raise ValueError("keras.random.uniform: `dtype` must be a float type; use "
                         f"keras.random.randint for integers. Received: dtype={dtype.name}")
    return Tensor(kernels.uniform(_shape(shape, "uniform"), _kernel_seed(seed),
                                  _value(minval), _value(maxval), dtype, "uniform"))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers in ``[minval, maxval)`` (TF's ``stateless_uniform`` with an integer dtype)."""
    dtype = np.dtype(dtype)
    inner = dtype if dtype in (np.int32, np.int64) else np.dtype(np.int64)
    values = kernels.uniform(_shape(shape, "randint"), _kernel_seed(seed), int(minval),
                             int(maxval), inner, "randint")
    return Tensor(values.astype(dtype))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values (TF's ``stateless_normal``: Box-Muller on the Philox stream)."""
    return Tensor(kernels.normal(_shape(shape, "normal"), _kernel_seed(seed), _value(mean),
                                 _value(stddev), _float(dtype), "normal"))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values redrawn beyond two deviations (TF's ``stateless_truncated_normal``)."""
    return Tensor(kernels.truncated_normal(_shape(shape, "truncated_normal"),
                                           _kernel_seed(seed), _value(mean), _value(stddev),
                                           _float(dtype), "truncated_normal"))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero a fraction ``rate`` of ``inputs`` and scale the rest by ``1 / (1 - rate)``
    (TF's ``stateless_dropout``: keep where a uniform draw is ``>= rate``)."""
    x = inputs if isinstance(inputs, Tensor) else Tensor(np.asarray(inputs))
    if rate == 1.0:
        return math.multiply(x, np.zeros((), x.data.dtype))
    if rate == 0.0:
        return x
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"keras.random.dropout: `rate` must be in [0, 1]; received {rate!r}.")
    shape = x.data.shape if noise_shape is None else tuple(
        x.data.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    dtype = x.data.dtype if x.data.dtype.kind == "f" else np.dtype(config.floatx())
    draws = kernels.uniform(shape, _kernel_seed(seed), 0.0, 1.0, dtype, "dropout")
    keep = draws >= np.asarray(rate, dtype)
    scale = np.asarray(1.0 / (1.0 - rate), dtype)
    return math.where(keep, math.multiply(x, scale), np.zeros((), x.data.dtype))


def shuffle(x, axis=0, seed=None):
    """``x`` permuted along ``axis`` by the order of uniform draws (TF backend, exact)."""
    value = _value(x)
    draws = kernels.uniform((value.shape[axis],), _kernel_seed(seed), 0.0, 1.0, np.float32,
                            "shuffle")
    return Tensor(np.take(value, np.argsort(draws, kind="stable"), axis=axis))


def _numpy_generator(seed):
    # seeded and repeatable, but not TF's kernels (see the module docstring)
    return np.random.default_rng(_kernel_seed(seed).astype(np.uint32).tolist())


def categorical(logits, num_samples, dtype="int64", seed=None):
    """``num_samples`` class indices per row of ``logits`` (unnormalized log-probabilities),
    as TF's multinomial kernel draws them: one float64 uniform (two samples) per draw, rows
    one after another in the stream, each the first class whose running sum of
    ``exp(logit - max)`` exceeds ``u * total``. (TF restarts the stream at each shard of a
    large batch, and its shards depend on the machine's threads; featherflow keeps one.)"""
    logits = _value(logits)
    if logits.ndim != 2:
        raise ValueError("keras.random.categorical: `logits` should be a 2-D tensor "
                         f"[batch, classes]; received shape {logits.shape}.")
    logits = logits.astype(np.float64)
    rows, count = logits.shape[0], int(num_samples)
    finite = np.isfinite(logits)
    peak = np.where(finite, logits, -np.inf).max(axis=1, keepdims=True) if logits.size \
        else np.zeros((rows, 1))
    cdf = np.cumsum(np.where(finite, np.exp(logits - peak), 0.0), axis=1)
    bits = kernels.sample_bits(_kernel_seed(seed), 2 * rows * count, "categorical")
    draws = kernels.unit_float64_pairs(bits).reshape(rows, count)
    picks = np.empty((rows, count), np.int64)
    for row in range(rows):
        picks[row] = np.searchsorted(cdf[row], draws[row] * cdf[row, -1], side="right")
    return Tensor(picks.astype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    """Gamma(``alpha``, 1) values (seeded; not TF's kernel)."""
    dtype = _float(dtype)
    return Tensor(_numpy_generator(seed).gamma(_value(alpha), 1.0, _shape(shape, "gamma"))
                  .astype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Binomial(``counts``, ``probabilities``) values (seeded; not TF's kernel)."""
    dtype = _float(dtype)
    return Tensor(_numpy_generator(seed).binomial(_value(counts), _value(probabilities),
                                                  _shape(shape, "binomial")).astype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Beta(``alpha``, ``beta``) values (seeded; not TF's kernel)."""
    dtype = _float(dtype)
    return Tensor(_numpy_generator(seed).beta(_value(alpha), _value(beta),
                                              _shape(shape, "beta")).astype(dtype))


__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]
