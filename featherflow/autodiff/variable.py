"""Variable: mutable, named state that tapes watch automatically when trainable."""

import itertools

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array

_uid = itertools.count()


class Variable(Tensor):
    """Mutable state, as ``tf.Variable``.

    Updates (``assign``, ``assign_add``, ``assign_sub``) write into the existing array, so
    references held by layers and optimizers stay valid.

    Example::

        >>> v = tf.Variable([1.0, 2.0], name="w")
        >>> v.assign_add([1.0, 1.0]).numpy()
        array([2., 3.], dtype=float32)
    """

    __slots__ = ("name", "_trainable", "path", "_uid", "constraint", "regularizer")

    def __init__(self, initial_value, trainable=True, name=None, dtype=None, shape=None,
                 constraint=None):
        if callable(initial_value):
            initial_value = initial_value()
        data = as_array(initial_value, dtype)
        data = np.array(data, copy=True)
        if shape is not None and tuple(shape) != data.shape:
            data = data.reshape(shape)
        super().__init__(data)
        self._uid = next(_uid)
        self.name = name if name is not None else "Variable"
        self.path = self.name
        self._trainable = bool(trainable)
        self._track = self._trainable
        self.constraint = constraint
        self.regularizer = None

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._track = self._trainable

    def numpy(self):
        return self.data.copy()

    def value(self):
        return Tensor(self.data)

    def read_value(self):
        return Tensor(self.data.copy())

    def _check(self, value, op):
        a = as_array(value)
        if a.shape != self.data.shape:
            try:
                np.broadcast_to(a, self.data.shape)
            except ValueError:
                raise ValueError(
                    f"Variable '{self.name}'.{op}: expected a value of shape {self.data.shape}, "
                    f"received shape {a.shape}."
                ) from None
        return a

    def assign(self, value, read_value=True):
        self.data[...] = self._check(value, "assign")
        return self

    def assign_add(self, delta, read_value=True):
        self.data += self._check(delta, "assign_add")
        return self

    def assign_sub(self, delta, read_value=True):
        self.data -= self._check(delta, "assign_sub")
        return self

    def __repr__(self):
        return (
            f"<featherflow.Variable '{self.name}' shape={self.data.shape} "
            f"dtype={self.data.dtype.name}, numpy={self.data!r}>"
        )
