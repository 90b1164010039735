"""``tf.py_function`` and ``tf.numpy_function``: run Python code where TF would leave its graph.

featherflow always runs eagerly, so both simply call the function; what they keep from TF is
the calling convention (inputs as a list, ``Tout`` deciding the outputs' structure and dtypes)
and the checks, so tutorial code such as
``ds.map(lambda x: tf.py_function(parse, [x], [tf.float32, tf.int64]))`` runs unchanged.
``py_function``'s function receives Tensors (gradients flow through the ops it uses);
``numpy_function``'s receives NumPy arrays.
"""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor, as_array, convert_to_tensor


def _outputs(result, tout, what):
    out = _declared(result, tout, what)
    if state.tracing is not None:
        # a traced map function: TF knows nothing of a Python function's output shape
        for tensor in out if isinstance(out, list) else [out]:
            state.unknown_shape(tensor)
    return out


def _declared(result, tout, what):
    if tout is None or (isinstance(tout, (list, tuple)) and not tout):
        return [] if tout is not None else None
    if isinstance(tout, (list, tuple)):
        if not isinstance(result, (list, tuple)):
            result = [result]
        if len(result) != len(tout):
            raise ValueError(
                f"{what}: Tout names {len(tout)} outputs, but the function returned "
                f"{len(result)}. Return one value per dtype in Tout.")
        return [_one(r, t, what) for r, t in zip(result, tout)]
    return _one(result, tout, what)


def _one(value, dtype, what):
    dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype)) if dtype != "string" else (
        np.dtype(object))
    if isinstance(value, Tensor) and value.dtype == dtype:
        return value
    data = value.data if isinstance(value, Tensor) else as_array(value)
    if data.dtype != dtype:
        if data.dtype.kind == "O" or dtype.kind == "O":
            raise TypeError(
                f"{what}: the function returned a value of dtype {data.dtype}, but Tout says "
                f"{dtype}. Return values of the declared dtypes.")
        data = data.astype(dtype)
    return Tensor(data)


def py_function(func, inp=None, Tout=None, name=None):  # noqa: N803 - TF's argument names
    """Call ``func(*inp)`` with Tensors and return its outputs as ``Tout`` declares."""
    args = [convert_to_tensor(x) for x in (inp or [])]
    return _outputs(func(*args), Tout, "py_function")


def numpy_function(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TF's names
    """Call ``func(*inp)`` with NumPy values and return its outputs as Tensors of ``Tout``."""
    args = []
    for x in inp:
        data = x.data if isinstance(x, Tensor) else as_array(x)
        args.append(data[()] if data.ndim == 0 else data)
    return _outputs(func(*args), Tout, "numpy_function")
