"""The PNG encoder: structure checked by hand, pixels by zlib and (if present) Pillow."""

import io
import struct
import zlib

import numpy as np
import pytest

from featherflow.summary._png import encode_png


def chunks(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, out = 8, []
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + data)
        out.append((kind, data))
        pos += 12 + length
    return out


@pytest.mark.parametrize("channels, color_type", [(1, 0), (2, 4), (3, 2), (4, 6)])
def test_structure_and_pixels(channels, color_type):
    pixels = np.random.default_rng(channels).integers(0, 256, size=(5, 9, channels),
                                                      dtype=np.uint8)
    parts = chunks(encode_png(pixels))
    assert [k for k, _ in parts] == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">IIBBBBB", parts[0][1]) == (9, 5, 8, color_type, 0, 0, 0)
    rows = np.frombuffer(zlib.decompress(parts[1][1]), dtype=np.uint8).reshape(5, -1)
    assert (rows[:, 0] == 0).all()
    np.testing.assert_array_equal(rows[:, 1:].reshape(pixels.shape), pixels)


def test_pillow_reads_it():
    image = pytest.importorskip("PIL.Image")
    pixels = np.random.default_rng(0).integers(0, 256, size=(17, 3, 3), dtype=np.uint8)
    decoded = image.open(io.BytesIO(encode_png(pixels)))
    assert decoded.size == (3, 17) and decoded.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(decoded), pixels)


def test_rejects_what_png_cannot_hold():
    with pytest.raises(ValueError, match=r"uint8 array of shape \(height, width, channels\)"):
        encode_png(np.zeros((4, 4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="received dtype uint8 and shape"):
        encode_png(np.zeros((4, 4, 5), dtype=np.uint8))
