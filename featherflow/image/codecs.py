"""Image codecs as ``tf.io``/``tf.image``: decode PNG/JPEG/GIF/BMP to uint8 (or uint16 PNG)
tensors of shape (height, width, channels), encode PNG/JPEG. Pillow is the codec
(``pip install featherflow[image]``); TF's channel rules are applied on top of it.

Agreement with TF 2.21 (tests/image/test_codecs.py): PNG pixels are equal, including TF's
RGB -> grayscale (libpng's 0.299/0.587 weights as 15-bit fixed point) at 8 and 16 bits. JPEG
goes through featherflow/image/jpeg.py: TF's fast IDCT and fancy upsampling are reproduced, so
decoded pixels and encode_jpeg's bytes are TF's (one option combination excepted, see there).
encode_png's bytes are not TF's; they decode back to the same pixels.

Example::

    >>> image = tf.io.decode_png(tf.io.read_file("cat.png"), channels=3)
"""

import io

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor, strings_array
from featherflow.errors import InvalidArgumentError
from featherflow.image import jpeg, png16

# TF's decode_image/decode_jpeg defaults for the JPEG path
_JPEG_DEFAULTS = {"ratio": 1, "fancy_upscaling": True, "try_recover_truncated": False,
                  "acceptable_fraction": 1, "dct_method": ""}

_UNKNOWN_FORMAT = "Unknown image file format. One of JPEG, PNG, GIF, BMP required."


# the channels TF's decode_image accepts per format
_FORMAT_CHANNELS = {"png": (0, 1, 3, 4), "jpeg": (0, 1, 3), "bmp": (0, 3, 4), "gif": (0, 3)}


def _pil():
    try:
        # optional dependency, loaded on first decode/encode
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "Decoding and encoding images needs Pillow: pip install featherflow[image]"
        ) from error
    return Image


def _contents_bytes(contents, op):
    value = contents.numpy() if hasattr(contents, "numpy") else contents
    if isinstance(value, np.ndarray):
        if value.shape != ():
            raise InvalidArgumentError(
                f"{op}: contents must be a scalar string, received shape {value.shape}.")
        value = value[()]
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{op}: contents must be a string tensor or bytes, received "
                        f"{type(value).__name__}.")
    return bytes(value)


def _sniff(data):
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"GIF":
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return None


def _open(data, op):
    image_module = _pil()
    try:
        image = image_module.open(io.BytesIO(data))
        image.load()
    except Exception as error:
        raise InvalidArgumentError(f"{op}: could not decode the image ({error}).") from error
    return image


def _check_channels(channels, allowed, op):
    if channels not in allowed:
        raise InvalidArgumentError(
            f"{op}: channels must be one of {allowed}, received {channels}.")


def _rgb_to_gray(rgb, dtype):
    # libpng's png_set_rgb_to_gray(0.299, 0.587) with 15-bit weights (TF's PNG path): the
    # 8-bit sum is truncated, the 16-bit one rounded (both measured against TF 2.21)
    wide = rgb.astype(np.int64)
    rounding = 16384 if dtype == np.uint16 else 0
    gray = (9797 * wide[..., 0] + 19234 * wide[..., 1] + 3737 * wide[..., 2] + rounding) >> 15
    return gray.astype(dtype)[..., None]


def _convert_channels(pixels, channels, dtype):
    """TF's conversion of (H, W, C) pixels to ``channels`` (0 keeps what the file has)."""
    have = pixels.shape[-1]
    if channels in (0, None) or channels == have:
        return pixels
    opaque = np.iinfo(dtype).max
    color = pixels[..., :3] if have >= 3 else np.repeat(pixels[..., :1], 3, axis=-1)
    if channels == 1:
        return pixels[..., :1] if have <= 2 else _rgb_to_gray(color, dtype)
    if channels == 3:
        return color
    alpha = pixels[..., have - 1:] if have in (2, 4) else np.full(
        pixels.shape[:-1] + (1,), opaque, dtype=dtype)
    return np.concatenate([color, alpha], axis=-1)


def _pil_pixels(image):
    """(H, W, C) pixels of a decoded Pillow image in its natural channels and depth."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        return np.asarray(image, dtype=np.uint16)[..., None]
    if mode == "1":
        image = image.convert("L")
    elif mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("CMYK", "YCbCr", "RGBX"):
        image = image.convert("RGB")
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA")
    pixels = np.asarray(image, dtype=np.uint8)
    return pixels[..., None] if pixels.ndim == 2 else pixels


def _to_dtype(pixels, dtype):
    if pixels.dtype == dtype:
        return pixels
    if dtype == np.uint16:
        return pixels.astype(np.uint16) * 257
    return (pixels >> 8).astype(np.uint8)


def _dtype(dtype, allowed, op):
    name = getattr(dtype, "name", dtype)
    if isinstance(name, type):
        name = np.dtype(name).name
    if name not in allowed:
        raise InvalidArgumentError(f"{op}: dtype must be one of {allowed}, received {name}.")
    return np.dtype(name)


def _decode_single(data, channels, dtype, op):
    kind = _sniff(data)
    if kind is None:
        raise InvalidArgumentError(f"{op}: {_UNKNOWN_FORMAT}")
    # a 16-bit PNG is converted at 16 bits then narrowed, as libpng does for TF
    pixels = png16.read(data) if kind == "png" and data[24:25] == b"\x10" else None
    if kind == "jpeg":
        return _to_dtype(jpeg.decode(data, channels, **dict(_JPEG_DEFAULTS, op=op)), dtype)
    if pixels is None:
        pixels = _pil_pixels(_open(data, op))
    work = np.dtype(pixels.dtype)
    converted = _convert_channels(pixels, channels, work)
    depth = data[24] if kind == "png" else 8
    if (kind == "png" and depth < 8 and channels == 4 and pixels.shape[-1] in (1, 3)
            and dtype == np.uint8):
        # TF's libpng filler for an added alpha is (1 << bit depth) - 1 at the file's depth
        converted[..., 3] = (1 << depth) - 1
    return _to_dtype(converted, dtype)


def _image(tensor, channels):
    """``tensor`` (a decoded image), with the static shape TF's decoders give a traced map
    function: height and width known only from the data, the channels when asked for."""
    if state.tracing is None:
        return tensor
    return state.traced_shape(tensor, (None, None, channels or None))


def decode_png(contents, channels=0, dtype="uint8", name=None):
    """Decode a PNG (or any format ``decode_image`` reads, as TF) to (H, W, C) uint8/uint16."""
    _check_channels(channels, (0, 1, 2, 3, 4), "decode_png")
    dtype = _dtype(dtype, ("uint8", "uint16"), "decode_png")
    data = _contents_bytes(contents, "decode_png")
    _check_still(data, "decode_png")
    return _image(Tensor(_decode_single(data, channels, dtype, "decode_png")), channels)


def _check_still(data, op):
    """TF's DecodePng and DecodeJpeg read the other still formats too, but not BMP, nor a GIF
    of several frames."""
    kind = _sniff(data)
    if kind == "bmp":
        raise InvalidArgumentError(f"{op}: Trying to decode BMP format using a wrong op. Use "
                                   "`decode_bmp` or `decode_image` instead.")
    if kind == "gif":
        frames = getattr(_open(data, op), "n_frames", 1)
        if frames > 1:
            raise InvalidArgumentError(
                f"{op}: Got {frames} frames, but animated gifs can only be decoded by "
                "tf.io.decode_gif or tf.io.decode_image.")


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """Decode a JPEG to (H, W, C) uint8 with TF's libjpeg settings (featherflow/image/jpeg.py);
    ``ratio`` (1, 2, 4, 8) downscales inside the IDCT as libjpeg does."""
    _check_channels(channels, (0, 1, 3), "decode_jpeg")
    if ratio not in (1, 2, 4, 8):
        raise InvalidArgumentError(f"decode_jpeg: ratio must be 1, 2, 4 or 8, received {ratio}.")
    data = _contents_bytes(contents, "decode_jpeg")
    if _sniff(data) != "jpeg":
        # TF's DecodeJpeg decodes the other formats too (without ratio or the JPEG options)
        _check_still(data, "decode_jpeg")
        return _image(Tensor(_decode_single(data, channels, np.dtype(np.uint8),
                                            "decode_jpeg")), channels)
    return _image(Tensor(jpeg.decode(data, channels, ratio, fancy_upscaling,
                                     try_recover_truncated, acceptable_fraction, dct_method,
                                     "decode_jpeg")), channels)


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                         name=None):
    """``decode_jpeg`` of the window ``crop_window`` = [y, x, height, width] only, with the
    pixels TF's DecodeAndCropJpeg gives (libjpeg upsamples chroma inside the window, so its
    edges differ from a crop of the full decode)."""
    _check_channels(channels, (0, 1, 3), "decode_and_crop_jpeg")
    if ratio not in (1, 2, 4, 8):
        raise InvalidArgumentError(
            f"decode_and_crop_jpeg: ratio must be 1, 2, 4 or 8, received {ratio}.")
    data = _contents_bytes(contents, "decode_and_crop_jpeg")
    window = crop_window.numpy() if hasattr(crop_window, "numpy") else crop_window
    kind = _sniff(data)
    if kind != "jpeg":
        raise InvalidArgumentError(
            "decode_and_crop_jpeg: DecodeAndCropJpeg operation can run on JPEG only, but "
            f"detected {kind.upper() if kind else 'an unknown format'}.")
    return Tensor(jpeg.decode(data, channels, ratio, fancy_upscaling, try_recover_truncated,
                              acceptable_fraction, dct_method, "decode_and_crop_jpeg",
                              crop_window=window))


def decode_bmp(contents, channels=0, name=None):
    """Decode a BMP to (H, W, C) uint8."""
    _check_channels(channels, (0, 1, 3, 4), "decode_bmp")
    data = _contents_bytes(contents, "decode_bmp")
    if _sniff(data) != "bmp":
        raise InvalidArgumentError("decode_bmp: the contents are not a BMP image.")
    return _image(Tensor(_decode_single(data, channels, np.dtype(np.uint8), "decode_bmp")),
                  channels)


def decode_gif(contents, name=None):
    """Decode a GIF to (frames, H, W, 3) uint8, every frame composited as TF does (a PNG or
    JPEG gives one frame, as TF's DecodeGif)."""
    data = _contents_bytes(contents, "decode_gif")
    kind = _sniff(data)
    if kind in ("png", "jpeg"):
        out = Tensor(_decode_single(data, 3, np.dtype(np.uint8), "decode_gif")[None])
        return out if state.tracing is None else state.traced_shape(out, (None, None, None, 3))
    if kind == "bmp":
        raise InvalidArgumentError("decode_gif: Trying to decode BMP format using a wrong op. "
                                   "Use `decode_bmp` or `decode_image` instead.")
    if kind != "gif":
        raise InvalidArgumentError(f"decode_gif: {_UNKNOWN_FORMAT}")
    image = _open(data, "decode_gif")
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(np.asarray(image.convert("RGB"), dtype=np.uint8))
    out = Tensor(np.stack(frames))
    return out if state.tracing is None else state.traced_shape(out, (None, None, None, 3))


def decode_image(contents, channels=None, dtype="uint8", name=None, expand_animations=True):
    """Decode a BMP, GIF, JPEG or PNG, choosing the decoder from the bytes, as TF.

    GIFs give (frames, H, W, 3) unless ``expand_animations=False`` (then the first frame).
    A float ``dtype`` scales to [0, 1) as ``convert_image_dtype``.
    """
    data = _contents_bytes(contents, "decode_image")
    kind = _sniff(data)
    if kind is None:
        raise InvalidArgumentError(f"decode_image: {_UNKNOWN_FORMAT}")
    channels = channels or 0
    _check_channels(channels, _FORMAT_CHANNELS[kind], f"decode_image of a {kind.upper()}")
    target = np.dtype(getattr(dtype, "name", dtype))
    decode_dtype = np.dtype(np.uint16) if target == np.uint16 else np.dtype(np.uint8)
    if kind == "gif":
        frames = decode_gif(data).numpy()
        frames = np.stack([_convert_channels(f, channels, np.dtype(np.uint8)) for f in frames])
        pixels = frames if expand_animations else frames[0]
    else:
        pixels = _decode_single(data, channels, decode_dtype, "decode_image")
    if target.kind == "f":
        scale = np.iinfo(pixels.dtype).max
        out = Tensor((pixels.astype(np.float64) / scale).astype(target))
    else:
        out = Tensor(pixels)
    if state.tracing is None:
        return out
    # a traced map function: TF's decode_image has no rank while it may expand a GIF
    return state.traced_shape(out, (None, None, channels or None)
                              if not expand_animations else None)


def _image_array(image, op):
    pixels = image.numpy() if hasattr(image, "numpy") else np.asarray(image)
    if pixels.ndim != 3 or pixels.shape[-1] not in (1, 2, 3, 4):
        raise InvalidArgumentError(
            f"{op}: image must be (height, width, channels) with 1-4 channels, received "
            f"shape {pixels.shape}.")
    return pixels


def encode_png(image, compression=-1, name=None):
    """Encode (H, W, C) uint8/uint16 pixels as PNG bytes (a scalar string tensor)."""
    pixels = _image_array(image, "encode_png")
    if pixels.dtype not in (np.uint8, np.uint16):
        raise InvalidArgumentError(
            f"encode_png: image must be uint8 or uint16, received {pixels.dtype}.")
    buffer = io.BytesIO()
    level = 6 if compression == -1 else int(compression)
    if pixels.dtype == np.uint16:
        png16.write(buffer, pixels, level)
    else:
        modes = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}
        squeezed = pixels[..., 0] if pixels.shape[-1] == 1 else pixels
        _pil().fromarray(squeezed, modes[pixels.shape[-1]]).save(
            buffer, "PNG", compress_level=level)
    return Tensor(strings_array(buffer.getvalue()))


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """Encode (H, W, 1 or 3) uint8 pixels as JPEG bytes (a scalar string tensor): the bytes TF
    2.21 writes for the same options (featherflow/image/jpeg.py)."""
    pixels = _image_array(image, "encode_jpeg")
    if pixels.dtype != np.uint8 or pixels.shape[-1] not in (1, 3):
        raise InvalidArgumentError(
            f"encode_jpeg: image must be uint8 with 1 or 3 channels, received {pixels.dtype} "
            f"with {pixels.shape[-1]}.")
    wanted = {"": pixels.shape[-1], "grayscale": 1, "rgb": 3}
    if format not in wanted:
        raise InvalidArgumentError(
            f"encode_jpeg: format must be '', 'grayscale' or 'rgb', received {format!r}.")
    if wanted[format] != pixels.shape[-1]:
        raise InvalidArgumentError(
            f"encode_jpeg: format {format!r} needs {wanted[format]} channel(s), the image has "
            f"{pixels.shape[-1]}.")
    if not 0 <= int(quality) <= 100:
        raise InvalidArgumentError(f"encode_jpeg: quality must be in [0,100], received {quality}.")
    if density_unit not in ("in", "cm"):
        raise InvalidArgumentError(
            f"encode_jpeg: density_unit must be 'in' or 'cm', received {density_unit!r}.")
    for argument, value in (("x_density", x_density), ("y_density", y_density)):
        if not 0 <= int(value) <= 65535:
            raise InvalidArgumentError(
                f"encode_jpeg: {argument} must fit 16 bits (0..65535), received {value}.")
    xmp = _contents_bytes(xmp_metadata, "encode_jpeg") if xmp_metadata != "" else b""
    return Tensor(strings_array(jpeg.encode(
        pixels, quality, progressive, optimize_size, chroma_downsampling, density_unit,
        x_density, y_density, xmp)))


def is_jpeg(contents, name=None):
    """Whether the bytes start like a JPEG (a scalar bool tensor)."""
    return Tensor(np.array(_sniff(_contents_bytes(contents, "is_jpeg")) == "jpeg"))


def extract_jpeg_shape(contents, output_type="int32", name=None):
    """[height, width, channels] of a JPEG without decoding its pixels."""
    data = _contents_bytes(contents, "extract_jpeg_shape")
    if _sniff(data) != "jpeg":
        raise InvalidArgumentError("extract_jpeg_shape: the contents are not a JPEG image.")
    image = _open_header(data)
    channels = 1 if image.mode == "L" else (4 if image.mode == "CMYK" else 3)
    dtype = np.dtype(getattr(output_type, "name", output_type))
    return Tensor(np.array([image.height, image.width, channels], dtype=dtype))


def _open_header(data):
    try:
        return _pil().open(io.BytesIO(data))
    except Exception as error:
        raise InvalidArgumentError(
            f"extract_jpeg_shape: could not read the JPEG header ({error}).") from error


__all__ = ["decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image", "decode_jpeg",
           "decode_png", "encode_jpeg", "encode_png", "extract_jpeg_shape", "is_jpeg"]
