"""``tf.dtypes``: the dtype objects (NumPy dtypes), ``as_dtype`` and ``cast``."""

import numpy as np

from featherflow.ops.math import cast

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool = np.dtype("bool")  # noqa: A001
half = float16
double = float64


def as_dtype(type_value):
    """The NumPy dtype for a name, NumPy type or dtype (``tf.as_dtype``)."""
    try:
        return np.dtype(type_value)
    except TypeError:
        raise TypeError(
            f"as_dtype: cannot interpret {type_value!r} as a dtype; use a name such as "
            f"'float32' or tf.float32."
        ) from None
