"""``tf.bitcast`` and ``tf.as_string``, as TensorFlow's kernels.

``bitcast(x, type)`` reinterprets the bytes: equal item sizes keep the shape; a wider input
gains a last dimension of ``input size / output size``; a narrower one must have that ratio as
its last dimension, which is removed. Strings and bools are refused, as in TensorFlow.

``as_string`` formats each element with C's printf rules, built as TensorFlow builds its
format: ``%`` + ``fill`` + ``width`` + ``.precision`` + ``d`` (integers) or ``f``/``e``/``g``
(floats: default / ``scientific`` / ``shortest``); complex numbers print ``(re,im)``; bools
``true``/``false``; strings pass through.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

__all__ = ["as_string", "bitcast"]

_BITCAST_OK = set("biufc")


def _numpy_dtype(dtype, argument):
    from featherflow.api.dtypes import as_dtype

    try:
        return np.dtype(as_dtype(dtype).as_numpy_dtype)
    except (TypeError, ValueError, KeyError) as err:
        raise TypeError(f"{argument}: expected a dtype such as tf.int32; received {dtype!r}") \
            from err


def _data(value):
    return value.data if isinstance(value, Tensor) else as_array(value)


def bitcast(input, type, name=None):  # noqa: A002 - TensorFlow's argument names
    a = np.ascontiguousarray(_data(input))
    out = _numpy_dtype(type, "bitcast(type=)")
    for dt, side in ((a.dtype, "input"), (out, "type")):
        if dt.kind not in _BITCAST_OK or dt.kind == "b":
            raise InvalidArgumentError(
                f"bitcast: the {side} dtype must be numeric (integer, float or complex); "
                f"received {'string' if dt.kind == 'O' else dt.name}")
    size_in, size_out = a.dtype.itemsize, out.itemsize
    if size_in == size_out:
        return Tensor(a.view(out).reshape(a.shape))
    if size_in > size_out:
        if size_in % size_out:
            raise InvalidArgumentError(f"Cannot bitcast from {size_in} to {size_out}")
        ratio = size_in // size_out
        return Tensor(a.reshape(-1).view(out).reshape(a.shape + (ratio,)))
    ratio = size_out // size_in
    if size_out % size_in or a.ndim == 0 or a.shape[-1] != ratio:
        raise InvalidArgumentError(f"Cannot bitcast from {size_in} to {size_out}")
    return Tensor(a.reshape(-1).view(out).reshape(a.shape[:-1]))


def _format(dtype, precision, scientific, shortest, width, fill):
    kind = dtype.kind
    floating = kind in "fc"
    type_name = "string" if dtype.kind == "O" else dtype.name
    if not floating:
        if scientific or shortest:
            raise InvalidArgumentError(
                f"scientific and shortest format not supported for datatype {type_name}")
        if precision > -1:
            raise InvalidArgumentError(f"precision not supported for datatype {type_name}")
    if len(fill) > 1:
        raise InvalidArgumentError("Fill string must be one or fewer characters")
    if scientific and shortest:
        raise InvalidArgumentError("Cannot select both scientific and shortest notation")
    if fill not in ("", "0", " ", "-", "+", "#"):
        raise InvalidArgumentError(
            f"as_string: fill must be one printf flag character ('0', ' ', '-', '+', '#') or "
            f"empty; received {fill!r}")
    spec = "%"
    if width > -1:
        spec += f"{fill}{width}"
    if precision > -1:
        spec += f".{precision}"
    if floating:
        spec += "g" if shortest else ("e" if scientific else "f")
    else:
        spec += "d"
    return spec


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",  # noqa: A002
              name=None):
    a = np.asarray(_data(input))
    if a.dtype.kind == "O":
        return Tensor(a.copy())
    if a.dtype.kind == "b":
        out = np.empty(a.shape, object)
        out.reshape(-1)[:] = [b"true" if v else b"false" for v in a.reshape(-1).tolist()]
        return Tensor(out)
    if a.dtype.kind not in "iufc":
        raise InvalidArgumentError(f"Cannot encode input of type {a.dtype.name}")
    spec = _format(a.dtype, precision, scientific, shortest, width, fill)
    flat = a.reshape(-1)
    if a.dtype.kind == "c":
        pair = f"({spec},{spec})"
        texts = [(pair % (v.real, v.imag)).encode() for v in flat.tolist()]
    elif a.dtype.kind == "f":
        texts = [(spec % v).encode() for v in flat.astype(np.float64).tolist()]
    else:
        texts = [(spec % v).encode() for v in flat.tolist()]
    out = np.empty(a.shape, object)
    out.reshape(-1)[:] = texts
    return Tensor(out)
