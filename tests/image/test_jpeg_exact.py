"""decode_jpeg's options and encode_jpeg's bytes against TF 2.21 (the SCENARIOS of
tools/data_fixtures/image_codecs.py, on the 23x19 JPEGs under tests/fixtures/tf/data/images/jpeg/).

Exact (pixels equal, bytes equal): every dct_method/fancy_upscaling/channels/ratio of 4:4:4,
4:2:2, 4:2:0, progressive, grayscale and CMYK files, decode_image, extract_jpeg_shape, truncated
files with acceptable_fraction, decode_and_crop_jpeg's windows (libjpeg upsamples chroma inside
the window), each decoder on the other formats, and encode_jpeg's bytes for every option. Within
``jpeg.ACCURATE_UNFANCY_TOLERANCE``: dct_method="INTEGER_ACCURATE" with fancy_upscaling=False where
chroma still needs upsampling, and INTEGER_ACCURATE decode_and_crop_jpeg of a subsampled file
(Pillow reaches the stored chroma planes only through the fast IDCT). try_recover_truncated:
rows decoded from data that is there are exact; past the cut libjpeg-turbo 2.1.4 (TF) and 3.x
(Pillow) fill the missing blocks differently, so those rows are only checked for shape.
"""

import base64
import importlib

import numpy as np
import pytest

import featherflow
from featherflow.image import jpeg
from tests.data.scenarios import common  # puts tools/ on the path

image_codecs = importlib.import_module("data_fixtures.image_codecs")

RECORDED = common.load("image_codecs")["results"]

# chroma still upsampled after a full-size IDCT: the three subsampled files at ratio 1 (at
# ratio 2, 4:2:0 chroma needs no upsampling and 4:2:2 chroma goes through libjpeg's reduced
# IDCT, which is the same for both dct_methods, so those are exact)
_APPROXIMATE = {f"decode_{file}_integer_accurate_plain_c0_r1"
                for file in ("s422", "s420", "progressive")}
# a cropped accurate decode of a subsampled file too: Pillow's accurate decoder upsamples over
# the whole width, so the window's chroma is rebuilt from fast-IDCT planes
_APPROXIMATE |= {f"crop_{file}_integer_accurate_{kind}_c0_r1"
                 for file in ("s422", "s420") for kind in ("fancy", "plain")}

_EXACT = sorted(n for n in image_codecs.SCENARIOS
                if n not in _APPROXIMATE and "_recover" not in n)


def _pixels(encoded):
    record = encoded["dict"]
    data = base64.b64decode(record["pixels"]["bytes"])
    return np.frombuffer(data, dtype=np.uint8).reshape(record["shape"])


def _run(name):
    assert name in RECORDED, (f"scenario {name!r} has no recorded answer: run /work/venv-tf/bin/"
                              "python tools/make_data_fixtures.py image_codecs")
    return RECORDED[name], common.run(image_codecs.SCENARIOS[name], featherflow)


@pytest.mark.parametrize("name", _EXACT)
def test_equal_to_tf(name):
    expected, actual = _run(name)
    common.assert_matches(expected, actual, name)


@pytest.mark.parametrize("name", sorted(_APPROXIMATE))
def test_accurate_idct_without_fancy_upsampling_within_tolerance(name):
    expected, actual = _run(name)
    got, want = _pixels(actual), _pixels(expected)
    assert got.shape == want.shape
    worst = int(np.abs(got.astype(int) - want).max())
    print(f"{name}: max abs difference to TF {worst}")
    assert worst <= jpeg.ACCURATE_UNFANCY_TOLERANCE


@pytest.mark.parametrize("name", sorted(n for n in image_codecs.SCENARIOS if "_recover" in n))
def test_try_recover_truncated_rows_before_the_cut(name):
    expected, actual = _run(name)
    got, want = _pixels(actual), _pixels(expected)
    assert got.shape == want.shape
    # the rows libjpeg delivers without recovery are the ones decoded from data that is there
    strict = RECORDED[name.replace("recover1.0", "acceptable0.0")]
    if "raised" in strict:
        return  # progressive: every row is refined by scans past the cut
    rows = int((_pixels(strict).reshape(want.shape[0], -1) != 0).any(axis=1).sum())
    np.testing.assert_array_equal(got[:rows], want[:rows])


def test_truncated_without_recovery_names_the_option():
    data = image_codecs._truncated("s444", 0.3)
    with pytest.raises(featherflow.errors.InvalidArgumentError, match="try_recover_truncated"):
        featherflow.io.decode_jpeg(data)


def test_dct_method_error_lists_the_choices():
    data = (image_codecs.JPEGS / "s444.jpg").read_bytes()
    with pytest.raises(featherflow.errors.InvalidArgumentError, match="INTEGER_ACCURATE"):
        featherflow.image.decode_jpeg(data, dct_method="FLOAT")


def test_decode_and_crop_jpeg_takes_a_tensor_window_and_equals_its_crop_on_444():
    data = (image_codecs.JPEGS / "s444.jpg").read_bytes()
    window = featherflow.constant([2, 3, 9, 11])
    cropped = featherflow.io.decode_and_crop_jpeg(data, window).numpy()
    # 4:4:4 has no chroma upsampling, so the window is a plain crop of the full decode
    np.testing.assert_array_equal(cropped, featherflow.io.decode_jpeg(data).numpy()[2:11, 3:14])
