"""``tf.random``: TensorFlow's random ops with TensorFlow's numbers.

The stateful ops (``normal``, ``uniform``, ``truncated_normal``, ``shuffle``,
``categorical``) follow TF 2.21 eager exactly: the global seed (``set_seed``) and the op seed
become the kernel's ``(seed, seed2)``, each op and seed pair keeps its own Philox stream
across calls (TF caches the kernel), and ``set_seed`` starts them all over; the values are
drawn from that stream with TF's CPU kernels' formulas. The ``stateless_*`` ops and
``tf.random.Generator`` (featherflow/api/random_generator.py) read Philox the same way, so a
program seeded as in TF draws TF's numbers (float32 uniform bit for bit, normal values to
within a float32 rounding).

Example::

    >>> tf.random.set_seed(1)
    >>> tf.random.uniform([2])      # TF 2.21 gives the same two numbers
"""

import secrets

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config, philox, random_samplers, stateless_random
from featherflow.data import seeds
from featherflow.errors import InvalidArgumentError
from featherflow.utils import random as random_utils
from featherflow.utils.random import clear_global_seed, set_random_seed

_RESERVED_BLOCKS_PER_OUTPUT = 256  # TF's GuardedPhiloxRandom::ReserveRandomOutputs(n, 256)


def _shape(shape):
    return tuple(int(s) for s in np.asarray(getattr(shape, "data", shape)).reshape(-1))


def _size(shape):
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


def _kernel_stream(op, attrs, seed, reserve_blocks):
    """The Philox stream one call of a stateful TF op reads, as TF eager gives it.

    ``get_seed`` turns the op seed and the global seed into the kernel's ``(seed, seed2)``
    attributes (taking a fresh op seed after ``set_seed`` when none is given); TF caches one
    kernel per op, attributes and seed pair, whose ``PhiloxRandom(seed, seed2)`` reserves
    ``reserve_blocks`` 128-bit blocks per call, so a second call with the same seeds continues
    the stream; ``set_seed`` clears the caches. ``(0, 0)`` (no seed at all) is fresh
    randomness."""
    first, second = seeds.get_seed(seed)
    if first is None or (first == 0 and second == 0):
        first, second = secrets.randbits(63), secrets.randbits(63)
        key, counter = philox.seeds_to_key_counter(first, second)
        return stateless_random.KeyCounter(key, counter)
    key, counter = philox.seeds_to_key_counter(first, second)
    cache_key = (op, attrs, first, second)
    offset = random_utils.KERNEL_OFFSETS.get(cache_key, 0)
    random_utils.KERNEL_OFFSETS[cache_key] = offset + int(reserve_blocks)
    return stateless_random.KeyCounter(key, stateless_random.advance(counter, offset))


def _dtype(dtype, default=None):
    return np.dtype(dtype if dtype is not None else (default or config.floatx_dtype()))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """``tf.random.normal``: TF's values for the same global and op seeds (Box-Muller on the
    kernel's Philox stream, ``z * stddev + mean``)."""
    shape, dt = _shape(shape), _dtype(dtype, np.float32)
    kc = _kernel_stream("RandomStandardNormal", dt.name, seed,
                        _size(shape) * _RESERVED_BLOCKS_PER_OUTPUT)
    z = stateless_random.standard_normal(shape, kc, dt, "random.normal")
    return Tensor((z * np.asarray(_value(stddev), dt) + np.asarray(_value(mean), dt)).astype(dt))


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """``tf.random.uniform``: floats ``unit * (maxval - minval) + minval``, integers
    ``minval + sample % (maxval - minval)`` (``maxval`` required), TF's values for the same
    seeds."""
    shape, dt = _shape(shape), _dtype(dtype, np.float32)
    count = _size(shape) * _RESERVED_BLOCKS_PER_OUTPUT
    if dt.kind in "iu":
        if maxval is None:
            raise ValueError(f"random.uniform: Must specify maxval for integer dtype {dt.name}.")
        kc = _kernel_stream("RandomUniformInt", dt.name, seed, count)
        return Tensor(stateless_random.uniform(shape, kc, _value(minval), _value(maxval), dt,
                                               "random.uniform"))
    kc = _kernel_stream("RandomUniform", dt.name, seed, count)
    hi = 1.0 if maxval is None else _value(maxval)
    return Tensor(stateless_random.uniform(shape, kc, _value(minval), hi, dt, "random.uniform"))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """``tf.random.truncated_normal``: normal values redrawn beyond two deviations, TF's
    values for the same seeds."""
    shape, dt = _shape(shape), _dtype(dtype, np.float32)
    kc = _kernel_stream("TruncatedNormal", dt.name, seed,
                        _size(shape) * _RESERVED_BLOCKS_PER_OUTPUT)
    z = stateless_random.standard_truncated_normal(shape, kc, dt, "random.truncated_normal")
    return Tensor((z * np.asarray(_value(stddev), dt) + np.asarray(_value(mean), dt)).astype(dt))


def _fisher_yates(n, samples):
    """TF's ``RandomShuffle``: for i = 0 .. n-2, swap i with ``i + sample % (n - i)``."""
    # the swaps depend on each other, so they run in order; on Python ints (a list), which is
    # ~5x faster than indexing a NumPy array element by element (60000 rows: ~12 ms)
    perm = list(range(n))
    draws = np.asarray(samples[:max(n - 1, 0)]).tolist()
    for i, sample in enumerate(draws):
        j = i + sample % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


def shuffle(value, seed=None, name=None):
    """``tf.random.shuffle``: the rows of ``value`` in TF's order for the same seeds."""
    a = np.asarray(_value(value))
    if a.ndim == 0:
        raise ValueError("random.shuffle: value must be at least 1-D; received a scalar.")
    n = a.shape[0]
    kc = _kernel_stream("RandomShuffle", a.dtype.name, seed, (n - 1 + 3) // 4)
    if n <= 1:
        return Tensor(a.copy())
    samples = stateless_random.sample_bits(kc, n - 1, "random.shuffle")
    return Tensor(a[_fisher_yates(n, samples)])


def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """``tf.random.experimental.stateless_shuffle``: the rows of ``value`` permuted as TF's
    ``StatelessShuffle`` kernel does for the shape-[2] ``seed`` (``RandomShuffle``'s swaps
    on the Philox stream the seed's key and counter start)."""
    _stateless_alg(alg, "stateless_shuffle")
    a = np.asarray(_value(value))
    if a.ndim == 0:
        raise ValueError("stateless_shuffle: value must be at least 1-D; received a scalar.")
    n = a.shape[0]
    if n <= 1:
        return Tensor(a.copy())
    samples = stateless_random.sample_bits(seed, n - 1, "stateless_shuffle")
    return Tensor(a[_fisher_yates(n, samples)])


def _unit_doubles(bits):
    """TF's ``Uint64ToDouble(x0, x1)``: 20 bits of x0 and 32 of x1 as a double in [0, 1)."""
    hi = (bits[0::2] & np.uint32(0xFFFFF)).astype(np.uint64)
    man = (hi << np.uint64(32)) | bits[1::2].astype(np.uint64)
    return (man | np.uint64(1023 << 52)).view(np.float64) - 1.0


def _multinomial(logits, num_samples, bits):
    """TF's CPU ``Multinomial``: per row an unnormalised CDF of exp(logit - max) over the
    finite logits (float64), and each sample the first class whose CDF exceeds u * total."""
    out = np.empty((logits.shape[0], num_samples), np.int64)
    u = _unit_doubles(bits).reshape(logits.shape[0], num_samples)
    for b, row in enumerate(logits.astype(np.float64)):
        finite = np.isfinite(row)
        top = row[finite].max() if finite.any() else np.finfo(np.float64).min
        with np.errstate(over="ignore", invalid="ignore"):
            weights = np.where(finite, np.exp(row - top), 0.0)
        cdf = np.cumsum(weights)
        out[b] = np.searchsorted(cdf, u[b] * cdf[-1], side="right")
    return out


def _check_logits(logits, num_samples, op):
    x = np.asarray(_value(logits))
    if x.ndim != 2:
        raise ValueError(f"{op}: logits must be 2-D [batch_size, num_classes]; received shape "
                         f"{list(x.shape)}.")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: logits must be floats; received {x.dtype.name}.")
    n = int(_value(num_samples))
    if n < 0:
        raise ValueError(f"{op}: num_samples must be non-negative; received {n}.")
    return x, n


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """``tf.random.categorical``: ``num_samples`` class indices per row of unnormalised
    log-probabilities, TF's values for the same seeds (int64 by default)."""
    x, n = _check_logits(logits, num_samples, "random.categorical")
    out_dtype = np.dtype(dtype or np.int64)
    # TF's CPU kernel reserves 256 blocks per sample rounded up to 4, twice (two samples
    # make each double)
    ceil4 = (n + 3) // 4 * 4 * 2
    kc = _kernel_stream("Multinomial", (x.dtype.name, out_dtype.name), seed,
                        x.shape[0] * ceil4 * _RESERVED_BLOCKS_PER_OUTPUT)
    bits = stateless_random.sample_bits(kc, 2 * n * x.shape[0], "random.categorical")
    return Tensor(_multinomial(x, n, bits).astype(out_dtype))


def _stateless_alg(alg, op_name):
    if alg not in ("auto_select", "philox", 1, 3, None):
        raise ValueError(f"{op_name}: featherflow runs the Philox algorithm only ('philox' or "
                         f"'auto_select'); received alg={alg!r}.")


def _value(x):
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype="float32", name=None,
                      alg="auto_select"):
    """TF's ``stateless_uniform``: the same values as TF for the same ``seed`` pair."""
    _stateless_alg(alg, "stateless_uniform")
    dt = np.dtype(dtype)
    if dt.kind in "iu" and maxval is None:
        if minval is not None:
            raise ValueError(f"stateless_uniform: integer dtypes need both minval and maxval, "
                             f"or both None for the full range; received minval={minval!r} "
                             "and maxval=None.")
        return Tensor(stateless_random.full_int(_shape(shape), seed, dt, "stateless_uniform"))
    hi = 1 if maxval is None else _value(maxval)
    return Tensor(stateless_random.uniform(_shape(shape), seed, _value(minval), hi, dt))


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None,
                     alg="auto_select"):
    """TF's ``stateless_normal`` (Box-Muller on Philox; float32 to within rounding)."""
    _stateless_alg(alg, "stateless_normal")
    return Tensor(stateless_random.normal(_shape(shape), seed, _value(mean), _value(stddev),
                                          dtype))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None,
                               alg="auto_select"):
    """TF's ``stateless_truncated_normal`` (redrawn beyond two deviations, TF's groups)."""
    _stateless_alg(alg, "stateless_truncated_normal")
    return Tensor(stateless_random.truncated_normal(_shape(shape), seed, _value(mean),
                                                    _value(stddev), dtype))


def set_seed(seed):
    """Set the global seed (``tf.random.set_seed``); ``None`` clears it."""
    if seed is None:
        clear_global_seed()
    else:
        set_random_seed(seed)


def _samples_per_param(shape, param_shape, op):
    """How many draws per parameter a stateless sampler's full ``shape`` asks for."""
    if len(param_shape) > len(shape) or \
            tuple(shape[len(shape) - len(param_shape):]) != tuple(param_shape):
        raise InvalidArgumentError(f"{op}: Shape passed in must end with broadcasted shape: "
                                   f"shape {list(shape)}, parameters {list(param_shape)}.")
    return _size(shape[:len(shape) - len(param_shape)])


def _gamma_params(alpha, beta, dtype, op):
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"{op}: dtype must be a float type; received {dt.name}.")
    a = np.asarray(_value(alpha), dt)
    b = np.asarray(_value(beta if beta is not None else 1), dt)
    shape = np.broadcast_shapes(a.shape, b.shape)
    return dt, np.broadcast_to(a, shape), b


def gamma(shape, alpha, beta=None, dtype="float32", seed=None, name=None):
    """``tf.random.gamma``: ``shape + alpha.shape`` draws of Gamma(alpha, rate beta), TF's
    values for the same seeds (Marsaglia-Tsang on TF's per-output Philox stretches)."""
    shape = _shape(shape)
    dt, a, b = _gamma_params(alpha, beta, dtype, "random.gamma")
    n = _size(shape)
    key, counter = _kernel_stream("RandomGamma", dt.name, seed,
                                  n * a.size * _RESERVED_BLOCKS_PER_OUTPUT)
    draws = random_samplers.gamma(n, a, key, counter).astype(dt).reshape(shape + a.shape)
    return Tensor(np.maximum(np.finfo(dt).tiny, draws / b).astype(dt))


def stateless_gamma(shape, seed, alpha, beta=None, dtype="float32", name=None):
    """``tf.random.stateless_gamma`` (``shape`` is the whole output, ending with alpha's)."""
    shape = _shape(shape)
    dt, a, b = _gamma_params(alpha, beta, dtype, "random.stateless_gamma")
    n = _samples_per_param(shape, a.shape, "random.stateless_gamma")
    key, counter = stateless_random.key_counter(seed, "stateless_gamma")
    draws = random_samplers.gamma(n, a, key, counter).astype(dt).reshape(shape)
    return Tensor(np.maximum(np.finfo(dt).tiny, draws / b).astype(dt))


def _rates(lam, op):
    r = np.asarray(_value(lam))
    if r.dtype.kind in "iub":
        r = r.astype(np.float32) if r.dtype.kind == "b" else r
    if r.dtype.kind not in "fiu":
        raise TypeError(f"{op}: lam must be numbers; received {r.dtype.name}.")
    return r.astype(np.float32) if r.dtype.kind == "f" and r.dtype != np.float64 and \
        r.dtype != np.float16 else r


def poisson(shape, lam, dtype="float32", seed=None, name=None):
    """``tf.random.poisson`` (TF 2's argument order: ``shape``, then ``lam``): ``shape +
    lam.shape`` Poisson draws, TF's values for the same seeds (Knuth below rate 10, Hormann's
    transformed rejection from 10)."""
    shape = _shape(shape)
    rates = _rates(lam, "random.poisson")
    dt = np.dtype(dtype)
    n = _size(shape)
    key, counter = _kernel_stream("RandomPoissonV2", (rates.dtype.name, dt.name), seed,
                                  n * rates.size * _RESERVED_BLOCKS_PER_OUTPUT)
    return Tensor(random_samplers.poisson(n, rates, key, counter).reshape(shape + rates.shape)
                  .astype(dt))


def stateless_poisson(shape, seed, lam, dtype="int32", name=None):
    """``tf.random.stateless_poisson`` (``shape`` is the whole output, ending with lam's)."""
    shape = _shape(shape)
    rates = _rates(lam, "random.stateless_poisson")
    n = _samples_per_param(shape, rates.shape, "random.stateless_poisson")
    key, counter = stateless_random.key_counter(seed, "stateless_poisson")
    return Tensor(random_samplers.poisson(n, rates, key, counter).reshape(shape)
                  .astype(np.dtype(dtype)))


def _binomial_params(shape, counts, probs, op):
    n = np.asarray(_value(counts))
    p = np.asarray(_value(probs))
    n = n.astype(np.float32) if n.dtype.kind in "iub" else n
    p = p.astype(np.float32) if p.dtype.kind in "iub" else p
    params = np.broadcast_shapes(n.shape, p.shape)
    samples = _samples_per_param(shape, params, op)
    return np.broadcast_to(n, params), np.broadcast_to(p, params), samples


def stateless_binomial(shape, seed, counts, probs, output_dtype="int32", name=None):
    """``tf.random.stateless_binomial``: Binomial(counts, probs) draws (``shape`` is the whole
    output, ending with the parameters' broadcast shape), TF's inversion / BTRS kernel."""
    shape = _shape(shape)
    n, p, samples = _binomial_params(shape, counts, probs, "random.stateless_binomial")
    key, counter = stateless_random.key_counter(seed, "stateless_binomial")
    return Tensor(random_samplers.binomial(samples, n, p, key, counter).reshape(shape)
                  .astype(np.dtype(output_dtype)))


def stateless_categorical(logits, num_samples, seed, dtype="int64", name=None):
    """``tf.random.stateless_categorical``: TF's Multinomial sampling on the stateless
    Philox stream of ``seed``."""
    x, n = _check_logits(logits, num_samples, "random.stateless_categorical")
    bits = stateless_random.sample_bits(seed, 2 * n * x.shape[0], "stateless_categorical")
    return Tensor(_multinomial(x, n, bits).astype(np.dtype(dtype)))


from featherflow.api.random_candidates import (  # noqa: E402 - the candidate samplers
    all_candidate_sampler,
    fixed_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from featherflow.api.random_extra import (  # noqa: E402 - the learned sampler, parameterized TN
    learned_unigram_candidate_sampler,
    stateless_parameterized_truncated_normal,
)
from featherflow.api.random_generator import (  # noqa: E402 - the Generator half of tf.random
    Algorithm,
    Generator,
    create_rng_state,
    fold_in,
    get_global_generator,
    set_global_generator,
    split,
)

__all__ = [
    "Algorithm", "Generator", "all_candidate_sampler", "categorical", "create_rng_state",
    "fixed_unigram_candidate_sampler", "fold_in", "gamma", "get_global_generator",
    "learned_unigram_candidate_sampler", "log_uniform_candidate_sampler", "normal", "poisson",
    "set_global_generator", "set_seed", "shuffle", "split", "stateless_binomial",
    "stateless_categorical", "stateless_gamma", "stateless_normal",
    "stateless_parameterized_truncated_normal", "stateless_poisson", "stateless_truncated_normal",
    "stateless_uniform", "truncated_normal", "uniform", "uniform_candidate_sampler",
]

# tf.random.experimental (its module imports the functions above)
from featherflow.api import random_experimental as experimental  # noqa: E402
