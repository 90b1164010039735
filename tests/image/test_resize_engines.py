"""The two engines behind tf.image.resize (image/resize_taps.py for fewer than 8 images,
image/resize_bands.py for batches) against the dense float64 product of TF's weight matrices,
whose own agreement with TF is tests/image/test_resize.py's. Tolerance: float32 rounding of a
short sum, rtol 1e-5 / atol 1e-5 of the value range."""

import importlib

import numpy as np
import pytest

from featherflow.testing import check_gradients

resize = importlib.import_module("featherflow.image.resize")
resize_bands = importlib.import_module("featherflow.image.resize_bands")
resize_taps = importlib.import_module("featherflow.image.resize_taps")

CASES = [("bilinear", False, (37, 23), (16, 41)), ("bicubic", False, (20, 33), (53, 9)),
         ("area", False, (45, 18), (7, 18)), ("lanczos3", True, (40, 40), (13, 17)),
         ("mitchellcubic", True, (9, 64), (30, 5)), ("gaussian", False, (12, 12), (12, 12))]


def _dense(x, rows, cols):
    return np.einsum("ih,bhwc,jw->bijc", rows, x.astype(np.float64), cols)


@pytest.mark.parametrize("method,antialias,size_in,size_out", CASES)
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_both_engines_equal_the_dense_product(method, antialias, size_in, size_out, channels,
                                              dtype):
    rng = np.random.default_rng(len(method) + channels)
    shape = (9,) + size_in + (channels,)
    x = (rng.uniform(size=shape) * (255 if dtype == "uint8" else 1)).astype(dtype)
    rows = resize._weights(method, antialias, size_in[0], size_out[0])
    cols = resize._weights(method, antialias, size_in[1], size_out[1])
    expected = _dense(x, rows, cols)
    scale = 255.0 if dtype == "uint8" else 1.0
    f32 = np.dtype(np.float32)
    banded = resize_bands.separable(x, resize_bands.Bands.of(rows), resize_bands.Bands.of(cols),
                                    f32)
    tapped = resize_taps.separable(x, resize_taps.Taps.of(rows), resize_taps.Taps.of(cols), f32)
    for got in (banded, tapped):
        assert got.dtype == np.float32 and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * scale)
    # the public op picks the bands for this batch of 9 and the taps for one image
    np.testing.assert_array_equal(resize.SeparableResize(rows, cols).forward(x), banded)
    np.testing.assert_array_equal(resize.SeparableResize(rows, cols).forward(x[:1]), tapped[:1])


@pytest.mark.parametrize("method,antialias", [("bilinear", False), ("lanczos3", True)])
def test_gradient_through_the_banded_engine(method, antialias):
    rows = resize._weights(method, antialias, 6, 4)
    cols = resize._weights(method, antialias, 5, 7)
    image = np.random.default_rng(5).normal(size=(8, 6, 5, 2))
    check_gradients(lambda x: resize.SeparableResize(rows, cols)(x), [image])
