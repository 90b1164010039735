"""CRC32C: known values, the vectorized paths against a bit-by-bit reference."""

import os

import numpy as np
import pytest

from featherflow.utils import crc32c as _crc32c


def bitwise_crc32c(data):
    """Reference CRC32C, one bit at a time (independent of the module's tables)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def test_check_value():
    # The standard check value of CRC-32C (iSCSI).
    assert _crc32c.crc32c(b"123456789") == 0xE3069283
    assert _crc32c.crc32c(b"") == 0


@pytest.mark.parametrize("n", [1, 3, 4, 5, 63, 64, 65, 511, 512, 513, 799, 800, 1000, 4096, 16384,
                               16385, 70001])
def test_matches_reference(n):
    data = os.urandom(n)
    assert _crc32c.crc32c(data) == bitwise_crc32c(data)


def test_masked_matches_tensorboard():
    tb = pytest.importorskip("tensorboard.compat.tensorflow_stub.pywrap_tensorflow")
    for n in (0, 8, 100, 600, 3000):
        data = os.urandom(n)
        assert _crc32c.masked_crc32c(data) == tb.masked_crc32c(data)


def test_tails_share_a_prefix():
    prefix = os.urandom(37)
    tails = np.frombuffer(os.urandom(50 * 19), dtype=np.uint8).reshape(50, 19)
    state = _crc32c.register_after(prefix)
    masked = _crc32c.crc32c_tails(state, tails)
    for row, got in zip(tails, masked):
        data = prefix + row.tobytes()
        assert int(got) == _crc32c.mask(bitwise_crc32c(data))
        assert _crc32c.masked_crc32c_tail(state, row.tobytes()) == int(got)


def test_tails_longer_than_a_chunk_are_refused():
    with pytest.raises(ValueError, match="at most 64 bytes"):
        _crc32c.crc32c_tails(0, np.zeros((2, 65), dtype=np.uint8))


def test_many_messages_at_once():
    rng = np.random.default_rng(0)
    datas = [os.urandom(int(n)) for n in rng.integers(0, 2000, size=60)]
    datas += [b"", b"a", b"abc", b"abcd", os.urandom(64), os.urandom(128), os.urandom(9000)]
    got = _crc32c.masked_crc32c_many(datas)
    assert got.dtype == np.uint32
    assert [int(c) for c in got] == [_crc32c.mask(bitwise_crc32c(d)) for d in datas]
