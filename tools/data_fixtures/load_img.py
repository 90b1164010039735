"""Scenarios for keras.utils.load_img / img_to_array / array_to_img / save_img
(featherflow/utils/image_utils.py), recorded with Keras 3.15.1 (tf.keras on TF 2.21) and Pillow.

setup() writes the test images with Pillow (both runs write the same pixels): RGB, RGBA, gray,
gray+alpha, palette with and without transparency, 16-bit gray PNGs, a JPEG, a BMP and a GIF,
at odd sizes so that every resampling filter and the aspect-ratio crop have work to do.
"""

import io
import os
import warnings

import numpy as np

FILES = ("rgb.png", "rgba.png", "gray.png", "gray_alpha.png", "palette.png",
         "palette_transparent.png", "gray16.png", "photo.jpg", "rgb.bmp", "frames.gif")
MODES = ("grayscale", "rgb", "rgba")
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _picture(channels, seed=0):
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:9, 0:13]
    base = np.stack([cols * 19, rows * 28, (cols + rows) * 12, 255 - cols * 17],
                    -1)[..., :channels]
    return np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)


def setup(tf, workdir):
    from PIL import Image

    rgb, rgba = _picture(3), _picture(4, 1)
    Image.fromarray(rgb).save(os.path.join(workdir, "rgb.png"))
    Image.fromarray(rgba).save(os.path.join(workdir, "rgba.png"))
    Image.fromarray(rgb[..., 1]).save(os.path.join(workdir, "gray.png"))
    Image.fromarray(np.stack([rgb[..., 0], rgba[..., 3]], -1), "LA").save(
        os.path.join(workdir, "gray_alpha.png"))
    palette = Image.fromarray(rgb).quantize(16, method=Image.Quantize.MEDIANCUT)
    palette.save(os.path.join(workdir, "palette.png"))
    palette.save(os.path.join(workdir, "palette_transparent.png"), transparency=3)
    wide = (np.linspace(0, 65535, 9 * 13).reshape(9, 13)).astype(np.uint16)
    Image.fromarray(wide).save(os.path.join(workdir, "gray16.png"))
    Image.fromarray(rgb).save(os.path.join(workdir, "photo.jpg"), quality=90)
    Image.fromarray(rgb).save(os.path.join(workdir, "rgb.bmp"))
    frames = [Image.fromarray(_picture(3, seed)).quantize(16) for seed in (2, 3)]
    frames[0].save(os.path.join(workdir, "frames.gif"), save_all=True,
                   append_images=frames[1:])


def packed(x):
    """An array as dtype, shape and bytes; integral values (all of them here) as uint16 bytes,
    which keeps the JSON small and the comparison exact."""
    x = np.asarray(x)
    record = {"dtype": x.dtype.name, "shape": list(x.shape)}
    if np.all(x == np.round(x)) and x.min(initial=0) >= 0 and x.max(initial=0) <= 65535:
        record["uint16"] = x.astype("<u2").tobytes()
    else:
        record["raw"] = x.tobytes()
    return record


def _loaded(tf, path, **kwargs):
    image = tf.keras.utils.load_img(path, **kwargs)
    return {"mode": image.mode, "size": list(image.size),
            "x": packed(tf.keras.utils.img_to_array(image))}


def _array_to_img(tf, x, **kwargs):
    image = tf.keras.utils.array_to_img(x, **kwargs)
    return {"mode": image.mode, "pixels": packed(np.asarray(image))}


def _saved(tf, name, x, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tf.keras.utils.save_img(name, x, **kwargs)
    return {"warnings": [str(w.message) for w in caught], **_loaded(tf, name)}


def _to_buffer(tf, x, file_format):
    buffer = io.BytesIO()
    tf.keras.utils.save_img(buffer, x, file_format=file_format)
    buffer.seek(0)
    return _loaded(tf, buffer, color_mode="rgba")


SCENARIOS = {}
for _file in FILES:
    for _mode in MODES:
        SCENARIOS[f"load_{_file}_{_mode}"] = (
            lambda tf, f=_file, m=_mode: _loaded(tf, f, color_mode=m))
for _interpolation in INTERPOLATIONS:
    for _size in ((5, 7), (14, 19)):
        SCENARIOS[f"resize_rgb_{_interpolation}_{_size[0]}x{_size[1]}"] = (
            lambda tf, i=_interpolation, s=_size: _loaded(tf, "rgb.png", target_size=s,
                                                          interpolation=i))
        SCENARIOS[f"resize_aspect_{_interpolation}_{_size[0]}x{_size[1]}"] = (
            lambda tf, i=_interpolation, s=_size: _loaded(
                tf, "rgba.png", color_mode="rgba", target_size=s, interpolation=i,
                keep_aspect_ratio=True))
    SCENARIOS[f"resize_gray_{_interpolation}"] = (
        lambda tf, i=_interpolation: _loaded(tf, "gray.png", color_mode="grayscale",
                                             target_size=(6, 6), interpolation=i))
    SCENARIOS[f"resize_gray16_{_interpolation}"] = (
        lambda tf, i=_interpolation: _loaded(tf, "gray16.png", color_mode="grayscale",
                                             target_size=(5, 17), interpolation=i))
    SCENARIOS[f"resize_palette_{_interpolation}"] = (
        lambda tf, i=_interpolation: _loaded(tf, "palette_transparent.png", color_mode="rgba",
                                             target_size=(7, 4), interpolation=i))

SCENARIOS.update({
    "resize_same_size_untouched": lambda tf: _loaded(tf, "rgb.png", target_size=(9, 13),
                                                     interpolation="lanczos"),
    "aspect_tall_target": lambda tf: _loaded(tf, "rgb.png", target_size=(12, 3),
                                             keep_aspect_ratio=True),
    "aspect_wide_target": lambda tf: _loaded(tf, "rgb.png", target_size=(2, 11),
                                             interpolation="bilinear", keep_aspect_ratio=True),
    "bytes_path": lambda tf: _loaded(tf, b"rgb.png"),
    "img_to_array_channels_first": lambda tf: packed(tf.keras.utils.img_to_array(
        tf.keras.utils.load_img("rgba.png", color_mode="rgba"), data_format="channels_first")),
    "img_to_array_gray_channels_first": lambda tf: packed(tf.keras.utils.img_to_array(
        tf.keras.utils.load_img("gray16.png", color_mode="grayscale"),
        data_format="channels_first")),
    "img_to_array_uint8": lambda tf: packed(tf.keras.utils.img_to_array(
        tf.keras.utils.load_img("rgb.png"), dtype="uint8")),
    "img_to_array_float64": lambda tf: packed(tf.keras.utils.img_to_array(
        tf.keras.utils.load_img("gray.png", color_mode="grayscale"), dtype="float64")),
    "img_to_array_int32_gray16": lambda tf: packed(tf.keras.utils.img_to_array(
        tf.keras.utils.load_img("gray16.png", color_mode="grayscale"), dtype="int32")),
    "array_to_img_scaled_rgb": lambda tf: _array_to_img(
        tf, np.linspace(-3.0, 5.0, 5 * 4 * 3).reshape(5, 4, 3)),
    "array_to_img_unscaled_rgba": lambda tf: _array_to_img(
        tf, np.linspace(0, 255, 3 * 2 * 4).reshape(3, 2, 4), scale=False),
    "array_to_img_gray_wide": lambda tf: _array_to_img(
        tf, np.linspace(0, 1000, 12).reshape(3, 4, 1), scale=False),
    "array_to_img_gray_scaled": lambda tf: _array_to_img(
        tf, np.linspace(0, 1000, 12).reshape(3, 4, 1)),
    "array_to_img_constant": lambda tf: _array_to_img(tf, np.full((2, 3, 3), 7.0)),
    "array_to_img_channels_first": lambda tf: _array_to_img(
        tf, np.linspace(0, 1, 3 * 2 * 5).reshape(3, 2, 5), data_format="channels_first"),
    "array_to_img_dtype_float64": lambda tf: _array_to_img(
        tf, np.linspace(0, 1, 12).reshape(2, 2, 3), dtype="float64"),
    "save_png_rgb": lambda tf: _saved(tf, "out.png", _picture(3).astype("float32")),
    "save_png_unscaled": lambda tf: _saved(tf, "out2.png", _picture(4, 4).astype("float32"),
                                           scale=False),
    "save_jpg_rgba_warns": lambda tf: _saved(tf, "out.jpg", _picture(4, 5).astype("float32")),
    "save_jpeg_quality": lambda tf: _saved(tf, "out_q.jpeg", _picture(3, 6).astype("float32"),
                                           quality=40),
    "save_channels_first": lambda tf: _saved(
        tf, "out_cf.png", np.moveaxis(_picture(3, 7), -1, 0).astype("float32"),
        data_format="channels_first"),
    "save_buffer_png": lambda tf: _to_buffer(tf, _picture(4, 8).astype("float32"), "png"),
    "error_color_mode": lambda tf: tf.keras.utils.load_img("rgb.png", color_mode="hsv"),
    "error_interpolation": lambda tf: tf.keras.utils.load_img(
        "rgb.png", target_size=(4, 4), interpolation="area"),
    "error_path_type": lambda tf: tf.keras.utils.load_img(3),
    "error_array_rank": lambda tf: tf.keras.utils.array_to_img(np.zeros((4, 4))),
    "error_array_channels": lambda tf: tf.keras.utils.array_to_img(np.zeros((4, 4, 2))),
    "error_img_to_array_data_format": lambda tf: tf.keras.utils.img_to_array(
        tf.keras.utils.load_img("rgb.png"), data_format="channels_middle"),
    "error_missing_file": lambda tf: tf.keras.utils.load_img("missing.png"),
})
