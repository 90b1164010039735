# ruff: noqa: E501 - a table of one-line cases
"""keras.ops, second set: Fourier ops, complex views, adaptive pooling, transposed
convolutions, fold/unfold, rearrange, CTC decoding and the newer keras.ops.image ops.

Recorded with Keras 3.15.1 on the TensorFlow backend (``tf.keras.ops``). ``case_*`` scenarios
call one op; ``grad_*`` scenarios return a value and its gradients with respect to each
float input (``tf.GradientTape``), so featherflow's backward passes are checked against
TensorFlow's. Complex results are returned as (dtype, real, imag).

Left out because Keras 3.15's TensorFlow backend fails there while featherflow gives the
intended result (tests/keras_ops/test_keras_ops2_extra.py checks those): map_coordinates with an
unknown fill_mode (Keras raises AttributeError from its own error message), scale_and_translate
of integer images (TF refuses uint8 in its clip), the gradient of rfft with fft_length shorter
than the signal (TF's RFFT gradient adds tensors of two shapes). The gradient of
perspective_transform is left out on purpose: TF's is the inverse warp of the output gradient,
featherflow's the exact adjoint of the forward resampling (as for affine_transform).
"""

import numpy as np

_rng = np.random.default_rng(20261204)


def _f(*shape, lo=-2.0, hi=2.0, dtype=np.float32):
    return _rng.uniform(lo, hi, shape).astype(dtype)


RE8, IM8 = _f(3, 8), _f(3, 8)
RE46, IM46 = _f(2, 4, 6), _f(2, 4, 6)
SIG = _f(2, 40)
SIG1 = _f(33)
BINS_RE, BINS_IM = _f(2, 5), _f(2, 5)
X1 = _f(2, 10, 3)
X2 = _f(2, 9, 7, 3)
X3 = _f(2, 5, 7, 6, 2)
SMALL = _f(1, 3, 2)
CT1, K1 = _f(2, 5, 3), _f(3, 4, 3)
CT2, K2 = _f(2, 4, 5, 3), _f(3, 3, 2, 3)
CT3, K3 = _f(1, 3, 4, 3, 2), _f(2, 3, 2, 3, 2)
IMG = _f(2, 6, 7, 3, lo=0.0, hi=1.0)
IMG2 = np.clip(IMG + _f(2, 6, 7, 3, lo=-0.1, hi=0.1), 0, 1).astype(np.float32)
IMG_BIG = _f(1, 16, 15, 2, lo=0.0, hi=1.0)
IMG_BIG2 = np.clip(IMG_BIG * 0.8 + 0.1 + _f(1, 16, 15, 2, lo=-0.05, hi=0.05), 0, 1).astype(np.float32)
INTIMG = _rng.integers(0, 256, (1, 5, 6, 2)).astype(np.uint8)
VOL = _f(2, 6, 5, 7, 2)
NCHW = _f(2, 3, 6, 7)
PLANE = _f(5, 6)
COORDS = _rng.uniform(-1.5, 6.5, (2, 3, 4)).astype(np.float32)
COORDS_IN = _rng.uniform(0.0, 4.0, (2, 3, 4)).astype(np.float32)
VOL3 = _f(3, 4, 5)
COORDS3 = _rng.uniform(-0.5, 4.5, (3, 7)).astype(np.float32)
START = np.array([[0, 0], [6, 0], [0, 5], [6, 5]], np.float32)
END = np.array([[1, 0.5], [5.5, 0], [0, 4], [6, 5]], np.float32)
END_B = np.stack([END, np.array([[0, 1], [6, 0], [0.5, 5], [5, 4.5]], np.float32)])
START_B = np.stack([START, START])
LOGITS = _f(3, 7, 5, lo=-3, hi=3)
LENGTHS = np.array([7, 5, 6], np.int32)
R4 = _f(2, 6, 4, 3)
SPEC_RE, SPEC_IM = _f(2, 6, 9), _f(2, 6, 9)


def _cplx(x):
    a = np.asarray(x.numpy())
    return (a.dtype.name, np.real(a), np.imag(a))


def _grad(tf, fn, *arrays):
    """[value, d value / d each input]: the value reduced with fixed weights to a scalar."""
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        ys = fn(tf.keras.ops, *xs)
        ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
        total = 0.0
        for i, y in enumerate(ys):
            w = np.cos(np.arange(int(np.prod(y.shape)), dtype=np.float64) * 0.7 + i)
            total = total + tf.reduce_sum(y * tf.constant(w.reshape(tuple(y.shape)), y.dtype))
    return [ys, tape.gradient(total, xs)]


CASES = {
    # -- Fourier ops ----------------------------------------------------------------------------
    "fft": lambda o: o.fft((RE8, IM8)),
    "fft_float64": lambda o: o.fft((RE8.astype(np.float64), IM8.astype(np.float64))),
    "fft_doc": lambda o: o.fft((np.array([1.0, 2.0], np.float32), np.array([0.0, 1.0], np.float32))),
    "fft2": lambda o: o.fft2((RE46, IM46)),
    "ifft2": lambda o: o.ifft2((RE46, IM46)),
    "ifft2_float64": lambda o: o.ifft2((RE46.astype(np.float64), IM46.astype(np.float64))),
    "rfft": lambda o: o.rfft(RE8),
    "rfft_odd": lambda o: o.rfft(RE8[:, :7]),
    "rfft_crop": lambda o: o.rfft(RE8, fft_length=5),
    "rfft_pad": lambda o: o.rfft(RE8, fft_length=12),
    "rfft_float64": lambda o: o.rfft(RE8.astype(np.float64), 6),
    "rfft_float64_tensor": lambda o: o.rfft(o.convert_to_tensor(RE8.astype(np.float64)), 6),
    "irfft": lambda o: o.irfft((BINS_RE, BINS_IM)),
    "irfft_odd": lambda o: o.irfft((BINS_RE, BINS_IM), fft_length=9),
    "irfft_crop": lambda o: o.irfft((BINS_RE, BINS_IM), fft_length=4),
    "irfft_pad": lambda o: o.irfft((BINS_RE, BINS_IM), fft_length=14),
    "irfft_roundtrip": lambda o: o.irfft(o.rfft(RE8[:, :7]), 7),
    "stft": lambda o: o.stft(SIG, 16, 4, 16),
    "stft_1d": lambda o: o.stft(SIG1, 8, 3, 8),
    "stft_hamming_nocenter": lambda o: o.stft(SIG, 12, 5, 16, window="hamming", center=False),
    "stft_no_window": lambda o: o.stft(SIG, 10, 4, 16, window=None),
    "stft_array_window": lambda o: o.stft(SIG, 5, 3, 8, window=np.linspace(0.1, 1.0, 5).astype(np.float32)),
    "stft_odd_hann": lambda o: o.stft(SIG, 7, 2, 9),
    "stft_doc": lambda o: o.stft(np.array([0.0, 1.0, 2.0, 3.0, 4.0], np.float32), 3, 2, 3),
    "stft_float64": lambda o: o.stft(SIG.astype(np.float64), 16, 8, 16),
    "istft_roundtrip": lambda o: o.istft(o.stft(SIG, 16, 4, 16), 16, 4, 16),
    "istft_length": lambda o: o.istft(o.stft(SIG, 16, 4, 16), 16, 4, 16, length=37),
    "istft_nocenter": lambda o: o.istft(o.stft(SIG, 12, 3, 16, center=False), 12, 3, 16, center=False),
    "istft_hamming": lambda o: o.istft(o.stft(SIG, 12, 5, 16, window="hamming"), 12, 5, 16, window="hamming"),
    "istft_no_window": lambda o: o.istft(o.stft(SIG, 16, 8, 16, window=None), 16, 8, 16, window=None),
    "istft_random": lambda o: o.istft((SPEC_RE, SPEC_IM), 16, 4, 16),
    "fft_not_tuple": lambda o: o.fft(RE8),
    "fft_shape_mismatch": lambda o: o.fft((RE8, IM8[:, :4])),
    "fft_int_parts": lambda o: o.fft((RE8.astype(np.int32), IM8.astype(np.int32))),
    "stft_short_fft": lambda o: o.stft(SIG, 16, 4, 8),
    "stft_bad_window": lambda o: o.stft(SIG, 16, 4, 16, window="blackman"),
    "stft_int_signal": lambda o: o.stft(SIG.astype(np.int32), 16, 4, 16),
    "stft_zero_stride": lambda o: o.stft(SIG, 16, 0, 16),
    "stft_window_length": lambda o: o.stft(SIG, 16, 4, 16, window=np.ones(8, np.float32)),
    # -- complex views ---------------------------------------------------------------------------
    "view_as_complex": lambda o: _cplx(o.view_as_complex(np.stack([RE8, IM8], -1))),
    "view_as_complex_float64": lambda o: _cplx(o.view_as_complex(np.stack([RE8, IM8], -1).astype(np.float64))),
    "view_as_complex_bad": lambda o: o.view_as_complex(RE8),
    "view_as_real": lambda o: o.view_as_real(o.view_as_complex(np.stack([RE8, IM8], -1))),
    "view_as_real_complex128": lambda o: o.view_as_real((RE8 + 1j * IM8).astype(np.complex128)),
    "view_as_real_of_real": lambda o: o.view_as_real(RE8),
    "polar": lambda o: _cplx(o.polar(np.abs(RE8), IM8)),
    "polar_float64": lambda o: _cplx(o.polar(np.abs(RE8).astype(np.float64), IM8.astype(np.float64))),
    "nn_polar": lambda o: _cplx(o.nn.polar(np.abs(RE8[0]), IM8[0])),
    # -- adaptive pooling ------------------------------------------------------------------------
    "adaptive_avg_1d": lambda o: o.adaptive_average_pool(o.convert_to_tensor(X1), 4),
    "adaptive_max_1d": lambda o: o.adaptive_max_pool(o.convert_to_tensor(X1), (3,)),
    "adaptive_avg_1d_up": lambda o: o.adaptive_average_pool(o.convert_to_tensor(X1), 14),
    "adaptive_max_1d_cf": lambda o: o.nn.adaptive_max_pool(o.convert_to_tensor(np.transpose(X1, (0, 2, 1))), 4, data_format="channels_first"),
    "adaptive_avg_2d": lambda o: o.adaptive_average_pool(o.convert_to_tensor(X2), (4, 3)),
    "adaptive_max_2d": lambda o: o.adaptive_max_pool(o.convert_to_tensor(X2), (2, 5)),
    "adaptive_avg_2d_int": lambda o: o.nn.adaptive_average_pool(o.convert_to_tensor(X2), 3),
    "adaptive_max_2d_up": lambda o: o.adaptive_max_pool(o.convert_to_tensor(X2), (12, 8)),
    "adaptive_avg_2d_cf": lambda o: o.adaptive_average_pool(o.convert_to_tensor(np.transpose(X2, (0, 3, 1, 2))), (4, 2), data_format="channels_first"),
    "adaptive_avg_3d": lambda o: o.adaptive_average_pool(o.convert_to_tensor(X3), (2, 3, 4)),
    "adaptive_max_3d": lambda o: o.adaptive_max_pool(o.convert_to_tensor(X3), 3),
    "adaptive_max_3d_cf": lambda o: o.adaptive_max_pool(o.convert_to_tensor(np.transpose(X3, (0, 4, 1, 2, 3))), (3, 2, 5), data_format="channels_first"),
    "adaptive_avg_float64": lambda o: o.adaptive_average_pool(o.convert_to_tensor(X2.astype(np.float64)), (4, 3)),
    "adaptive_identity": lambda o: o.adaptive_max_pool(o.convert_to_tensor(SMALL), 3),
    # -- transposed convolutions -----------------------------------------------------------------
    "conv_transpose_1d": lambda o: o.conv_transpose(CT1, K1, strides=2),
    "conv_transpose_1d_same": lambda o: o.nn.conv_transpose(CT1, K1, strides=2, padding="same"),
    "conv_transpose_2d": lambda o: o.conv_transpose(CT2, K2, strides=(2, 1), padding="same"),
    "conv_transpose_2d_outpad": lambda o: o.conv_transpose(CT2, K2, strides=3, output_padding=(1, 2)),
    "conv_transpose_2d_valid": lambda o: o.conv_transpose(CT2, K2),
    "conv_transpose_3d": lambda o: o.conv_transpose(CT3, K3, strides=2, padding="same"),
    "conv_transpose_3d_valid": lambda o: o.conv_transpose(CT3, K3, strides=(1, 2, 1)),
    # -- unfold / fold ---------------------------------------------------------------------------
    "unfold": lambda o: o.unfold(NCHW, 2, stride=2),
    "unfold_k3": lambda o: o.nn.unfold(NCHW, (3, 2)),
    "unfold_all": lambda o: o.unfold(NCHW, 3, dilation=(1, 2), padding=(1, 2), stride=(2, 1)),
    "fold": lambda o: o.fold(o.unfold(NCHW, 2, stride=2), (6, 7), 2, stride=2),
    "fold_overlap": lambda o: o.nn.fold(o.unfold(NCHW, 3), (6, 7), 3),
    "fold_all": lambda o: o.fold(o.unfold(NCHW, 3, dilation=(1, 2), padding=(1, 2), stride=(2, 1)), (6, 7), 3, dilation=(1, 2), padding=(1, 2), stride=(2, 1)),
    "unfold_rank3": lambda o: o.unfold(NCHW[0], 2),
    # -- rearrange -------------------------------------------------------------------------------
    "rearrange_transpose": lambda o: o.rearrange(X2, "b h w c -> b c h w"),
    "rearrange_merge": lambda o: o.rearrange(X2, "b h w c -> (b h) w c"),
    "rearrange_merge_second": lambda o: o.rearrange(X2, "b h w c -> h (b w) c"),
    "rearrange_flatten": lambda o: o.rearrange(X2, "b h w c -> b (c h w)"),
    "rearrange_split": lambda o: o.rearrange(X3, "b (d1 d) h w c -> (b d1) d h (w c)", d1=5),
    "rearrange_space_to_depth": lambda o: o.rearrange(R4, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2),
    "rearrange_patches": lambda o: o.rearrange(R4, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", h1=2, w1=2),
    "rearrange_identity": lambda o: o.rearrange(X1, "a b c -> a b c"),
    "rearrange_spaces": lambda o: o.rearrange(X1, "a b c->c (a b)"),
    # -- CTC decoding ----------------------------------------------------------------------------
    "ctc_greedy": lambda o: o.ctc_decode(LOGITS, LENGTHS),
    "ctc_greedy_no_merge": lambda o: o.nn.ctc_decode(LOGITS, LENGTHS, merge_repeated=False),
    "ctc_greedy_mask_last": lambda o: o.ctc_decode(LOGITS, LENGTHS, mask_index=4),
    "ctc_beam": lambda o: o.ctc_decode(LOGITS, LENGTHS, strategy="beam_search", beam_width=10),
    "ctc_beam_top3": lambda o: o.ctc_decode(LOGITS, LENGTHS, strategy="beam_search", beam_width=8, top_paths=3),
    "ctc_beam_mask2": lambda o: o.ctc_decode(LOGITS, LENGTHS, strategy="beam_search", beam_width=5, top_paths=2, mask_index=2),
    "ctc_bad_strategy": lambda o: o.ctc_decode(LOGITS, LENGTHS, strategy="best"),
    # -- keras.ops.image -------------------------------------------------------------------------
    "map_coordinates_linear": lambda o: o.image.map_coordinates(PLANE, COORDS, 1),
    "map_coordinates_nearest": lambda o: o.image.map_coordinates(PLANE, COORDS, 0),
    "map_coordinates_fill": lambda o: o.image.map_coordinates(PLANE, COORDS, 1, fill_value=-3.0),
    "map_coordinates_nearest_mode": lambda o: o.image.map_coordinates(PLANE, COORDS, 1, fill_mode="nearest"),
    "map_coordinates_wrap": lambda o: o.image.map_coordinates(PLANE, COORDS, 1, fill_mode="wrap"),
    "map_coordinates_reflect": lambda o: o.image.map_coordinates(PLANE, COORDS, 1, fill_mode="reflect"),
    "map_coordinates_mirror": lambda o: o.image.map_coordinates(PLANE, COORDS_IN, 1, fill_mode="mirror"),
    "map_coordinates_3d": lambda o: o.image.map_coordinates(VOL3, COORDS3, 1, fill_mode="reflect"),
    "map_coordinates_int": lambda o: o.image.map_coordinates(INTIMG[0, :, :, 0], COORDS, 1),
    "map_coordinates_float64": lambda o: o.image.map_coordinates(PLANE.astype(np.float64), COORDS, 1),
    "map_coordinates_bad_rank": lambda o: o.image.map_coordinates(PLANE, COORDS3, 1),
    "perspective": lambda o: o.image.perspective_transform(IMG[0], START, END),
    "perspective_batch_nearest": lambda o: o.image.perspective_transform(IMG, START_B, END_B, interpolation="nearest", fill_value=0.5),
    "perspective_cf": lambda o: o.image.perspective_transform(np.transpose(IMG, (0, 3, 1, 2)), START, END, data_format="channels_first"),
    "perspective_bad_points": lambda o: o.image.perspective_transform(IMG, START[:3], END[:3]),
    "elastic": lambda o: o.image.elastic_transform(IMG_BIG, alpha=3.0, sigma=2.0, seed=7),
    "elastic_unbatched_nearest": lambda o: o.image.elastic_transform(IMG_BIG[0], alpha=5.0, sigma=1.5, interpolation="nearest", seed=11),
    "elastic_constant": lambda o: o.image.elastic_transform(IMG_BIG, alpha=20.0, sigma=1.0, fill_mode="constant", fill_value=0.25, seed=3),
    "elastic_wrap_cf": lambda o: o.image.elastic_transform(np.transpose(IMG_BIG, (0, 3, 1, 2)), alpha=4.0, sigma=2.5, fill_mode="wrap", seed=5, data_format="channels_first"),
    "elastic_nearest_mode": lambda o: o.image.elastic_transform(IMG, alpha=8.0, sigma=1.0, fill_mode="nearest", seed=2),
    "scale_translate_linear": lambda o: o.image.scale_and_translate(IMG, (2, 9, 5, 3), [1.5, 0.7], [0.5, -0.3], [1, 2], "bilinear"),
    "scale_translate_cubic": lambda o: o.image.scale_and_translate(IMG, (2, 4, 10, 3), [0.6, 1.4], [0.0, 1.0], [1, 2], "bicubic"),
    "scale_translate_lanczos3": lambda o: o.image.scale_and_translate(IMG, (2, 3, 4, 3), [0.5, 0.6], [0.0, 0.0], [1, 2], "lanczos3"),
    "scale_translate_lanczos5_noaa": lambda o: o.image.scale_and_translate(IMG, (2, 3, 4, 3), [0.5, 0.6], [0.2, 0.1], [1, 2], "lanczos5", antialias=False),
    "scale_translate_one_axis": lambda o: o.image.scale_and_translate(PLANE, (5, 11), [2.0], [0.5], [-1], "linear"),
    "scale_translate_bad_method": lambda o: o.image.scale_and_translate(IMG, (2, 3, 4, 3), [0.5, 0.6], [0.0, 0.0], [1, 2], "area"),
    "ssim": lambda o: o.image.ssim(IMG_BIG, IMG_BIG2),
    "ssim_small_filter": lambda o: o.image.ssim(IMG, IMG2, filter_size=3, filter_sigma=0.8),
    "ssim_unbatched_255": lambda o: o.image.ssim(IMG_BIG[0] * 255.0, IMG_BIG2[0] * 255.0, max_val=255.0, filter_size=7),
    "ssim_cf": lambda o: o.image.ssim(np.transpose(IMG, (0, 3, 1, 2)), np.transpose(IMG2, (0, 3, 1, 2)), filter_size=5, k1=0.02, k2=0.05, data_format="channels_first"),
    "ssim_identical": lambda o: o.image.ssim(IMG, IMG, filter_size=5),
    "patches3d": lambda o: o.image.extract_patches_3d(VOL, 2),
    "patches3d_strides": lambda o: o.image.extract_patches_3d(VOL, (2, 3, 2), strides=(1, 2, 3)),
    "patches3d_same": lambda o: o.image.extract_patches_3d(VOL, 3, strides=2, padding="same"),
    "patches3d_unbatched": lambda o: o.image.extract_patches_3d(VOL[0], (3, 2, 2), strides=1),
    "patches3d_dilated": lambda o: o.image.extract_patches_3d(VOL, 2, strides=1, dilation_rate=2),
    "patches3d_cf": lambda o: o.image.extract_patches_3d(np.transpose(VOL, (0, 4, 1, 2, 3)), 2, data_format="channels_first"),
}

GRADIENTS = {
    "fft": (lambda o, a, b: o.fft((a, b)), [RE8, IM8]),
    "fft2": (lambda o, a, b: o.fft2((a, b)), [RE46, IM46]),
    "ifft2": (lambda o, a, b: o.ifft2((a, b)), [RE46, IM46]),
    "rfft": (lambda o, x: o.rfft(x), [RE8]),
    "rfft_pad": (lambda o, x: o.rfft(x, 11), [RE8]),
    "irfft": (lambda o, a, b: o.irfft((a, b)), [BINS_RE, BINS_IM]),
    "irfft_odd": (lambda o, a, b: o.irfft((a, b), 9), [BINS_RE, BINS_IM]),
    "stft": (lambda o, x: o.stft(x, 16, 4, 16), [SIG]),
    "stft_nocenter": (lambda o, x: o.stft(x, 10, 3, 16, window="hamming", center=False), [SIG]),
    "istft": (lambda o, a, b: o.istft((a, b), 16, 4, 16), [_f(2, 6, 9), _f(2, 6, 9)]),
    "adaptive_avg_2d": (lambda o, x: o.adaptive_average_pool(x, (4, 3)), [X2]),
    "adaptive_max_2d": (lambda o, x: o.adaptive_max_pool(x, (4, 3)), [X2]),
    "adaptive_avg_3d": (lambda o, x: o.adaptive_average_pool(x, (2, 3, 4)), [X3]),
    "adaptive_max_1d_up": (lambda o, x: o.adaptive_max_pool(x, 14), [X1]),
    "conv_transpose_2d": (lambda o, x, k: o.conv_transpose(x, k, strides=2, padding="same"), [CT2, K2]),
    "conv_transpose_3d": (lambda o, x, k: o.conv_transpose(x, k, strides=2), [CT3, K3]),
    "unfold": (lambda o, x: o.unfold(x, 3, dilation=(1, 2), padding=1, stride=(2, 1)), [NCHW]),
    "fold": (lambda o, x: o.fold(x, (6, 7), 3, padding=1, stride=2), [_f(2, 27, 12)]),
    "rearrange": (lambda o, x: o.rearrange(x, "b (h h1) w c -> b h (w h1 c)", h1=3), [X2]),
    "map_coordinates": (lambda o, x, c: o.image.map_coordinates(x, c, 1, fill_mode="reflect"), [PLANE, COORDS]),
    "map_coordinates_constant": (lambda o, x, c: o.image.map_coordinates(x, c, 1), [PLANE, COORDS]),
    "scale_translate": (lambda o, x: o.image.scale_and_translate(x, (2, 9, 5, 3), [1.5, 0.7], [0.5, -0.3], [1, 2], "bicubic"), [IMG]),
    "ssim": (lambda o, a, b: o.image.ssim(a, b, filter_size=5), [IMG, IMG2]),
    "patches3d": (lambda o, x: o.image.extract_patches_3d(x, 2, strides=1), [VOL]),
    "elastic": (lambda o, x: o.image.elastic_transform(x, alpha=3.0, sigma=2.0, seed=7), [IMG_BIG]),
}

SCENARIOS = {}
for _key, _fn in CASES.items():
    SCENARIOS[f"case_{_key}"] = lambda tf, fn=_fn: fn(tf.keras.ops)
for _key, (_fn, _arrays) in GRADIENTS.items():
    SCENARIOS[f"grad_{_key}"] = lambda tf, fn=_fn, arrays=_arrays: _grad(tf, fn, *arrays)
