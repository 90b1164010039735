"""tf.image box ops against TF 2.21 (tools/data_fixtures/image_boxes.py): crop_and_resize,
draw_bounding_boxes and (stateless_)sample_distorted_bounding_box.

Tolerances: crops and their image/box gradients match TF to rtol 1e-6, atol 1e-6 per unit of
the input's range (the float32 sampling positions are computed with TF's operations, so the
nearest-neighbour picks and the extrapolated samples are the same); drawn images and the
stateless distorted boxes (TF's Philox stream for the seed pair) must be exact; error
scenarios must raise TF's error class. crop_and_resize's backward is also checked against
finite differences; the stateful sampler (featherflow's generator, not TF's values) against
the constraints it promises.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError, OutOfRangeError
from tests.image import box_scenarios


@pytest.mark.parametrize("name", box_scenarios.names("crop_"))
def test_crop_and_resize_scenario(name):
    box_scenarios.run(name, tf, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", box_scenarios.names("draw_", "distorted_"))
def test_draw_and_distorted_box_scenario(name):
    box_scenarios.run(name, tf, rtol=0, atol=0)


def _directional_check(fn, inputs, position, step, rtol):
    """Tape gradient of ``sum(fn(*inputs) * weights)`` along a random direction against a
    central difference (the op computes in float32, as TF's, so checker's float64 mode does
    not apply)."""
    rng = np.random.default_rng(5)
    weights = rng.uniform(0.5, 1.5, fn(*inputs).shape).astype(np.float32)
    tensors = [tf.constant(a) for a in inputs]
    with tf.GradientTape() as tape:
        tape.watch(tensors[position])
        loss = tf.reduce_sum(fn(*tensors) * weights)
    grad = tape.gradient(loss, tensors[position]).numpy().astype(np.float64)
    direction = rng.normal(size=inputs[position].shape)

    def value(sign):
        moved = list(inputs)
        moved[position] = (inputs[position] + sign * step * direction).astype(np.float32)
        return float(np.sum(fn(*moved).numpy().astype(np.float64) * weights))

    numeric = (value(1) - value(-1)) / (2 * step)
    np.testing.assert_allclose(np.sum(grad * direction), numeric, rtol=rtol)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_crop_and_resize_gradients_match_finite_differences(method):
    rng = np.random.default_rng(3)
    image = rng.normal(size=(2, 4, 5, 2)).astype(np.float32)
    # sample positions away from pixel edges, where the bilinear map has kinks
    boxes = np.array([[0.13, 0.07, 0.81, 0.93], [0.9, 0.77, 0.11, 0.21]], np.float32)

    def crops(x, b):
        return tf.image.crop_and_resize(x, b, [0, 1], [3, 4], method=method)

    # linear in the image: the difference is exact up to float32 rounding
    _directional_check(crops, [image, boxes], 0, 0.5, rtol=1e-4)
    if method == "bilinear":
        _directional_check(crops, [image, boxes], 1, 1e-3, rtol=2e-3)


def test_crop_and_resize_refuses_bad_input_clearly():
    image = np.zeros((1, 3, 3, 1), np.float32)
    with pytest.raises(OutOfRangeError, match=r"outside \[0, batch_size\)"):
        tf.image.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [1], [2, 2])
    with pytest.raises(InvalidArgumentError, match="crop dimensions must be positive"):
        tf.image.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [0], [2, -1])
    with pytest.raises(InvalidArgumentError, match=r"boxes must be 2-D \[num_boxes, 4\]"):
        tf.image.crop_and_resize(image, [[0.0, 0.0, 1.0]], [0], [2, 2])


def test_stateful_distorted_box_keeps_its_promises():
    objects = np.array([[[0.1, 0.2, 0.5, 0.9]]], np.float32)
    height, width = 240, 320
    for seed in range(1, 30):
        begin, size, box = tf.image.sample_distorted_bounding_box(
            [height, width, 3], objects, seed=seed, min_object_covered=0.5,
            aspect_ratio_range=[0.5, 2.0], area_range=[0.1, 0.9])
        top, left, _ = begin.numpy()
        crop_height, crop_width, channels = size.numpy()
        assert channels == -1 and top >= 0 and left >= 0
        assert top + crop_height <= height and left + crop_width <= width
        whole = (crop_height, crop_width) == (height, width)
        # a sampled crop: its area in range and half of the object inside it
        area = crop_height * crop_width / (height * width)
        inter_h = max(0, min(top + crop_height, 120) - max(top, 24))
        inter_w = max(0, min(left + crop_width, 288) - max(left, 64))
        assert whole or (0.1 <= area <= 0.9 and inter_h * inter_w >= 0.5 * 96 * 224)
        np.testing.assert_allclose(box.numpy().ravel(), [top / height, left / width,
                                                         (top + crop_height) / height,
                                                         (left + crop_width) / width],
                                   rtol=1e-6)
    # as TF: the same seeds continue one kernel's stream; set_seed starts it over
    tf.random.set_seed(4)
    first = tf.image.sample_distorted_bounding_box([height, width, 3], objects, seed=7)
    tf.random.set_seed(4)
    again = tf.image.sample_distorted_bounding_box([height, width, 3], objects, seed=7)
    np.testing.assert_array_equal(first[0].numpy(), again[0].numpy())


def test_draw_bounding_boxes_refuses_uint8_with_the_fix():
    with pytest.raises(InvalidArgumentError, match="convert_image_dtype"):
        tf.image.draw_bounding_boxes(np.zeros((1, 4, 4, 3), np.uint8),
                                     [[[0.0, 0.0, 1.0, 1.0]]], None)


def test_box_ops_inside_dataset_map():
    images = np.random.default_rng(0).uniform(size=(4, 8, 8, 3)).astype(np.float32)
    crops = tf.data.Dataset.from_tensor_slices(images).map(
        lambda x: tf.image.crop_and_resize(x[None], [[0.1, 0.2, 0.9, 0.7]], [0], [4, 5])[0])
    direct = tf.image.crop_and_resize(images, [[0.1, 0.2, 0.9, 0.7]] * 4, [0, 1, 2, 3], [4, 5])
    np.testing.assert_array_equal(np.stack([c.numpy() for c in crops]), direct.numpy())
    windows = tf.data.Dataset.from_tensor_slices(images).map(
        lambda x: tf.image.stateless_sample_distorted_bounding_box(
            tf.shape(x), [[[0.0, 0.0, 1.0, 1.0]]], seed=[1, 2])[1])
    sizes = {tuple(w.numpy()) for w in windows}
    assert len(sizes) == 1  # one seed, one window
