"""Philox4x32-10, the counter-based generator behind TensorFlow's random ops and tf.data shuffle.

Philox (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11) maps a 128-bit
counter and a 64-bit key to four 32-bit words in ten rounds. Because each block depends only on
(key, counter), a whole run of blocks is computed at once with NumPy; that is what makes a
pure-Python shuffle buffer affordable.

TensorFlow seeds it from two 64-bit integers: ``seed`` becomes the key (low word first) and
``seed2`` the upper half of the counter, whose lower half starts at zero. A stream of single
32-bit samples reads the four words of each block in order (TF's ``SingleSampleAdapter``).

Example::

    >>> stream = PhiloxStream(seed=42, seed2=7)
    >>> stream.take(3)          # three uint32 samples, the same TF's kernels draw
    array([...], dtype=uint32)
"""

import numpy as np

_MULTIPLIERS = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_KEY_INCREMENTS = (0x9E3779B9, 0xBB67AE85)
_ROUNDS = 10
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
_MASK64 = (1 << 64) - 1


def _philox_python(key, counter):
    """One Philox4x32-10 block with Python integers (a single block is faster this way than
    through NumPy's per-call overhead: TF's stateless kernels mix every seed with one)."""
    c0, c1, c2, c3 = (int(c) & 0xFFFFFFFF for c in counter)
    k0, k1 = int(key[0]) & 0xFFFFFFFF, int(key[1]) & 0xFFFFFFFF
    for round_index in range(_ROUNDS):
        product0 = 0xD2511F53 * c0
        product1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((product1 >> 32) ^ c1 ^ k0, product1 & 0xFFFFFFFF,
                          (product0 >> 32) ^ c3 ^ k1, product0 & 0xFFFFFFFF)
        if round_index < _ROUNDS - 1:
            k0 = (k0 + _KEY_INCREMENTS[0]) & 0xFFFFFFFF
            k1 = (k1 + _KEY_INCREMENTS[1]) & 0xFFFFFFFF
    return np.array([[c0, c1, c2, c3]], dtype=np.uint32)


def philox_blocks(key, counter, count):
    """``count`` Philox4x32-10 output blocks for counters ``counter``, ``counter + 1``, ...

    ``key`` is two 32-bit words, ``counter`` four (least significant first). Returns a
    ``(count, 4)`` uint32 array; block ``i`` is the generator's output for ``counter + i``.
    """
    count = int(count)
    if count == 1:
        return _philox_python(key, counter)
    start_low = int(counter[0]) | int(counter[1]) << 32
    start_high = int(counter[2]) | int(counter[3]) << 32
    if start_low + count - 1 <= _MASK64:
        # The common case: the low 64 bits do not wrap inside this run.
        low64 = np.uint64(start_low) + np.arange(count, dtype=np.uint64)
        high64 = np.full(count, start_high, dtype=np.uint64)
    else:
        # A carry from the low into the high half (only reachable with a chosen counter).
        values = [start_low + i for i in range(count)]
        low64 = np.array([v & _MASK64 for v in values], dtype=np.uint64)
        high64 = np.array([(start_high + (v >> 64)) & _MASK64 for v in values], dtype=np.uint64)
    # the rounds in place on four word arrays and two product arrays (no temporaries)
    c0 = low64 & _LOW32
    c1 = low64 >> _SHIFT32
    c2 = high64 & _LOW32
    c3 = high64 >> _SHIFT32
    p0 = np.empty(count, dtype=np.uint64)
    p1 = np.empty(count, dtype=np.uint64)
    k0 = int(key[0]) & 0xFFFFFFFF
    k1 = int(key[1]) & 0xFFFFFFFF
    m0, m1 = _MULTIPLIERS
    for round_index in range(_ROUNDS):
        np.multiply(c0, m0, out=p0)
        np.multiply(c2, m1, out=p1)
        # (c0, c1, c2, c3) <- (hi(p1) ^ c1 ^ k0, lo(p1), hi(p0) ^ c3 ^ k1, lo(p0)), written
        # into the arrays that are free at each point
        np.right_shift(p1, _SHIFT32, out=c0)
        np.bitwise_xor(c0, c1, out=c0)
        np.bitwise_xor(c0, np.uint64(k0), out=c0)
        np.bitwise_and(p1, _LOW32, out=c1)
        np.right_shift(p0, _SHIFT32, out=c2)
        np.bitwise_xor(c2, c3, out=c2)
        np.bitwise_xor(c2, np.uint64(k1), out=c2)
        np.bitwise_and(p0, _LOW32, out=c3)
        if round_index < _ROUNDS - 1:
            k0 = (k0 + _KEY_INCREMENTS[0]) & 0xFFFFFFFF
            k1 = (k1 + _KEY_INCREMENTS[1]) & 0xFFFFFFFF
    out = np.empty((count, 4), dtype=np.uint32)
    out[:, 0] = c0
    out[:, 1] = c1
    out[:, 2] = c2
    out[:, 3] = c3
    return out


def seeds_to_key_counter(seed, seed2):
    """TensorFlow's ``PhiloxRandom(seed, seed2)``: the key and the starting counter."""
    seed = int(seed) & _MASK64
    seed2 = int(seed2) & _MASK64
    key = (seed & 0xFFFFFFFF, seed >> 32)
    counter = (0, 0, seed2 & 0xFFFFFFFF, seed2 >> 32)
    return key, counter


class PhiloxStream:
    """One 32-bit sample at a time from ``PhiloxRandom(seed, seed2)``, as TF's kernels draw them.

    Samples are made ``chunk`` Philox blocks (four samples each) at a time. ``position`` is how
    many samples were read, as TF's ``num_random_samples`` counts them; a hot loop takes whole
    runs of samples with :meth:`chunk` instead of calling :meth:`next` for each.
    """

    def __init__(self, seed, seed2, chunk=1024):
        self._key, self._counter = seeds_to_key_counter(seed, seed2)
        self._chunk = max(1, int(chunk))
        self._cache = np.empty(0, dtype=np.uint32)
        self._cache_start = 0  # the sample index of self._cache[0]
        self.position = 0

    def _ensure(self, count):
        """Make samples ``position`` .. ``position + count - 1`` available in the cache."""
        offset = self.position - self._cache_start
        if 0 <= offset and offset + count <= len(self._cache):
            return offset
        first_block = self.position // 4
        blocks = max(self._chunk, -(-(self.position - first_block * 4 + count) // 4))
        low = (self._counter[0] | self._counter[1] << 32) + first_block
        high = ((self._counter[2] | self._counter[3] << 32) + (low >> 64)) & _MASK64
        low &= _MASK64
        counter = (low & 0xFFFFFFFF, low >> 32, high & 0xFFFFFFFF, high >> 32)
        self._cache = philox_blocks(self._key, counter, blocks).reshape(-1)
        self._cache_start = first_block * 4
        return self.position - self._cache_start

    def next(self):
        """The next sample, a Python int in [0, 2**32)."""
        offset = self._ensure(1)
        self.position += 1
        return int(self._cache[offset])

    def take(self, count):
        """The next ``count`` samples as a uint32 array."""
        count = int(count)
        offset = self._ensure(count)
        self.position += count
        return self._cache[offset:offset + count].copy()

    def skip(self, count):
        """Advance past ``count`` samples without reading them."""
        self.position += int(count)

    def chunk(self):
        """The next samples, as many as are already made (at least one), as a uint32 array."""
        offset = self._ensure(1)
        values = self._cache[offset:]
        self.position += len(values)
        return values
