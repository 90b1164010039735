"""``tf.xla.experimental``: TF's XLA entry points, as they behave in TF 2 eager code.

featherflow has no XLA compiler: ``compile(computation, inputs)`` runs the computation (as
``tf.function(jit_compile=True)`` runs eagerly here) and returns its outputs as TF's eager
``compile`` does, a list of tensors; ``jit_scope()`` raises TF's eager RuntimeError (featherflow
runs ``tf.function`` bodies eagerly, where TF refuses it too).

    tf.xla.experimental.compile(lambda x, y: x + y, [tf.constant(1.0), 2.0])   # [3.0]
"""

import types

from featherflow.autodiff.tensor import Tensor, convert_to_tensor
from featherflow.tree import nest

__all__ = ["experimental"]


def _as_tensor(value):
    return value if isinstance(value, Tensor) else convert_to_tensor(value)


def compile(computation, inputs=None):  # noqa: A001 - TF's name
    """``computation(*inputs)`` with its outputs as a list of tensors (TF's eager result)."""
    args = [_as_tensor(v) for v in (inputs or [])]
    outputs = computation(*args)
    if outputs is None:
        raise TypeError("To be compatible with tf.function, Python functions must return zero "
                        "or more Tensors; xla.experimental.compile's computation returned "
                        "None (TF 2.21 refuses it the same way).")
    if isinstance(outputs, (list, tuple)):
        return [nest.map_structure(_as_tensor, o) for o in outputs]
    return [nest.map_structure(_as_tensor, outputs)]


def jit_scope(compile_ops=True, separate_compiled_gradients=False):
    """Refused as in TF 2 eager (featherflow is always eager)."""
    raise RuntimeError("xla.experimental.jit_scope is not supported when eager execution is "
                       "enabled. Try use it inside tf.function.")


experimental = types.SimpleNamespace(compile=compile, jit_scope=jit_scope)
