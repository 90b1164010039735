"""``tf.math.sobol_sample``: points of the Sobol low-discrepancy sequence, as TensorFlow 2.21.

TensorFlow's kernel (after Joe and Kuo's notes) uses van der Corput's sequence for the first
dimension and Joe and Kuo's direction numbers (``new-joe-kuo-6.21201``) for the others (21200
in all; featherflow ships the first 1111, 23 KB):
each dimension's initial numbers ``m_1..m_s`` are extended by its primitive polynomial's
recurrence, and point ``i`` is the XOR of the direction numbers picked by the bits of the Gray
code of ``i``. The sequence starts at its second point (``skip=0`` gives points 1, 2, ...).
The values are binary fractions of at most 31 bits, exact in float64 and rounded once to
float32, as TensorFlow's integer arithmetic gives them.

The direction numbers are in featherflow/api/data/sobol_joe_kuo.npz (written by
tools/make_sobol_data.py; their BSD licence, Frances Y. Kuo and Stephen Joe, is stored beside
them).

Example::

    >>> tf.math.sobol_sample(2, 3).numpy()
    array([[0.5 , 0.5 ],
           [0.75, 0.25],
           [0.25, 0.75]], dtype=float32)
"""

import functools
import os

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

__all__ = ["sobol_sample"]

MAX_DIMENSION = 1111
TF_MAX_DIMENSION = 21200
_BITS = 31
_INT32_MAX = 2**31 - 1


@functools.cache
def _direction_numbers():
    """(1111, 31) int64: ``m_k << (31 - k)`` for every dimension and bit ``k = 1..31``."""
    path = os.path.join(os.path.dirname(__file__), "data", "sobol_joe_kuo.npz")
    with np.load(path) as table:
        degrees, polynomials, initial = table["s"], table["a"], table["m"]
    m = np.ones((MAX_DIMENSION, _BITS), np.int64)  # the first dimension: all m_k = 1
    for row, (s, a) in enumerate(zip(degrees.astype(int), polynomials.astype(int)), 1):
        values = [int(v) for v in initial[row - 1, :s]]
        for k in range(s, _BITS):
            new = values[k - s] ^ (values[k - s] << s)
            for i in range(1, s):
                if (a >> (s - 1 - i)) & 1:
                    new ^= values[k - i] << i
            values.append(new)
        m[row] = values[:_BITS]
    return m << (_BITS - 1 - np.arange(_BITS, dtype=np.int64))


def _scalar_int(value, what):
    array = np.asarray(as_array(value))
    if array.ndim != 0 or array.dtype.kind not in "iu":
        raise InvalidArgumentError(f"sobol_sample: {what} must be a scalar integer; received "
                                   f"{array.tolist()!r} ({array.dtype.name}).")
    return int(array)


def sobol_sample(dim, num_results, skip=0, dtype="float32", name=None):
    """``num_results`` points of the ``dim``-dimensional Sobol sequence after skipping
    ``skip``: a ``(num_results, dim)`` tensor of ``dtype`` (float32 or float64)."""
    dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
    if dtype not in (np.float32, np.float64):
        raise InvalidArgumentError(f"sobol_sample: Value for attr 'dtype' of {dtype.name} is "
                                   "not in the list of allowed values: float, double.")
    dim = _scalar_int(dim, "dim")
    num_results = _scalar_int(num_results, "num_results")
    skip = _scalar_int(skip, "skip")
    if dim < 1:
        raise InvalidArgumentError(f"sobol_sample: dim must be at least one; received {dim}.")
    if dim > TF_MAX_DIMENSION:
        raise InvalidArgumentError(f"sobol_sample: dim must be at most {TF_MAX_DIMENSION}; "
                                   f"received {dim}.")
    if dim > MAX_DIMENSION:
        raise InvalidArgumentError(
            f"sobol_sample: featherflow ships the direction numbers of the first "
            f"{MAX_DIMENSION} dimensions (TensorFlow has {TF_MAX_DIMENSION}); received "
            f"dim={dim}. Regenerate featherflow/api/data/sobol_joe_kuo.npz with "
            "tools/make_sobol_data.py and a larger LAST_DIMENSION for more.")
    if num_results < 1:
        raise InvalidArgumentError(f"sobol_sample: num_results must be at least one; received "
                                   f"{num_results}.")
    if skip < 0:
        raise InvalidArgumentError(f"sobol_sample: skip must be non-negative; received {skip}.")
    if num_results >= _INT32_MAX - skip:
        raise InvalidArgumentError(f"sobol_sample: num_results+skip must be less than "
                                   f"{_INT32_MAX}; received {num_results} + {skip}.")
    directions = _direction_numbers()[:dim]
    index = np.arange(skip + 1, skip + num_results + 1, dtype=np.int64)
    gray = index ^ (index >> 1)
    points = np.zeros((num_results, dim), np.int64)
    for k in range(int(gray.max()).bit_length()):
        bit = ((gray >> k) & 1).astype(bool)
        points[bit] ^= directions[:, k]
    values = points / float(1 << _BITS)
    # TF scales by 1 / (1 << digits) in int32 arithmetic: for 31 digits (skip + num_results + 1
    # >= 2^30) that shift wraps to -2^31, and TensorFlow's points come out negated
    if int(np.log2(skip + num_results + 1) + 1) >= _BITS:
        values = -values
    return Tensor(values.astype(dtype))
