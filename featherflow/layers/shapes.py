"""Shapes of nested layer inputs: what ``build`` receives, and their JSON form in configs."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.graph import KerasTensor


def shapes_of(x):
    """The shape ``build`` gets for values ``x`` (batch dimension unknown), nest kept."""
    if isinstance(x, Tensor):
        return (None,) + tuple(x.data.shape[1:]) if x.data.ndim else ()
    if isinstance(x, (list, tuple)):
        return [shapes_of(v) for v in x]
    if isinstance(x, dict):
        return {k: shapes_of(v) for k, v in x.items()}
    return None


def symbolic_shapes(x):
    """The shapes of the KerasTensors in ``x``, nest kept."""
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, (list, tuple)):
        return [symbolic_shapes(v) for v in x]
    if isinstance(x, dict):
        return {k: symbolic_shapes(v) for k, v in x.items()}
    return None


def is_single_shape(s):
    """Whether ``s`` is one shape (a tuple/list of ints and None), not a nest of shapes."""
    return isinstance(s, (tuple, list)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in s)


def jsonable_shape(s):
    """Shapes as JSON lists (for ``get_build_config``)."""
    if is_single_shape(s):
        return list(s)
    if isinstance(s, (list, tuple)):
        return [jsonable_shape(v) for v in s]
    return s


def tuple_shape(s):
    """JSON lists back to shape tuples (for ``build_from_config``)."""
    if isinstance(s, list) and all(d is None or isinstance(d, int) for d in s):
        return tuple(s)
    if isinstance(s, list):
        return [tuple_shape(v) for v in s]
    return s


def flat_shapes(s):
    """The single shapes in a nest of shapes, in order."""
    if is_single_shape(s):
        return [tuple(s)]
    if isinstance(s, dict):
        return [v for k in s for v in flat_shapes(s[k])]
    return [v for item in s for v in flat_shapes(item)]
