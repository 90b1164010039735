"""``tf.debugging.experimental``: TF's Debugger V2 dump switches.

TF's ``enable_dump_debug_info`` instruments every op and tf.function graph and writes tfdbg2
``DebugEvent`` files for TensorBoard's Debugger V2. featherflow has no op-callback layer
writing those files, so after checking its arguments as TF does it raises
``tf.errors.UnimplementedError`` saying so; ``tf.debugging.enable_check_numerics()`` (which
featherflow has) catches the NaN/Inf values that dumps are mostly used to find.
``disable_dump_debug_info()`` has nothing to turn off and returns None, as TF's when no dump
is on.
"""

from featherflow import errors

_MODES = ("UNSPECIFIED", "NO_TENSOR", "CURT_HEALTH", "CONCISE_HEALTH", "FULL_HEALTH",
          "SHAPE", "FULL_NUMERICS", "FULL_TENSOR", "REDUCE_INF_NAN_THREE_SLOTS")
_SUPPORTED_BY_TF = ("NO_TENSOR", "CURT_HEALTH", "CONCISE_HEALTH", "FULL_HEALTH", "SHAPE",
                    "FULL_TENSOR")

__all__ = ["disable_dump_debug_info", "enable_dump_debug_info"]


def enable_dump_debug_info(dump_root, tensor_debug_mode="NO_TENSOR",
                           circular_buffer_size=1000, op_regex=None, tensor_dtypes=None):
    """Refused after TF's argument checks: featherflow writes no tfdbg2 dumps."""
    if tensor_debug_mode not in _MODES:
        raise ValueError(f"Invalid value in tensor_debug_mode ('{tensor_debug_mode}'). Valid "
                         f"options are: {list(_MODES)}")
    if tensor_debug_mode not in _SUPPORTED_BY_TF:
        raise errors.UnimplementedError(
            None, None, f"tfdbg dumping: support for tensor debug mode {tensor_debug_mode} is "
                        "not implemented yet")
    if tensor_dtypes is not None and not isinstance(tensor_dtypes, (list, tuple)) \
            and not callable(tensor_dtypes):
        raise ValueError("If specified, tensor_dtypes is expected to be a list, a tuple, or a "
                         "callable that takes a DType argument and returns a boolean, but "
                         f"received {tensor_dtypes}")
    raise errors.UnimplementedError(
        None, None,
        f"enable_dump_debug_info({dump_root!r}): featherflow does not write TensorFlow "
        "Debugger V2 (tfdbg2) dump files: its ops run as NumPy calls without TF's op "
        "callbacks. To find NaN/Inf values use tf.debugging.enable_check_numerics(); to "
        "inspect values, read tensors with .numpy() or tf.print.")


def disable_dump_debug_info():
    """No dump is ever on here: returns None (TF's answer when none is enabled)."""
