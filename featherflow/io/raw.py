"""``tf.io.decode_raw``: the bytes of string tensors read as numbers (the way images and
arrays stored as raw bytes in a TFRecord come back)."""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.io.strings import string_array

_OUT_TYPES = ("float16", "float32", "float64", "int32", "uint16", "uint8", "int16", "int8",
              "int64", "complex64", "complex128", "bool")
# TensorFlow's names in its messages
_TF_NAMES = {"float16": "half", "float32": "float", "float64": "double"}


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    """Each string of ``input_bytes`` read as a vector of ``out_type``: the result has the
    input's shape plus one dimension. With ``fixed_length`` every string is cut or
    zero-padded to that many bytes first; otherwise all must have the same length.

    Example::

        >>> raw = np.arange(3, dtype=np.float32).tobytes()
        >>> tf.io.decode_raw(raw, tf.float32).numpy()
        array([0., 1., 2.], dtype=float32)
    """
    strings = string_array(input_bytes, "decode_raw: input_bytes",
                           "Pass the bytes of a string feature (a FixedLenFeature of tf.string).")
    dtype = _out_type(out_type)
    item = dtype.itemsize
    flat = [bytes(s) for s in strings.reshape(-1)]
    if fixed_length is not None:
        length = int(fixed_length)
        if length % item:
            raise InvalidArgumentError(
                f"fixed_length ({length}) must be a multiple of the size of out_type ({item}).")
        flat = [s[:length].ljust(length, b"\x00") for s in flat]
    else:
        length = len(flat[0]) if flat else 0
        for index, value in enumerate(flat):
            if len(value) != length:
                raise InvalidArgumentError(
                    f"DecodeRaw requires input strings to all be the same size, but element "
                    f"{index} has size {len(value)} != {length}. Pass fixed_length to cut or "
                    "pad them to one size.")
        if length % item:
            raise InvalidArgumentError(
                f"Input to DecodeRaw has length {length} that is not a multiple of {item}, the "
                f"size of {_TF_NAMES.get(dtype.name, dtype.name)}.")
    order = "<" if little_endian else ">"
    if dtype == np.bool_:
        values = np.frombuffer(b"".join(flat), dtype=np.uint8) != 0
    else:
        values = np.frombuffer(b"".join(flat), dtype=dtype.newbyteorder(order)).astype(dtype)
    result = Tensor(values.reshape(strings.shape + (length // item,)))
    if state.tracing is not None and fixed_length is None:
        # a traced map function: the vector's length is the data's (TF's shape function)
        state.data_dependent(result, strings.ndim)
    return result


def _out_type(out_type):
    try:
        dtype = np.dtype(getattr(out_type, "as_numpy_dtype", out_type))
    except TypeError:
        dtype = None
    if dtype is None or dtype.name not in _OUT_TYPES:
        raise InvalidArgumentError(
            f"decode_raw: out_type must be one of {', '.join(_OUT_TYPES)}; received "
            f"{out_type!r}. Decode to a number type, then convert.")
    return dtype
