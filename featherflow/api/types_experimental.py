"""``tf.types.experimental``: TF's abstract types for annotations and ``isinstance`` checks.

``TensorLike`` is TF's ``Union`` of what converts to a tensor; ``tf.function`` objects are
``PolymorphicFunction``/``GenericFunction``/``Callable`` instances and their concrete
functions ``ConcreteFunction``/``Callable`` ones, as in TF; TypeSpecs are ``TraceType``s.
featherflow traces no functions into graphs, so nothing here is an ``AtomicFunction`` or a
``FunctionType``, and its strategies run one replica per process, so no value is a
``distributed.PerReplica`` or ``distributed.Mirrored``: those classes exist for annotations
and for subclasses of your own.

    def scale(x: tf.types.experimental.TensorLike, by: float = 2.0):
        return tf.convert_to_tensor(x) * by
"""

import abc
import types
import typing

import numpy as np

from featherflow.autodiff.tensor import Tensor


class TensorProtocol(typing.Protocol):
    """A type that converts itself: ``__tf_tensor__(self, dtype=None, name=None)``."""

    def __tf_tensor__(self, dtype=None, name=None):
        ...


TensorLike = (Tensor | TensorProtocol | int | float | bool | str | bytes | complex | tuple
              | list | np.ndarray | np.generic)


class Callable(abc.ABC):  # noqa: B024 - an abstract type to check against, as TF's
    """Something callable with a function's signature (``tf.function`` and its concrete
    functions)."""


class GenericFunction(Callable):  # noqa: B024
    """A function that may be specialised for its arguments (a ``tf.function``)."""


class PolymorphicFunction(GenericFunction):  # noqa: B024
    """What ``tf.function`` returns."""


class ConcreteFunction(Callable):  # noqa: B024
    """One specialisation of a ``tf.function`` (``get_concrete_function``)."""


class AtomicFunction(Callable):  # noqa: B024
    """TF's one traced graph function; featherflow traces none."""


class FunctionType(abc.ABC):  # noqa: B024
    """TF's description of a traced function's parameters; featherflow traces none."""


class TraceType(abc.ABC):  # noqa: B024
    """What a ``tf.function`` keys its traces on: every ``tf.TypeSpec`` is one."""


class SupportsTracingProtocol(typing.Protocol):
    """A value that says how ``tf.function`` should key on it."""

    def __tf_tracing_type__(self, context):
        ...


def _register():
    from featherflow.api.concrete_function import ConcreteFunction as _Concrete
    from featherflow.api.core_misc import TypeSpec
    from featherflow.api.polymorphic_function import Function

    PolymorphicFunction.register(Function)
    ConcreteFunction.register(_Concrete)
    TraceType.register(TypeSpec)  # and so every spec registered with TypeSpec


_register()


class _Mirrored(abc.ABC):  # noqa: B024
    """A value with one identical copy per replica."""


class _PerReplica(abc.ABC):  # noqa: B024
    """A value with one (possibly different) part per replica."""


_Mirrored.__name__ = _Mirrored.__qualname__ = "Mirrored"
_PerReplica.__name__ = _PerReplica.__qualname__ = "PerReplica"
distributed = types.SimpleNamespace(Mirrored=_Mirrored, PerReplica=_PerReplica)
