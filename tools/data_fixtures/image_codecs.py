"""Reference pixels and bytes for the image codecs (featherflow/image/codecs.py, jpeg.py).

Three steps:
  python tools/data_fixtures/image_codecs.py make-images      (Pillow: the small test images
                                                               under tests/fixtures/tf/data/images/)
  /work/venv-tf/bin/python tools/data_fixtures/image_codecs.py record   (TF 2.21's pixels of
                                                               every format: images/pixels.json)
  /work/venv-tf/bin/python tools/make_data_fixtures.py image_codecs     (SCENARIOS below: TF's
                                                               decode_jpeg options, truncated
                                                               files, encode_jpeg's bytes)
The images are tiny (8x6 px; 23x19 px for the JPEG option matrix, odd sizes so that every
subsampling has partial MCUs at the right and bottom edges) so that the fixtures stay small.
"""

import json
import pathlib
import sys

import numpy as np

IMAGES = pathlib.Path(__file__).resolve().parents[2] / "tests/fixtures/tf/data/images"
JPEGS = IMAGES / "jpeg"
CHANNELS = (0, 1, 3, 4)


def _pixels(seed, channels):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (6, 8, channels), dtype=np.uint8)


def smooth_16bit():
    return np.linspace(0, 65535, 64 * 64 * 3).reshape(64, 64, 3).astype(np.uint16)


def make_images():
    from PIL import Image

    IMAGES.mkdir(parents=True, exist_ok=True)
    rgb, rgba, gray = _pixels(0, 3), _pixels(1, 4), _pixels(2, 1)[..., 0]
    Image.fromarray(rgb).save(IMAGES / "rgb.png")
    Image.fromarray(rgba).save(IMAGES / "rgba.png")
    Image.fromarray(gray).save(IMAGES / "gray.png")
    Image.fromarray(np.stack([gray, gray[::-1]], -1), "LA").save(IMAGES / "gray_alpha.png")
    Image.fromarray(rgb).quantize(8).save(IMAGES / "palette.png")
    smooth = np.linspace(0, 255, 16 * 12 * 3).reshape(12, 16, 3).astype(np.uint8)
    Image.fromarray(smooth).save(IMAGES / "rgb.jpg", quality=90)
    Image.fromarray(smooth[..., 1]).save(IMAGES / "gray.jpg", quality=90)
    Image.fromarray(rgb).save(IMAGES / "rgb.bmp")
    frames = [Image.fromarray(_pixels(seed, 3)).quantize(16) for seed in (3, 4)]
    frames[0].save(IMAGES / "two_frames.gif", save_all=True, append_images=frames[1:])
    make_jpegs()


def test_picture():
    """23x19 RGB: a gradient with noise and a hard edge (where the two IDCTs and the
    upsamplers disagree most)."""
    rng = np.random.default_rng(7)
    rows, cols = np.mgrid[0:19, 0:23]
    base = np.stack([cols * 11, rows * 13, (cols + rows) * 6], -1).astype(float)
    base[:, 12:] = 255 - base[:, 12:]
    return np.clip(base + rng.normal(0, 35, base.shape), 0, 255).astype(np.uint8)


def make_jpegs():
    from PIL import Image

    JPEGS.mkdir(parents=True, exist_ok=True)
    picture = Image.fromarray(test_picture())
    for subsampling in ("4:4:4", "4:2:2", "4:2:0"):
        picture.save(JPEGS / f"s{subsampling.replace(':', '')}.jpg", quality=85,
                     subsampling=subsampling)
    picture.save(JPEGS / "progressive.jpg", quality=85, progressive=True)
    picture.convert("L").save(JPEGS / "gray.jpg", quality=85)
    # Pillow writes CMYK with an Adobe marker (inverted values), as Photoshop does
    picture.convert("CMYK").save(JPEGS / "cmyk.jpg", quality=85)


def record():
    import tensorflow as tf

    wide = np.random.default_rng(5).integers(0, 65536, (6, 8, 3), dtype=np.uint16)
    (IMAGES / "rgb16.png").write_bytes(tf.io.encode_png(wide).numpy())
    # libpng picks Sub/Average/Paeth filters for this one (the small ones are unfiltered)
    (IMAGES / "smooth16.png").write_bytes(tf.io.encode_png(smooth_16bit()).numpy())
    result = {}
    for path in sorted(IMAGES.iterdir()):
        if path.suffix == ".json" or path.name == "smooth16.png" or path.is_dir():
            continue
        data = path.read_bytes()
        entry = {}
        for channels in CHANNELS:
            try:
                image = tf.io.decode_image(data, channels=channels, expand_animations=True)
                entry[str(channels)] = image.numpy().tolist()
            except tf.errors.InvalidArgumentError:
                entry[str(channels)] = "InvalidArgumentError"
        if path.name in ("rgb.png", "rgb16.png", "gray.png"):
            entry["uint16"] = {str(c): tf.io.decode_png(data, channels=c, dtype=tf.uint16)
                               .numpy().tolist() for c in CHANNELS}
        if path.suffix == ".jpg":
            entry["shape"] = tf.io.extract_jpeg_shape(data).numpy().tolist()
            entry["ratio2"] = tf.io.decode_jpeg(data, ratio=2).numpy().tolist()
        result[path.name] = entry
    (IMAGES / "pixels.json").write_text(json.dumps(result, separators=(",", ":")))


# -- SCENARIOS: decode_jpeg's options on every kind of JPEG, truncated files, encode_jpeg --

JPEG_FILES = ("s444", "s422", "s420", "progressive", "gray", "cmyk")

# (dct_method, fancy_upscaling, channels, ratio); the first is TF's default
DECODE_OPTIONS = [("", True, 0, 1), ("", True, 1, 1), ("", False, 0, 1),
                  ("INTEGER_FAST", True, 3, 1), ("INTEGER_ACCURATE", True, 0, 1),
                  ("INTEGER_ACCURATE", True, 1, 1), ("INTEGER_ACCURATE", False, 0, 1),
                  ("", True, 0, 2), ("", True, 0, 4), ("", True, 0, 8), ("", False, 0, 2),
                  ("INTEGER_ACCURATE", False, 0, 2)]


def option_name(dct_method, fancy, channels, ratio):
    return (f"{dct_method.lower() or 'default'}_{'fancy' if fancy else 'plain'}_c{channels}"
            f"_r{ratio}")


def _pixel_record(image):
    pixels = image.numpy()
    return {"shape": list(pixels.shape), "pixels": pixels.tobytes()}


def _decode_scenario(file, dct_method, fancy, channels, ratio):
    def scenario(tf):
        data = (JPEGS / f"{file}.jpg").read_bytes()
        return _pixel_record(tf.io.decode_jpeg(data, channels=channels, ratio=ratio,
                                               fancy_upscaling=fancy, dct_method=dct_method))
    return scenario


def _truncated(file, fraction):
    """The file cut ``fraction`` of the way through its entropy-coded data (the headers of
    these small files are most of their bytes)."""
    data = (JPEGS / f"{file}.jpg").read_bytes()
    start = data.index(b"\xff\xda")
    return data[:start + int((len(data) - start) * fraction)]


def _truncated_scenario(file, fraction, recover, acceptable):
    def scenario(tf):
        return _pixel_record(tf.io.decode_jpeg(
            _truncated(file, fraction), try_recover_truncated=recover,
            acceptable_fraction=acceptable))
    return scenario


def _encode_scenario(channels, options):
    def scenario(tf):
        picture = test_picture()
        image = picture[..., 1:2] if channels == 1 else picture
        return tf.io.encode_jpeg(image, **options).numpy()
    return scenario


ENCODE_OPTIONS = {
    "default": {}, "quality50": {"quality": 50}, "quality10": {"quality": 10},
    "quality0": {"quality": 0}, "quality100": {"quality": 100},
    "no_chroma_downsampling": {"chroma_downsampling": False}, "progressive": {"progressive": True},
    "optimize_size": {"optimize_size": True},
    "density_cm": {"density_unit": "cm", "x_density": 30, "y_density": 45},
    "xmp": {"xmp_metadata": "<x:xmpmeta xmlns:x='adobe:ns:meta/'>featherflow</x:xmpmeta>"},
    "format_rgb": {"format": "rgb"},
}

SCENARIOS = {}
for _file in JPEG_FILES:
    for _options in DECODE_OPTIONS:
        SCENARIOS[f"decode_{_file}_{option_name(*_options)}"] = _decode_scenario(_file, *_options)
    SCENARIOS[f"shape_{_file}"] = (
        lambda tf, f=_file: tf.io.extract_jpeg_shape((JPEGS / f"{f}.jpg").read_bytes()))
    SCENARIOS[f"decode_image_{_file}"] = (
        lambda tf, f=_file: _pixel_record(tf.io.decode_image((JPEGS / f"{f}.jpg").read_bytes())))
for _file in ("s444", "s420", "gray", "progressive"):
    for _fraction in (0.3, 0.7):
        for _recover, _acceptable in ((False, 1.0), (False, 0.25), (False, 0.0), (True, 1.0)):
            SCENARIOS[f"truncated_{_file}_{int(_fraction * 100)}_"
                      f"{'recover' if _recover else 'acceptable'}{_acceptable}"] = (
                _truncated_scenario(_file, _fraction, _recover, _acceptable))
for _name, _options in ENCODE_OPTIONS.items():
    SCENARIOS[f"encode_rgb_{_name}"] = _encode_scenario(3, _options)
SCENARIOS["encode_gray_default"] = _encode_scenario(1, {})
SCENARIOS["encode_gray_format_grayscale"] = _encode_scenario(1, {"format": "grayscale"})
SCENARIOS["encode_gray_quality30_progressive"] = _encode_scenario(
    1, {"quality": 30, "progressive": True})
# each decoder on the other formats (TF's DecodePng/DecodeJpeg/DecodeGif read several)
for _op in ("decode_png", "decode_jpeg", "decode_gif", "decode_bmp"):
    for _other in ("rgb.png", "rgba.png", "rgb.bmp", "two_frames.gif", "jpeg/s420.jpg",
                   "jpeg/gray.jpg"):
        SCENARIOS[f"cross_{_op}_{_other.replace('/', '_')}"] = (
            lambda tf, op=_op, f=_other: _pixel_record(getattr(tf.io, op)(
                (IMAGES / f).read_bytes())))
# decode_and_crop_jpeg: windows at every MCU phase, narrow ones (libjpeg's upsampler choice
# below 2 chroma samples), the options, truncation, non-JPEG input and bad windows
_WINDOWS = [(0, 0, 19, 23), (3, 5, 9, 11), (7, 17, 12, 6), (1, 16, 5, 4), (10, 1, 2, 2),
            (0, 19, 8, 1), (5, 9, 1, 14), (18, 22, 1, 1)]
for _file in ("s444", "s422", "s420", "progressive", "gray", "cmyk"):
    for _window in _WINDOWS:
        SCENARIOS[f"crop_{_file}_{'_'.join(map(str, _window))}"] = (
            lambda tf, f=_file, w=_window: _pixel_record(tf.io.decode_and_crop_jpeg(
                (JPEGS / f"{f}.jpg").read_bytes(), list(w))))
for _options in DECODE_OPTIONS[1:]:
    for _file in ("s422", "s420"):
        SCENARIOS[f"crop_{_file}_{option_name(*_options)}"] = (
            lambda tf, f=_file, o=_options: _pixel_record(tf.io.decode_and_crop_jpeg(
                (JPEGS / f"{f}.jpg").read_bytes(), [1, 1, 2, 2] if o[3] > 2 else [3, 5, 7, 6],
                channels=o[2], ratio=o[3], fancy_upscaling=o[1], dct_method=o[0])))
SCENARIOS["crop_truncated_s420"] = lambda tf: _pixel_record(tf.io.decode_and_crop_jpeg(
    _truncated("s420", 0.7), [4, 3, 14, 9], acceptable_fraction=0.2))
SCENARIOS["crop_truncated_s444_too_little"] = lambda tf: _pixel_record(
    tf.io.decode_and_crop_jpeg(_truncated("s444", 0.3), [4, 3, 14, 9], acceptable_fraction=0.9))
SCENARIOS["crop_png"] = lambda tf: _pixel_record(tf.io.decode_and_crop_jpeg(
    (IMAGES / "rgb.png").read_bytes(), [1, 2, 3, 4]))
SCENARIOS["crop_error_outside"] = lambda tf: tf.io.decode_and_crop_jpeg(
    (JPEGS / "s420.jpg").read_bytes(), [10, 10, 10, 10])
SCENARIOS["crop_error_empty"] = lambda tf: tf.io.decode_and_crop_jpeg(
    (JPEGS / "s420.jpg").read_bytes(), [1, 1, 0, 4])
SCENARIOS["error_dct_method_float"] = lambda tf: tf.io.decode_jpeg(
    (JPEGS / "s444.jpg").read_bytes(), dct_method="FLOAT")
SCENARIOS["error_cmyk_grayscale"] = lambda tf: tf.io.decode_jpeg(
    (JPEGS / "cmyk.jpg").read_bytes(), channels=1)
SCENARIOS["error_encode_format_mismatch"] = lambda tf: tf.io.encode_jpeg(
    test_picture(), format="grayscale")


if __name__ == "__main__":
    {"make-images": make_images, "record": record}[sys.argv[1]]()
