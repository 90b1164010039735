# ruff: noqa: E501 - a table of one-line scenarios
"""tf.math.special (Bessel J, Y, K, I; dawsn, expint, fresnel_cos/sin, spence) recorded from
TensorFlow 2.21: values in float64, float32 and float16 on grids that cross every interval
boundary of the approximations, the edge values (0, negatives, inf, NaN), the registered
gradients, and the refused dtypes."""

import numpy as np

NAMES = ("bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "bessel_j0", "bessel_j1",
         "bessel_k0", "bessel_k0e", "bessel_k1", "bessel_k1e", "bessel_y0", "bessel_y1", "dawsn",
         "expint", "fresnel_cos", "fresnel_sin", "spence")

# every interval of the approximations: Bessel at 5 (J, Y) and 2 (K), dawsn at 3.25 and 6.25,
# expint at 2, 4, 8, 16, 32, 64, Fresnel at x^2 = 2.5625, spence at 1/2, 3/2 and 2
GRID = np.array([1e-6, 3e-3, 0.1, 0.37, 0.5, 0.93, 1.0, 1.45, 1.55, 1.6, 1.99, 2.0, 2.01, 3.0,
                 3.24, 3.26, 4.0, 4.99, 5.0, 5.01, 6.2, 6.3, 7.5, 8.0, 12.5, 16.0, 20.0, 31.9,
                 33.0, 50.0, 64.0, 70.0, 150.0, 600.0, 4e4])
SIGNED = np.concatenate([-GRID[::3], GRID])
EDGES = np.array([0.0, -1.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -2e9, 2e9])
GRAD_AT = np.array([0.3, 0.9, 1.0, 1.7, 2.5, 4.0, 6.5, 11.0])


def _values(name, dtype, points):
    return lambda tf: getattr(tf.math.special, name)(tf.constant(points, dtype))


def _grad(name, dtype):
    def scenario(tf):
        x = tf.constant(GRAD_AT, dtype)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = getattr(tf.math.special, name)(x)
        return [y, tape.gradient(y, x)]
    return scenario


def _zero_grads(tf):
    # TensorFlow's own choices at the points where a derivative divides by x or by 1 - x
    out = {}
    for name in ("bessel_j1", "spence", "bessel_i1", "bessel_i1e"):
        x = tf.constant([0.0, 1.0], tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = getattr(tf.math.special, name)(x)
        out[name] = tape.gradient(y, x)
    return out


def _int_refused(tf):
    return tf.math.special.bessel_j0(tf.constant([1, 2]))


def _same_as_math(tf):
    return [tf.math.special.bessel_i0 is tf.math.bessel_i0, tf.math.special.bessel_i1e is tf.math.bessel_i1e]


SCENARIOS = {}
for _name in NAMES:
    SCENARIOS[f"{_name}_f64"] = _values(_name, np.float64, SIGNED)
    # not 4e4 in float32: there TensorFlow's float32 phase (x - 3 pi / 4) is off by ~1e-3
    SCENARIOS[f"{_name}_f32"] = _values(_name, np.float32, SIGNED[:-1])
    SCENARIOS[f"{_name}_f16"] = _values(_name, np.float16, GRID[2:20])
    SCENARIOS[f"{_name}_edges"] = _values(_name, np.float64, EDGES)
    SCENARIOS[f"{_name}_grad"] = _grad(_name, np.float64)
    SCENARIOS[f"{_name}_grad_f32"] = _grad(_name, np.float32)
SCENARIOS["zero_grads"] = _zero_grads
SCENARIOS["int_refused"] = _int_refused
SCENARIOS["same_as_math"] = _same_as_math
