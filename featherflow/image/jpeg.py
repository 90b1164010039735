"""JPEG decoding and encoding with TF 2.21's libjpeg-turbo settings, on Pillow's libjpeg-turbo.

TF decodes with ``dct_method=JDCT_IFAST`` (``""`` and ``"INTEGER_FAST"``) and fancy upsampling;
Pillow's public decoder runs the accurate IDCT (``JDCT_ISLOW``). Pillow's draft decoder
configuration ``(scale, 1)`` runs the fast IDCT but also turns fancy upsampling off, which
libjpeg then does by replicating chroma samples. So for TF's default we decode the planes as
YCbCr with the fast IDCT, take the replicated chroma back to its stored resolution, and apply
libjpeg-turbo's fancy upsampling (jdsample.c's h2v1/h1v2/h2v2 triangle filters with their
rounding biases) and its YCbCr -> RGB tables (jdcolor.c) in NumPy. The result is libjpeg's own
output, so TF's pixels are matched exactly (tests/image/test_jpeg_exact.py, every subsampling,
progressive, grayscale, CMYK, ratio 1/2/4/8).

The one combination Pillow cannot give is the accurate IDCT without fancy upsampling on a
chroma-subsampled image (chroma planes are only reachable through the fast IDCT): there luma is
exact and chroma comes from the fast IDCT, within ``ACCURATE_UNFANCY_TOLERANCE`` of TF.
"""

import io

import numpy as np

from featherflow.errors import InvalidArgumentError

DCT_METHODS = ("", "INTEGER_FAST", "INTEGER_ACCURATE")

# max abs difference to TF for dct_method="INTEGER_ACCURATE", fancy_upscaling=False on a
# chroma-subsampled JPEG at ratio 1: the chroma planes' fast against accurate IDCT (2-3 on the
# fixtures, 5 between the two IDCTs on a 37x29 random-noise JPEG); every other option
# combination is exact
ACCURATE_UNFANCY_TOLERANCE = 5

_EOI = b"\xff\xd9"


def _pil():
    try:
        # optional dependency, loaded on first decode/encode
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "Decoding and encoding images needs Pillow: pip install featherflow[image]"
        ) from error
    return Image


# libjpeg's YCbCr -> RGB tables (jdcolor.c build_ycc_rgb_table, SCALEBITS = 16)
def _fix(value):
    return int(value * 65536 + 0.5)


_CENTERED = np.arange(256, dtype=np.int64) - 128
_CR_R = ((_fix(1.40200) * _CENTERED + 32768) >> 16).astype(np.int16)
_CB_B = ((_fix(1.77200) * _CENTERED + 32768) >> 16).astype(np.int16)
_CR_G = (-_fix(0.71414) * _CENTERED).astype(np.int32)
_CB_G = (-_fix(0.34414) * _CENTERED + 32768).astype(np.int32)


def _ycc_to_rgb(luma, cb, cr):
    luma = luma.astype(np.int16)
    out = np.empty(luma.shape + (3,), dtype=np.uint8)
    green = ((_CB_G[cb] + _CR_G[cr]) >> 16).astype(np.int16)
    for channel, offset in ((0, _CR_R[cr]), (1, green), (2, _CB_B[cb])):
        offset += luma
        np.clip(offset, 0, 255, out=offset)  # libjpeg's range_limit
        out[..., channel] = offset
    return out


def _neighbours(plane, axis):
    """The plane shifted by one sample towards and away from index 0 along ``axis``, the edge
    sample repeated (libjpeg's context rows and edge columns)."""
    if axis == 1:
        return (np.concatenate([plane[:, :1], plane[:, :-1]], axis=1),
                np.concatenate([plane[:, 1:], plane[:, -1:]], axis=1))
    return (np.concatenate([plane[:1], plane[:-1]], axis=0),
            np.concatenate([plane[1:], plane[-1:]], axis=0))


def _interleave(even, odd, axis):
    shape = list(even.shape)
    shape[axis] *= 2
    out = np.empty(shape, dtype=even.dtype)
    index = [slice(None)] * even.ndim
    index[axis] = slice(0, None, 2)
    out[tuple(index)] = even
    index[axis] = slice(1, None, 2)
    out[tuple(index)] = odd
    return out


def _h2v1(plane):
    # jdsample.c h2v1_fancy_upsample: 3/4 nearer + 1/4 further, biases 1 and 2, edges kept
    left, right = _neighbours(plane, 1)
    even = (3 * plane + left + 1) >> 2
    odd = (3 * plane + right + 2) >> 2
    even[:, 0], odd[:, -1] = plane[:, 0], plane[:, -1]
    return _interleave(even, odd, 1)


def _h1v2(plane):
    # jdsample.c h1v2_fancy_upsample: biases 1 (upper output row) and 2 (lower)
    above, below = _neighbours(plane, 0)
    return _interleave((3 * plane + above + 1) >> 2, (3 * plane + below + 2) >> 2, 0)


def _h2v2(plane):
    # jdsample.c h2v2_fancy_upsample: vertical 3:1 column sums, then horizontal 3:1 with
    # biases 8 and 7 over 16; the first and last output columns use 4 * the column sum
    above, below = _neighbours(plane, 0)
    rows = []
    for sums in (3 * plane + above, 3 * plane + below):
        left, right = _neighbours(sums, 1)
        even = (3 * sums + left + 8) >> 4
        odd = (3 * sums + right + 7) >> 4
        even[:, 0] = (4 * sums[:, 0] + 8) >> 4
        odd[:, -1] = (4 * sums[:, -1] + 7) >> 4
        rows.append(_interleave(even, odd, 1))
    return _interleave(rows[0], rows[1], 0)


class _Header:
    """What libjpeg decides from the markers before decoding: components, their sampling,
    the colour space and whether the file is progressive."""

    def __init__(self, data, op):
        try:
            image = _pil().open(io.BytesIO(data))
        except Exception as error:
            raise InvalidArgumentError(f"{op}: could not decode the image ({error}).") from error
        self.size = image.size
        layers = getattr(image, "layer", None) or [(1, 1, 1, 0)]
        self.components = len(layers)
        self.sampling = [(h, v) for _, h, v, _ in layers]
        self.max_h = max(h for h, _ in self.sampling)
        self.max_v = max(v for _, v in self.sampling)
        self.progressive = bool(image.info.get("progressive"))
        self.adobe = "adobe" in image.info
        ids = tuple(layer[0] for layer in layers)
        # libjpeg's jpeg_color_space guess for 3 components (jdapimin.c default_decompress_parms)
        rgb = ("jfif" not in image.info and image.info.get("adobe_transform") == 0) or (
            "jfif" not in image.info and not self.adobe and ids == (82, 71, 66))
        self.ycc = self.components == 3 and not rgb

    def chroma_factors(self, ratio):
        """How much each chroma plane still has to be upsampled after the IDCT at 1/ratio
        (jdmaster.c's DCT scaling may absorb part of the subsampling)."""
        smallest = 8 // ratio
        factors = []
        for h, v in self.sampling[1:]:
            size = smallest
            while (size < 8 and (self.max_h * smallest) % (h * size * 2) == 0
                   and (self.max_v * smallest) % (v * size * 2) == 0):
                size *= 2
            factors.append((self.max_h * smallest // (h * size),
                            self.max_v * smallest // (v * size)))
        return factors


def _decode(data, mode, ratio, fast, op):
    """Pillow's libjpeg at scale 1/ratio; ``fast`` selects the draft configuration (fast IDCT,
    chroma replicated instead of fancy-upsampled)."""
    image = _pil().open(io.BytesIO(data))
    if mode is not None:
        image.draft(mode, None)
    width, height = image.size
    scaled = (-(-width // ratio), -(-height // ratio))
    # ImageFile.draft only reaches the scales that a requested size implies, so set the
    # decoder's configuration (scale, draft flag) and the scaled size it will produce directly
    image._size = scaled
    image.tile = [image.tile[0]._replace(extents=(0, 0) + scaled)]
    image.decoderconfig = (ratio, 1 if fast else 0)
    try:
        image.load()
    except Exception as error:
        raise InvalidArgumentError(f"{op}: could not decode the image ({error}).") from error
    pixels = np.asarray(image)
    return pixels[..., None] if pixels.ndim == 2 else pixels


def _cmyk_to_rgb(pixels, adobe):
    # Pillow inverts libjpeg's CMYK output ("CMYK;I"); TF converts libjpeg's values itself
    # with truncating integer division (jpeg_mem.cc)
    raw = 255 - pixels.astype(np.int32)
    cyan, magenta, yellow, black = np.moveaxis(raw, -1, 0)
    if not adobe:
        cyan, magenta, yellow, black = 255 - cyan, 255 - magenta, 255 - yellow, 255 - black
    return (np.stack([black * cyan, black * magenta, black * yellow], axis=-1)
            // 255).astype(np.uint8)


def _pixels(data, header, channels, ratio, fancy, accurate, op, crop=None):
    """The decoded pixels; ``crop`` (y, x, height, width) is TF's DecodeAndCropJpeg window."""
    window = (slice(None), slice(None)) if crop is None else (
        slice(crop[0], crop[0] + crop[2]), slice(crop[1], crop[1] + crop[3]))
    if channels == 1:
        if header.components == 4:
            raise InvalidArgumentError(f"{op}: Unsupported color conversion request (a CMYK "
                                       "JPEG has no grayscale output; use channels=3).")
        mode = "L" if header.components == 3 else None
        return _decode(data, mode, ratio, not accurate, op)[window]
    if header.components == 1:
        return np.repeat(_decode(data, None, ratio, not accurate, op)[window], 3, axis=-1)
    if header.components == 4:
        return _cmyk_to_rgb(_decode(data, None, ratio, not accurate, op)[window], header.adobe)
    factors = header.chroma_factors(ratio)
    # libjpeg turns fancy upsampling off at 1/8 scale (jdsample.c: min_DCT_scaled_size > 1)
    fancy = fancy and ratio < 8
    # no upsampling left, or what Pillow's two configurations give directly (a crop changes
    # where fancy upsampling meets an edge, so a cropped accurate decode is rebuilt too)
    if (not header.ycc or all(f == (1, 1) for f in factors) or not (fancy or accurate)
            or (accurate and fancy and crop is None)):
        return _decode(data, None, ratio, not accurate, op)[window]
    planes = _decode(data, "YCbCr", ratio, True, op)
    height, width = planes.shape[:2]
    top, left, rows, cols = (0, 0, height, width) if crop is None else crop
    luma = _decode(data, "YCbCr", ratio, False, op)[..., 0] if accurate else planes[..., 0]
    # jpeg_crop_scanline: decoding starts at the iMCU column left of the window, and the
    # upsampler treats that column and the window's right end as the image's edges
    align = header.max_h * 8 // ratio
    start = left // align * align
    span = cols + left - start
    chroma = []
    for index, (h_up, v_up) in enumerate(factors, start=1):
        plane = planes[::v_up, ::h_up, index].astype(np.int32)
        # libjpeg picks the upsampler for the full width, and again only below 2 samples
        stored = plane.shape[1]
        plane = plane[:, start // h_up:start // h_up - (-span // h_up)]
        wide = plane.shape[1] >= 2 if stored > 2 else plane.shape[1] > 2
        if fancy and (h_up, v_up) == (2, 1) and wide:
            plane = _h2v1(plane)
        elif fancy and (h_up, v_up) == (1, 2):
            plane = _h1v2(plane)
        elif fancy and (h_up, v_up) == (2, 2) and wide:
            plane = _h2v2(plane)
        else:
            plane = np.repeat(np.repeat(plane, v_up, axis=0), h_up, axis=1)
        chroma.append(plane[top:top + rows, left - start:left - start + cols])
    return _ycc_to_rgb(luma[top:top + rows, left:left + cols], chroma[0], chroma[1])


def _rows_read(data, header, channels, ratio, fancy, accurate, op):
    """How many output rows libjpeg delivers from a truncated file before it runs out of data
    (what TF's acceptable_fraction is measured on), and those pixels.

    The file is completed two ways (libjpeg's zero fill, and other bytes); rows that agree came
    from complete data. libjpeg hands rows out per iMCU row, one row group later when the
    upsampler needs the next rows as context."""
    filled = _pixels(data + _EOI, header, channels, ratio, fancy, accurate, op)
    other = _pixels(data + bytes([0xA5]) * 512 + _EOI, header, channels, ratio, fancy,
                    accurate, op)
    rows = filled.shape[0]
    differs = (filled != other).reshape(rows, -1).any(axis=1)
    if not differs.any():
        return rows, filled
    first = int(np.argmax(differs))
    imcu = header.max_v * 8 // ratio
    vertical = channels != 1 and header.ycc and fancy and ratio < 8 and any(
        v == 2 for _, v in header.chroma_factors(ratio))
    lag = header.max_v if vertical else 0
    complete = (first + lag) // imcu
    return max(0, min(rows, complete * imcu - lag)), filled


def decode(data, channels, ratio, fancy_upscaling, try_recover_truncated, acceptable_fraction,
           dct_method, op, crop_window=None):
    """(H, W, channels) uint8 pixels as TF's DecodeJpeg (or, with ``crop_window`` [y, x,
    height, width], DecodeAndCropJpeg) gives them."""
    if dct_method not in DCT_METHODS:
        raise InvalidArgumentError(
            f"{op}: dct_method must be one of {{'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}}, "
            f"received {dct_method!r}.")
    header = _Header(data, op)
    if channels == 0:
        channels = min(header.components, 3)
    crop = None if crop_window is None else _crop(crop_window, header, ratio, op)
    accurate = dct_method == "INTEGER_ACCURATE"
    fancy = bool(fancy_upscaling)
    if try_recover_truncated:
        # TF's source manager inserts an EOI where the data ends; appending one does the same
        # (after a complete file it is never read)
        return _pixels(data + _EOI, header, channels, ratio, fancy, accurate, op, crop)
    try:
        return _pixels(data, header, channels, ratio, fancy, accurate, op, crop)
    except InvalidArgumentError:
        if header.progressive:
            # TF's reader cannot suspend inside a progressive file: any truncation fails
            raise
        # a truncated file may only have lost its end: count the rows libjpeg gets out
        rows, pixels = _rows_read(data, header, channels, ratio, fancy, accurate, op)
        total = pixels.shape[0]
        if crop is not None:
            pixels = _pixels(data + _EOI, header, channels, ratio, fancy, accurate, op, crop)
            rows, total = min(max(rows - crop[0], 0), crop[2]), crop[2]
        if rows < total and rows / total < min(1.0, acceptable_fraction):
            raise InvalidArgumentError(
                f"{op}: Invalid JPEG data or crop window: the data ends after {rows} of "
                f"{total} rows (acceptable_fraction={acceptable_fraction}; pass "
                "try_recover_truncated=True to fill the rest).") from None
        pixels = pixels.copy()
        pixels[rows:] = 0
        return pixels


def _crop(window, header, ratio, op):
    values = np.asarray(window).reshape(-1)
    if values.size != 4:
        raise InvalidArgumentError(
            f"{op}: crop_window must be [y, x, height, width], received {values.tolist()}.")
    top, left, rows, cols = (int(v) for v in values)
    width, height = (-(-size // ratio) for size in header.size)
    if rows <= 0 or cols <= 0 or top < 0 or left < 0 or top + rows > height or (
            left + cols > width):
        raise InvalidArgumentError(
            f"{op}: Invalid JPEG data or crop window: [y={top}, x={left}, height={rows}, "
            f"width={cols}] is not inside the {height}x{width} image.")
    return top, left, rows, cols


def _app0(density_unit, x_density, y_density):
    unit = {"in": 1, "cm": 2}[density_unit]
    return (b"\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes([unit])
            + int(x_density).to_bytes(2, "big") + int(y_density).to_bytes(2, "big") + b"\x00\x00")


def encode(pixels, quality, progressive, optimize_size, chroma_downsampling, density_unit,
           x_density, y_density, xmp_metadata):
    """JPEG bytes as TF's EncodeJpeg writes them: libjpeg's defaults with force_baseline
    quality tables, 4:2:0 unless chroma_downsampling=False, a JFIF APP0 with TF's density, then
    an APP1 XMP packet when given. Pillow runs the same libjpeg calls; the markers are written
    here so that the density unit (Pillow writes only dots per inch) and XMP do not depend on
    the Pillow version."""
    gray = pixels.shape[-1] == 1
    options = {"quality": int(quality), "progressive": bool(progressive),
               "optimize": bool(optimize_size)}
    if not gray:
        options["subsampling"] = 2 if chroma_downsampling else 0
    buffer = io.BytesIO()
    _pil().fromarray(pixels[..., 0] if gray else pixels).save(buffer, "JPEG", **options)
    encoded = buffer.getvalue()
    if encoded[2:4] != b"\xff\xe0":
        raise RuntimeError("encode_jpeg: Pillow did not write a JFIF header first.")
    rest = encoded[4 + int.from_bytes(encoded[4:6], "big"):]
    markers = _app0(density_unit, x_density, y_density)
    if xmp_metadata:
        body = b"http://ns.adobe.com/xap/1.0/\x00" + xmp_metadata
        markers += b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body
    return b"\xff\xd8" + markers + rest
