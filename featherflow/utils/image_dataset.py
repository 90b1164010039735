"""``keras.utils.image_dataset_from_directory``: a folder of class folders of images as a
dataset of ``(images, labels)`` batches, with Keras 3's files, order, labels and split.

Each image is read, decoded (``tf.image.decode_image``, Pillow underneath) and resized with
``tf.image.resize`` and the ``interpolation`` given, or centre-cropped to the target aspect
ratio first (``crop_to_aspect_ratio``, Keras's ``smart_resize``) or padded to it
(``pad_to_aspect_ratio``).
"""

import numpy as np

from featherflow import backend
from featherflow.autodiff.tensor import Tensor
from featherflow.data.dataset import AUTOTUNE, Dataset
from featherflow.utils import directory_index

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
                  "mitchellcubic")


def smart_resize(image, size, interpolation="bilinear"):
    """Centre-crop ``image`` (H, W, C) to the aspect ratio of ``size``, then resize, as
    Keras's ``smart_resize``."""
    from featherflow import image as image_ops  # tf.image loads on first use

    height, width = image.shape[0], image.shape[1]
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top = int(float(height - crop_height) / 2)
    left = int(float(width - crop_width) / 2)
    cropped = image[top:top + crop_height, left:left + crop_width, :]
    return image_ops.resize(cropped, size, method=interpolation)


def _load_image(path, image_size, channels, interpolation, data_format, crop, pad):
    from featherflow import image as image_ops  # tf.image loads on first use
    from featherflow.ops.reshape import transpose

    name = path.numpy().decode("utf-8")
    with open(name, "rb") as file:
        content = file.read()
    contents = np.empty((), dtype=object)
    contents[()] = content
    image = image_ops.decode_image(Tensor(contents), channels=channels,
                                   expand_animations=False)
    if crop:
        image = smart_resize(image, image_size, interpolation)
    elif pad:
        image = image_ops.resize_with_pad(image, image_size[0], image_size[1],
                                          method=interpolation)
    else:
        image = image_ops.resize(image, image_size, method=interpolation)
    if data_format == "channels_first":
        image = transpose(image, (2, 0, 1))
    return image


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf",
                                 verbose=True):
    """Batches of ``(images, labels)`` from ``directory/<class>/*.{png,jpg,...}``, as Keras.

    Example::

        >>> train = tf.keras.utils.image_dataset_from_directory(
        ...     "flowers", validation_split=0.2, subset="training", seed=123,
        ...     image_size=(180, 180), batch_size=32)
    """
    directory_index.check_label_args(labels, label_mode, class_names, "image files",
                                     "images")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError("Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be "
                         "set to `True`.")
    if format != "tf":
        raise ValueError(f'`format` must be "tf" in featherflow (Grain datasets are not '
                         f"available). Received: format={format}")
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = directory_index.index_directory(
        directory, labels, formats=ALLOWLIST_FORMATS, class_names=class_names,
        shuffle=shuffle, seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    data_format = data_format or backend.image_data_format()
    buffer_size = batch_size * 8 if batch_size is not None else 1024
    num_classes = len(class_names) if class_names else 0
    load_args = (tuple(image_size), channels, interpolation, data_format,
                 crop_to_aspect_ratio, pad_to_aspect_ratio)

    def build(subset_name, shuffled):
        subset_paths, subset_labels = directory_index.training_or_validation_split(
            paths, labels, validation_split, subset_name)
        if not subset_paths:
            kind = {"training": "training ", "validation": "validation "}.get(
                subset_name if subset == "both" else None, "")
            raise ValueError(f"No {kind}images found in directory {directory}. Allowed "
                             f"formats: {ALLOWLIST_FORMATS}")
        ds = Dataset.from_tensor_slices(subset_paths)
        if label_mode:
            ds = Dataset.zip((ds, directory_index.labels_dataset(subset_labels, label_mode,
                                                                 num_classes)))
        if shuffled:
            ds = ds.shuffle(buffer_size=buffer_size, seed=seed)
        if label_mode:
            ds = ds.map(lambda x, y: (_load_image(x, *load_args), y),
                        num_parallel_calls=AUTOTUNE)
        else:
            ds = ds.map(lambda x: _load_image(x, *load_args), num_parallel_calls=AUTOTUNE)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds = ds.prefetch(AUTOTUNE)
        ds.class_names = class_names
        ds.file_paths = list(subset_paths)
        return ds

    if subset == "both":
        return [build("training", shuffle), build("validation", False)]
    return build(subset, shuffle)
