"""tf.image.sobel_edges, tf.image.extract_glimpse and the YIQ/YUV conversions against TF 2.21
(tools/data_fixtures/image_boxes.py).

Tolerances: Sobel responses and their gradient to rtol 1e-6, atol 1e-6 (TF's depthwise
convolution sums the taps in another order: where the exact answer is 0 it returns values
like 2e-8); glimpses with zero noise exact; for uniform and gaussian noise (unseeded in TF)
the part of the window that shows the image is exact and the noise must lie in the image's
range. YIQ/YUV conversions (one 3x3 matrix) to rtol 1e-6, atol 1e-7.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from featherflow.testing import check_gradients
from tests.image import box_scenarios


@pytest.mark.parametrize("name", box_scenarios.names("sobel_"))
def test_sobel_scenario(name):
    box_scenarios.run(name, tf, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", box_scenarios.names("glimpse_"))
def test_glimpse_scenario(name):
    box_scenarios.run(name, tf, rtol=0, atol=0)


def test_sobel_gradient_matches_finite_differences():
    image = np.random.default_rng(0).normal(size=(2, 3, 4, 2))
    check_gradients(tf.image.sobel_edges, [image])


def test_gaussian_glimpse_noise_follows_each_channel():
    rng = np.random.default_rng(2)
    image = np.stack([rng.normal(0, 1, (30, 30)), rng.normal(10, 3, (30, 30))], axis=-1)
    image = image[None].astype(np.float32)
    # a window entirely outside the image: all noise
    noise = tf.image.extract_glimpse(image, [40, 40], [[5.0, 5.0]], noise="gaussian").numpy()
    for channel in range(2):
        values = noise[0, :, :, channel]
        assert values.min() >= image[..., channel].min()
        assert values.max() <= image[..., channel].max()
        assert abs(values.mean() - image[..., channel].mean()) < 0.2 * image[..., channel].std()


def test_bad_input_is_refused_clearly():
    with pytest.raises(InvalidArgumentError, match="2x2 or larger"):
        tf.image.sobel_edges(np.zeros((1, 1, 3, 1), np.float32))
    with pytest.raises(InvalidArgumentError, match=r"offsets must be a matrix \[batch_size, 2\]"):
        tf.image.extract_glimpse(np.zeros((2, 4, 4, 1), np.float32), [2, 2], [[0.0, 0.0]])


@pytest.mark.parametrize("name", box_scenarios.names("colorspace_"))
def test_yiq_yuv_scenario(name):
    # a 3x3 matrix product: TF's matmul may sum the three terms in another order
    box_scenarios.run(name, tf, rtol=1e-6, atol=1e-7)


def test_yiq_and_yuv_round_trip():
    # TF's forward and inverse matrices are rounded to 8 digits: a round trip is off by ~6e-5
    rgb = np.random.default_rng(4).uniform(0, 1, (5, 3)).astype(np.float64)
    np.testing.assert_allclose(tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(rgb)).numpy(), rgb,
                               atol=1e-4)
    np.testing.assert_allclose(tf.image.yuv_to_rgb(tf.image.rgb_to_yuv(rgb)).numpy(), rgb,
                               atol=1e-4)
