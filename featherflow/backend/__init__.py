"""Backend settings (float type, epsilon, image layout) and Keras-2 style backend functions.

``tf.keras.backend.ctc_batch_cost`` and friends load on first use.
"""

import numpy as np

from featherflow.backend.config import (
    epsilon,
    floatx,
    set_epsilon,
    set_floatx,
)

_IMAGE_DATA_FORMAT = "channels_last"
_CTC = ("ctc_batch_cost", "ctc_decode", "ctc_label_dense_to_sparse")


def image_data_format():
    """``"channels_last"`` (the default) or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"set_image_data_format: expected 'channels_last' or 'channels_first', received "
            f"{data_format!r}."
        )
    _IMAGE_DATA_FORMAT = data_format


def clear_session():
    """Forget the default layer names given so far (``dense``, ``dense_1``...), as Keras."""
    from featherflow.utils import naming

    naming.reset()


def get_value(x):
    """The value of a Variable or Tensor as NumPy."""
    return np.array(getattr(x, "data", x))


def set_value(x, value):
    """Assign ``value`` to the Variable ``x``."""
    x.assign(value)


# -- Keras 3's dtype helpers (keras.backend.standardize_dtype and friends) on keras.ops's
# promotion lattice (featherflow/keras/ops/_dtypes.py)
_KERAS_DTYPES = ("float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64",
                 "int8", "int16", "int32", "int64", "bfloat16", "bool", "string",
                 "float8_e4m3fn", "float8_e5m2", "complex64", "complex128")
_PYTHON_DTYPES = {bool: "bool", int: "int64", float: "float32", str: "string", "int": "int64",
                  complex: "complex128"}


def standardize_dtype(dtype):
    """The Keras name of a dtype (``np.float32``, ``tf.float32``, ``"float32"``, ``int``...);
    None is floatx, as ``keras.backend.standardize_dtype``."""
    if dtype is None:
        return floatx()
    try:
        dtype = _PYTHON_DTYPES.get(dtype, dtype)
    except TypeError:  # an unhashable value
        pass
    if isinstance(dtype, np.dtype):
        dtype = "string" if dtype.kind in "SU" else dtype.name
    elif isinstance(dtype, type) and issubclass(dtype, np.generic):
        dtype = np.dtype(dtype).name
    elif not isinstance(dtype, str):
        dtype = getattr(dtype, "name", None) or getattr(dtype, "__name__", dtype)
    if dtype not in _KERAS_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def is_float_dtype(dtype):
    """Whether ``dtype`` is a float type (float16/32/64, bfloat16)."""
    dtype = standardize_dtype(dtype)
    return dtype.startswith("float") or dtype.startswith("bfloat")


def is_int_dtype(dtype):
    """Whether ``dtype`` is a signed or unsigned integer type."""
    dtype = standardize_dtype(dtype)
    return dtype.startswith("int") or dtype.startswith("uint")


def result_type(*dtypes):
    """The dtype Keras's promotion rules give these dtypes (Python ``int``/``float``/
    ``complex`` are weak, None is floatx), as ``keras.backend.result_type``."""
    from featherflow.keras.ops import _dtypes

    if not dtypes:
        return floatx()
    weak = {int: 1, float: 1.0, complex: 1j}
    args = []
    for d in dtypes:
        if d is None:
            args.append(floatx())
        elif d in weak and d is not bool:
            args.append(weak[d])
        else:
            name = standardize_dtype(d)
            if name.startswith("float8"):
                raise ValueError("There is no implicit conversions from float8 dtypes to "
                                 f"others. You must cast it internally. Received: {dtypes}")
            args.append(name)
    # keras.ops's lattice module reads dtype names through NumPy, which has no bfloat16;
    # bfloat16 and float16 are symmetric in the lattice (both just above the weak float, both
    # below float32), so bfloat16 is computed as float16 and named back
    has_bf16, has_f16 = "bfloat16" in args, "float16" in args
    args = ["float16" if a == "bfloat16" else a for a in args]
    if all(isinstance(a, str) and a == args[0] for a in args):
        # keras.ops keeps an op on equal dtypes in that dtype; the lattice (one argument)
        # narrows uint64/complex128 as keras.backend.result_type does
        args = args[:1]
    result = _dtypes.result_type(*args)
    if has_bf16 and result == "float16":
        result = "float32" if has_f16 else "bfloat16"
    return result


def __getattr__(name):
    if name in _CTC:
        from featherflow.backend import ctc

        return getattr(ctc, name)
    if not name.startswith("_"):
        # tf.keras 2's K.* functions (featherflow/backend/keras2.py), loaded on first use
        import importlib

        keras2 = importlib.import_module("featherflow.backend.keras2")
        if name in keras2.__all__:
            return getattr(keras2, name)
    raise AttributeError(f"module 'featherflow.backend' has no attribute {name!r}")


def __dir__():
    import importlib

    keras2 = importlib.import_module("featherflow.backend.keras2")
    return sorted(set(globals()) | set(_CTC) | set(keras2.__all__))


__all__ = ["clear_session", "epsilon", "floatx", "get_value", "image_data_format",
           "is_float_dtype", "is_int_dtype", "result_type", "set_epsilon", "set_floatx",
           "set_image_data_format", "set_value", "standardize_dtype", *_CTC]
