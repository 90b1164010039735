"""``tf.register_tensor_conversion_function``: teach ``tf.convert_to_tensor`` (and so every
op) a type of your own.

    class Meters:
        def __init__(self, value):
            self.value = value

    tf.register_tensor_conversion_function(
        Meters, lambda m, dtype=None, name=None, as_ref=False: tf.constant(m.value, dtype))
    tf.add(Meters([1.0, 2.0]), 1.0)     # [2., 3.]

Functions are tried in ``priority`` order (lower first, registration order on ties); one may
return ``NotImplemented`` to pass the value on. Python numbers and NumPy values cannot be
taken over, as in TF.
"""

import itertools

import numpy as np

from featherflow.autodiff import tensor

_order = itertools.count()
_REFUSED = (int, float, complex, bool, np.generic, np.ndarray)


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Register ``conversion_func(value, dtype=None, name=None, as_ref=False) -> Tensor`` for
    values that are instances of ``base_type`` (a type or a tuple of types)."""
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if not types or not all(isinstance(t, type) for t in types):
        raise TypeError("Argument `base_type` must be a type or a tuple of types. Obtained: "
                        f"{base_type}")
    if any(issubclass(t, _REFUSED) for t in types):
        raise TypeError("Cannot register conversions for Python numeric types and NumPy "
                        "scalars and arrays.")
    if not callable(conversion_func):
        raise TypeError("Argument `conversion_func` must be callable. Received "
                        f"{conversion_func}.")
    tensor.CONVERSIONS.append((priority, next(_order), base_type, conversion_func))
    tensor.CONVERSIONS.sort(key=lambda entry: entry[:2])
