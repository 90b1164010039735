"""TensorFlow's gamma and Poisson samplers (``RandomGamma``, ``RandomPoissonV2`` and their
stateless versions) on a Philox stream, in NumPy, value for value.

Each output ``i`` (counted rate-major: all samples of the first rate, then the second...)
reads its own stretch of the stream starting 256 Philox blocks per output further on, as
TF's kernels do so results do not depend on sharding; within it, each normal draw takes one
block for two doubles (Box-Muller on 64-bit uniforms) and each uniform draw one block for two
doubles, the pair read from its second value down, as TF's ``*_remaining`` counters do.

- gamma: ``alpha == 1``: ``-log1p(-u)``; otherwise Marsaglia and Tsang's transformation-
  rejection (``d = alpha - 1/3``, or ``alpha + 2/3`` times ``b^(1/alpha)`` below 1).
- Poisson: Knuth's product of uniforms below rate 10, Hormann's transformed rejection
  (PTRS) from 10 up; infinite rates give infinity.
"""

import math

import numpy as np

from featherflow.backend.stateless_random import _blocks_at, _unit_float64

_RESERVED_BLOCKS = 256


class _Stream:
    """The blocks one output reads: ``width`` blocks made at a time, more on demand."""

    __slots__ = ("key", "counter", "offset", "blocks", "position")

    def __init__(self, key, counter, offset, blocks):
        self.key, self.counter, self.offset = key, counter, offset
        self.blocks, self.position = blocks, 0

    def block(self):
        if self.position == len(self.blocks):
            more = _blocks_at(self.key, self.counter, [self.offset + self.position],
                              max(8, len(self.blocks)))
            self.blocks = np.concatenate([self.blocks, more.reshape(-1, 4)])
        b = self.blocks[self.position]
        self.position += 1
        return b


def _uniform_pair(b):
    return _unit_float64(b[0::2], b[1::2])


def _normal_pair(b):
    u1 = max(float(_unit_float64(b[0:1], b[1:2])[0]), 1.0e-7)
    v1 = 2.0 * math.pi * float(_unit_float64(b[2:3], b[3:4])[0])
    r = math.sqrt(-2.0 * math.log(u1))
    return math.sin(v1) * r, math.cos(v1) * r


class _Draws:
    """TF's UNIFORM / normal draws over one output's stream (each pair read last first)."""

    __slots__ = ("stream", "normals", "uniforms")

    def __init__(self, stream):
        self.stream = stream
        self.normals = []
        self.uniforms = []

    def uniform(self):
        if not self.uniforms:
            self.uniforms = [float(v) for v in _uniform_pair(self.stream.block())]
        return self.uniforms.pop()

    def normal(self):
        if not self.normals:
            self.normals = list(_normal_pair(self.stream.block()))
        return self.normals.pop()


def _streams(key, counter, outputs, width=4):
    """One :class:`_Draws` per output index, the first ``width`` blocks made at once."""
    offsets = np.asarray(outputs, np.int64) * _RESERVED_BLOCKS
    first = _blocks_at(key, counter, offsets, width).reshape(len(offsets), width, 4)
    return [_Draws(_Stream(key, counter, int(o), first[i])) for i, o in enumerate(offsets)]


def _gamma_one(alpha, draws):
    if alpha == 1.0:
        return -math.log1p(-draws.uniform())
    below_one = alpha < 1
    d = alpha + (2.0 / 3 if below_one else -1.0 / 3)
    c = 1.0 / 3 / math.sqrt(d)
    while True:
        x = draws.normal()
        v = 1 + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = draws.uniform()
        if u < 1 - 0.0331 * (x * x) * (x * x) or math.log(u) < 0.5 * x * x + d * (
                1 - v + math.log(v)):
            res = d * v
            if below_one:
                res *= draws.uniform() ** (1 / alpha)
            return res


def gamma(num_samples, alpha, key, counter):
    """``num_samples`` draws per entry of ``alpha`` (float64 array): shape
    ``(num_samples,) + alpha.shape``, float64."""
    flat = np.asarray(alpha, np.float64).reshape(-1)
    out = np.empty((num_samples, flat.size), np.float64)
    draws = _streams(key, counter, range(num_samples * flat.size))
    for index, d in enumerate(draws):
        a, s = divmod(index, num_samples)
        out[s, a] = _gamma_one(float(flat[a]), d) if flat[a] > 0 else math.nan
    return out.reshape((num_samples,) + np.shape(alpha))


def _poisson_one(rate, draws):
    if rate < 10:
        limit = math.exp(-rate)
        prod, x = 1.0, 0.0
        while True:
            prod *= draws.uniform()
            if prod <= limit:
                return x
            x += 1
    if math.isinf(rate):
        return math.inf
    log_rate = math.log(rate)
    b = 0.931 + 2.53 * math.sqrt(rate)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    while True:
        u = draws.uniform() - 0.5
        v = draws.uniform()
        u_shifted = 0.5 - abs(u)
        k = math.floor((2 * a / u_shifted + b) * u + rate + 0.43)
        if k < 0:
            continue
        if u_shifted >= 0.07 and v <= 0.9277 - 3.6224 / (b - 2):
            return float(k)
        if u_shifted < 0.013 and v > u_shifted:
            continue
        s = math.log(v * inv_alpha / (a / (u_shifted * u_shifted) + b))
        t = -rate + k * log_rate - math.lgamma(k + 1)
        if s <= t:
            return float(k)


def poisson(num_samples, rate, key, counter):
    """``num_samples`` Poisson draws per entry of ``rate``: shape
    ``(num_samples,) + rate.shape``, float64 (the caller casts)."""
    flat = np.asarray(rate, np.float64).reshape(-1)
    out = np.empty((num_samples, flat.size), np.float64)
    draws = _streams(key, counter, range(num_samples * flat.size))
    for index, d in enumerate(draws):
        r, s = divmod(index, num_samples)
        out[s, r] = _poisson_one(float(flat[r]), d) if flat[r] >= 0 else math.nan
    return out.reshape((num_samples,) + np.shape(rate))


# -- binomial (TF's RandomBinomial / StatelessRandomBinomial) -----------------------------------
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _stirling_tail(k):
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _binomial_inversion(count, prob, draws):
    geom_sum, num_geom = 0.0, 0
    denominator = math.log1p(-prob)
    while True:
        geom = math.ceil(math.log(draws.uniform()) / denominator)
        geom_sum += geom
        if geom_sum > count:
            return float(num_geom)
        num_geom += 1


def _btrs(count, prob, draws):
    """Hormann's transformed rejection (BTRS), as TF writes it."""
    stddev = math.sqrt(count * prob * (1 - prob))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor((count + 1) * prob)
    while True:
        u = draws.uniform()
        v = draws.uniform()
        u = u - 0.5
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if us >= 0.07 and v <= v_r:
            return float(k)
        if k < 0 or k > count:
            continue
        v = math.log(v * alpha / (a / (us * us) + b))
        upper = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + (count + 1) * math.log((count - m + 1) / (count - k + 1))
                 + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k)
                 - _stirling_tail(count - k))
        if v <= upper:
            return float(k)


def _binomial_one(count, prob, dt, key, counter, index):
    """One draw for output ``index``. The choice between inversion and BTRS (``count * p >=
    10``) and ``q = 1 - prob`` are computed in the parameters' dtype ``dt``, and BTRS reads
    256 blocks per output where inversion reserves 42, as TF's kernel does."""
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if not prob <= 0.5 and not prob > 0.5:
        return math.nan
    flip = prob > 0.5
    p = float(dt.type(1) - dt.type(prob)) if flip else prob
    use_btrs = dt.type(count) * dt.type(p) >= 10
    stride = _RESERVED_BLOCKS if use_btrs else 42
    draws = _Draws(_Stream(key, counter, index * stride,
                           _blocks_at(key, counter, [index * stride], 4).reshape(-1, 4)))
    k = _btrs(count, p, draws) if use_btrs else _binomial_inversion(count, p, draws)
    return count - k if flip else k


def binomial(num_samples, counts, probs, key, counter):
    """``num_samples`` binomial draws per entry of the (broadcast) ``counts`` and ``probs``:
    shape ``(num_samples,) + params.shape``, float64."""
    counts, probs = np.broadcast_arrays(np.asarray(counts), np.asarray(probs))
    dt = np.result_type(counts.dtype, probs.dtype)
    dt = dt if dt.kind == "f" else np.dtype(np.float64)
    flat_n = counts.astype(dt).reshape(-1)
    flat_p = probs.astype(dt).reshape(-1)
    out = np.empty((num_samples, flat_n.size), np.float64)
    for index in range(num_samples * flat_n.size):
        b, s = divmod(index, num_samples)
        out[s, b] = _binomial_one(float(flat_n[b]), float(flat_p[b]), dt, key, counter, index)
    return out.reshape((num_samples,) + counts.shape)
