"""String inputs of the tf.io functions: bytes, str, lists, arrays or string tensors as one
object array of ``bytes`` (the form a dataset's string elements have)."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, strings_array


def string_array(value, argument, hint):
    """``value`` as an object array of bytes of its shape, or a TypeError naming
    ``argument`` and ending with ``hint``."""
    data = value.data if isinstance(value, Tensor) else value
    if isinstance(data, (bytes, str)):
        array = np.empty((), dtype=object)
        array[()] = data.encode("utf-8") if isinstance(data, str) else data
        return array
    array = data if isinstance(data, np.ndarray) else np.asarray(data, dtype=object)
    if array.dtype.kind not in "OSU" or not all(
            isinstance(v, (bytes, str)) for v in array.reshape(-1)):
        raise TypeError(
            f"{argument} must hold tf.string values (bytes); received "
            f"{type(value).__name__} of dtype {array.dtype}. {hint}")
    if array.dtype.kind == "O" and all(type(v) is bytes for v in array.reshape(-1)):
        return array
    return strings_array(array)
