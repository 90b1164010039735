"""``tf.keras.preprocessing.image``: image loading helpers, re-exported."""

from featherflow.utils.image_dataset import smart_resize
from featherflow.utils.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
