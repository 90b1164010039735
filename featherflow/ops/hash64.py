"""TensorFlow's ``Hash64`` (a MurmurHash64A variant with seed ``0xDECAFCAFFE``), the hash of
``tf.strings.to_hash_bucket`` (``StringToHashBucket``: ``Hash64(s) % num_buckets``)."""

_M = 0xC6A4A7935BD1E995
_R = 47
_MASK = (1 << 64) - 1
SEED = 0xDECAFCAFFE


def hash64(data: bytes, seed: int = SEED) -> int:
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    whole = n - n % 8
    for i in range(0, whole, 8):
        k = int.from_bytes(data[i:i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> _R
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[whole:]
    if tail:
        for j in range(len(tail) - 1, -1, -1):
            h ^= tail[j] << (8 * j)
        h = (h * _M) & _MASK
    h ^= h >> _R
    h = (h * _M) & _MASK
    h ^= h >> _R
    return h
