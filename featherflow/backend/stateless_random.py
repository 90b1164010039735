"""TensorFlow's stateless random kernels (``tf.random.stateless_*``) on Philox, in NumPy.

A seed pair is mixed into a Philox key and counter as ``StatelessRandomGetKeyCounter`` does;
the kernels then read 32-bit samples block by block, as TF's CPU kernels do:

- uniform float32: the 23 low bits of one sample as a float in [1, 2), minus 1;
  float64: 52 bits from two samples; int32 / int64: one / two samples modulo the range;
- normal: Box-Muller on pairs of those floats (float32: one pair of samples for two values;
  float64: four samples for two values);
- truncated normal: each group of outputs (4 for float32, 2 for float64) starts 256 samples
  per output further in the stream and rejects values with ``|z| >= 2``, as TF's
  variable-samples kernel does.

Float32 results equal TF's bit for bit for uniform and within a float32 rounding (NumPy's and
glibc's ``log``/``sincos`` may differ in the last bit) for normal and truncated normal.

Example::

    >>> uniform((3,), (1, 2))          # tf.random.stateless_uniform([3], seed=[1, 2])
    array([...], dtype=float32)
"""

import numpy as np

from featherflow.backend.philox import philox_blocks

_MIXING_KEY = (0x3EC8F720, 0x02461E29)
_MASK64 = (1 << 64) - 1
_BOX_MULLER_EPSILON = {np.dtype(np.float32): np.float32(1e-7), np.dtype(np.float64): 1e-7}
_TRUNCATE = 2.0
# TF's FillPhiloxRandomTask for variable-sample distributions reserves this many samples
# per output value.
_RESERVED_SAMPLES_PER_OUTPUT = 256


class KeyCounter(tuple):
    """A Philox ``(key, counter)`` given directly instead of a seed pair: what TF's stateful
    kernels (``tf.random.uniform`` after ``set_seed``, ``tf.random.Generator``) read. Every
    sampler here accepts one in place of ``seed``.

    Example::

        >>> uniform((3,), KeyCounter(((1, 0), (0, 0, 7, 0))))
    """

    __slots__ = ()

    def __new__(cls, key, counter):
        return super().__new__(cls, (tuple(int(k) for k in key), tuple(int(c) for c in counter)))


def advance(counter, blocks):
    """A 128-bit Philox counter (four 32-bit words) moved ``blocks`` blocks forward."""
    low = (counter[0] | counter[1] << 32) + int(blocks)
    high = ((counter[2] | counter[3] << 32) + (low >> 64)) & _MASK64
    low &= _MASK64
    return (low & 0xFFFFFFFF, low >> 32, high & 0xFFFFFFFF, high >> 32)


def seed_pair(seed, op_name="stateless_uniform"):
    """A shape-[2] integer seed as two Python ints (as TF reads them: two's complement)."""
    pair = np.asarray(getattr(seed, "data", seed)).reshape(-1)
    if pair.size != 2 or pair.dtype.kind not in "iu":
        raise ValueError(f"{op_name}: 'seed' must be a shape [2] integer Tensor; received "
                         f"{np.asarray(getattr(seed, 'data', seed)).tolist()!r}.")
    return int(pair[0]) & _MASK64, int(pair[1]) & _MASK64


def key_counter(seed, op_name="stateless_uniform"):
    """The Philox key (two words) and counter (four words) TF derives from ``seed``."""
    if isinstance(seed, KeyCounter):
        return seed
    first, second = seed_pair(seed, op_name)
    mixed = philox_blocks(_MIXING_KEY, (first & 0xFFFFFFFF, first >> 32, second & 0xFFFFFFFF,
                                        second >> 32), 1)[0]
    return (int(mixed[0]), int(mixed[1])), (0, 0, int(mixed[2]), int(mixed[3]))


def sample_bits(seed, count, op_name="stateless_uniform", skip_blocks=0):
    """The first ``count`` uint32 samples (after ``skip_blocks`` Philox blocks)."""
    key, counter = key_counter(seed, op_name)
    low = counter[0] | counter[1] << 32
    low += skip_blocks
    high = (counter[2] | counter[3] << 32) + (low >> 64)
    low &= _MASK64
    start = (low & 0xFFFFFFFF, low >> 32, high & 0xFFFFFFFF, (high >> 32) & 0xFFFFFFFF)
    return philox_blocks(key, start, -(-int(count) // 4)).reshape(-1)[:count]


def unit_float32(bits):
    return ((bits & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - \
        np.float32(1)


def _unit_float64(high, low):
    mantissa = ((high & np.uint32(0xFFFFF)).astype(np.uint64) << np.uint64(32)) | \
        low.astype(np.uint64)
    return (mantissa | np.uint64(1023 << 52)).view(np.float64) - 1.0


def unit_float64_pairs(bits):
    """One float64 in [0, 1) per two samples (TF's ``Uint64ToDouble``)."""
    return _unit_float64(bits[0::2], bits[1::2])


def _size(shape):
    return int(np.prod(shape, dtype=np.int64)) if len(shape) else 1


def _float_dtype(dtype, op_name):
    dtype = np.dtype(dtype)
    if dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"{op_name}: dtype must be float16, float32 or float64; received "
                         f"{dtype.name}.")
    return dtype


def _unit_float16(bits):
    """TF's ``Uint16ToHalf``: the 10 low bits of a sample as a half in [1, 2), minus 1."""
    halves = ((bits & np.uint32(0x3FF)) | np.uint32(15 << 10)).astype(np.uint16)
    return halves.view(np.float16) - np.float16(1.0)


def unit_uniform(shape, seed, dtype=np.float32, op_name="stateless_uniform"):
    """Uniform values in [0, 1) of ``dtype`` (TF's ``StatelessRandomUniformV2``)."""
    dtype = _float_dtype(dtype, op_name)
    count = _size(shape)
    if dtype == np.float16:
        return _unit_float16(sample_bits(seed, count, op_name)).reshape(shape)
    if dtype == np.float32:
        return unit_float32(sample_bits(seed, count, op_name)).reshape(shape)
    bits = sample_bits(seed, 2 * count, op_name)
    return _unit_float64(bits[0::2], bits[1::2]).reshape(shape)


def uniform(shape, seed, minval=0.0, maxval=1.0, dtype=np.float32,
            op_name="stateless_uniform"):
    """``tf.random.stateless_uniform``: floats ``unit * (maxval - minval) + minval``; integers
    ``minval + sample % (maxval - minval)`` (both bounds required, as in TF)."""
    shape = tuple(int(s) for s in shape)
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        if dtype not in (np.int32, np.int64):
            raise ValueError(f"{op_name}: integer dtype must be int32 or int64; received "
                             f"{dtype.name}.")
        low, high = int(minval), int(maxval)
        if high <= low:
            raise ValueError(f"{op_name}: Need minval < maxval: {low} >= {high}")
        count = _size(shape)
        if dtype == np.int32:
            values = sample_bits(seed, count, op_name).astype(np.int64) % (high - low)
        else:
            bits = sample_bits(seed, 2 * count, op_name).astype(np.uint64)
            wide = bits[0::2] | (bits[1::2] << np.uint64(32))
            values = (wide % np.uint64(high - low)).astype(np.int64)
        return (values + low).astype(dtype).reshape(shape)
    unit = unit_uniform(shape, seed, dtype, op_name)
    low = np.asarray(minval, dtype)
    high = np.asarray(maxval, dtype)
    return (unit * (high - low) + low).astype(dtype)


def full_int(shape, seed, dtype, op_name="stateless_uniform"):
    """Integers over the dtype's whole range: one sample per 32-bit value, two (low word
    first) per 64-bit value, bit-cast (TF's ``UniformFullIntDistribution``)."""
    dtype = np.dtype(dtype)
    if dtype not in (np.int32, np.int64, np.uint32, np.uint64):
        raise ValueError(f"{op_name}: full-range integers need int32, int64, uint32 or uint64; "
                         f"received {dtype.name}.")
    count = _size(shape)
    if dtype.itemsize == 4:
        return sample_bits(seed, count, op_name).view(dtype).reshape(shape)
    bits = sample_bits(seed, 2 * count, op_name).astype(np.uint64)
    return (bits[0::2] | (bits[1::2] << np.uint64(32))).view(dtype).reshape(shape)


def _box_muller(u1, u2, dtype):
    u1 = np.maximum(u1, _BOX_MULLER_EPSILON[dtype])
    # TF multiplies by M_PI in double before storing the angle as a float.
    angle = (2.0 * np.pi * u2.astype(np.float64)).astype(dtype)
    radius = np.sqrt(dtype.type(-2.0) * np.log(u1))
    return np.sin(angle) * radius, np.cos(angle) * radius


def _normal_pairs(bits, dtype):
    """Standard normal values from a run of samples, two per Box-Muller step."""
    if dtype == np.float32:
        first, second = _box_muller(unit_float32(bits[0::2]), unit_float32(bits[1::2]),
                                    dtype)
    else:
        first, second = _box_muller(_unit_float64(bits[0::4], bits[1::4]),
                                    _unit_float64(bits[2::4], bits[3::4]), dtype)
    return np.stack([first, second], axis=-1).reshape(-1)


def standard_normal(shape, seed, dtype=np.float32, op_name="stateless_normal"):
    dtype = _float_dtype(dtype, op_name)
    if dtype == np.float16:  # TF draws halves as float32 Box-Muller values, then rounds
        return standard_normal(shape, seed, np.float32, op_name).astype(np.float16)
    count = _size(shape)
    per_value = 1 if dtype == np.float32 else 2
    bits = sample_bits(seed, per_value * (count + count % 2), op_name)
    return _normal_pairs(bits, dtype)[:count].reshape(shape)


def normal(shape, seed, mean=0.0, stddev=1.0, dtype=np.float32, op_name="stateless_normal"):
    """``tf.random.stateless_normal``: ``z * stddev + mean``."""
    dtype = _float_dtype(dtype, op_name)
    shape = tuple(int(s) for s in shape)
    z = standard_normal(shape, seed, dtype, op_name)
    return (z * np.asarray(stddev, dtype) + np.asarray(mean, dtype)).astype(dtype)


def _blocks_at(key, counter, offsets, width):
    """Philox blocks ``offsets[i] + j`` (``j < width``) past ``counter``, as ``(n, 4*width)``
    samples: the stretches of the stream the truncated-normal groups read.

    ``philox_blocks`` makes one contiguous run; these stretches are far apart, so the rounds
    run here on an array of counters (the same Philox4x32-10 rounds)."""
    low = np.uint64(counter[0] | counter[1] << 32)
    high = np.uint64(counter[2] | counter[3] << 32)
    steps = (np.asarray(offsets, np.uint64)[:, None] + np.arange(width, dtype=np.uint64)).ravel()
    low64 = low + steps
    # a carry into the high word when the low word wraps
    high64 = high + (low64 < steps).astype(np.uint64)
    mask = np.uint64(0xFFFFFFFF)
    shift = np.uint64(32)
    c0, c1, c2, c3 = low64 & mask, low64 >> shift, high64 & mask, high64 >> shift
    k0, k1 = int(key[0]), int(key[1])
    for round_index in range(10):
        product0 = np.uint64(0xD2511F53) * c0
        product1 = np.uint64(0xCD9E8D57) * c2
        c0, c1, c2, c3 = ((product1 >> shift) ^ c1 ^ np.uint64(k0), product1 & mask,
                          (product0 >> shift) ^ c3 ^ np.uint64(k1), product0 & mask)
        if round_index < 9:
            k0 = (k0 + 0x9E3779B9) & 0xFFFFFFFF
            k1 = (k1 + 0xBB67AE85) & 0xFFFFFFFF
    blocks = np.stack([c0, c1, c2, c3], axis=1).astype(np.uint32)
    return blocks.reshape(len(offsets), 4 * width)


def standard_truncated_normal(shape, seed, dtype=np.float32,
                              op_name="stateless_truncated_normal"):
    dtype = _float_dtype(dtype, op_name)
    if dtype == np.float16:
        return standard_truncated_normal(shape, seed, np.float32, op_name).astype(np.float16)
    count = _size(shape)
    group = 4 if dtype == np.float32 else 2
    skip_per_group = group * _RESERVED_SAMPLES_PER_OUTPUT // 4
    groups = -(-count // group)
    key, counter = key_counter(seed, op_name)
    out = np.empty((groups, group), dtype)
    pending = np.arange(groups)
    # Each group reads its own stretch of the stream. One block is enough for 83% (float32: 4
    # values, each kept with p=0.954) or 91% (float64: 2) of the groups; the others read a
    # stretch 4 times longer, and so on (measured: 3.4x faster than starting at 4 blocks).
    width = 1
    while pending.size:
        bits = _blocks_at(key, counter, pending * skip_per_group, width)
        values = _normal_pairs(bits.reshape(-1), dtype).reshape(len(pending), -1)
        accepted = np.abs(values) < _TRUNCATE
        rank = np.cumsum(accepted, axis=1)
        done = rank[:, -1] >= group
        # the first ``group`` accepted values of each finished row, in stream order
        keep = accepted[done] & (rank[done] <= group)
        out[pending[done]] = values[done][keep].reshape(-1, group)
        pending = pending[~done]
        width *= 4
        if width > skip_per_group:
            raise RuntimeError(f"{op_name}: no {group} values within two deviations in "
                               f"{skip_per_group} Philox blocks.")
    return out.reshape(-1)[:count].reshape(shape)


def truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=np.float32,
                     op_name="stateless_truncated_normal"):
    """``tf.random.stateless_truncated_normal``: values beyond two deviations redrawn."""
    dtype = _float_dtype(dtype, op_name)
    shape = tuple(int(s) for s in shape)
    z = standard_truncated_normal(shape, seed, dtype, op_name)
    return (z * np.asarray(stddev, dtype) + np.asarray(mean, dtype)).astype(dtype)
