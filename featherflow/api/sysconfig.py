"""``tf.sysconfig``: what a build of featherflow is, answered honestly.

featherflow is pure Python over NumPy (optional numba kernels): there is no C++ library,
no headers and no CUDA/ROCm/TensorRT build. ``get_build_info()`` says so, ``get_lib()`` is
the directory of the featherflow package, and the helpers for compiling custom C++ ops
against TensorFlow (``get_include``, ``get_compile_flags``, ``get_link_flags``) raise
``tf.errors.UnimplementedError``: write custom ops as Python functions of tensors (with
``tf.custom_gradient`` for their gradients).
"""

import importlib.util
import os

from featherflow import errors

__all__ = ["get_build_info", "get_compile_flags", "get_include", "get_lib",
           "get_link_flags"]

_NO_CPP = ("featherflow has no C++ library or headers to build TensorFlow custom ops "
           "against (it is Python over NumPy). Write the op as a Python function of tensors, "
           "with tf.custom_gradient for its gradient.")


def get_build_info():
    """The build's facts, with TF's keys where they apply: no CUDA, ROCm or TensorRT, and
    whether the compiled (numba) kernels are installed."""
    return {
        "is_cuda_build": False,
        "is_rocm_build": False,
        "is_tensorrt_build": False,
        "cpu_compiler": None,
        "numba_kernels": importlib.util.find_spec("numba") is not None,
    }


def get_lib():
    """The directory holding featherflow's library code (the package directory)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get_include():
    """Refused: there are no headers."""
    raise errors.UnimplementedError(None, None, f"tf.sysconfig.get_include(): {_NO_CPP}")


def get_compile_flags():
    """Refused: there is nothing to compile against."""
    raise errors.UnimplementedError(None, None, f"tf.sysconfig.get_compile_flags(): {_NO_CPP}")


def get_link_flags():
    """Refused: there is no library to link."""
    raise errors.UnimplementedError(None, None, f"tf.sysconfig.get_link_flags(): {_NO_CPP}")
