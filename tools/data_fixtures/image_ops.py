"""tf.image operation scenarios (resize kernels, crops, flips, colour, dtype conversion).

Images are small and random (NumPy's generator with a fixed seed), as uint8 in [0, 255] or
float32 in [0, 1], 3-D and 4-D, resized up, down, to odd sizes and to mixed up/down shapes.
A scenario's name ends in ``_u8`` when its float output is on the 0-255 scale (the tests
scale their absolute tolerance by it).
"""

import numpy as np

_METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
            "mitchellcubic"]


def _image(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "uint8":
        return rng.integers(0, 256, shape).astype(np.uint8)
    return rng.uniform(0, 1, shape).astype(dtype)


# (input shape, dtype, size): down to odd sizes, up, mixed, and a one-pixel axis
_RESIZE_CASES = {
    "down_u8": ((5, 7, 3), "uint8", [3, 4]),
    "up4d": ((2, 4, 5, 2), "float32", [7, 9]),
    "mixed": ((6, 6, 1), "float32", [2, 11]),
    "thin_u8": ((1, 9, 3, 2), "uint8", [3, 1]),
}


def _resize(method, antialias, case):
    shape, dtype, size = _RESIZE_CASES[case]

    def scenario(tf):
        out = tf.image.resize(tf.constant(_image(shape, dtype)), size, method=method,
                              antialias=antialias)
        return out
    return scenario


SCENARIOS = {}
for _method in _METHODS:
    for _antialias in (False, True):
        for _case in _RESIZE_CASES:
            _name = f"resize_{_method}{'_aa' if _antialias else ''}_{_case}"
            SCENARIOS[_name] = _resize(_method, _antialias, _case)


def _add(name):
    def register(fn):
        SCENARIOS[name] = fn
        return fn
    return register


@_add("resize_preserve_aspect_u8")
def _(tf):
    image = tf.constant(_image((7, 10, 3), "uint8"))
    return tf.image.resize(image, [4, 4], preserve_aspect_ratio=True)


@_add("resize_same_size")
def _(tf):
    return tf.image.resize(tf.constant(_image((3, 4, 2), "float32")), [3, 4], method="bicubic")


@_add("resize_bad_rank")
def _(tf):
    return tf.image.resize(tf.constant(_image((3, 4), "float32")), [2, 2])


@_add("resize_with_pad_u8")
def _(tf):
    return tf.image.resize_with_pad(tf.constant(_image((5, 9, 3), "uint8")), 6, 6)


@_add("resize_with_pad_4d_nearest")
def _(tf):
    return tf.image.resize_with_pad(tf.constant(_image((2, 6, 3, 1), "float32")), 5, 8,
                                    method="nearest")


@_add("resize_with_crop_or_pad")
def _(tf):
    image = tf.constant(_image((5, 6, 1), "float32"))
    return (tf.image.resize_with_crop_or_pad(image, 3, 9),
            tf.image.resize_with_crop_or_pad(image, 8, 3),
            tf.image.resize_with_crop_or_pad(image[None], 4, 4))


@_add("flips_rot_transpose")
def _(tf):
    image = tf.constant(_image((3, 4, 2), "uint8"))
    batch = tf.constant(_image((2, 3, 4, 1), "float32"))
    return (tf.image.flip_left_right(image), tf.image.flip_up_down(image),
            tf.image.transpose(image), tf.image.rot90(image), tf.image.rot90(image, k=2),
            tf.image.rot90(image, k=3), tf.image.rot90(batch, k=1), tf.image.rot90(batch, k=4),
            tf.image.flip_left_right(batch), tf.image.flip_up_down(batch),
            tf.image.transpose(batch))


@_add("crop_and_pad_to_bounding_box")
def _(tf):
    image = tf.constant(_image((5, 6, 2), "uint8"))
    return (tf.image.crop_to_bounding_box(image, 1, 2, 3, 3),
            tf.image.pad_to_bounding_box(image, 1, 0, 7, 9),
            tf.image.crop_to_bounding_box(image[None], 0, 0, 5, 1))


@_add("crop_to_bounding_box_too_big")
def _(tf):
    return tf.image.crop_to_bounding_box(tf.zeros([4, 4, 1]), 2, 0, 3, 4)


@_add("pad_to_bounding_box_too_small")
def _(tf):
    return tf.image.pad_to_bounding_box(tf.zeros([4, 4, 1]), 1, 0, 4, 4)


@_add("central_crop")
def _(tf):
    image = tf.constant(_image((7, 9, 1), "float32"))
    return (tf.image.central_crop(image, 0.5), tf.image.central_crop(image, 0.33),
            tf.image.central_crop(image[None], 0.8), tf.image.central_crop(image, 1.0))


@_add("central_crop_bad_fraction")
def _(tf):
    return tf.image.central_crop(tf.zeros([4, 4, 1]), 1.5)


_DTYPE_PAIRS = [("uint8", "float32"), ("float32", "uint8"), ("uint8", "int16"),
                ("int16", "uint8"), ("int32", "float32"), ("float32", "int32"),
                ("float64", "uint8"), ("uint8", "float16"), ("float32", "float64"),
                ("int8", "uint16"), ("uint16", "int8")]


def _converted(source, target, saturate):
    def scenario(tf):
        rng = np.random.default_rng(3)
        if source.startswith("float"):
            values = rng.uniform(-0.2, 1.2, (2, 3, 3)).astype(source)
        else:
            info = np.iinfo(source)
            values = rng.integers(info.min, int(info.max) + 1, (2, 3, 3)).astype(source)
        return tf.image.convert_image_dtype(tf.constant(values), getattr(tf, target),
                                            saturate=saturate)
    return scenario


for _source, _target in _DTYPE_PAIRS:
    for _saturate in (False, True):
        # out-of-range floats cast without saturation have no defined integer value
        if _source.startswith("float") and not _target.startswith("float") and not _saturate:
            continue
        SCENARIOS[f"convert_{_source}_{_target}{'_sat' if _saturate else ''}"] = \
            _converted(_source, _target, _saturate)


def _colour(op, dtype, shape=(2, 3, 4, 3)):
    def scenario(tf):
        return op(tf, tf.constant(_image(shape, dtype, seed=5)))
    return scenario


_COLOUR_OPS = {
    "brightness": lambda tf, x: tf.image.adjust_brightness(x, 0.1),
    "brightness_neg": lambda tf, x: tf.image.adjust_brightness(x, -0.3),
    "contrast": lambda tf, x: tf.image.adjust_contrast(x, 1.7),
    "contrast_low": lambda tf, x: tf.image.adjust_contrast(x, 0.4),
    "gamma": lambda tf, x: tf.image.adjust_gamma(x, 0.5, 1.2),
    "saturation": lambda tf, x: tf.image.adjust_saturation(x, 1.8),
    "saturation_low": lambda tf, x: tf.image.adjust_saturation(x, 0.3),
    "hue": lambda tf, x: tf.image.adjust_hue(x, 0.2),
    "hue_neg": lambda tf, x: tf.image.adjust_hue(x, -0.45),
    "grayscale": lambda tf, x: tf.image.rgb_to_grayscale(x),
    "gray_to_rgb": lambda tf, x: tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(x)),
    "standardize": lambda tf, x: tf.image.per_image_standardization(x),
}

for _op_name, _op in _COLOUR_OPS.items():
    SCENARIOS[f"colour_{_op_name}_uint8"] = _colour(_op, "uint8")
    SCENARIOS[f"colour_{_op_name}_float32"] = _colour(_op, "float32", shape=(3, 5, 3))


@_add("colour_hsv_round_trip")
def _(tf):
    rgb = tf.constant(np.concatenate([_image((10, 3), "float32", seed=7),
                                      [[0.5, 0.5, 0.5], [0, 0, 0], [1, 0, 0], [0, 1, 1],
                                       [0.2, 0.2, 0.9]]]).astype(np.float32))
    hsv = tf.image.rgb_to_hsv(rgb)
    return hsv, tf.image.hsv_to_rgb(hsv)


@_add("colour_hsv_to_rgb_grid")
def _(tf):
    hsv = np.stack(np.meshgrid(np.linspace(0, 0.99, 12), [0, 0.5, 1], [0.3, 1.0]), -1)
    return tf.image.hsv_to_rgb(tf.constant(hsv.reshape(-1, 3).astype(np.float32)))


@_add("colour_standardize_constant")
def _(tf):
    return tf.image.per_image_standardization(tf.fill([2, 3, 1], 7.0))


@_add("colour_gamma_negative")
def _(tf):
    return tf.image.adjust_gamma(tf.zeros([2, 2, 3]), -1.0)


@_add("resize_method_constant_tensor_size")
def _(tf):
    image = tf.constant(_image((2, 5, 4, 1), "float32"))
    return tf.image.resize(image, tf.constant([3, 6]), method=tf.image.ResizeMethod.BICUBIC)


@_add("resize_float64_gives_float32")
def _(tf):
    return tf.image.resize(tf.constant(_image((4, 3, 2), "float64")), [5, 2])


for _op_name in ("brightness", "contrast", "gamma", "saturation", "hue", "grayscale",
                 "standardize"):
    SCENARIOS[f"colour_{_op_name}_float64"] = _colour(_COLOUR_OPS[_op_name], "float64",
                                                      shape=(2, 4, 3))


@_add("random_ops_shapes_and_dtypes")
def _(tf):
    image = tf.constant(_image((2, 6, 5, 3), "uint8"))
    floats = tf.constant(_image((6, 5, 3), "float32"))
    outs = [tf.image.random_crop(image, [1, 3, 4, 3], seed=1),
            tf.image.stateless_random_crop(floats, [2, 2, 3], seed=[1, 2]),
            tf.image.random_flip_left_right(image, seed=3),
            tf.image.random_flip_up_down(floats, seed=3),
            tf.image.stateless_random_flip_left_right(image, seed=[3, 4]),
            tf.image.stateless_random_flip_up_down(floats, seed=[3, 4]),
            tf.image.random_brightness(image, 0.2, seed=5),
            tf.image.random_contrast(floats, 0.5, 1.5, seed=5),
            tf.image.random_saturation(image, 0.5, 1.5, seed=5),
            tf.image.random_hue(floats, 0.1, seed=5),
            tf.image.stateless_random_brightness(floats, 0.2, seed=[1, 2]),
            tf.image.stateless_random_contrast(image, 0.5, 1.5, seed=[1, 2]),
            tf.image.stateless_random_saturation(floats, 0.5, 1.5, seed=[1, 2]),
            tf.image.stateless_random_hue(image, 0.1, seed=[1, 2])]
    return [([int(d) for d in out.shape], out.dtype.name) for out in outs]


@_add("random_flip_keeps_the_pixels")
def _(tf):
    image = tf.constant(_image((4, 5, 3), "uint8"))
    out = tf.image.random_flip_left_right(image, seed=11)
    flipped = tf.image.flip_left_right(image)
    return bool(tf.reduce_all(out == image)) or bool(tf.reduce_all(out == flipped))


@_add("stateless_random_ops_values")
def _(tf):
    image = tf.constant(_image((6, 5, 3), "float32", seed=9))
    batch = tf.constant(_image((8, 2, 3, 1), "uint8", seed=9))
    out = []
    for seed in ([1, 2], [7, 0], [12345, 678]):
        out += [tf.image.stateless_random_flip_left_right(image, seed),
                tf.image.stateless_random_flip_up_down(image, seed),
                tf.image.stateless_random_flip_left_right(batch, seed),
                tf.image.stateless_random_flip_up_down(batch, seed),
                tf.image.stateless_random_crop(image, [3, 2, 2], seed),
                tf.image.stateless_random_crop(batch, [5, 1, 2, 1], seed),
                tf.image.stateless_random_brightness(image, 0.3, seed),
                tf.image.stateless_random_contrast(batch, 0.2, 1.8, seed),
                tf.image.stateless_random_saturation(image, 0.2, 1.8, seed),
                tf.image.stateless_random_hue(image, 0.4, seed)]
    return out


_ERRORS = {
    "error_rgb_to_hsv_uint8": lambda tf: tf.image.rgb_to_hsv(tf.zeros([2, 2, 3], tf.uint8)),
    "error_adjust_hue_delta": lambda tf: tf.image.adjust_hue(tf.zeros([2, 2, 3]), 1.5),
    "error_random_crop_too_big": lambda tf: tf.image.random_crop(tf.zeros([2, 2, 3]),
                                                                 [3, 2, 3]),
    "error_flip_rank2": lambda tf: tf.image.flip_left_right(tf.zeros([2, 2])),
    "error_random_contrast_range": lambda tf: tf.image.random_contrast(
        tf.zeros([2, 2, 3]), 1.0, 0.5),
    "error_random_hue_range": lambda tf: tf.image.random_hue(tf.zeros([2, 2, 3]), 0.7),
    "error_convert_to_bool": lambda tf: tf.image.convert_image_dtype(tf.zeros([2, 2, 1]),
                                                                     tf.bool),
    "error_grayscale_to_rgb_channels": lambda tf: tf.image.grayscale_to_rgb(
        tf.zeros([2, 2, 3])),
    "error_resize_method": lambda tf: tf.image.resize(tf.zeros([2, 2, 1]), [3, 3],
                                                      method="cubic"),
}
SCENARIOS.update(_ERRORS)


@_add("quality_total_variation")
def _(tf):
    image = tf.constant(_image((5, 4, 2), "float32", seed=2))
    return (tf.image.total_variation(image), tf.image.total_variation(image[None]),
            tf.image.total_variation(tf.stack([image, image * 2])))


@_add("quality_image_gradients")
def _(tf):
    return tf.image.image_gradients(tf.constant(_image((2, 4, 3, 2), "float32", seed=3)))


@_add("quality_psnr")
def _(tf):
    a = _image((2, 6, 5, 3), "uint8", seed=4)
    b = _image((2, 6, 5, 3), "uint8", seed=5)
    fa, fb = a.astype(np.float32) / 255, b.astype(np.float32) / 255
    return (tf.image.psnr(tf.constant(a), tf.constant(b), 255),
            tf.image.psnr(tf.constant(fa), tf.constant(fb), 1.0),
            tf.image.psnr(tf.constant(fa[0]), tf.constant(fb[0] * 0.9), 1.0))


@_add("quality_ssim")
def _(tf):
    a = _image((2, 13, 12, 3), "float32", seed=6)
    b = np.clip(a + _image((2, 13, 12, 3), "float32", seed=7) * 0.2, 0, 1)
    a8 = (a * 255).astype(np.uint8)
    b8 = (b * 255).astype(np.uint8)
    return (tf.image.ssim(tf.constant(a), tf.constant(b), 1.0),
            tf.image.ssim(tf.constant(a8), tf.constant(b8), 255),
            tf.image.ssim(tf.constant(a[0]), tf.constant(b[0]), 1.0, filter_size=5,
                          filter_sigma=0.8),
            tf.image.ssim(tf.constant(a), tf.constant(b), 1.0, filter_size=7,
                          return_index_map=True))


def _patches(shape, sizes, strides, rates, padding):
    def scenario(tf):
        images = tf.constant(_image(shape, "float32", seed=8))
        return tf.image.extract_patches(images, sizes, strides, rates, padding)
    return scenario


SCENARIOS.update({
    "patches_valid": _patches((2, 6, 6, 3), [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID"),
    "patches_same_odd": _patches((1, 7, 5, 2), [1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1],
                                 "SAME"),
    "patches_rates_valid": _patches((1, 8, 7, 1), [1, 2, 3, 1], [1, 1, 2, 1], [1, 2, 2, 1],
                                    "VALID"),
    "patches_rates_same": _patches((2, 5, 6, 1), [1, 3, 3, 1], [1, 2, 1, 1], [1, 2, 1, 1],
                                   "SAME"),
    "patches_too_big_valid": _patches((1, 3, 3, 1), [1, 4, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1],
                                      "VALID"),
})
