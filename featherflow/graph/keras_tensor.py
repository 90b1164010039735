"""KerasTensor: a symbolic placeholder with a shape, made by ``Input`` and by layer calls."""

import numpy as np

# The layer that records arithmetic on symbolic tensors (``x + 1``). It lives in layers/,
# which imports this package, so layers/core.py registers it (``set_operator_layer``).
_operator_layer = None


def set_operator_layer(cls):
    """Register the layer class that records arithmetic on KerasTensors."""
    global _operator_layer
    _operator_layer = cls


def dtype_name(dtype):
    """The name a KerasTensor gives ``dtype``: NumPy's, or ``"string"`` for tf.string (an
    object array of bytes, ``np.dtype(object)``), which NumPy does not know by that name."""
    if isinstance(dtype, str) and dtype == "string":
        return "string"
    dtype = np.dtype(dtype)
    return "string" if dtype.kind == "O" else dtype.name


def numpy_dtype(name):
    """The NumPy dtype of a dtype name, ``"string"`` included."""
    return np.dtype(object) if isinstance(name, str) and name == "string" else np.dtype(name)


class KerasTensor:
    """A symbolic tensor: the output of a layer called on ``Input``, used to build models.

    It has a ``shape`` (``None`` for the batch and unknown dimensions) and a ``dtype``, and
    remembers which layer call made it (``_keras_history``). ``_has_mask`` says whether a
    value computed for it will carry a Keras mask (decided when the layer is called).

    Example::

        >>> x = tf.keras.Input(shape=(3,))
        >>> x.shape
        (None, 3)
    """

    __slots__ = ("shape", "dtype", "name", "_keras_history", "_has_mask")

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype_name(dtype)
        self.name = name
        self._keras_history = history  # (layer, node_index, tensor_index)
        self._has_mask = False

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def node(self):
        layer, node_index, _ = self._keras_history
        return layer._inbound_nodes[node_index]

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, "
                f"ragged=False, name={self.name}>")

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

    # Arithmetic on symbolic tensors becomes a layer, as in Keras (Keras's operation names;
    # ``reverse``: the constant comes first in the expression, ``2.0 - x``).
    def _op(self, other, fn, name, reverse=False):
        return _operator_layer(fn, name, reverse=reverse)(self, other)

    def __add__(self, other):
        return self._op(other, _add, "add")

    def __radd__(self, other):
        return self._op(other, _add, "add", reverse=True)

    def __sub__(self, other):
        return self._op(other, _subtract, "subtract")

    def __rsub__(self, other):
        return self._op(other, _subtract, "subtract", reverse=True)

    def __mul__(self, other):
        return self._op(other, _multiply, "multiply")

    def __rmul__(self, other):
        return self._op(other, _multiply, "multiply", reverse=True)

    def __truediv__(self, other):
        return self._op(other, _true_divide, "true_divide")

    def __rtruediv__(self, other):
        return self._op(other, _true_divide, "true_divide", reverse=True)

    def __neg__(self):
        return self._op(None, _negative, "negative")

    def __pow__(self, other):
        return self._op(other, _power, "power")

    def __matmul__(self, other):
        return self._op(other, _matmul, "matmul")

    def __getitem__(self, key):
        return self._op(key, _get_item, "get_item")


# the functions of the operations above, ``fn(first, second)`` in the expression's order;
# models/operation_config.py names them in Keras's files
def _add(a, b):
    return a + b


def _subtract(a, b):
    return a - b


def _multiply(a, b):
    return a * b


def _true_divide(a, b):
    return a / b


def _negative(a, _):
    return -a


def _power(a, b):
    return a ** b


def _matmul(a, b):
    return a @ b


def _get_item(a, key):
    # Keras's files write a tuple key as a list
    return a[tuple(key) if isinstance(key, list) else key]


OPERATION_FUNCTIONS = {"add": _add, "subtract": _subtract, "multiply": _multiply,
                       "true_divide": _true_divide, "negative": _negative, "power": _power,
                       "matmul": _matmul, "get_item": _get_item}


def is_symbolic(x):
    """Whether ``x`` is a KerasTensor or a list/tuple/dict holding one."""
    if type(x) is KerasTensor:
        return True
    if isinstance(x, (list, tuple)):
        return any(is_symbolic(v) for v in x)
    if isinstance(x, dict):
        return any(is_symbolic(v) for v in x.values())
    return False
