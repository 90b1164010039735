"""TF's native-runtime entry points: ``tf.load_op_library``, ``tf.load_library`` and
``tf.check_pinned``, answered as featherflow can.

featherflow's ops are Python over NumPy, so a compiled TensorFlow kernel library (``.so``)
cannot be loaded: a missing file gives TF's own error (``NotFoundError`` /
``FileNotFoundError``), an existing one ``tf.errors.UnimplementedError`` saying why.
Tensors live in ordinary host memory, never in CUDA-pinned memory, so ``check_pinned``
raises TF's ``InvalidArgumentError`` ("not pinned"), as TF does for a CPU tensor.
"""

import os

from featherflow import errors

_NO_KERNELS = ("featherflow cannot load compiled TensorFlow kernels: its ops are Python "
               "functions over NumPy. Write the op as a Python function of tensors (with "
               "tf.custom_gradient for its gradient).")


def load_op_library(library_filename):
    """Refused: a TensorFlow custom-op library cannot run here (TF's NotFoundError for a
    missing file)."""
    path = os.fspath(library_filename)
    if not os.path.exists(path):
        raise errors.NotFoundError(None, None,
                                   f"{path}: cannot open shared object file: No such file or "
                                   "directory")
    raise errors.UnimplementedError(None, None, f"load_op_library({path!r}): {_NO_KERNELS}")


def load_library(library_location):
    """Refused as ``load_op_library`` (TF's FileNotFoundError for a missing path)."""
    path = os.fspath(library_location)
    if not os.path.exists(path):
        raise FileNotFoundError(2, "The file or folder to load kernel libraries from does not "
                                   "exist.", path)
    raise errors.UnimplementedError(None, None, f"load_library({path!r}): {_NO_KERNELS}")


def check_pinned(tensor, name=None):
    """TF's answer for a tensor outside CUDA-pinned memory (every featherflow tensor)."""
    raise errors.InvalidArgumentError(None, None, "not pinned [Op:CheckPinned]: featherflow "
                                                  "tensors live in ordinary host memory")
