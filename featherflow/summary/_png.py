"""A minimal PNG encoder (8-bit grey, grey+alpha, RGB or RGBA) using zlib only."""

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour type for each channel count.
_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data)) + kind + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_png(pixels, compress_level=6):
    """PNG bytes of a uint8 array of shape (height, width, channels), channels 1 to 4."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in _COLOR_TYPE:
        raise ValueError(
            "encode_png expected a uint8 array of shape (height, width, channels) with 1-4 "
            f"channels; received dtype {pixels.dtype} and shape {pixels.shape}"
        )
    height, width, channels = pixels.shape
    # Every scanline starts with its filter type; 0 (none) keeps the encoder trivial.
    raw = np.zeros((height, 1 + width * channels), dtype=np.uint8)
    raw[:, 1:] = pixels.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE[channels], 0, 0, 0)
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), compress_level))
        + _chunk(b"IEND", b"")
    )
