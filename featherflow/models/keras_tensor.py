"""The symbolic layer graph: KerasTensor (a placeholder with a shape) and Node (one call)."""

import numpy as np


class KerasTensor:
    """A symbolic tensor: the output of a layer called on ``Input``, used to build models.

    It has a ``shape`` (``None`` for the batch and unknown dimensions) and a ``dtype``, and
    remembers which layer call made it (``_keras_history``).
    """

    __slots__ = ("shape", "dtype", "name", "_keras_history", "_keras_mask")

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype).name
        self.name = name
        self._keras_history = history  # (layer, node_index, tensor_index)
        self._keras_mask = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self):
        raise TypeError(
            "A symbolic tensor (the output of Input or of a layer called on it) has no length "
            "yet: it holds no data. Build the model, then call it on arrays."
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            f"Cannot convert the symbolic tensor {self.name!r} (shape {self.shape}) to a NumPy "
            "array: it holds no data. Use it to build a Model, then call model.predict(x)."
        )

    # Arithmetic on symbolic tensors becomes a layer, as in Keras.
    def _op(self, other, fn, name):
        from featherflow.layers.core import _SymbolicOp

        return _SymbolicOp(fn, name)(self, other)

    def __add__(self, other):
        return self._op(other, lambda a, b: a + b, "add")

    def __radd__(self, other):
        return self._op(other, lambda a, b: b + a, "add")

    def __sub__(self, other):
        return self._op(other, lambda a, b: a - b, "subtract")

    def __rsub__(self, other):
        return self._op(other, lambda a, b: b - a, "subtract")

    def __mul__(self, other):
        return self._op(other, lambda a, b: a * b, "multiply")

    def __rmul__(self, other):
        return self._op(other, lambda a, b: b * a, "multiply")

    def __truediv__(self, other):
        return self._op(other, lambda a, b: a / b, "divide")

    def __rtruediv__(self, other):
        return self._op(other, lambda a, b: b / a, "divide")

    def __neg__(self):
        return self._op(None, lambda a, b: -a, "negative")

    def __pow__(self, other):
        return self._op(other, lambda a, b: a ** b, "pow")

    def __matmul__(self, other):
        return self._op(other, lambda a, b: a @ b, "matmul")

    def __getitem__(self, key):
        from featherflow.layers.core import _SymbolicOp

        return _SymbolicOp(lambda a, b: a[key], "getitem")(self, None)


class Node:
    """One call of a layer on symbolic inputs: which tensors went in and came out."""

    __slots__ = ("layer", "inputs", "outputs", "kwargs", "args_structure", "index")

    def __init__(self, layer, inputs, outputs, kwargs, args_structure):
        self.layer = layer
        self.inputs = inputs  # flat list of KerasTensors
        self.outputs = outputs  # flat list of KerasTensors
        self.kwargs = kwargs  # non-tensor call arguments
        self.args_structure = args_structure  # how to rebuild the first argument
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)

    @property
    def parent_nodes(self):
        out = []
        for t in self.inputs:
            layer, ni, _ = t._keras_history
            out.append(layer._inbound_nodes[ni])
        return out


def is_symbolic(x):
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(is_symbolic(v) for v in x)
    if isinstance(x, dict):
        return any(is_symbolic(v) for v in x.values())
    return False


def flatten(x):
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in flatten(item)]
    if isinstance(x, dict):
        return [v for k in x for v in flatten(x[k])]
    return [x]


def structure_of(x):
    """A picklable description of a nest, to rebuild it from a flat list."""
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [structure_of(v) for v in x])
    if isinstance(x, dict):
        return ("dict", {k: structure_of(v) for k, v in x.items()})
    return None


def pack(structure, flat):
    it = iter(flat)

    def build(s):
        if s is None:
            return next(it)
        kind, items = s
        if kind == "dict":
            return {k: build(v) for k, v in items.items()}
        out = [build(v) for v in items]
        return tuple(out) if kind == "tuple" else out

    return build(structure)
