# ruff: noqa: E501 - a table of one-line scenarios
"""tf.math.sobol_sample recorded from TensorFlow 2.21: small and large dimensions (every
seventh of the 1111 dimensions, as exact 31-bit integers), skips past powers of two, both
dtypes and the refusals."""

import numpy as np

COLUMNS = list(range(0, 1111, 7)) + [1110]


def _sample(dim, n, skip=0, dtype=np.float32, columns=None):
    def scenario(tf):
        out = tf.math.sobol_sample(dim, n, skip=skip, dtype=dtype)
        if columns is None:
            return out
        values = out.numpy()[:, columns].astype(np.float64)
        return [out.shape.as_list(), out.dtype.name, (values * 2.0 ** 31).astype(np.int64)]
    return scenario


SCENARIOS = {
    "dim1": _sample(1, 9),
    "dim3": _sample(3, 8),
    "dim5_skip": _sample(5, 6, skip=1000),
    "dim12_f64": _sample(12, 5, skip=31, dtype=np.float64),
    "dim40_power_of_two": _sample(40, 4, skip=1023),
    "dim7_big_skip": _sample(7, 3, skip=2 ** 30 - 2, dtype=np.float64),
    "dim7_big_skip_f32": _sample(7, 3, skip=2 ** 20 + 5),
    "dim3_31_digits_f32": _sample(3, 4, skip=2 ** 30 + 9),
    "dim3_30_digits_edge": _sample(3, 2, skip=2 ** 30 - 4, dtype=np.float64),
    "dim1111_columns": _sample(1111, 6, columns=COLUMNS),
    "dim1111_columns_skip": _sample(1111, 3, skip=70000, columns=COLUMNS, dtype=np.float64),
    "dim0": _sample(0, 3),
    "dim_above_tf_limit": _sample(21201, 3),
    "no_results": _sample(2, 0),
    "negative_skip": _sample(2, 3, skip=-1),
    "int_dtype": _sample(2, 3, dtype=np.int32),
}
