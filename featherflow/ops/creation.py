"""Tensors made from a shape or a range: zeros, ones, fill, eye, range, linspace, one_hot."""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import config
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, operand
from featherflow.ops.reshape import int_tuple


def one_hot(indices, depth, on_value=None, off_value=None, axis=-1, dtype=None, name=None):
    """One-hot vectors of length ``depth`` (indices out of range give all ``off_value``)."""
    idx = np.asarray(data(indices)).astype(np.int64)
    if int(np.asarray(data(depth))) < 0:
        raise InvalidArgumentError(
            f"one_hot: depth must be non-negative, got: {int(np.asarray(data(depth)))}."
        )
    if dtype is not None:
        dt = np.dtype(dtype)
    elif on_value is not None or off_value is not None:
        dt = as_array(on_value if on_value is not None else off_value).dtype
    else:
        dt = config.floatx_dtype()
    on = 1 if on_value is None else np.asarray(data(on_value))
    off = 0 if off_value is None else np.asarray(data(off_value))
    hot = idx[..., None] == np.arange(int(depth))
    out = np.where(hot, on, off).astype(dt)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


def range_(start, limit=None, delta=1, dtype=None, name=None):
    """``tf.range``: int32 for integer arguments, ``floatx`` for floats."""
    if limit is None:
        start, limit = 0, start
    arguments = (start, limit, delta)
    start, limit, delta = (np.asarray(data(v)).item() for v in arguments)
    if delta == 0:
        raise InvalidArgumentError(f"range: requires delta != 0: {delta}.")
    out = np.arange(start, limit, delta)
    typed = [data(v).dtype for v in arguments if hasattr(data(v), "dtype")]
    if dtype is None and typed:
        # TF infers the dtype from its tensor arguments, the widest of int32 < int64 <
        # float16 < float32 < float64 (Python numbers count as int32 / float32)
        order = ["int32", "int64", "float16", "float32", "float64"]
        names = [d.name for d in typed if d.name in order]
        names += ["float32" if isinstance(v, float) else "int32" for v in arguments
                  if not hasattr(data(v), "dtype")]
        if names:
            dtype = max(names, key=order.index)
    if dtype is not None:
        out = out.astype(dtype)
    elif out.dtype.kind == "i":
        out = out.astype(np.int32)
    else:
        out = out.astype(config.floatx_dtype())  # the arguments were Python numbers
    out = Tensor(out)
    if state.tracing is not None and state.from_data(arguments):
        state.data_dependent(out, 0)  # a traced map function: the length is the data's
    return out


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with ``value`` (``tf.fill``)."""
    v = as_array(value)
    out = Tensor(np.full(int_tuple(dims), v, dtype=v.dtype))
    return out if state.tracing is None else state.shape_from_data(dims, out)


def _float_dtype(dtype):
    return config.floatx_dtype() if dtype is None else np.dtype(dtype)


def zeros(shape, dtype=None, name=None):
    """Zeros of ``shape`` (``floatx`` unless ``dtype`` is given), as ``tf.zeros``."""
    out = Tensor(np.zeros(int_tuple(shape), _float_dtype(dtype)))
    return out if state.tracing is None else state.shape_from_data(shape, out)


def ones(shape, dtype=None, name=None):
    """Ones of ``shape`` (``floatx`` unless ``dtype`` is given), as ``tf.ones``."""
    out = Tensor(np.ones(int_tuple(shape), _float_dtype(dtype)))
    return out if state.tracing is None else state.shape_from_data(shape, out)


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape (and dtype, unless given) of ``input``."""
    return Tensor(np.zeros_like(data(operand(input)), dtype=dtype))


def ones_like(input, dtype=None, name=None):
    """Ones with the shape (and dtype, unless given) of ``input``."""
    return Tensor(np.ones_like(data(operand(input)), dtype=dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None):
    """Identity matrix (optionally batched), as ``tf.eye``."""
    out = np.eye(int(num_rows), None if num_columns is None else int(num_columns),
                 dtype=_float_dtype(dtype))
    if batch_shape is not None:
        out = np.broadcast_to(out, int_tuple(batch_shape) + out.shape).copy()
    return Tensor(out)


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (``tf.linspace``)."""
    return Tensor(np.linspace(float(data(start)), float(data(stop)), int(data(num)),
                              dtype=config.floatx_dtype()))


def meshgrid(*args, indexing="xy", name=None):
    """Coordinate grids from 1-D tensors (``tf.meshgrid``)."""
    return [Tensor(a) for a in np.meshgrid(*(data(operand(a)) for a in args),
                                           indexing=indexing)]
