"""tf.image.resize and its kernels against TF 2.21 (tools/data_fixtures/image_ops.py: every
method, with and without antialias, uint8 and float32, 3-D and 4-D, up, down and mixed sizes).

Tolerance: rtol 1e-5 and atol 1e-6 of the input's range (2.55e-4 for uint8 inputs, whose float
results are on the 0-255 scale); nearest must be exact. Measured worst against TF over 300
random shapes (1-40 pixels a side): 2.6e-6 on [0, 1] images (area, upscaling), under 1e-6 for
the other kernels, from float32 rounding in TF's kernels.
"""

import importlib

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import common

# tools/ is on the path once tests.data.scenarios is imported
image_ops = importlib.import_module("data_fixtures.image_ops")
# the module, not the package's `resize` function of the same name (asked for after the
# package has bound the function: importing the module first would shadow it)
assert callable(tf.image.resize)
resize = importlib.import_module("featherflow.image.resize")
RECORDED = common.load("image_ops")["results"]
NAMES = sorted(name for name in image_ops.SCENARIOS if name.startswith("resize_"))


@pytest.mark.parametrize("name", NAMES)
def test_tf_scenario(name):
    assert name in RECORDED, (f"scenario {name!r} has no recorded answer: run "
                              "/work/venv-tf/bin/python tools/make_data_fixtures.py image_ops")
    actual = common.run(image_ops.SCENARIOS[name], tf)
    scale = 255.0 if name.endswith("_u8") else 1.0
    common.assert_matches(RECORDED[name], actual, name, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("method", ["bilinear", "bicubic", "area", "lanczos3", "gaussian",
                                    "mitchellcubic"])
@pytest.mark.parametrize("antialias", [False, True])
def test_weights_resize_gradient(method, antialias):
    rows = resize._weights(method, antialias, 5, 3)
    cols = resize._weights(method, antialias, 4, 7)
    image = np.random.default_rng(0).normal(size=(2, 5, 4, 2))
    check_gradients(lambda x: resize.SeparableResize(rows, cols)(x), [image])


def test_nearest_gradient_and_dtype():
    image = np.random.default_rng(1).normal(size=(1, 5, 3, 2))
    rows = resize._nearest_indices(5, 8)
    cols = resize._nearest_indices(3, 2)
    check_gradients(lambda x: resize.NearestResize(rows, cols, x.shape)(x), [image])
    ints = np.arange(30, dtype=np.int32).reshape(5, 3, 2)
    out = resize.resize(ints, [8, 2], method="nearest")
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), ints[rows][:, cols])


def test_resize_gradient_through_the_public_op():
    x = tf.constant(np.random.default_rng(2).uniform(size=(4, 6, 1)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(resize.resize(x, [2, 3]))
    # a 2x downscale by bilinear averages 2x2 blocks: each pixel gets a quarter of one output
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), np.full((4, 6, 1), 0.25),
                               rtol=1e-6)


def test_resize_errors():
    with pytest.raises(ValueError, match="Resize method is not implemented"):
        resize.resize(np.zeros((2, 2, 1)), [3, 3], method="cubic")
    with pytest.raises(ValueError, match="2 elements"):
        resize.resize(np.zeros((2, 2, 1)), [3])
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        resize.resize(np.zeros((2, 2)), [3, 3])
    with pytest.raises(ValueError, match="must be > 0"):
        resize.resize_with_pad(np.zeros((2, 2, 1)), 0, 3)


def test_resize_in_dataset_map():
    images = np.random.default_rng(3).integers(0, 256, (3, 8, 6, 3)).astype(np.uint8)
    ds = tf.data.Dataset.from_tensor_slices(images).map(lambda x: resize.resize(x, [4, 5]))
    assert ds.element_spec.shape.as_list() == [4, 5, 3]
    out = np.stack(list(ds.as_numpy_iterator()))
    np.testing.assert_allclose(out, resize.resize(images, [4, 5]).numpy(), rtol=1e-6)


def test_large_resize_is_vectorized():
    import time

    image = np.random.default_rng(4).uniform(size=(4, 256, 256, 3)).astype(np.float32)
    start = time.perf_counter()
    out = resize.resize(image, [224, 224], method="bicubic", antialias=True)
    assert out.shape == (4, 224, 224, 3)
    assert time.perf_counter() - start < 5.0


def test_package_resize_stays_the_function_once_the_module_is_loaded():
    # importing featherflow.image.resize sets the package's `resize` attribute to the module;
    # tf.image.resize must still be the function afterwards
    importlib.import_module("featherflow.image.resize")
    assert tf.image.resize is resize.resize
    assert tf.image.ResizeMethod is resize.ResizeMethod
