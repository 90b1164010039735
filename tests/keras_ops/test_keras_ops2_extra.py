"""keras.ops second set: gradients against central differences (float64, rtol 1e-5 / atol 1e-6),
round trips, errors, and the cases where featherflow gives the intended answer while Keras
3.15's TensorFlow backend fails (so they have no recorded fixture)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients

ops = tf.keras.ops
rng = np.random.default_rng(11)


def normal(*shape):
    return rng.normal(size=shape)


NEAREST_COORDS = rng.uniform(0, 3, (2, 5)) + 0.1
GRADIENTS = {
    "fft": (lambda a, b: ops.fft((a, b)), [normal(2, 7), normal(2, 7)]),
    "fft2": (lambda a, b: ops.fft2((a, b)), [normal(2, 3, 5), normal(2, 3, 5)]),
    "ifft2": (lambda a, b: ops.ifft2((a, b)), [normal(3, 4), normal(3, 4)]),
    "rfft_even": (lambda x: ops.rfft(x), [normal(3, 8)]),
    "rfft_odd": (lambda x: ops.rfft(x), [normal(3, 7)]),
    # TF 2.21 cannot take this gradient (its RFFT gradient adds tensors of two shapes)
    "rfft_crop": (lambda x: ops.rfft(x, 5), [normal(2, 8)]),
    "rfft_pad": (lambda x: ops.rfft(x, 11), [normal(2, 8)]),
    "irfft_even": (lambda a, b: ops.irfft((a, b)), [normal(2, 5), normal(2, 5)]),
    "irfft_odd": (lambda a, b: ops.irfft((a, b), 9), [normal(2, 5), normal(2, 5)]),
    "irfft_crop": (lambda a, b: ops.irfft((a, b), 4), [normal(2, 5), normal(2, 5)]),
    "irfft_pad": (lambda a, b: ops.irfft((a, b), 14), [normal(2, 5), normal(2, 5)]),
    "stft": (lambda x: ops.stft(x, 8, 3, 8), [normal(2, 30)]),
    "stft_padded_window": (lambda x: ops.stft(x, 6, 2, 10, window="hamming", center=False),
                           [normal(25)]),
    "istft": (lambda a, b: ops.istft((a, b), 8, 2, 8), [normal(5, 5), normal(5, 5)]),
    "istft_length": (lambda a, b: ops.istft((a, b), 6, 3, 8, length=9),
                     [normal(1, 5, 5), normal(1, 5, 5)]),
    "adaptive_average_pool_1d": (lambda x: ops.adaptive_average_pool(x, 4), [normal(2, 9, 3)]),
    "adaptive_max_pool_2d_up": (lambda x: ops.adaptive_max_pool(x, (7, 3)),
                                [normal(1, 5, 6, 2)]),
    "adaptive_average_pool_3d_cf": (lambda x: ops.adaptive_average_pool(
        x, (2, 3, 2), data_format="channels_first"), [normal(1, 2, 5, 4, 3)]),
    "conv_transpose_1d": (lambda x, k: ops.conv_transpose(x, k, 2, "same"),
                          [normal(2, 4, 3), normal(3, 2, 3)]),
    "conv_transpose_2d": (lambda x, k: ops.conv_transpose(x, k, (2, 1), output_padding=(1, 0)),
                          [normal(1, 3, 4, 2), normal(2, 3, 3, 2)]),
    "conv_transpose_3d": (lambda x, k: ops.conv_transpose(x, k, 2, "same"),
                          [normal(1, 2, 3, 2, 2), normal(2, 2, 2, 3, 2)]),
    "unfold": (lambda x: ops.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
               [normal(2, 2, 5, 6)]),
    "fold": (lambda x: ops.fold(x, (5, 6), 3, padding=1, stride=2), [normal(2, 18, 9)]),
    "rearrange": (lambda x: ops.rearrange(x, "b (h h1) w -> (w h1) b h", h1=2),
                  [normal(2, 6, 3)]),
    "map_coordinates_input_and_coordinates": (
        lambda x, c: ops.image.map_coordinates(x, c, 1, fill_mode="reflect"),
        [normal(4, 5), rng.uniform(-1.3, 5.2, (2, 3, 3)) + 0.013]),
    "map_coordinates_constant": (
        lambda x, c: ops.image.map_coordinates(x, c, 1, fill_value=0.5),
        [normal(4, 5), rng.uniform(-1.3, 5.2, (2, 6)) + 0.013]),
    "map_coordinates_nearest_order": (
        lambda x: ops.image.map_coordinates(x, NEAREST_COORDS, 0),
        [normal(4, 5)]),
    # the exact adjoint of the resampling (TF's gradient is the inverse warp of the gradient)
    "perspective_transform": (lambda x: ops.image.perspective_transform(
        x, [[0, 0], [5, 0], [0, 4], [5, 4]], [[0.5, 0.3], [4.6, 0], [0, 3.4], [5, 4]]),
        [normal(1, 5, 6, 2)]),
    "elastic_transform": (lambda x: ops.image.elastic_transform(x, 2.0, 1.0, seed=4),
                          [normal(1, 6, 7, 2)]),
    "scale_and_translate": (lambda x: ops.image.scale_and_translate(
        x, (1, 7, 4, 2), [1.4, 0.7], [0.3, 0.0], [1, 2], "lanczos3"), [normal(1, 5, 6, 2)]),
    "ssim": (lambda a, b: ops.image.ssim(a, b, filter_size=3),
             [rng.uniform(0, 1, (2, 5, 6, 2)), rng.uniform(0, 1, (2, 5, 6, 2))]),
    "extract_patches_3d": (lambda x: ops.image.extract_patches_3d(x, 2, strides=(1, 2, 1)),
                           [normal(1, 3, 4, 3, 2)]),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradient_matches_central_differences(name):
    fn, inputs = GRADIENTS[name]
    check_gradients(fn, inputs, atol=1e-6, rtol=1e-5)


def test_round_trips():
    # a NumPy argument to rfft is float32, as tf.signal.rfft converts it; a tensor keeps float64
    assert ops.rfft(normal(4))[0].dtype == "float32"
    x = tf.constant(normal(3, 9))
    assert ops.rfft(x)[0].dtype == "float64"
    for n in (9, 12):
        back = ops.irfft(ops.rfft(x, n), n).numpy()
        np.testing.assert_allclose(back[:, :9], x.numpy(), atol=1e-12)
    x = x.numpy()
    re, im = ops.ifft2(ops.fft2((x[:, :4].reshape(3, 2, 2), x[:, 4:8].reshape(3, 2, 2))))
    np.testing.assert_allclose(re.numpy().reshape(3, 4), x[:, :4], atol=1e-12)
    np.testing.assert_allclose(im.numpy().reshape(3, 4), x[:, 4:8], atol=1e-12)
    signal = normal(2, 64)
    back = ops.istft(ops.stft(signal, 16, 4, 16), 16, 4, 16, length=64).numpy()
    # TF's inverse window assumes every sample is covered by all overlapping frames, which
    # holds away from the reflect-padded ends (the same holds in TensorFlow)
    np.testing.assert_allclose(back[:, 12:-12], signal[:, 12:-12], atol=1e-10)
    image = normal(2, 3, 6, 8)
    np.testing.assert_allclose(ops.fold(ops.unfold(image, 2, stride=2), (6, 8), 2,
                                        stride=2).numpy(), image)
    # overlapping blocks add up: fold(unfold(x)) is x times how many blocks cover each pixel
    counts = ops.fold(ops.unfold(np.ones((1, 1, 6, 8)), 3), (6, 8), 3).numpy()
    np.testing.assert_allclose(ops.fold(ops.unfold(image, 3), (6, 8), 3).numpy(),
                               image * counts)
    y = ops.rearrange(image, "b c (h h1) (w w1) -> b (c h1 w1) h w", h1=2, w1=2)
    back = ops.rearrange(y, "b (c h1 w1) h w -> b c (h h1) (w w1)", h1=2, w1=2, c=3)
    np.testing.assert_array_equal(back.numpy(), image)


def test_complex_views_and_polar():
    pairs = normal(3, 2)
    z = ops.view_as_complex(pairs)
    assert z.dtype == "complex64"  # Keras casts to complex64 whatever the parts' precision
    np.testing.assert_allclose(z.numpy(), (pairs[:, 0] + 1j * pairs[:, 1]).astype(np.complex64))
    np.testing.assert_allclose(ops.view_as_real(z).numpy(), pairs, rtol=1e-6)
    p = ops.polar(np.float32([2.0]), np.float32([np.pi / 2]))
    assert p.dtype == "complex64"
    np.testing.assert_allclose(p.numpy(), [2j], atol=1e-6)
    assert ops.nn.polar is ops.polar
    with pytest.raises(ValueError, match="must be float tensors"):
        ops.polar(np.array([1, 2]), np.array([0, 1]))


def test_ctc_decode_greedy_and_beam():
    logits = np.log(np.array([[[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1],
                               [0.1, 0.1, 0.8]]], np.float32))
    decoded, scores = ops.ctc_decode(logits, [4])
    np.testing.assert_array_equal(decoded.numpy(), [[[1, 2, -1, -1]]])
    np.testing.assert_allclose(scores.numpy(), [[-4 * np.log(0.8)]], rtol=1e-6)
    decoded, _ = ops.ctc_decode(logits, [4], merge_repeated=False)
    np.testing.assert_array_equal(decoded.numpy(), [[[1, 1, 2, -1]]])
    decoded, scores = ops.ctc_decode(logits, [4], strategy="beam_search", beam_width=4,
                                     top_paths=2)
    assert decoded.shape == (2, 1, 4) and decoded.dtype == "int32"
    np.testing.assert_array_equal(decoded.numpy()[0, 0], [1, 2, -1, -1])
    assert scores.numpy()[0, 0] > scores.numpy()[0, 1]
    with pytest.raises(ValueError, match="'greedy' or 'beam_search'"):
        ops.ctc_decode(logits, [4], strategy="best")
    with pytest.raises(ValueError, match=r"\(batch, time, classes\)"):
        ops.ctc_decode(logits[0], [4])


def test_fourier_errors_say_what_was_expected():
    x = np.ones((2, 8), np.float32)
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="`fft_length` must be a positive integer"):
            ops.rfft(x, bad)
    with pytest.raises(ValueError, match="`fft_length` must be a positive integer"):
        ops.irfft((x, x), 0)
    with pytest.raises(ValueError, match="cannot infer fft_length from 1 frequency bin"):
        ops.irfft((x[:, :1], x[:, :1]))
    with pytest.raises(ValueError, match="tuple of two tensors"):
        ops.fft(x)
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.fft2((x[0], x[0]))
    with pytest.raises(TypeError, match="float32 or float64"):
        ops.fft((x.astype(np.float16), x.astype(np.float16)))
    with pytest.raises(ValueError, match="equal or larger than `sequence_length`"):
        ops.stft(np.ones(40, np.float32), 16, 4, 8)
    with pytest.raises(ValueError, match="needs a signal longer than 8"):
        ops.stft(np.ones(6, np.float32), 16, 4, 16)
    with pytest.raises(ValueError, match="`sequence_stride` must be a positive integer"):
        ops.istft((x, x), 8, 0, 8)


@pytest.mark.parametrize("pattern,lengths,message", [
    ("b h w c", {}, "one string 'input axes -> output axes'"),
    ("b h w -> b w h", {}, "names 3 axes but the input has rank 4"),
    ("b h w c -> b h w k", {}, "axis 'k' is on the right side"),
    ("b h w c -> b h w", {}, "axis 'c' is on the left side"),
    ("b h h c -> b h c", {}, "axis 'h' appears twice on the left side"),
    ("b (h1 h2) w c -> b h1 h2 w c", {}, r"lengths of \['h1', 'h2'\] are unknown"),
    ("b (h h1) w c -> b h h1 w c", {"h1": 4}, "axis 'h' of .*does not divide by the product 4"),
    ("b (h h1) w c -> b h h1 w c", {"h1": 2, "h": 2}, r"has length 4 \(h=2, h1=2\) but the input "
                                                       "axis has length 6"),
    ("b h w ... -> b h w ...", {}, "ellipsis"),
    ("b (h w c -> b h w c", {}, "unbalanced parenthesis on the left side"),
    ("b h w c -> b () h w c", {}, r"empty group '\(\)' on the right side"),
    ("b h w c -> b h w c!", {}, "'c!' on the right side .* is not an axis name"),
])
def test_rearrange_errors_name_the_axis(pattern, lengths, message):
    with pytest.raises(ValueError, match=message):
        ops.rearrange(np.zeros((2, 6, 4, 3)), pattern, **lengths)


def test_pooling_patch_and_image_errors():
    with pytest.raises(ValueError, match="1D, 2D, or 3D inputs only"):
        ops.adaptive_average_pool(np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match="tuple of 2 positive integers"):
        ops.adaptive_max_pool(np.zeros((1, 4, 4, 1)), (2, 2, 2))
    with pytest.raises(TypeError, match="`output_size` must be an integer"):
        ops.adaptive_max_pool(np.zeros((1, 4, 4, 1)), 2.5)
    with pytest.raises(ValueError, match="does not fit the padded spatial size"):
        ops.unfold(np.zeros((1, 1, 3, 3)), 4)
    with pytest.raises(ValueError, match="holds 12 blocks"):
        ops.fold(np.zeros((1, 9, 10)), (6, 7), 3, padding=1, stride=2)
    with pytest.raises(ValueError, match="divisible by kernel_size product"):
        ops.fold(np.zeros((1, 10, 20)), (6, 7), 3)
    with pytest.raises(ValueError, match="`dilation` must be an integer >= 1"):
        ops.unfold(np.zeros((1, 1, 5, 5)), 2, dilation=0)
    # Keras 3.15 raises AttributeError from inside its own error message here
    with pytest.raises(ValueError, match="Expected one of"):
        ops.image.map_coordinates(np.zeros((3, 3)), np.zeros((2, 4)), 1, fill_mode="edge")
    with pytest.raises(ValueError, match="`order` must be 0"):
        ops.image.map_coordinates(np.zeros((3, 3)), np.zeros((2, 4)), 3)
    with pytest.raises(ValueError, match="fill_mode='mirror' maps a coordinate to index 3"):
        ops.image.map_coordinates(np.zeros((3, 3)), np.full((2, 1), 3.0), 0, fill_mode="mirror")
    with pytest.raises(ValueError, match="singular homography"):
        points = [[0, 0], [1, 1], [2, 2], [3, 3]]
        ops.image.perspective_transform(np.zeros((4, 4, 1)), points, points)
    with pytest.raises(ValueError, match="filter_size 11 is larger than the images"):
        ops.image.ssim(np.zeros((5, 5, 1)), np.zeros((5, 5, 1)))
    with pytest.raises(TypeError, match="images must be floats"):
        ops.image.elastic_transform(np.zeros((5, 5, 1), np.uint8), seed=1)


def test_scale_and_translate_integer_images_round_and_clip():
    # Keras 3.15's TF backend fails on integer images (its clip mixes uint8 and float32);
    # featherflow does what that code means: resample in float32, round, clip, cast back
    images = rng.integers(0, 256, (1, 5, 6, 2)).astype(np.uint8)
    got = ops.image.scale_and_translate(images, (1, 7, 4, 2), [1.4, 0.7], [0.0, 0.0], [1, 2],
                                        "cubic")
    floats = ops.image.scale_and_translate(images.astype(np.float32), (1, 7, 4, 2),
                                           [1.4, 0.7], [0.0, 0.0], [1, 2], "cubic").numpy()
    assert got.dtype == "uint8"
    np.testing.assert_array_equal(got.numpy(), np.clip(np.round(floats), images.min(),
                                                        images.max()).astype(np.uint8))


def test_elastic_transform_seeds():
    image = rng.uniform(0, 1, (1, 8, 8, 1)).astype(np.float32)
    a = ops.image.elastic_transform(image, seed=3).numpy()
    np.testing.assert_array_equal(a, ops.image.elastic_transform(image, seed=3).numpy())
    assert not np.array_equal(a, ops.image.elastic_transform(image, seed=4).numpy())
    generator = tf.keras.random.SeedGenerator(5)
    first = ops.image.elastic_transform(image, seed=generator).numpy()
    assert not np.array_equal(first, ops.image.elastic_transform(image, seed=generator).numpy())
