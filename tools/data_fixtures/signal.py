# ruff: noqa: E501 - a table of one-line cases
"""tf.signal against TensorFlow 2.21: frames, windows, FFTs, STFTs, DCTs, mel filters, MFCCs."""

import numpy as np

_rng = np.random.default_rng(5)
WAVE = _rng.uniform(-1, 1, (2, 1000)).astype(np.float32)
X = _rng.uniform(-1, 1, (3, 16)).astype(np.float32)
Z = (_rng.normal(size=(3, 8)) + 1j * _rng.normal(size=(3, 8))).astype(np.complex64)
Z2 = (_rng.normal(size=(2, 4, 6)) + 1j * _rng.normal(size=(2, 4, 6))).astype(np.complex64)


def _parts(z):
    return [z.numpy().real.astype(np.float64), z.numpy().imag.astype(np.float64)] if hasattr(z, "numpy") else z


def _grad(tf, fn):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return [y, tape.gradient(y, x)]


SCENARIOS = {
    "frame": lambda tf: tf.signal.frame(WAVE, 256, 128),
    "frame_pad_end": lambda tf: tf.signal.frame(WAVE, 300, 200, pad_end=True, pad_value=0.5),
    "frame_axis0": lambda tf: tf.signal.frame(X, 2, 1, axis=0),
    "frame_short": lambda tf: tf.signal.frame(X[0], 20, 5),
    "overlap_and_add": lambda tf: tf.signal.overlap_and_add(tf.signal.frame(WAVE, 256, 64), 64),
    "overlap_and_add_fast": lambda tf: tf.signal.overlap_and_add(X[None], 16),
    "hann": lambda tf: tf.signal.hann_window(10), "hann_odd": lambda tf: tf.signal.hann_window(9),
    "hann_symmetric": lambda tf: tf.signal.hann_window(10, periodic=False),
    "hann_1": lambda tf: tf.signal.hann_window(1), "hamming": lambda tf: tf.signal.hamming_window(255),
    "hamming_f64": lambda tf: tf.signal.hamming_window(16, dtype=tf.float64),
    "kaiser": lambda tf: tf.signal.kaiser_window(12), "kaiser_beta": lambda tf: tf.signal.kaiser_window(9, beta=4.0),
    "kbd": lambda tf: tf.signal.kaiser_bessel_derived_window(16), "vorbis": lambda tf: tf.signal.vorbis_window(12),
    "fft": lambda tf: _parts(tf.signal.fft(Z)), "ifft": lambda tf: _parts(tf.signal.ifft(Z)),
    "fft2d": lambda tf: _parts(tf.signal.fft2d(Z2)), "ifft2d": lambda tf: _parts(tf.signal.ifft2d(Z2)),
    "fft3d": lambda tf: _parts(tf.signal.fft3d(Z2)),
    "rfft": lambda tf: _parts(tf.signal.rfft(X)), "rfft_len": lambda tf: _parts(tf.signal.rfft(X, [24])),
    "rfft_crop": lambda tf: _parts(tf.signal.rfft(X, [10])),
    "irfft": lambda tf: tf.signal.irfft(tf.signal.rfft(X)), "irfft_len": lambda tf: tf.signal.irfft(Z, [10]),
    "irfft_odd": lambda tf: tf.signal.irfft(Z, [13]),
    "rfft2d": lambda tf: _parts(tf.signal.rfft2d(X)), "irfft2d": lambda tf: tf.signal.irfft2d(tf.signal.rfft2d(X)),
    "fftshift": lambda tf: tf.signal.fftshift(X), "ifftshift_axes": lambda tf: tf.signal.ifftshift(X, axes=1),
    "stft": lambda tf: _parts(tf.signal.stft(WAVE, frame_length=255, frame_step=128)),
    "stft_abs": lambda tf: tf.abs(tf.signal.stft(WAVE, 255, 128)),
    "stft_pad_fft": lambda tf: _parts(tf.signal.stft(WAVE, 200, 80, fft_length=512, pad_end=True)),
    "stft_no_window": lambda tf: _parts(tf.signal.stft(WAVE[0], 64, 32, window_fn=None)),
    "inverse_stft": lambda tf: tf.signal.inverse_stft(tf.signal.stft(WAVE, 256, 64), 256, 64, window_fn=tf.signal.inverse_stft_window_fn(64)),
    "inverse_stft_window": lambda tf: tf.signal.inverse_stft_window_fn(64)(256, tf.float32),
    "dct2": lambda tf: tf.signal.dct(X), "dct2_ortho": lambda tf: tf.signal.dct(X, norm="ortho"),
    "dct1": lambda tf: tf.signal.dct(X, type=1), "dct3": lambda tf: tf.signal.dct(X, type=3),
    "dct3_ortho": lambda tf: tf.signal.dct(X, type=3, norm="ortho"), "dct4": lambda tf: tf.signal.dct(X, type=4),
    "dct4_ortho": lambda tf: tf.signal.dct(X, type=4, norm="ortho"), "dct_n": lambda tf: tf.signal.dct(X, n=10),
    "dct_n_pad": lambda tf: tf.signal.dct(X, n=20), "idct2": lambda tf: tf.signal.idct(tf.signal.dct(X), type=2),
    "idct_ortho": lambda tf: tf.signal.idct(X, norm="ortho"),
    "mdct": lambda tf: tf.signal.mdct(WAVE, 64), "mdct_ortho": lambda tf: tf.signal.mdct(WAVE, 64, norm="ortho", window_fn=None),
    "inverse_mdct": lambda tf: tf.signal.inverse_mdct(tf.signal.mdct(WAVE, 64)),
    "mel": lambda tf: tf.signal.linear_to_mel_weight_matrix(),
    "mel_custom": lambda tf: tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 8000.0),
    "mfcc": lambda tf: tf.signal.mfccs_from_log_mel_spectrograms(tf.math.log(tf.abs(tf.signal.stft(WAVE, 256, 128)) @ tf.signal.linear_to_mel_weight_matrix(20, 129, 8000, 20.0, 4000.0) + 1e-6)),
    "grad_dct": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.signal.dct(x, norm="ortho") ** 2 * tf.range(16.0))),
    "grad_frame_oa": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.signal.overlap_and_add(tf.signal.frame(x, 6, 2) * tf.signal.hann_window(6), 2) ** 2)),
    "grad_mdct": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.signal.mdct(x, 8) ** 2)),
    "bad_dct_type": lambda tf: tf.signal.dct(X, type=5),
    "bad_mel": lambda tf: tf.signal.linear_to_mel_weight_matrix(20, 129, 8000, 125.0, 5000.0),
    "fft_of_real": lambda tf: _parts(tf.signal.fft(X)),
}
