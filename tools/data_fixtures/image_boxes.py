"""tf.image box ops against TF 2.21: crop_and_resize (values and gradients), sobel_edges,
draw_bounding_boxes, the non-max-suppression family, sample_distorted_bounding_box and
extract_glimpse.

Inputs are small and random (NumPy's generator with fixed seeds); boxes include flipped ones
(y1 > y2), boxes reaching outside the image and exact ties in the scores. Error scenarios record
the class TF raises.
"""

import numpy as np

SCENARIOS = {}


def _add(name):
    def register(fn):
        SCENARIOS[name] = fn
        return fn
    return register


def _image(shape, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "uint8":
        return rng.integers(0, 256, shape).astype(np.uint8)
    return rng.uniform(0, 1, shape).astype(dtype)


# ---------------------------------------------------------------- crop_and_resize

_CROP_BOXES = np.array([
    [0.0, 0.0, 1.0, 1.0],      # the whole image
    [0.1, 0.2, 0.7, 0.9],      # inside
    [0.8, 0.9, 0.2, 0.1],      # flipped both ways
    [-0.3, 0.5, 0.6, 1.4],     # reaching outside (extrapolated samples)
    [0.125, 0.125, 0.375, 0.625],  # samples on exact .5 positions (nearest rounding)
    [1.2, 1.1, 1.5, 1.3],      # entirely outside
], np.float32)
_CROP_INDICES = np.array([0, 1, 0, 1, 0, 1], np.int32)


def _crop(method, crop_size, dtype="float32", extrapolation=0.0):
    def scenario(tf):
        image = tf.constant(_image((2, 5, 9, 3), dtype))
        return tf.image.crop_and_resize(image, tf.constant(_CROP_BOXES),
                                        tf.constant(_CROP_INDICES), crop_size, method=method,
                                        extrapolation_value=extrapolation)
    return scenario


for _method in ("bilinear", "nearest"):
    for _size in ([3, 4], [1, 1], [1, 5], [6, 1], [7, 11]):
        SCENARIOS[f"crop_{_method}_{_size[0]}x{_size[1]}"] = _crop(_method, _size)
    SCENARIOS[f"crop_{_method}_extrapolate"] = _crop(_method, [4, 4], extrapolation=-0.5)
    SCENARIOS[f"crop_{_method}_uint8_u8"] = _crop(_method, [4, 5], "uint8")
    SCENARIOS[f"crop_{_method}_float64"] = _crop(_method, [3, 3], "float64")


def _crop_grad(method, crop_size):
    def scenario(tf):
        image = tf.constant(_image((2, 5, 9, 3)))
        boxes = tf.constant(_CROP_BOXES)
        weights = tf.constant(_image((6, crop_size[0], crop_size[1], 3), seed=1))
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(image)
            tape.watch(boxes)
            crops = tf.image.crop_and_resize(image, boxes, _CROP_INDICES, crop_size,
                                             method=method)
            loss = tf.reduce_sum(crops * weights)
        return {"image": tape.gradient(loss, image), "boxes": tape.gradient(loss, boxes)}
    return scenario


for _method in ("bilinear", "nearest"):
    for _size in ([3, 4], [1, 1], [6, 2]):
        SCENARIOS[f"crop_grad_{_method}_{_size[0]}x{_size[1]}"] = _crop_grad(_method, _size)


@_add("crop_empty_boxes")
def _(tf):
    return tf.image.crop_and_resize(tf.constant(_image((1, 3, 3, 2))), tf.zeros([0, 4]),
                                    tf.zeros([0], tf.int32), [2, 2])


def _crop_error(boxes, indices, crop_size, image_shape=(2, 5, 9, 3), method="bilinear"):
    def scenario(tf):
        return tf.image.crop_and_resize(tf.constant(_image(image_shape)),
                                        tf.constant(np.asarray(boxes, np.float32)),
                                        tf.constant(np.asarray(indices, np.int32)), crop_size,
                                        method=method)
    return scenario


SCENARIOS["crop_error_box_rank"] = _crop_error([0.0, 0.0, 1.0, 1.0], [0], [2, 2])
SCENARIOS["crop_error_box_columns"] = _crop_error([[0.0, 0.0, 1.0]], [0], [2, 2])
SCENARIOS["crop_error_index_range"] = _crop_error([[0.0, 0.0, 1.0, 1.0]], [2], [2, 2])
SCENARIOS["crop_error_index_negative"] = _crop_error([[0.0, 0.0, 1.0, 1.0]], [-1], [2, 2])
SCENARIOS["crop_error_index_count"] = _crop_error([[0.0, 0.0, 1.0, 1.0]], [0, 1], [2, 2])
SCENARIOS["crop_error_crop_zero"] = _crop_error([[0.0, 0.0, 1.0, 1.0]], [0], [0, 2])
SCENARIOS["crop_error_image_rank"] = _crop_error([[0.0, 0.0, 1.0, 1.0]], [0], [2, 2],
                                                 image_shape=(5, 9, 3))
SCENARIOS["crop_error_method"] = _crop_error([[0.0, 0.0, 1.0, 1.0]], [0], [2, 2],
                                             method="bicubic")
SCENARIOS["crop_error_not_finite"] = _crop_error([[0.0, np.nan, 1.0, 1.0]], [0], [2, 2])
