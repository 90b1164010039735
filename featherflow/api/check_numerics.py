"""``tf.debugging.enable_check_numerics`` / ``disable_check_numerics``: while enabled, every
floating-point output of every featherflow primitive is checked for NaN and Inf, and the first
bad one raises ``tf.errors.InvalidArgumentError`` naming the op (the primitive's class, e.g.
``"Log"``), the output index, dtype, shape, the count of bad elements and the inputs, in
TensorFlow's layout.

Enabling swaps in a checking ``Function.__call__`` and disabling restores the original, so
ops pay nothing while checks are off. Ops written without a primitive (NumPy calls wrapped in a
Tensor directly) are not checked.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.errors import InvalidArgumentError

__all__ = ["disable_check_numerics", "enable_check_numerics"]

_state = {"original": None}


def _describe(a):
    from featherflow.autodiff.tensor import Tensor

    return str(Tensor(a)) if isinstance(a, np.ndarray) else repr(a)


def _check(op, inputs, outputs):
    for k, out in enumerate(outputs):
        a = out.data
        if a.dtype.kind not in "fc" or np.isfinite(a).all():
            continue
        from featherflow.api.dtypes import of_numpy

        counts = [("-Inf", np.isneginf(a)), ("+Inf", np.isposinf(a)), ("NaN", np.isnan(a))]
        lines = [f"  # of {'+' if label == 'NaN' else ''}{label} elements: {int(m.sum())}"
                 for label, m in counts if m.any()]
        arrays = [x.data if hasattr(x, "data") else x for x in inputs]
        if len(arrays) == 1:
            shown = f"  Input tensor: {_describe(arrays[0])}"
        else:
            shown = f"  Input tensors ({len(arrays)}):\n" + "\n".join(
                f"         {i}: {_describe(x)}" for i, x in enumerate(arrays))
        kinds = [label for label, m in counts if m.any()]
        what = "NaN" if "NaN" in kinds else kinds[0]
        raise InvalidArgumentError(
            f"\n\n!!! Detected Infinity or NaN in output {k} of eagerly-executing op "
            f"\"{type(op).__name__}\" (# of outputs: {len(outputs)}) !!!\n"
            f"  dtype: {of_numpy(a.dtype)}\n  shape: {tuple(a.shape)}\n" + "\n".join(lines)
            + f"\n\n{shown}\n\n : Tensor had {what} values")


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Check every primitive's outputs for NaN/Inf until :func:`disable_check_numerics`."""
    if _state["original"] is not None:
        return
    original = Function.__call__

    def checked_call(self, *inputs):
        out = original(self, *inputs)
        _check(self, inputs, out if isinstance(out, tuple) else (out,))
        return out

    _state["original"] = original
    Function.__call__ = checked_call


def disable_check_numerics():
    """Stop checking (a no-op when checks are off)."""
    original = _state["original"]
    if original is not None:
        Function.__call__ = original
        _state["original"] = None
