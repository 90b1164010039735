"""``tf.image``: codecs (Pillow underneath), resizing, crops and flips, colour ops, quality
metrics, box ops (crop_and_resize, non-max suppression, drawing and sampling boxes), Sobel
edges and glimpses. Each name lives in the module of its family and loads on first use, so
``import featherflow`` stays free of Pillow and of the resize kernels.
"""

import importlib
import sys
import types

_MODULES = {
    "featherflow.image.codecs": (
        "decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image", "decode_jpeg",
        "decode_png", "encode_jpeg", "encode_png", "extract_jpeg_shape", "is_jpeg",
    ),
    "featherflow.image.resize": (
        "ResizeMethod", "resize", "resize_with_crop_or_pad", "resize_with_pad",
    ),
    "featherflow.image.transforms": (
        "central_crop", "crop_to_bounding_box", "flip_left_right", "flip_up_down",
        "pad_to_bounding_box", "random_crop", "random_flip_left_right", "random_flip_up_down",
        "rot90", "stateless_random_crop", "stateless_random_flip_left_right",
        "stateless_random_flip_up_down", "transpose",
    ),
    "featherflow.image.color": (
        "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
        "adjust_saturation", "convert_image_dtype", "grayscale_to_rgb", "hsv_to_rgb",
        "per_image_standardization", "random_brightness", "random_contrast", "random_hue",
        "random_saturation", "rgb_to_grayscale", "rgb_to_hsv", "stateless_random_brightness",
        "stateless_random_contrast", "stateless_random_hue", "stateless_random_saturation",
    ),
    "featherflow.image.quality": ("image_gradients", "psnr", "ssim", "total_variation"),
    "featherflow.image.patches": ("extract_patches",),
    "featherflow.image.crop_and_resize": ("crop_and_resize",),
    "featherflow.image.nms": (
        "non_max_suppression", "non_max_suppression_overlaps", "non_max_suppression_with_scores",
    ),
    "featherflow.image.padded_nms": ("non_max_suppression_padded",),
    "featherflow.image.combined_nms": ("combined_non_max_suppression",),
    "featherflow.image.edges": ("sobel_edges",),
    "featherflow.image.draw_boxes": ("draw_bounding_boxes",),
    "featherflow.image.distorted_boxes": (
        "sample_distorted_bounding_box", "stateless_sample_distorted_bounding_box",
    ),
    "featherflow.image.glimpse": ("extract_glimpse",),
    "featherflow.image.color_spaces": ("rgb_to_yiq", "rgb_to_yuv", "yiq_to_rgb", "yuv_to_rgb"),
}

# public name -> module that defines it
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'featherflow.image' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class _ImagePackage(types.ModuleType):
    # Importing the submodule featherflow.image.resize makes the import system set the
    # package's `resize` attribute to that module; tf.image.resize must stay the function.
    def __setattr__(self, name, value):
        if (name in _LAZY and isinstance(value, types.ModuleType)
                and value.__name__ == f"{self.__name__}.{name}"):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _ImagePackage


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = sorted(_LAZY)
