"""``tf.keras.preprocessing.image``: image loading helpers and the legacy augmentation API
(``ImageDataGenerator``, its iterators and the ``random_*`` transform functions),
re-exported."""

from featherflow.keras.preprocessing.affine import (
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
)
from featherflow.keras.preprocessing.image_file_iterators import (
    DataFrameIterator,
    DirectoryIterator,
)
from featherflow.keras.preprocessing.image_generator import ImageDataGenerator
from featherflow.keras.preprocessing.image_iterators import Iterator, NumpyArrayIterator
from featherflow.utils.image_dataset import smart_resize
from featherflow.utils.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = [
    "DataFrameIterator", "DirectoryIterator", "ImageDataGenerator", "Iterator",
    "NumpyArrayIterator", "apply_affine_transform", "apply_brightness_shift",
    "apply_channel_shift", "array_to_img", "img_to_array", "load_img", "random_brightness",
    "random_channel_shift", "random_rotation", "random_shear", "random_shift", "random_zoom",
    "save_img", "smart_resize",
]
