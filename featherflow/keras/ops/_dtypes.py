"""Keras 3's dtype rules for ``keras.ops``: the JAX-style promotion lattice with weak Python
scalars, as Keras's TensorFlow backend applies it (64-bit ints and floats stay 64-bit; the
NumPy and JAX backends narrow them to 32-bit).

``int32 + 1.5`` is float32 (a Python float is *weak*: it takes the precision of floatx), an
int meeting a float gives that float, ``uint8 + int8`` is int16. TensorFlow's own ops refuse
mixed dtypes; ``keras.ops`` promotes, and so does this module.
"""

import functools

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config

# each type -> the types immediately above it (facts of JAX's/Keras's lattice)
_LATTICE = {
    "bool": ("int",),
    "uint8": ("int16", "uint16"), "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"), "uint64": ("float",),
    "int": ("uint8", "int8", "complex64"),
    "int8": ("int16",), "int16": ("int32",), "int32": ("int64",), "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",), "float16": ("float32",),
    "float32": ("float64", "complex64"), "float64": ("complex128",),
    "complex64": ("complex128",), "complex128": (),
}


def _upper_bounds():
    bounds = {}
    for node in _LATTICE:
        seen, stack = {node}, [node]
        while stack:
            for up in _LATTICE[stack.pop()]:
                if up not in seen:
                    seen.add(up)
                    stack.append(up)
        bounds[node] = frozenset(seen)
    return bounds


_UPPER = _upper_bounds()
_NARROW = {"uint64": "uint32", "complex128": "complex64"}


@functools.lru_cache(512)
def _least_upper_bound(nodes):
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    for candidate in common:
        if common <= _UPPER[candidate]:
            return candidate
    raise ValueError(f"keras.ops: no common dtype for {sorted(nodes)}.")


def _weak_node(name):
    return "bool" if name == "bool" else "int" if name[0] in "iu" else "float"


def dtype_and_weak(x):
    """(dtype name, weak) of an op argument: Python scalars are weak, arrays are not."""
    if isinstance(x, Tensor):
        return x.data.dtype.name, False
    if isinstance(x, (bool, np.bool_)):
        return "bool", False
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.name, False
    if isinstance(x, int):
        return "int64", True
    if isinstance(x, float):
        return "float32", True
    if isinstance(x, complex):
        return "complex128", True
    if isinstance(x, str):
        return standardize(x), False
    return np.asarray(x).dtype.name, False


def result_type(*args):
    """The dtype ``keras.ops`` gives a result of these arguments (arrays, tensors, Python
    scalars or dtype names), as ``keras.backend.result_type``."""
    if not args:
        return config.floatx()
    pairs = [dtype_and_weak(a) for a in args]
    names = {n for n, _ in pairs}
    if len(pairs) == 1:
        name, weak = pairs[0]
    elif len(names) == 1 and not all(w for _, w in pairs):
        return pairs[0][0]
    elif all(w for _, w in pairs):
        name, weak = _least_upper_bound(frozenset(names)), True
    else:
        nodes = frozenset(_weak_node(n) if w else n for n, w in pairs)
        name = _least_upper_bound(nodes)
        weak = name in ("int", "float")
    if weak and name != "bool":
        bits = config.floatx()[-2:]
        name = {"i": f"int{bits}", "u": f"uint{bits}"}.get(name[0], f"float{bits}")
    return _NARROW.get(name, name)


def standardize(dtype):
    """A dtype argument (``"float32"``, ``np.float32``, ``tf.float32``, ``float``) as a name."""
    if dtype is None:
        return None
    if dtype is float:
        return "float32"
    if dtype is int:
        return "int64"
    if dtype is bool:
        return "bool"
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and not isinstance(dtype, np.dtype):
        dtype = name
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise ValueError(f"keras.ops: invalid dtype {dtype!r}; expected a name such as "
                         "'float32', 'int32' or 'bool'.") from None


def float_type(*args):
    """The float dtype of an op defined on floats (``sqrt``, ``mean``): ints become floatx."""
    name = result_type(*args)
    if name == "int64" or np.dtype(name).kind not in "fc":
        return config.floatx() if name == "int64" else result_type(name, 1.0)
    return name
