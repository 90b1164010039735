"""16-bit PNGs, which Pillow reads as 8-bit colour: the IDAT stream parsed and unfiltered in
NumPy (``read``), and written unfiltered (``write``), for featherflow/image/codecs.py."""

import struct
import zlib

import numpy as np


def read(data):
    """uint16 pixels of a 16-bit PNG (Pillow reads 16-bit colour as 8-bit, so parse here)."""
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, color_type, _, _, interlace = header
    if depth != 16 or interlace:
        return None
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color_type)
    if channels is None:
        return None
    stride = width * channels * 2
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8)
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    bpp = channels * 2
    for y in range(height):
        out[y] = unfilter(rows[y, 0], rows[y, 1:], previous, bpp)
        previous = out[y]
    pixels = out.astype(np.uint8).reshape(height, width, channels, 2)
    return (pixels[..., 0].astype(np.uint16) << 8) | pixels[..., 1]


def unfilter(kind, line, previous, bpp):
    """One PNG scanline without its filter (Sub and Up whole-row, Average and Paeth per pixel
    over its bytes)."""
    if kind == 0:
        return line
    if kind == 2:
        return line + previous
    if kind == 1:
        pixels = line.reshape(-1, bpp).astype(np.int64)
        return (np.cumsum(pixels, axis=0) & 0xFF).astype(np.uint8).reshape(-1)
    row = np.zeros(len(line), dtype=np.int64)
    line, up_row = line.astype(np.int64), previous.astype(np.int64)
    left = corner = np.zeros(bpp, dtype=np.int64)
    for x in range(0, len(line), bpp):
        up = up_row[x:x + bpp]
        if kind == 3:
            predictor = (left + up) >> 1
        else:
            estimate = left + up - corner
            pa, pb, pc = np.abs(estimate - left), np.abs(estimate - up), np.abs(estimate - corner)
            predictor = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, corner))
        row[x:x + bpp] = (line[x:x + bpp] + predictor) & 0xFF
        left, corner = row[x:x + bpp], up
    return row.astype(np.uint8)


def write(buffer, pixels, level):
    height, width, channels = pixels.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    raw = pixels.astype(">u2").reshape(height, width * channels).view(np.uint8)
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8), raw], axis=1)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    buffer.write(b"\x89PNG\r\n\x1a\n")
    buffer.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)))
    buffer.write(chunk(b"IDAT", zlib.compress(rows.tobytes(), level)))
    buffer.write(chunk(b"IEND", b""))
