"""Philox4x32-10 (featherflow/backend/philox.py): the published known answers, TensorFlow's own
outputs, a scalar reference for the vectorized rounds, and the sample stream's bookkeeping."""

import numpy as np
import pytest

from featherflow.backend.philox import PhiloxStream, philox_blocks, seeds_to_key_counter

# Known-answer tests of the Random123 distribution (kat_vectors, philox4x32 10 rounds):
# (counter words, key words) -> output words.
KNOWN_ANSWERS = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]

# TF 2.21: tf.random.Generator.from_key_counter(key=K, counter=[C0, C1], alg="philox")
# .uniform_full_int([10], tf.uint32) draws raw Philox words from key K and 64-bit counter halves.
TF_OUTPUTS = [
    (0, (0, 0), [1713891541, 3781805453, 3159862348, 2600524760, 4175744164, 1555169499,
                 2980410603, 159317863, 83534633, 1372009126]),
    (123456789012345, (5, 7), [374004581, 1713487065, 2637180958, 3168679435, 1591783520,
                               3961116943, 855590425, 2914964992, 1672294384, 905835540]),
    (2**63 - 1, (2**63 - 3, 9), [3015000423, 1674305779, 4168409244, 2860221992, 1101360913,
                                 3814106671, 857324842, 119447379, 1238144522, 2695305695]),
]


def _reference_block(counter, key):
    """One block, one word at a time, straight from the paper's round function."""
    c, k = list(counter), list(key)
    for r in range(10):
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k[1],
             p0 & 0xFFFFFFFF]
        if r < 9:
            k = [(k[0] + 0x9E3779B9) & 0xFFFFFFFF, (k[1] + 0xBB67AE85) & 0xFFFFFFFF]
    return c


def _words(value):
    return (value & 0xFFFFFFFF, value >> 32)


@pytest.mark.parametrize("counter,key,expected", KNOWN_ANSWERS)
def test_known_answers(counter, key, expected):
    assert philox_blocks(key, counter, 1)[0].tolist() == list(expected)


@pytest.mark.parametrize("key,counter,expected", TF_OUTPUTS)
def test_tensorflow_outputs(key, counter, expected):
    words = _words(counter[0]) + _words(counter[1])
    assert philox_blocks(_words(key), words, 3).reshape(-1)[:10].tolist() == expected


def test_vectorized_rounds_match_the_scalar_reference():
    rs = np.random.RandomState(0)
    for _ in range(20):
        key = tuple(int(v) for v in rs.randint(0, 2**32, size=2, dtype=np.uint64))
        counter = tuple(int(v) for v in rs.randint(0, 2**32, size=4, dtype=np.uint64))
        blocks = philox_blocks(key, counter, 5)
        start = sum(w << (32 * i) for i, w in enumerate(counter))
        for i in range(5):
            value = (start + i) % 2**128
            words = [(value >> (32 * j)) & 0xFFFFFFFF for j in range(4)]
            assert blocks[i].tolist() == _reference_block(words, key)


def test_counter_carries_into_the_high_half():
    counter = (0xFFFFFFFF, 0xFFFFFFFF, 7, 0)
    blocks = philox_blocks((1, 2), counter, 3)
    assert blocks[1].tolist() == _reference_block([0, 0, 8, 0], (1, 2))
    assert blocks[2].tolist() == _reference_block([1, 0, 8, 0], (1, 2))


def test_tf_seeding():
    # PhiloxRandom(seed, seed2): the key from seed, the counter's upper half from seed2
    assert seeds_to_key_counter(2**33 + 5, 2**40 + 3) == ((5, 2), (0, 0, 3, 2**8))
    assert seeds_to_key_counter(-1, 0) == ((0xFFFFFFFF, 0xFFFFFFFF), (0, 0, 0, 0))


def test_stream_reads_blocks_in_order_across_chunks():
    key, counter = seeds_to_key_counter(42, 7)
    expected = philox_blocks(key, counter, 50).reshape(-1).tolist()
    stream = PhiloxStream(42, 7, chunk=3)
    got = [stream.next() for _ in range(5)]
    got += stream.take(17).tolist()
    stream.skip(6)
    rest = []
    while stream.position < 150:
        rest += stream.chunk().tolist()
    assert got == expected[:22]
    assert rest[:150 - 28] == expected[28:150]
    assert stream.position == 28 + len(rest)
