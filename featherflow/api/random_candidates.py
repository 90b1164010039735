"""TF's candidate samplers (``tf.random.uniform_candidate_sampler``,
``log_uniform_candidate_sampler``, ``all_candidate_sampler``) and ``compute_accidental_hits``,
as the word2vec and sampled-softmax tutorials use them, with TF's values.

Each call of a seeded sampler reads TF's kernel stream (featherflow/api/random.py: the global
and op seeds, one kernel per attribute set, ``2048 * num_sampled`` 32-bit samples reserved per
call) through TF's ``SimplePhilox``: the uniform sampler takes ``Rand64() % range_max`` (two
samples, the first as the high word), the log-uniform (Zipfian) sampler ``int(exp(u *
log1p(range_max))) - 1`` with ``u`` a double from two samples; ``unique=True`` redraws values
already picked and the expected counts become ``-expm1(num_tries * log1p(-p))`` (float32), as
in TF's ``RangeSampler``.

Example::

    >>> sampled, true_expected, sampled_expected = tf.random.log_uniform_candidate_sampler(
    ...     true_classes=[[3]], num_true=1, num_sampled=4, unique=True, range_max=100, seed=42)
"""

import collections

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import stateless_random
from featherflow.errors import InvalidArgumentError

__all__ = ["all_candidate_sampler", "compute_accidental_hits",
           "fixed_unigram_candidate_sampler", "log_uniform_candidate_sampler",
           "uniform_candidate_sampler"]

CandidateSamplerResult = collections.namedtuple(
    "CandidateSamplerResult", ["sampled_candidates", "true_expected_count",
                               "sampled_expected_count"])


class _SimplePhilox:
    """TF's ``SimplePhilox`` over a ``SingleSampleAdapter``: 32-bit samples in stream order."""

    def __init__(self, stream, reserve):
        self._stream = stream
        self._bits = np.empty(0, np.uint32)
        self._made = 0
        self._pos = 0
        self._chunk = max(64, min(int(reserve), 4096))

    def next32(self):
        if self._pos == len(self._bits):
            self._made += self._chunk
            self._bits = stateless_random.sample_bits(self._stream, self._made, "candidates")
        value = int(self._bits[self._pos])
        self._pos += 1
        return value

    def rand64(self):
        high = self.next32()
        return (high << 32) | self.next32()

    def rand_float(self):
        """TF's ``Uint32ToFloat``: 23 random mantissa bits as a float32 in [0, 1)."""
        bits = (self.next32() & 0x7FFFFF) | (127 << 23)
        return float(np.array([bits], np.uint32).view(np.float32)[0] - np.float32(1.0))

    def uniform(self, n):
        """TF's ``ExactUniformInt<uint32>``: a uniform integer in [0, n) by rejection."""
        reject_below = (0xFFFFFFFF % n + 1) % n
        while True:
            bits = self.next32()
            if bits >= reject_below:
                return bits % n

    def rand_double(self):
        x0, x1 = self.next32(), self.next32()
        mantissa = ((x0 & 0xFFFFF) << 32) | x1
        return float(np.array([mantissa | (1023 << 52)], np.uint64).view(np.float64)[0]) - 1.0


def _true_classes(true_classes, num_true, op):
    t = as_array(true_classes)
    if t.ndim != 2:
        raise InvalidArgumentError(f"{op}: true_classes must be a matrix [batch_size, num_true]; "
                                   f"received shape {list(t.shape)}.")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{op}: true_classes must be int64; received {t.dtype.name}.")
    if t.shape[1] != int(num_true):
        raise InvalidArgumentError(f"{op}: true_classes must have num_true columns, expected: "
                                   f"{t.shape[1]} was: {int(num_true)}")
    return t.astype(np.int64)


def _expected(p, batch_size, num_tries):
    p = np.float32(p)
    if num_tries == batch_size:
        return np.float32(p * np.float32(batch_size))
    return np.float32(-np.expm1(np.float32(num_tries) * np.log1p(-p)))


def _run(op, sample, probability, range_max, true_classes, num_true, num_sampled, unique,
         seed, attrs=()):
    from featherflow.api import random as tf_random

    num_sampled, range_max = int(num_sampled), int(range_max)
    if range_max <= 0:
        raise InvalidArgumentError(f"{op}: range_max must be positive; received {range_max}.")
    if num_sampled < 0:
        raise InvalidArgumentError(f"{op}: num_sampled must be non-negative; received "
                                   f"{num_sampled}.")
    t = _true_classes(true_classes, num_true, op)
    if unique and num_sampled > range_max:
        raise InvalidArgumentError(f"{op}: Sampler's range is too small: num_sampled="
                                   f"{num_sampled} unique values from range_max={range_max}.")
    if t.size and (t.min() < 0 or t.max() >= range_max):
        bad = int(t[(t < 0) | (t >= range_max)][0])
        raise InvalidArgumentError(f"{op}: `true_candidate` out of range [0, {range_max}), "
                                   f"received {bad}")
    samples32 = 2048 * num_sampled
    stream = tf_random._kernel_stream(op, (int(num_true), num_sampled, bool(unique), range_max)
                                      + tuple(attrs), seed, (samples32 + 3) // 4)
    rnd = _SimplePhilox(stream, samples32)
    picked = []
    if unique:
        used = set()
        tries = 0
        while len(picked) < num_sampled:
            tries += 1
            value = sample(rnd)
            if value not in used:
                used.add(value)
                picked.append(value)
    else:
        picked = [sample(rnd) for _ in range(num_sampled)]
        tries = num_sampled
    sampled_expected = np.array([_expected(probability(v), num_sampled, tries) for v in picked],
                                np.float32)
    true_expected = np.array([_expected(probability(int(v)), num_sampled, tries)
                              for v in t.reshape(-1)], np.float32).reshape(t.shape)
    return CandidateSamplerResult(Tensor(np.array(picked, np.int64)), Tensor(true_expected),
                                  Tensor(sampled_expected))


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """``num_sampled`` classes drawn uniformly from ``[0, range_max)``, with the expected
    counts of the true and sampled classes."""
    def sample(rnd):
        return rnd.rand64() % range_max

    return _run("UniformCandidateSampler", sample, lambda v: 1.0 / range_max, range_max,
                true_classes, num_true, num_sampled, unique, seed)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """``num_sampled`` classes drawn from the log-uniform (Zipfian) distribution over
    ``[0, range_max)``: ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``."""
    log_range = float(np.log1p(float(range_max)))

    def sample(rnd):
        return (int(np.exp(rnd.rand_double() * log_range)) - 1) % int(range_max)

    def probability(v):
        return float(np.log((v + 2.0) / (v + 1.0))) / log_range

    return _run("LogUniformCandidateSampler", sample, probability, range_max, true_classes,
                num_true, num_sampled, unique, seed)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Every class ``0 .. num_sampled - 1``, each with expected count 1."""
    t = _true_classes(true_classes, num_true, "AllCandidateSampler")
    n = int(num_sampled)
    if t.size and (t.min() < 0 or t.max() >= n):
        bad = int(t[(t < 0) | (t >= n)][0])
        raise InvalidArgumentError(f"AllCandidateSampler: `true_candidate` out of range [0, {n}), "
                                   f"received {bad}")
    return CandidateSamplerResult(Tensor(np.arange(n, dtype=np.int64)),
                                  Tensor(np.ones(t.shape, np.float32)),
                                  Tensor(np.ones(n, np.float32)))


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled candidate equals one of its row's true classes: ``(indices, ids,
    weights)`` with weights ``-FLT_MAX``, to mask those logits (TF's order)."""
    t = _true_classes(true_classes, num_true, "ComputeAccidentalHits")
    s = as_array(sampled_candidates).astype(np.int64)
    if s.ndim != 1:
        raise InvalidArgumentError("compute_accidental_hits: sampled_candidates must be a "
                                   f"vector; received shape {list(s.shape)}.")
    position = {int(v): i for i, v in enumerate(s)}
    indices, ids = [], []
    for i, row in enumerate(t):
        for value in row:
            if int(value) in position:
                indices.append(i)
                ids.append(position[int(value)])
    weights = np.full(len(indices), -np.finfo(np.float32).max, np.float32)
    return (Tensor(np.array(indices, np.int32)), Tensor(np.array(ids, np.int64)),
            Tensor(weights))


class _AliasTable:
    """TF's ``random::DistributionSampler`` (Walker's alias method, pairing the last short
    bucket with the last long one), sampled as TF samples it: a float, then a bucket."""

    def __init__(self, weights):
        n = len(weights)
        total = float(sum(float(w) for w in weights))
        pr = [float(w) * n / total for w in weights]
        alt = [-1] * n
        high = [i for i in range(n) if pr[i] >= 1.0]
        low = [i for i in range(n) if pr[i] < 1.0]
        while high and low:
            short, long_ = low.pop(), high.pop()
            alt[short] = long_
            pr[long_] = pr[long_] - (1.0 - pr[short])
            (low if pr[long_] < 1.0 else high).append(long_)
        prob = np.array(pr, np.float32)
        for i in high + low:
            prob[i] = 1.0
            alt[i] = i
        self.prob, self.alt, self.n = prob, alt, n

    def sample(self, rnd):
        r = np.float32(rnd.rand_float())
        idx = rnd.uniform(self.n)
        return idx if r < self.prob[idx] else self.alt[idx]


def _unigram_weights(op, range_max, vocab_file, distortion, num_reserved_ids, num_shards,
                     shard, unigrams):
    if num_shards < 1 or not 0 <= shard < num_shards:
        raise InvalidArgumentError(f"{op}: shard must be in [0, num_shards={num_shards}); "
                                   f"received {shard}")
    if vocab_file and len(unigrams):
        raise InvalidArgumentError(f"{op}: Must only specify one of vocab_file and unigrams.")
    weights = [0.0 for word in range(num_reserved_ids) if word % num_shards == shard]
    if vocab_file:
        values = []
        with open(vocab_file, encoding="utf-8") as f:
            for number, line in enumerate(f):
                line = line.rstrip("\n")
                if not line:
                    continue
                try:
                    values.append(float(line.split(",")[-1]))
                except ValueError:
                    raise InvalidArgumentError(
                        f"{op}: Wrong vocabulary format at line {number}: {line!r}; each line "
                        "must end with a comma and its count") from None
    elif len(unigrams):
        values = [float(u) for u in unigrams]
    else:
        raise InvalidArgumentError(f"{op}: Must provide either vocab_file or unigrams.")
    word = num_reserved_ids
    total = 0.0
    for value in values:
        if word % num_shards == shard:
            w = float(np.float32(np.power(np.float32(value), np.float32(distortion))))
            total += w
            weights.append(w)
        word += 1
    if len(weights) != range_max:
        raise InvalidArgumentError(f"{op}: range is {range_max} must be equal to weights size  "
                                   f"{len(weights)}")
    return weights, total


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None, name=None):
    """``num_sampled`` classes drawn from a fixed unigram distribution (``unigrams`` or the
    last column of each ``vocab_file`` line, raised to ``distortion``; ``num_reserved_ids``
    zero-weight ids first; one ``shard`` of ``num_shards``), with TF's draws for the same seeds
    (its alias-method sampler) and expected counts."""
    op = "FixedUnigramCandidateSampler"
    weights, total = _unigram_weights(op, int(range_max), vocab_file, distortion,
                                      int(num_reserved_ids), int(num_shards), int(shard),
                                      list(unigrams))
    table = _AliasTable(weights)

    def probability(v):
        return weights[v] / total if 0 <= v < len(weights) else 0.0

    return _run(op, table.sample, probability, range_max, true_classes, num_true, num_sampled,
                unique, seed, attrs=(str(vocab_file), float(distortion), int(num_reserved_ids),
                                     int(num_shards), int(shard),
                                     tuple(float(u) for u in unigrams)))
