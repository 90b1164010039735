"""tf.image crops, flips, colour and dtype ops against TF 2.21 (tools/data_fixtures/image_ops.py;
the stateless random ops give TF's own flips, windows and factors for a seed pair), plus
their gradients, the stateful random ops' seeds and use inside Dataset.map.

Tolerances: integer outputs and every geometric op (crops, pads, flips, rot90, transpose,
nearest resize) must be exact; float outputs from float32 arithmetic match to rtol 1e-5 and
atol 1e-6 per unit of the input's range (so 2.55e-4 on the 0-255 scale of uint8 inputs);
resize kernels share that tolerance (measured worst: 7e-7 of the range, area).
"""

import importlib

import numpy as np
import pytest

import featherflow as tf
from featherflow.image import color, patches, quality, transforms
from featherflow.ops import math as math_ops
from featherflow.testing import check_gradients
from tests.data.scenarios import common

# tools/ is on the path once tests.data.scenarios is imported
image_ops = importlib.import_module("data_fixtures.image_ops")
RECORDED = common.load("image_ops")["results"]
RESIZE_NAMES = sorted(name for name in image_ops.SCENARIOS if name.startswith("resize_"))
OTHER_NAMES = sorted(name for name in image_ops.SCENARIOS
                     if not name.startswith(("resize_", "patches_")))
PATCH_NAMES = sorted(name for name in image_ops.SCENARIOS if name.startswith("patches_"))


def run_scenario(name, module=tf):
    assert name in RECORDED, (f"scenario {name!r} has no recorded answer: run "
                              "/work/venv-tf/bin/python tools/make_data_fixtures.py image_ops")
    actual = common.run(image_ops.SCENARIOS[name], module)
    # uint8 scenarios carry float results on the 0-255 scale
    scale = 255.0 if name.endswith("_u8") or name.endswith("_uint8") else 1.0
    common.assert_matches(RECORDED[name], actual, name, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("name", OTHER_NAMES)
def test_tf_scenario(name):
    run_scenario(name)


@pytest.mark.parametrize("name", PATCH_NAMES)
def test_extract_patches_scenario(name):
    # exact: a gather
    run_scenario(name, tf)


def test_extract_patches_gradient_adds_overlaps():
    image = np.random.default_rng(7).normal(size=(1, 5, 4, 2))
    check_gradients(lambda x: patches.extract_patches(x, [1, 3, 2, 1], [1, 1, 2, 1],
                                                      [1, 1, 1, 1], "SAME"), [image])


def test_geometric_ops_have_gradients():
    image = np.random.default_rng(0).normal(size=(2, 3, 4, 2))
    for fn in (transforms.flip_left_right, transforms.flip_up_down, transforms.transpose,
               lambda x: transforms.rot90(x, 1), lambda x: transforms.rot90(x, 3),
               lambda x: transforms.central_crop(x, 0.5),
               lambda x: transforms.crop_to_bounding_box(x, 1, 1, 2, 2),
               lambda x: transforms.pad_to_bounding_box(x, 1, 2, 5, 7)):
        check_gradients(fn, [image])


def test_colour_ops_have_gradients():
    # TF adjusts float64 images in float32 (convert_image_dtype there and back), so the
    # differences use a wide step and a float32-sized tolerance
    image = np.random.default_rng(1).uniform(0.1, 0.9, size=(3, 4, 3))
    loose = {"eps": 1e-3, "atol": 1e-3, "rtol": 1e-3}
    check_gradients(lambda x: color.adjust_brightness(x, 0.2), [image], **loose)
    check_gradients(lambda x: color.adjust_contrast(x, 1.5), [image], **loose)
    check_gradients(lambda x: color.adjust_gamma(x, 0.7, 1.1), [image], **loose)
    check_gradients(color.rgb_to_grayscale, [image], **loose)
    check_gradients(lambda x: color.convert_image_dtype(
        color.convert_image_dtype(x, tf.float32), tf.float64), [image], **loose)


def test_measures_have_gradients():
    image = np.random.default_rng(5).uniform(0.1, 0.9, size=(2, 4, 5, 2))
    check_gradients(quality.total_variation, [image])
    check_gradients(lambda x: list(quality.image_gradients(x)), [image])
    # ssim and psnr work in float32, as TF's do
    other = np.random.default_rng(6).uniform(0.1, 0.9, size=(2, 4, 5, 2))
    loose = {"eps": 1e-3, "atol": 1e-3, "rtol": 1e-3}
    check_gradients(lambda x: math_ops.cast(quality.ssim(x, other, 1.0, filter_size=3),
                                            "float64"), [image], **loose)
    check_gradients(lambda x: math_ops.cast(quality.psnr(x, other, 1.0), "float64"), [image],
                    **loose)


def test_standardization_gradient_in_float32():
    # TF's op works in float32, so the check is a float32 finite difference
    image = np.random.default_rng(2).uniform(size=(3, 3, 1)).astype(np.float32)
    x = tf.constant(image)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(color.per_image_standardization(x) * np.arange(9.0).reshape(3, 3, 1))
    grad = tape.gradient(loss, x).numpy()
    eps = 1e-3
    bumped = image.copy()
    bumped[1, 2, 0] += eps
    plus = float(np.sum(color.per_image_standardization(bumped).numpy()
                        * np.arange(9.0).reshape(3, 3, 1)))
    assert abs((plus - float(loss.numpy())) / eps - grad[1, 2, 0]) < 2e-2


def test_random_ops_repeat_with_a_seed():
    image = np.random.default_rng(3).uniform(size=(4, 6, 6, 3)).astype(np.float32)
    seed = [4, 2]
    for fn in (lambda x: transforms.stateless_random_flip_left_right(x, seed),
               lambda x: transforms.stateless_random_flip_up_down(x, seed),
               lambda x: transforms.stateless_random_crop(x, [2, 3, 3, 3], seed),
               lambda x: color.stateless_random_brightness(x, 0.3, seed),
               lambda x: color.stateless_random_contrast(x, 0.5, 1.5, seed),
               lambda x: color.stateless_random_saturation(x, 0.5, 1.5, seed),
               lambda x: color.stateless_random_hue(x, 0.2, seed)):
        np.testing.assert_array_equal(fn(image).numpy(), fn(image).numpy())
    tf.random.set_seed(7)
    first = [transforms.random_flip_left_right(image).numpy(),
             transforms.random_crop(image, [1, 2, 2, 3]).numpy()]
    tf.random.set_seed(7)
    again = [transforms.random_flip_left_right(image).numpy(),
             transforms.random_crop(image, [1, 2, 2, 3]).numpy()]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    tf.random.set_seed(None)


def test_random_flip_of_a_batch_flips_images_independently():
    image = np.arange(64 * 2, dtype=np.float32).reshape(64, 1, 2, 1)
    flipped = transforms.random_flip_left_right(image, seed=1).numpy()
    changed = flipped[:, 0, 0, 0] != image[:, 0, 0, 0]
    assert 0 < changed.sum() < 64
    np.testing.assert_array_equal(flipped[changed], image[changed][:, :, ::-1])


def test_random_op_arguments_are_checked():
    with pytest.raises(ValueError, match="upper must be > lower"):
        color.random_contrast(np.zeros((2, 2, 3), np.float32), 1.0, 0.5)
    with pytest.raises(ValueError, match="max_delta"):
        color.random_hue(np.zeros((2, 2, 3), np.float32), 0.7)
    with pytest.raises(ValueError, match="shape \\[2\\]"):
        transforms.stateless_random_flip_left_right(np.zeros((2, 2, 3)), seed=3)
    with pytest.raises(ValueError, match="value.shape >= size"):
        transforms.random_crop(np.zeros((2, 2, 3)), [3, 2, 3])


def test_ops_inside_dataset_map():
    images = np.random.default_rng(4).integers(0, 256, (3, 6, 5, 3)).astype(np.uint8)
    ds = tf.data.Dataset.from_tensor_slices(images).map(
        lambda x: color.adjust_contrast(
            transforms.flip_left_right(color.convert_image_dtype(x, tf.float32)), 1.2))
    out = np.stack(list(ds.as_numpy_iterator()))
    assert out.shape == (3, 6, 5, 3) and out.dtype == np.float32
    direct = color.adjust_contrast(transforms.flip_left_right(
        color.convert_image_dtype(images, tf.float32)), 1.2).numpy()
    np.testing.assert_allclose(out, direct, rtol=1e-6)
