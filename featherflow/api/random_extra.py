"""``tf.random.learned_unigram_candidate_sampler`` (also ``tf.nn``'s) and
``tf.random.stateless_parameterized_truncated_normal``, with TensorFlow 2.21's numbers.

The learned unigram sampler is TF's ``UnigramSampler``: every class starts with weight 1, a
draw is a uniform integer below the total weight (``UnbiasedUniform``, the same rejection as
``ExactUniformInt``) looked up in the cumulative weights, and after each call the kernel adds 1
to the weight of every true class, so later calls favour the classes seen. TF keeps that
state in the op's cached kernel, one per attribute set and seed pair (also the unseeded
``(0, 0)`` pair), until ``tf.random.set_seed``; featherflow keeps it in the same place as the
kernels' stream offsets.

The parameterized truncated normal runs TF's ``TruncatedNormalFunctorV2`` on the stateless
Philox stream: per batch of parameters, normal rejection when the bounds hold the mean and
1.3 deviations on one side, uniform rejection when the interval is narrow, Robert's
exponential rejection otherwise; every step in the output dtype.

Example::

    >>> tf.random.stateless_parameterized_truncated_normal([2, 3], seed=[1, 2], means=[0.0, 5.0,
    ...     -1.0], minvals=-1.0, maxvals=[1.0, 6.0, 0.0])
"""

import numpy as np

from featherflow.api import random_candidates
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import stateless_random
from featherflow.backend.philox import philox_blocks
from featherflow.data import seeds
from featherflow.errors import InvalidArgumentError
from featherflow.utils import random as random_utils

__all__ = ["learned_unigram_candidate_sampler", "stateless_parameterized_truncated_normal"]

_LEARNED = "LearnedUnigramCandidateSampler"
_INT32_MAX = 2**31 - 1


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                      seed=None, name=None):
    """``num_sampled`` classes drawn from the unigram distribution of the true classes seen so
    far by this sampler (every class starting at count 1), with the expected counts; TF's
    draws for the same seeds."""
    range_max = int(range_max)
    if range_max >= _INT32_MAX:
        raise InvalidArgumentError(f"{_LEARNED}: range_max must be less than {_INT32_MAX} for "
                                   f"unigram samplers, got {range_max}")
    first, second = seeds.get_seed(seed)
    # the op seed get_seed settled on, so the stream below is the one these weights belong to
    op_seed = None if first is None else second
    state_key = ("learned-unigram-weights", int(num_true), int(num_sampled), bool(unique),
                 range_max, first or 0, second or 0)
    weights = random_utils.KERNEL_OFFSETS.get(state_key)
    if weights is None:
        weights = np.ones(max(range_max, 0), np.int64)
    cumulative = np.cumsum(weights)
    total = int(cumulative[-1]) if len(cumulative) else 0

    def sample(rnd):
        return int(np.searchsorted(cumulative, rnd.uniform(total), side="right"))

    def probability(value):
        return float(np.float32(weights[value]) / np.float32(total))

    result = random_candidates._run(_LEARNED, sample, probability, range_max, true_classes,
                                    num_true, num_sampled, unique, op_seed)
    # the kernel learns from the true classes after sampling, up to int32's total weight
    learned = weights.copy()
    seen = np.asarray(as_array(true_classes)).reshape(-1).astype(np.int64)
    seen = seen[:max(0, min(len(seen), _INT32_MAX - total))]
    np.add.at(learned, seen, 1)
    random_utils.KERNEL_OFFSETS[state_key] = learned
    return result


class _Blocks:
    """Philox blocks (four uint32 samples each) read in order from a stateless seed."""

    def __init__(self, seed, op_name):
        self.key, counter = stateless_random.key_counter(seed, op_name)
        self.counter = counter
        self.buffer, self.pos = np.empty((0, 4), np.uint32), 0

    def next(self):
        if self.pos == len(self.buffer):
            self.buffer = philox_blocks(self.key, self.counter, 64)
            self.counter = stateless_random.advance(self.counter, 64)
            self.pos = 0
        block = self.buffer[self.pos]
        self.pos += 1
        return block


def _uniform(block, dtype):
    """TF's ``UniformDistribution`` on one block: 4 values (float16/32) or 2 (float64)."""
    if dtype == np.float16:
        return stateless_random._unit_float16(block)
    if dtype == np.float32:
        return stateless_random.unit_float32(block)
    return stateless_random.unit_float64_pairs(block)


def _normal(block, dtype):
    """TF's ``NormalDistribution`` on one block: Box-Muller, 4 values (float16 rounded from
    float32) or 2 (float64)."""
    if dtype == np.float16:
        return stateless_random._normal_pairs(block, np.dtype(np.float32)).astype(np.float16)
    return stateless_random._normal_pairs(block, dtype)


def _sample_batch(blocks, count, mean, stddev, minval, maxval, dtype):
    """``count`` samples of one parameter set, TF's three rejection samplers in ``dtype``."""
    t = dtype.type
    if not (stddev > 0 and minval < maxval and (np.isfinite(minval) or np.isfinite(maxval))):
        raise InvalidArgumentError(
            "stateless_parameterized_truncated_normal: Invalid parameters: every stddev must be "
            "> 0 and every minval < maxval, with at least one of them finite; received mean="
            f"{mean}, stddev={stddev}, minval={minval}, maxval={maxval}.")
    if (np.isinf(minval) and minval < 0) or maxval < mean:
        minval, maxval, stddev = maxval, minval, -stddev
    with np.errstate(all="ignore"):
        norm_min = t((minval - mean) / stddev)
        norm_max = t((maxval - mean) / stddev)
        sqrt_factor = np.sqrt(norm_min * norm_min + t(4))
        cutoff = t(2) * np.exp(t(0.5) + norm_min * (norm_min - sqrt_factor) / t(4)) / (
            norm_min + sqrt_factor)
        diff = t(norm_max - norm_min)
    out = []
    inside = t(1.3)
    with np.errstate(all="ignore"):
        if (norm_min < -inside and norm_max >= 0) or (norm_max > inside and norm_min <= 0):
            while len(out) < count:
                for z in _normal(blocks.next(), dtype):
                    if norm_min <= z <= norm_max:
                        out.append(t(z * stddev + mean))
                        if len(out) >= count:
                            break
        elif diff < cutoff:
            plus = t(0) if norm_min < 0 else t(norm_min * norm_min)
            while len(out) < count:
                z = (_uniform(blocks.next(), dtype) * diff + norm_min).astype(dtype)
                g = ((plus - z * z) / t(2)).astype(dtype)
                u = _uniform(blocks.next(), dtype)
                for zi, gi, ui in zip(z, g, u):
                    if ui <= np.exp(gi):
                        out.append(t(zi * stddev + mean))
                        if len(out) >= count:
                            break
        else:
            alpha = t((norm_min + np.sqrt(norm_min * norm_min + t(4))) / t(2))
            while len(out) < count:
                rand = _uniform(blocks.next(), dtype)
                for i in range(0, len(rand) - 1, 2):
                    z = t(-np.log(rand[i]) / alpha + norm_min)
                    x = t(alpha - z) if norm_min < alpha else t(norm_min - alpha)
                    g = np.exp(t(-x * x / t(2)))
                    if rand[i + 1] <= g and z < norm_max:
                        out.append(t(z * stddev + mean))
                        if len(out) >= count:
                            break
    return out


def _convert(value):
    """``tf.convert_to_tensor``'s dtype: arrays and tensors keep theirs, Python floats become
    float32 and Python ints int32."""
    if isinstance(value, (Tensor, np.ndarray, np.generic)):
        return np.asarray(as_array(value))
    array = np.asarray(value)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    return array.astype(np.int32) if array.dtype.kind in "iub" else array


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0,
                                             maxvals=2.0, name=None):
    """Normal values with the given ``means`` and ``stddevs`` truncated to ``[minvals,
    maxvals]``; the parameters broadcast against the trailing dimensions of ``shape``, the
    leading ones are independent samples. TF's values for the same ``seed``."""
    op = "stateless_parameterized_truncated_normal"
    params = [_convert(v) for v in (means, stddevs, minvals, maxvals)]
    dtype = params[0].dtype
    names = ("means", "stddevs", "minvals", "maxvals")
    for label, p in zip(names, params):
        if p.dtype != dtype:
            raise InvalidArgumentError(
                f"{op}: means, stddevs, minvals and maxvals must have one float dtype (the "
                f"output's, means' {dtype.name}); received {label} of {p.dtype.name}.")
    if dtype not in (np.float16, np.float32, np.float64):
        raise InvalidArgumentError(f"{op}: the parameters must be float16, float32 or "
                                   f"float64; received {dtype.name}.")
    out_shape = tuple(int(s) for s in np.asarray(as_array(shape)).reshape(-1))
    try:
        batch_shape = np.broadcast_shapes(*(p.shape for p in params))
    except ValueError:
        raise InvalidArgumentError(
            f"{op}: means, stddevs, minvals, maxvals must have compatible batch dimensions: "
            + " vs. ".join(str(list(p.shape)) for p in params)) from None
    if len(batch_shape) > len(out_shape) or (
            batch_shape and out_shape[len(out_shape) - len(batch_shape):] != batch_shape):
        raise InvalidArgumentError(
            f"{op}: Shape passed in must end with broadcasted shape: shape {list(out_shape)}, "
            f"parameters broadcast to {list(batch_shape)}.")
    flat = [np.broadcast_to(p, batch_shape).reshape(-1) for p in params]
    num_batches = int(np.prod(batch_shape, dtype=np.int64)) if batch_shape else 1
    samples = int(np.prod(out_shape[:len(out_shape) - len(batch_shape)], dtype=np.int64))
    output = np.empty((samples, num_batches), dtype)
    blocks = _Blocks(seed, op)
    if samples:
        for b in range(num_batches):
            output[:, b] = _sample_batch(blocks, samples, *(f[b] for f in flat), dtype)
    return Tensor(output.reshape(out_shape))
