"""apply_affine_transform and the random_* functions against Keras 3 (which resamples with
scipy.ndimage.affine_transform); fixtures from tools/keras_fixtures/legacy_image.py.

The resampling repeats scipy's arithmetic (the spline prefilter of orders 2-5 included),
so float results are compared exactly (uint8 too); so is Pillow's brightness step (the
same Pillow runs in both)."""

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import load

image = tf.keras.preprocessing.image


@pytest.fixture(scope="module")
def affine_fixture():
    return load("legacy_image/affine")


def test_every_fill_mode_and_spline_order_matches_keras_bit_for_bit(affine_fixture):
    # orders 2-5 go through the spline prefilter (a recursive filter per pole); it repeats
    # scipy's operations in the same order, so these are exact too
    fx = affine_fixture
    cases = fx["config"]
    assert len(cases) == 4 * 7 * 4 * 6
    modes = set()
    for i, case in enumerate(cases):
        x = fx[case["input"]]
        out = image.apply_affine_transform(x, **case["kwargs"])
        expected = fx[f"out{i}"]
        assert out.dtype == expected.dtype, case
        np.testing.assert_array_equal(out, expected, err_msg=str(case))
        modes.add((case["kwargs"]["fill_mode"], case["kwargs"]["order"]))
    assert len(modes) == 4 * 6


def test_identity_returns_the_input_unchanged():
    x = np.random.default_rng(0).random((4, 5, 3)).astype("float32")
    assert image.apply_affine_transform(x, row_axis=0, col_axis=1, channel_axis=2) is x


def test_module_functions_draw_like_keras():
    fx = load("legacy_image/module_functions")
    for i, case in enumerate(fx["config"]):
        x = fx["x"].transpose(1, 2, 0) if case["channels_last"] else fx["x"]
        np.random.seed(case["seed"])
        out = getattr(image, case["name"])(x.copy(), *case["args"], **case["kwargs"])
        assert out.dtype == fx[f"out{i}"].dtype, case["name"]
        np.testing.assert_array_equal(out, fx[f"out{i}"], err_msg=case["name"])


@pytest.mark.parametrize("order", [6, -1, 1.5, True])
def test_unknown_spline_orders_are_refused_with_the_supported_ones(order):
    x = np.zeros((4, 4, 1), "float32")
    with pytest.raises(ValueError, match=r"spline order in \(0, 1, 2, 3, 4, 5\)"):
        image.apply_affine_transform(x, theta=10, row_axis=0, col_axis=1, channel_axis=2,
                                     order=order)
    with pytest.raises(ValueError, match="interpolation_order"):
        image.ImageDataGenerator(interpolation_order=order)


def test_unknown_fill_mode_names_the_known_ones():
    with pytest.raises(ValueError, match="'constant', 'nearest', 'reflect', 'wrap'"):
        image.ImageDataGenerator(fill_mode="mirror")


def test_wrong_rank_and_axes_are_refused():
    with pytest.raises(ValueError, match="rank-3 array"):
        image.apply_affine_transform(np.zeros((4, 4)), theta=3)
    with pytest.raises(ValueError, match="distinct"):
        image.apply_affine_transform(np.zeros((4, 4, 1)), theta=3, row_axis=0, col_axis=0)
    with pytest.raises(ValueError, match="Channels"):
        image.apply_affine_transform(np.zeros((4, 4, 1)), theta=3, row_axis=0, col_axis=2,
                                     channel_axis=1)
    with pytest.raises(ValueError, match="two floats"):
        image.random_zoom(np.zeros((1, 4, 4)), (0.5, 1.0, 2.0))


def test_integer_shift_moves_whole_pixels_and_repeats_the_edge():
    x = np.random.default_rng(1).random((64, 80, 3)).astype("float32")
    # Keras's matrix is written in (x, y) and swapped into array order, so with the rows
    # before the columns `tx` moves the sampling grid along the columns: output column c
    # reads input column c + 5, the last five repeat the edge ("nearest")
    shifted = image.apply_affine_transform(x, tx=5, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_array_equal(shifted[:, :75], x[:, 5:])
    np.testing.assert_array_equal(shifted[:, 75:], np.repeat(x[:, 79:], 5, axis=1))
    shifted = image.apply_affine_transform(x, ty=-3, row_axis=0, col_axis=1, channel_axis=2,
                                           fill_mode="constant", cval=2.0)
    np.testing.assert_array_equal(shifted[3:], x[:61])
    assert np.all(shifted[:3] == 2.0)
