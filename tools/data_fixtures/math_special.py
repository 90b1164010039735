# ruff: noqa: E501 - a table of one-line cases
"""tf.math special functions and the remaining tf.math names, recorded from TensorFlow 2.21."""

import numpy as np

_rng = np.random.default_rng(11)
POS = _rng.uniform(0.05, 8.0, (3, 5)).astype(np.float32)
POS64 = POS.astype(np.float64)
MIXED = np.array([-3.5, -2.25, -0.5, 0.1, 0.5, 1.0, 2.0, 4.5, 12.0, 30.0], np.float32)
U = _rng.uniform(0.01, 0.99, (3, 5)).astype(np.float32)
F = _rng.uniform(-3, 3, (3, 5)).astype(np.float32)
BIG = np.array([-40.0, -21.0, -5.0, -0.3, 0.0, 0.3, 5.0, 19.0, 21.0, 40.0, 100.0], np.float32)
IDS = np.array([0, 0, 2, 2, 2], np.int32)


def _grad(tf, fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return [y, tape.gradient(y, x)]


SCENARIOS = {
    "lgamma": lambda tf: tf.math.lgamma(MIXED), "lgamma_pos64": lambda tf: tf.math.lgamma(POS64),
    "digamma": lambda tf: tf.math.digamma(MIXED), "digamma_pos64": lambda tf: tf.math.digamma(POS64),
    "polygamma_1": lambda tf: tf.math.polygamma(tf.ones_like(POS), POS),
    "polygamma_3": lambda tf: tf.math.polygamma(3 * tf.ones_like(POS), POS),
    "polygamma_0": lambda tf: tf.math.polygamma(tf.zeros_like(POS), POS),
    "zeta": lambda tf: tf.math.zeta(POS + 1.5, POS), "zeta_64": lambda tf: tf.math.zeta(POS64 + 1.1, POS64),
    "lbeta": lambda tf: tf.math.lbeta(POS), "bessel_i0": lambda tf: tf.math.bessel_i0(BIG[2:9]),
    "bessel_i0e": lambda tf: tf.math.bessel_i0e(BIG), "bessel_i1": lambda tf: tf.math.bessel_i1(BIG[2:9]),
    "bessel_i1e": lambda tf: tf.math.bessel_i1e(BIG), "bessel_i1e_64": lambda tf: tf.math.bessel_i1e(BIG.astype(np.float64)),
    "igamma": lambda tf: tf.math.igamma(POS, POS[::-1]), "igammac": lambda tf: tf.math.igammac(POS, POS[::-1]),
    "igamma_64": lambda tf: tf.math.igamma(POS64 * 3, POS64), "betainc": lambda tf: tf.math.betainc(POS, POS[::-1], U),
    "erfinv": lambda tf: tf.math.erfinv(U * 2 - 1), "ndtri": lambda tf: tf.math.ndtri(U), "erfcinv": lambda tf: tf.math.erfcinv(U * 2),
    "erfc": lambda tf: tf.math.erfc(F),
    "multiply_no_nan": lambda tf: tf.math.multiply_no_nan(np.array([np.inf, np.nan, 2.0], np.float32), np.array([0.0, 0.0, 3.0], np.float32)),
    "reciprocal_no_nan": lambda tf: tf.math.reciprocal_no_nan(np.array([0.0, 2.0, -4.0], np.float32)),
    "xdivy": lambda tf: tf.math.xdivy(np.array([0.0, 1.0, 2.0], np.float32), np.array([0.0, 0.0, 4.0], np.float32)),
    "xlog1py": lambda tf: tf.math.xlog1py(np.array([0.0, 1.0, 2.0], np.float32), np.array([-1.0, 0.5, 3.0], np.float32)),
    "rint": lambda tf: tf.math.rint(np.array([-1.5, -0.5, 0.5, 1.5, 2.5, 2.6], np.float32)),
    "zero_fraction": lambda tf: tf.math.zero_fraction(np.array([0, 1, 0, 3], np.int32)),
    "invert_permutation": lambda tf: tf.math.invert_permutation(np.array([3, 0, 2, 1], np.int32)),
    "is_non_decreasing": lambda tf: [tf.math.is_non_decreasing([1, 1, 2]), tf.math.is_non_decreasing([[1, 2], [0, 3]])],
    "is_strictly_increasing": lambda tf: [tf.math.is_strictly_increasing([1, 2, 5]), tf.math.is_strictly_increasing([1, 1])],
    "polyval": lambda tf: tf.math.polyval([tf.constant(2.0), tf.constant(-1.0), tf.constant(0.5)], tf.constant(F)),
    "accumulate_n": lambda tf: tf.math.accumulate_n([F, F, POS]),
    "cumprod": lambda tf: tf.math.cumprod(F, axis=1), "cumprod_exclusive_reverse": lambda tf: tf.math.cumprod(F, axis=1, exclusive=True, reverse=True),
    "cumulative_logsumexp": lambda tf: tf.math.cumulative_logsumexp(F * 30, axis=1),
    "cumulative_logsumexp_excl": lambda tf: tf.math.cumulative_logsumexp(F, exclusive=True, reverse=True),
    "bincount": lambda tf: tf.math.bincount(np.array([1, 1, 3, 0, 3, 3], np.int32)),
    "bincount_weights": lambda tf: tf.math.bincount(np.array([1, 1, 3], np.int32), weights=np.array([0.5, 1.0, 2.0], np.float32), minlength=6),
    "bincount_max": lambda tf: tf.math.bincount(np.array([1, 5, 3], np.int32), maxlength=4),
    "bincount_binary_axis": lambda tf: tf.math.bincount(np.array([[1, 1, 2], [0, 3, 3]], np.int32), axis=-1, binary_output=True),
    "segment_max": lambda tf: tf.math.segment_max(F.T, IDS), "segment_min": lambda tf: tf.math.segment_min(F.T, IDS),
    "segment_mean": lambda tf: tf.math.segment_mean(F.T, IDS), "segment_prod": lambda tf: tf.math.segment_prod(F.T, IDS),
    "unsorted_segment_max": lambda tf: tf.math.unsorted_segment_max(F.T, np.array([2, 0, 2, 0, 1], np.int32), 4),
    "unsorted_segment_min": lambda tf: tf.math.unsorted_segment_min(F.T, np.array([2, 0, 2, 0, 1], np.int32), 4),
    "unsorted_segment_mean": lambda tf: tf.math.unsorted_segment_mean(F.T, np.array([2, 0, 2, 0, 1], np.int32), 4),
    "unsorted_segment_prod": lambda tf: tf.math.unsorted_segment_prod(F.T, np.array([2, 0, 2, 0, 1], np.int32), 4),
    "unsorted_segment_sqrt_n": lambda tf: tf.math.unsorted_segment_sqrt_n(F.T, np.array([2, 0, 2, 0, 1], np.int32), 4),
    "approx_max_k": lambda tf: tf.math.approx_max_k(F, 2), "approx_min_k": lambda tf: tf.math.approx_min_k(F, 3),
    "acosh": lambda tf: tf.math.acosh(POS + 1.0), "asinh": lambda tf: tf.math.asinh(F), "atanh": lambda tf: tf.math.atanh(U - 0.5),
    "atan2": lambda tf: tf.math.atan2(F, POS), "nextafter": lambda tf: tf.math.nextafter(F, POS),
    "real_imag_conj_angle": lambda tf: [tf.math.real(F), tf.math.imag(F), tf.math.conj(F), tf.math.angle(F)],
    "angle_complex": lambda tf: tf.math.angle(np.array([1 + 1j, -1 - 0.5j], np.complex64)),
    "grad_lgamma": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.lgamma(x)), POS),
    "grad_digamma": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.digamma(x)), POS),
    "grad_bessel": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.bessel_i0e(x) + tf.math.bessel_i1e(x) + tf.math.bessel_i1(x) + tf.math.bessel_i0(x)), F),
    "grad_igamma_x": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.igamma(POS, x)), POS[::-1].copy()),
    "grad_betainc_x": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.betainc(POS, POS[::-1], x)), U),
    "grad_zeta_q": lambda tf: _grad(tf, lambda q: tf.reduce_sum(tf.math.zeta(POS + 1.5, q)), POS),
    "grad_erfinv_ndtri": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.erfinv(x * 2 - 1) + tf.math.ndtri(x)), U),
    "grad_segment_max": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.unsorted_segment_max(x, np.array([1, 0, 1], np.int32), 2) * np.arange(5, dtype=np.float32)), np.array([[1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [1, 5, 3, 0, 9]], np.float32)),
    "grad_cumprod": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.cumprod(x, axis=1, exclusive=True)), F),
    "grad_cumlse": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.cumulative_logsumexp(x, axis=1)), F),
    "grad_xdivy_xlog1py": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.math.xdivy(x, x + 4.0) + tf.math.xlog1py(x, x + 4.0)), F),
}
