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


# ---------------------------------------------------------------- non-max suppression

def _boxes(count, seed, flip=False, ties=False):
    """Random boxes [y1, x1, y2, x2] in [0, 1] and scores; ``flip`` swaps the corners of
    every other box, ``ties`` rounds the scores to one decimal (many equal scores)."""
    rng = np.random.default_rng(seed)
    corner = rng.uniform(0, 0.8, (count, 2))
    size = rng.uniform(0.05, 0.4, (count, 2))
    boxes = np.concatenate([corner, corner + size], axis=1).astype(np.float32)
    if flip:
        boxes[::2] = boxes[::2][:, [2, 3, 0, 1]]
    scores = rng.uniform(0, 1, count).astype(np.float32)
    if ties:
        scores = np.round(scores, 1).astype(np.float32)
    return boxes, scores


# two boxes whose IoU is exactly 0.5, a zero-area box, and a box equal to the first
_EDGE_BOXES = np.array([[0, 0, 1, 1], [0, 0, 1, 2], [0.5, 0.5, 0.5, 0.9], [0, 0, 1, 1],
                        [1, 1, 0, 0], [3, 3, 4, 4]], np.float32)
_EDGE_SCORES = np.array([0.9, 0.8, 0.95, 0.9, 0.7, 0.9], np.float32)


def _nms(count, seed, max_out, iou=0.5, score_threshold=float("-inf"), flip=False, ties=False):
    def scenario(tf):
        boxes, scores = _boxes(count, seed, flip, ties)
        return tf.image.non_max_suppression(tf.constant(boxes), tf.constant(scores), max_out,
                                            iou_threshold=iou, score_threshold=score_threshold)
    return scenario


SCENARIOS["nms_basic"] = _nms(40, 0, 10)
SCENARIOS["nms_all"] = _nms(40, 1, 100)
SCENARIOS["nms_ties"] = _nms(60, 2, 30, ties=True)
SCENARIOS["nms_flipped"] = _nms(40, 3, 20, flip=True)
SCENARIOS["nms_score_threshold"] = _nms(40, 4, 20, score_threshold=0.6)
SCENARIOS["nms_iou_zero"] = _nms(40, 5, 20, iou=0.0)
SCENARIOS["nms_iou_one"] = _nms(40, 6, 50, iou=1.0)
SCENARIOS["nms_zero_output"] = _nms(10, 7, 0)
SCENARIOS["nms_many"] = _nms(3000, 8, 3000, iou=0.3, ties=True)
SCENARIOS["nms_many_limited"] = _nms(2000, 9, 100, iou=0.7)


@_add("nms_edges")
def _(tf):
    return [tf.image.non_max_suppression(_EDGE_BOXES, _EDGE_SCORES, 6, iou_threshold=t)
            for t in (0.5, 0.49, 0.0, 1.0)]


def _nms_error(boxes, scores, max_out, iou=0.5):
    def scenario(tf):
        return tf.image.non_max_suppression(tf.constant(np.asarray(boxes, np.float32)),
                                            tf.constant(np.asarray(scores, np.float32)),
                                            max_out, iou_threshold=iou)
    return scenario


SCENARIOS["nms_error_iou"] = _nms_error(_EDGE_BOXES, _EDGE_SCORES, 3, iou=1.5)
SCENARIOS["nms_error_iou_negative"] = _nms_error(_EDGE_BOXES, _EDGE_SCORES, 3, iou=-0.1)
SCENARIOS["nms_error_output_size"] = _nms_error(_EDGE_BOXES, _EDGE_SCORES, -1)
SCENARIOS["nms_error_box_rank"] = _nms_error(_EDGE_BOXES[None], _EDGE_SCORES, 3)
SCENARIOS["nms_error_box_columns"] = _nms_error(_EDGE_BOXES[:, :3], _EDGE_SCORES, 3)
SCENARIOS["nms_error_scores"] = _nms_error(_EDGE_BOXES, _EDGE_SCORES[:4], 3)


def _soft(count, seed, max_out, sigma, score_threshold=float("-inf"), iou=0.5, ties=False):
    def scenario(tf):
        boxes, scores = _boxes(count, seed, ties=ties)
        return tf.image.non_max_suppression_with_scores(
            tf.constant(boxes), tf.constant(scores), max_out, iou_threshold=iou,
            score_threshold=score_threshold, soft_nms_sigma=sigma)
    return scenario


SCENARIOS["nms_scores_hard"] = _soft(40, 10, 15, 0.0)
SCENARIOS["nms_scores_soft"] = _soft(40, 11, 40, 0.5)
SCENARIOS["nms_scores_soft_threshold"] = _soft(60, 12, 60, 0.3, score_threshold=0.2)
SCENARIOS["nms_scores_soft_ties"] = _soft(60, 13, 25, 1.0, ties=True)
SCENARIOS["nms_scores_soft_many"] = _soft(600, 14, 200, 0.5, score_threshold=0.05)
SCENARIOS["nms_scores_error_sigma"] = _soft(10, 15, 5, -1.0)


def _overlaps(count, seed, max_out, threshold=0.5, score_threshold=float("-inf")):
    def scenario(tf):
        rng = np.random.default_rng(seed)
        overlaps = rng.uniform(0, 1, (count, count)).astype(np.float32)
        scores = np.round(rng.uniform(0, 1, count), 1).astype(np.float32)
        return tf.image.non_max_suppression_overlaps(
            tf.constant(overlaps), tf.constant(scores), max_out, overlap_threshold=threshold,
            score_threshold=score_threshold)
    return scenario


SCENARIOS["nms_overlaps"] = _overlaps(30, 16, 30, 0.8)
SCENARIOS["nms_overlaps_threshold"] = _overlaps(30, 17, 10, 0.9, score_threshold=0.3)
SCENARIOS["nms_overlaps_error_square"] = lambda tf: tf.image.non_max_suppression_overlaps(
    tf.zeros([3, 4]), tf.zeros([3]), 2)


def _padded(shape, max_out, iou=0.5, score_threshold=float("-inf"), pad=True, flip=False,
            ties=False, tile_size=512, sorted_input=False, canonical=False, seed=20):
    def scenario(tf):
        count = int(np.prod(shape))
        boxes, scores = _boxes(count, seed, flip, ties)
        boxes = tf.constant(boxes.reshape(tuple(shape) + (4,)))
        scores = tf.constant(scores.reshape(shape))
        return tf.image.non_max_suppression_padded(
            boxes, scores, max_out, iou_threshold=iou, score_threshold=score_threshold,
            pad_to_max_output_size=pad, sorted_input=sorted_input,
            canonicalized_coordinates=canonical, tile_size=tile_size)
    return scenario


SCENARIOS["nms_padded_single"] = _padded([40], 10, pad=False)
SCENARIOS["nms_padded_single_pad"] = _padded([40], 50, ties=True)
SCENARIOS["nms_padded_batched"] = _padded([2, 3, 30], 8, iou=0.3)
SCENARIOS["nms_padded_threshold"] = _padded([2, 30], 12, score_threshold=0.5)
SCENARIOS["nms_padded_flipped"] = _padded([25], 25, flip=True)
SCENARIOS["nms_padded_tiles"] = _padded([3, 50], 20, iou=0.2, tile_size=8, ties=True)
SCENARIOS["nms_padded_sorted_input"] = _padded([30], 10, sorted_input=True, canonical=True)
SCENARIOS["nms_padded_many"] = _padded([2, 1500], 300, iou=0.4, ties=True, seed=21)
SCENARIOS["nms_padded_error_batched"] = _padded([2, 10], 5, pad=False)


@_add("nms_padded_edges")
def _(tf):
    return [tf.image.non_max_suppression_padded(_EDGE_BOXES[:4], _EDGE_SCORES[:4], 6,
                                                iou_threshold=t, pad_to_max_output_size=True)
            for t in (0.5, 0.49, 0.0)]


def _combined(batch, count, classes, q, per_class, total, iou=0.5,
              score_threshold=float("-inf"), pad_per_class=False, clip=True, ties=False,
              seed=30, outside=False):
    def scenario(tf):
        rng = np.random.default_rng(seed)
        boxes, _ = _boxes(batch * count * q, seed, flip=True)
        if outside:
            boxes = boxes * 1.6 - 0.3
        scores = rng.uniform(0, 1, (batch, count, classes)).astype(np.float32)
        if ties:
            scores = np.round(scores, 1).astype(np.float32)
        return tf.image.combined_non_max_suppression(
            tf.constant(boxes.reshape(batch, count, q, 4)), tf.constant(scores), per_class,
            total, iou_threshold=iou, score_threshold=score_threshold,
            pad_per_class=pad_per_class, clip_boxes=clip)
    return scenario


SCENARIOS["nms_combined_shared"] = _combined(2, 20, 3, 1, 5, 10)
SCENARIOS["nms_combined_per_class"] = _combined(2, 15, 4, 4, 4, 12, iou=0.3)
SCENARIOS["nms_combined_ties"] = _combined(2, 40, 5, 1, 10, 30, ties=True)
SCENARIOS["nms_combined_ties_many"] = _combined(1, 300, 20, 1, 50, 400, ties=True, seed=31)
SCENARIOS["nms_combined_pad_per_class"] = _combined(2, 10, 2, 1, 3, 20, pad_per_class=True)
SCENARIOS["nms_combined_threshold"] = _combined(2, 20, 3, 3, 6, 8, score_threshold=0.7)
SCENARIOS["nms_combined_clip"] = _combined(1, 20, 2, 1, 5, 8, outside=True)
SCENARIOS["nms_combined_no_clip"] = _combined(1, 20, 2, 1, 5, 8, outside=True, clip=False)
SCENARIOS["nms_combined_error_q"] = _combined(1, 5, 3, 2, 2, 4)
SCENARIOS["nms_combined_error_total"] = _combined(1, 5, 2, 1, 2, 0)
SCENARIOS["nms_combined_error_iou"] = _combined(1, 5, 2, 1, 2, 4, iou=2.0)


# ---------------------------------------------------------------- sobel_edges

@_add("sobel_float32")
def _(tf):
    return tf.image.sobel_edges(tf.constant(_image((2, 5, 6, 3))))


@_add("sobel_float64")
def _(tf):
    return tf.image.sobel_edges(tf.constant(_image((1, 4, 3, 2), "float64")))


@_add("sobel_smallest")
def _(tf):
    return tf.image.sobel_edges(tf.constant(_image((1, 2, 2, 1))))


@_add("sobel_grad")
def _(tf):
    image = tf.constant(_image((1, 4, 5, 2)))
    weights = tf.constant(_image((1, 4, 5, 2, 2), seed=3))
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = tf.reduce_sum(tf.image.sobel_edges(image) * weights)
    return tape.gradient(loss, image)


@_add("sobel_error_one_row")
def _(tf):
    return tf.image.sobel_edges(tf.constant(_image((1, 1, 4, 1))))


# ---------------------------------------------------------------- draw_bounding_boxes

_DRAW_BOXES = np.array([[
    [0.0, 0.0, 1.0, 1.0],        # the border
    [0.2, 0.1, 0.6, 0.5],        # inside
    [-0.3, 0.4, 0.5, 1.6],       # reaching outside (top edge truncates toward zero)
    [-1.5, 0.2, -0.5, 0.4],      # entirely above the image
    [0.7, 0.7, 0.3, 0.9],        # inverted rows: skipped
    [0.45, 0.3, 0.55, 0.35],     # one pixel tall
    [0.1, 0.2, 0.9, 0.8], [0.3, 0.3, 0.4, 0.4], [0.5, 0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 0.5],
    [0.25, 0.25, 0.75, 0.75],    # the eleventh box wraps to the first colour
]], np.float32)


def _draw(depth, colors, dtype="float32", batch=1):
    def scenario(tf):
        images = tf.constant(_image((batch, 7, 9, depth), dtype))
        boxes = tf.constant(np.repeat(_DRAW_BOXES, batch, axis=0))
        return tf.image.draw_bounding_boxes(images, boxes, colors)
    return scenario


SCENARIOS["draw_rgb_default"] = _draw(3, None)
SCENARIOS["draw_rgba_default"] = _draw(4, None, batch=2)
SCENARIOS["draw_gray_default"] = _draw(1, None)
SCENARIOS["draw_rgb_colors"] = _draw(3, np.array([[0.1, 0.2, 0.3], [0.9, 0.8, 0.7]],
                                                 np.float32))
SCENARIOS["draw_gray_wide_colors"] = _draw(1, np.array([[0.25, 1, 1, 1]], np.float32))
SCENARIOS["draw_float16"] = _draw(3, None, "float16")
SCENARIOS["draw_empty_colors"] = _draw(3, np.zeros((0, 3), np.float32))
SCENARIOS["draw_error_uint8"] = _draw(3, None, "uint8")
SCENARIOS["draw_error_depth"] = _draw(2, None)
SCENARIOS["draw_error_colors"] = _draw(3, np.array([[0.1, 0.2]], np.float32))


@_add("draw_error_batch")
def _(tf):
    return tf.image.draw_bounding_boxes(tf.zeros([2, 4, 4, 3]), _DRAW_BOXES, None)


# ---------------------------------------------------------------- sample_distorted_bounding_box

_OBJECTS = np.array([[[0.1, 0.2, 0.5, 0.9], [0.4, 0.05, 0.95, 0.3]]], np.float32)


def _distorted(seed, image_size=(480, 640, 3), boxes=_OBJECTS, dtype="int32", **kwargs):
    def scenario(tf):
        return tf.image.stateless_sample_distorted_bounding_box(
            tf.constant(np.array(image_size, dtype)), tf.constant(boxes),
            seed=tf.constant(np.array(seed, "int32")), **kwargs)
    return scenario


for _seed in ([1, 2], [0, 0], [7, -3], [123456, 987654], [2**31 - 1, 5]):
    SCENARIOS[f"distorted_seed_{_seed[0]}_{_seed[1]}"] = _distorted(_seed)
SCENARIOS["distorted_covered_high"] = _distorted([3, 4], min_object_covered=0.9)
SCENARIOS["distorted_covered_zero"] = _distorted([3, 5], min_object_covered=0.0)
SCENARIOS["distorted_aspect_wide"] = _distorted([4, 4], aspect_ratio_range=[2.0, 3.0],
                                                area_range=[0.1, 0.5])
SCENARIOS["distorted_area_small"] = _distorted([5, 1], area_range=[0.01, 0.05],
                                               max_attempts=200)
SCENARIOS["distorted_one_attempt"] = _distorted([6, 2], max_attempts=1, min_object_covered=0.95)
SCENARIOS["distorted_small_image"] = _distorted([8, 9], image_size=(5, 7, 1))
SCENARIOS["distorted_odd_image_int64"] = _distorted([9, 9], image_size=(333, 97, 3),
                                                    dtype="int64")
SCENARIOS["distorted_uint8_size"] = _distorted([10, 1], image_size=(200, 100, 3),
                                               dtype="uint8")
SCENARIOS["distorted_no_boxes"] = _distorted([11, 2], boxes=np.zeros((1, 0, 4), np.float32),
                                             use_image_if_no_bounding_boxes=True)
SCENARIOS["distorted_error_no_boxes"] = _distorted([11, 3],
                                                   boxes=np.zeros((1, 0, 4), np.float32))
SCENARIOS["distorted_error_box_range"] = _distorted(
    [1, 1], boxes=np.array([[[0.1, 0.2, 1.5, 0.9]]], np.float32))
SCENARIOS["distorted_error_area"] = _distorted([1, 1], area_range=[0.5, 1.5])
SCENARIOS["distorted_error_attempts"] = _distorted([1, 1], max_attempts=0)


@_add("distorted_many_seeds")
def _(tf):
    boxes = tf.constant(_OBJECTS)
    out = []
    for k in range(40):
        begin, size, _ = tf.image.stateless_sample_distorted_bounding_box(
            tf.constant([300, 400, 3]), boxes, seed=[k, 2 * k + 1], min_object_covered=0.3,
            area_range=[0.08, 1.0], aspect_ratio_range=[0.75, 1.3333])
        out.append((begin, size))
    return out


# ---------------------------------------------------------------- extract_glimpse

_OFFSETS = np.array([[0.0, 0.0], [0.5, -0.5], [-1.0, 0.9], [0.3, 0.2]], np.float32)


def _glimpse(size, offsets, centered, normalized, noise="zero", shape=(4, 9, 11, 2)):
    def scenario(tf):
        images = tf.constant(_image(shape) + 0.5)
        glimpse = tf.image.extract_glimpse(images, size, tf.constant(offsets), centered=centered,
                                           normalized=normalized, noise=noise)
        if noise == "zero":
            return glimpse
        # TF's noise is unseeded: compare where the image shows through, and the noise range
        known = tf.image.extract_glimpse(images, size, tf.constant(offsets), centered=centered,
                                         normalized=normalized, noise="zero")
        lowest = tf.reduce_min(images)
        highest = tf.reduce_max(images)
        in_range = tf.reduce_all(tf.logical_and(glimpse >= lowest, glimpse <= highest))
        return {"image_part": tf.where(known > 0, glimpse, tf.zeros_like(glimpse)),
                "noise_in_range": in_range}
    return scenario


SCENARIOS["glimpse_centered_normalized"] = _glimpse([3, 4], _OFFSETS, True, True)
SCENARIOS["glimpse_normalized"] = _glimpse([5, 3], _OFFSETS * 0.5 + 0.5, False, True)
SCENARIOS["glimpse_centered_pixels"] = _glimpse([4, 4], _OFFSETS * 5, True, False)
SCENARIOS["glimpse_pixels"] = _glimpse([3, 5], np.abs(_OFFSETS) * 8 - 1, False, False)
SCENARIOS["glimpse_larger_than_image"] = _glimpse([12, 14], _OFFSETS * 0.2, True, True)
SCENARIOS["glimpse_uniform"] = _glimpse([6, 7], _OFFSETS, True, True, noise="uniform")
SCENARIOS["glimpse_gaussian"] = _glimpse([6, 7], _OFFSETS, True, True, noise="gaussian")
SCENARIOS["glimpse_error_offsets"] = _glimpse([2, 2], _OFFSETS[:2], True, True)
SCENARIOS["glimpse_error_noise"] = _glimpse([2, 2], _OFFSETS, True, True, noise="salt")


# ---------------------------------------------------------------- other input types

@_add("crop_bilinear_float16_image")
def _(tf):
    image = tf.constant(_image((2, 5, 9, 3), "float16"))
    return tf.image.crop_and_resize(image, _CROP_BOXES, _CROP_INDICES, [3, 4])


@_add("crop_grad_float16_image")
def _(tf):
    image = tf.constant(_image((2, 5, 9, 3), "float16"))
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = tf.reduce_sum(tf.image.crop_and_resize(image, _CROP_BOXES, _CROP_INDICES, [3, 4]))
    return tape.gradient(loss, image)


@_add("crop_python_lists")
def _(tf):
    image = [[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]]]]
    return tf.image.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0], [0.5, 0.25, 0.5, 0.75]],
                                    [0, 0], (3, 2))


@_add("nms_float16")
def _(tf):
    boxes, scores = _boxes(40, 40)
    return tf.image.non_max_suppression(tf.constant(boxes.astype(np.float16)),
                                        tf.constant(scores.astype(np.float16)), 15, 0.4)


@_add("nms_scores_float16_soft")
def _(tf):
    boxes, scores = _boxes(30, 41)
    return tf.image.non_max_suppression_with_scores(
        tf.constant(boxes.astype(np.float16)), tf.constant(scores.astype(np.float16)), 30,
        soft_nms_sigma=0.5)


@_add("nms_python_lists")
def _(tf):
    return tf.image.non_max_suppression(_EDGE_BOXES.tolist(), _EDGE_SCORES.tolist(),
                                        tf.constant(4), iou_threshold=tf.constant(0.5))


# ---------------------------------------------------------------- YIQ / YUV

def _color_space(name, shape, dtype="float32"):
    def scenario(tf):
        return getattr(tf.image, name)(tf.constant(_image(shape, dtype)))
    return scenario


for _name in ("rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"):
    SCENARIOS[f"colorspace_{_name}"] = _color_space(_name, (2, 3, 4, 3))
    SCENARIOS[f"colorspace_{_name}_float64_3d"] = _color_space(_name, (3, 4, 3), "float64")
SCENARIOS["colorspace_error_uint8"] = _color_space("rgb_to_yuv", (2, 2, 3), "uint8")


@_add("colorspace_grad")
def _(tf):
    image = tf.constant(_image((2, 2, 3)))
    with tf.GradientTape() as tape:
        tape.watch(image)
        loss = tf.reduce_sum(tf.image.rgb_to_yiq(image) * tf.constant([1.0, 2.0, 3.0]))
    return tape.gradient(loss, image)


# ---------------------------------------------------------------- float32 boundary stress

def _grid_boxes(count, seed, step, cells):
    """Boxes with corners on a grid of ``step``: many samples land exactly on pixel edges and
    many IoUs equal the thresholds (1/2, 1/3), where float32 rounding decides."""
    rng = np.random.default_rng(seed)
    corner = rng.integers(0, cells, (count, 2))
    size = rng.integers(1, 4, (count, 2))
    boxes = np.concatenate([corner, corner + size], axis=1).astype(np.float32) * np.float32(step)
    scores = np.round(rng.uniform(0, 1, count), 1).astype(np.float32)
    return boxes, scores


@_add("crop_stress_grid")
def _(tf):
    boxes, _ = _grid_boxes(200, 50, 0.05, 18)
    boxes[::3] = boxes[::3][:, [2, 3, 0, 1]]
    image = tf.constant(_image((2, 11, 13, 2)))
    indices = np.arange(200, dtype=np.int32) % 2
    return [tf.image.crop_and_resize(image, boxes, indices, size, method=method,
                                     extrapolation_value=-1.0)
            for size in ([7, 9], [1, 3], [21, 2]) for method in ("bilinear", "nearest")]


@_add("nms_stress_grid")
def _(tf):
    boxes, scores = _grid_boxes(400, 51, 0.1, 8)
    return [tf.image.non_max_suppression(boxes, scores, 400, iou_threshold=t)
            for t in (0.5, 1 / 3, 0.25, 0.2)]


@_add("nms_scores_stress_grid_soft")
def _(tf):
    boxes, scores = _grid_boxes(150, 52, 0.1, 6)
    return tf.image.non_max_suppression_with_scores(boxes, scores, 150, score_threshold=0.05,
                                                    soft_nms_sigma=0.4)


@_add("nms_padded_stress_grid")
def _(tf):
    boxes, scores = _grid_boxes(300, 53, 0.1, 8)
    return [tf.image.non_max_suppression_padded(boxes.reshape(3, 100, 4), scores.reshape(3, 100),
                                                50, iou_threshold=t, pad_to_max_output_size=True,
                                                tile_size=32)
            for t in (0.5, 1 / 3, 0.2)]


@_add("nms_combined_stress_grid")
def _(tf):
    boxes, _ = _grid_boxes(120, 54, 0.1, 8)
    rng = np.random.default_rng(55)
    scores = np.round(rng.uniform(0, 1, (2, 60, 4)), 1).astype(np.float32)
    return [tf.image.combined_non_max_suppression(boxes.reshape(2, 60, 1, 4), scores, 20, 60,
                                                  iou_threshold=t)
            for t in (0.5, 1 / 3)]


@_add("draw_stress_random")
def _(tf):
    rng = np.random.default_rng(60)
    boxes = rng.uniform(-0.4, 1.4, (2, 60, 4)).astype(np.float32)
    colors = rng.uniform(0, 1, (7, 4)).astype(np.float32)
    return tf.image.draw_bounding_boxes(tf.constant(_image((2, 13, 17, 3))), boxes, colors)


@_add("distorted_stress_ranges")
def _(tf):
    # wide aspect ratios with large areas take TF's max_height correction path
    out = []
    for k in range(60):
        ratio = [[0.2, 5.0], [3.0, 4.0], [0.25, 0.3], [0.75, 1.33]][k % 4]
        area = [[0.5, 1.0], [0.05, 1.0], [0.9, 1.0], [0.01, 0.02]][(k // 4) % 4]
        begin, size, box = tf.image.stateless_sample_distorted_bounding_box(
            tf.constant([97 + k, 211 - k, 3]), tf.constant(_OBJECTS), seed=[k, 1000 - k],
            min_object_covered=(k % 5) / 5, aspect_ratio_range=ratio, area_range=area,
            max_attempts=5 + k, use_image_if_no_bounding_boxes=True)
        out.append((begin, size, box))
    return out


@_add("glimpse_stress_offsets")
def _(tf):
    rng = np.random.default_rng(61)
    images = tf.constant(_image((30, 7, 10, 1)) + 0.5)
    out = []
    for centered in (True, False):
        for normalized in (True, False):
            scale = 1.0 if normalized else 8.0
            offsets = (np.round(rng.uniform(-1.2, 1.2, (30, 2)) * 8) / 8 * scale).astype(
                np.float32)
            out.append(tf.image.extract_glimpse(images, [3, 4], offsets, centered=centered,
                                                normalized=normalized, noise="zero"))
    return out


# ---------------------------------------------------------------- no boxes at all

SCENARIOS["nms_empty"] = lambda tf: tf.image.non_max_suppression(tf.zeros([0, 4]),
                                                                 tf.zeros([0]), 5)
SCENARIOS["nms_scores_empty"] = lambda tf: tf.image.non_max_suppression_with_scores(
    tf.zeros([0, 4]), tf.zeros([0]), 5, soft_nms_sigma=0.5)
SCENARIOS["nms_overlaps_empty"] = lambda tf: tf.image.non_max_suppression_overlaps(
    tf.zeros([0, 0]), tf.zeros([0]), 5)
SCENARIOS["nms_padded_empty"] = lambda tf: tf.image.non_max_suppression_padded(
    tf.zeros([0, 4]), tf.zeros([0]), 5, pad_to_max_output_size=True)
SCENARIOS["nms_combined_empty"] = lambda tf: tf.image.combined_non_max_suppression(
    tf.zeros([2, 0, 1, 4]), tf.zeros([2, 0, 3]), 5, 4)
SCENARIOS["draw_no_boxes"] = lambda tf: tf.image.draw_bounding_boxes(
    tf.constant(_image((1, 3, 4, 3))), tf.zeros([1, 0, 4]), None)
