"""Reference pixels for the image codecs (featherflow/image/codecs.py).

Two steps, both writing under tests/fixtures/tf/data/images/:
  python tools/data_fixtures/image_codecs.py make-images      (Pillow: the small test images)
  /work/venv-tf/bin/python tools/data_fixtures/image_codecs.py record   (TF 2.21's pixels)
The images are tiny (8x6 px) so that the fixtures stay a few KB.
"""

import json
import pathlib
import sys

import numpy as np

IMAGES = pathlib.Path(__file__).resolve().parents[2] / "tests/fixtures/tf/data/images"
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


def record():
    import tensorflow as tf

    wide = np.random.default_rng(5).integers(0, 65536, (6, 8, 3), dtype=np.uint16)
    (IMAGES / "rgb16.png").write_bytes(tf.io.encode_png(wide).numpy())
    # libpng picks Sub/Average/Paeth filters for this one (the small ones are unfiltered)
    (IMAGES / "smooth16.png").write_bytes(tf.io.encode_png(smooth_16bit()).numpy())
    result = {}
    for path in sorted(IMAGES.iterdir()):
        if path.suffix == ".json" or path.name == "smooth16.png":
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


if __name__ == "__main__":
    {"make-images": make_images, "record": record}[sys.argv[1]]()
