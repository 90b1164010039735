"""Variable: mutable, named state that tapes watch automatically when trainable."""

import itertools
import sys
import weakref

import numpy as np

from featherflow.autodiff import variable_creator
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

_uid = itertools.count()

# sys.getrefcount(array) inside Variable._writable: the `data` slot, the local name and the
# call's own argument. More means something else (a recorded op's saved input, a view of the
# buffer, a value() tensor) still reads this array.
_OWN_REFERENCES = 3


class _VariableCall(type):
    """Sends ``Variable(...)`` through the ``tf.variable_creator_scope`` creators when any
    are active (featherflow/autodiff/variable_creator.py); a plain call otherwise."""

    def __call__(cls, *args, **kwargs):
        if cls is Variable and variable_creator.creators():
            return variable_creator.create(cls, args, kwargs,
                                           lambda **kw: super(_VariableCall, cls).__call__(**kw))
        return super().__call__(*args, **kwargs)


class Variable(Tensor, metaclass=_VariableCall):
    """Mutable state, as ``tf.Variable``.

    Updates (``assign``, ``assign_add``, ``assign_sub``, slice assignment, ``scatter_nd_*``)
    write into the existing array, so references held by layers and optimizers stay valid,
    except when an op recorded by a tape (or a ``value()`` snapshot) still holds that array:
    then the update goes to a fresh copy (copy-on-write), so a gradient computed later uses
    the value the forward saw, as in TensorFlow.

    Example::

        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
        >>> v[0, 1].assign(5.0).numpy()
        array([[1., 5.],
               [3., 4.]], dtype=float32)
    """

    # ``_exposed``: a recorded op received this buffer (``Function.__call__`` sets it), so the
    # next update checks whether the record still holds it; updates outside a tape's life,
    # such as the optimizers' in-place steps, stay in place
    __slots__ = ("name", "_trainable", "path", "_uid", "constraint", "regularizer",
                 "_exposed")

    def __init__(self, initial_value, trainable=True, name=None, dtype=None, shape=None,
                 constraint=None):
        if callable(initial_value):
            initial_value = initial_value()
        data = as_array(initial_value, dtype)
        data = np.array(data, copy=True)
        if shape is not None and tuple(shape) != data.shape:
            data = data.reshape(shape)
        self._exposed = False
        super().__init__(data)
        self._uid = next(_uid)
        self.name = name if name is not None else "Variable"
        self.path = self.name
        self._trainable = bool(trainable)
        self._track = self._trainable
        self.constraint = constraint
        self.regularizer = None

    def _writable(self):
        """The array an update may write into (a fresh copy if a recorded op holds it)."""
        a = self.data
        if self._exposed:
            self._exposed = False
            if sys.getrefcount(a) > _OWN_REFERENCES:
                a = self.data = a.copy()
        return a

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._track = self._trainable

    def numpy(self):
        data = self.data
        return data[()] if data.ndim == 0 else data.copy()

    def value(self):
        """The current value as a Tensor; later updates do not change it."""
        self._exposed = True
        return Tensor(self.data)

    def read_value(self):
        return Tensor(self.data.copy())

    # -- whole-variable updates ---------------------------------------------------------------
    def _converted(self, value, op):
        """``value`` as an array of this variable's dtype, refusing a Tensor of another dtype
        (TensorFlow converts Python and NumPy values but not tensors)."""
        dtype = self.data.dtype
        if isinstance(value, Tensor) and value.data.dtype != dtype:
            raise ValueError(
                f"Variable '{self.name}'.{op}: Tensor conversion requested dtype {dtype.name} "
                f"for Tensor with dtype {value.data.dtype.name}. Cast it first, e.g. "
                f"tf.cast(value, {dtype.name!r})."
            )
        a = value.data if isinstance(value, Tensor) else np.asarray(value)
        if a.dtype != dtype:
            if dtype.kind in "iub" and a.dtype.kind == "f" and not np.all(np.mod(a, 1) == 0):
                raise TypeError(
                    f"Variable '{self.name}'.{op}: cannot convert float values to the "
                    f"variable's dtype {dtype.name} without losing the fraction. Round or "
                    f"cast the value first."
                )
            a = a.astype(dtype)
        return a

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Set the value (same shape; NumPy and Python values are converted to the dtype)."""
        a = self._converted(value, "assign")
        if a.shape != self.data.shape:
            raise ValueError(
                f"Cannot assign value to variable '{self.name}': Shape mismatch. The variable "
                f"shape {self.data.shape}, and the assigned value shape {a.shape} are "
                f"incompatible. Reshape the value, or assign to a slice (v[...].assign)."
            )
        self._writable()[...] = a
        return self if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Add ``delta`` (same shape as the variable) in place."""
        a = self._update_operand(delta, "assign_add")
        buf = self._writable()
        buf += a
        return self if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtract ``delta`` (same shape as the variable) in place."""
        a = self._update_operand(delta, "assign_sub")
        buf = self._writable()
        buf -= a
        return self if read_value else None

    def _update_operand(self, delta, op):
        a = self._converted(delta, op)
        if a.shape != self.data.shape:
            raise InvalidArgumentError(
                f"Variable '{self.name}'.{op}: Cannot update variable with shape "
                f"{list(self.data.shape)} using a Tensor with shape {list(a.shape)}, shapes "
                f"must be equal. Give a delta of shape {self.data.shape}."
            )
        return a

    # -- slices -------------------------------------------------------------------------------
    def __getitem__(self, key):
        """``v[key]``: the value (differentiable w.r.t. ``v``), with ``assign`` for the slice."""
        key = _scalar_keys(key)
        value = super().__getitem__(key)
        out = VariableSlice(value.data)
        out._node, out._idx, out._track = value._node, value._idx, value._track
        out.variable = self
        out.key = key
        return out

    def _slice_update(self, key, value, op):
        if not _is_slice_key(key):
            raise AttributeError(
                f"Variable '{self.name}'[{key!r}].{op}: only slices made of integers, "
                f"slices (start:stop:step), ... and tf.newaxis can be assigned to, as in "
                f"TensorFlow. Use v.scatter_nd_update(indices, updates) for lists of indices "
                f"or masks."
            )
        a = self._converted(value, op)
        target_shape = self.data[key].shape
        try:
            a = np.broadcast_to(a, target_shape)
        except ValueError:
            raise InvalidArgumentError(
                f"Variable '{self.name}'[{key!r}].{op}: Cannot broadcast input shape "
                f"{list(a.shape)} into final shape {list(target_shape)}. Give a value of "
                f"shape {target_shape} (or one that broadcasts to it)."
            ) from None
        buf = self._writable()
        if op == "assign":
            buf[key] = a
        elif op == "assign_add":
            buf[key] += a
        else:
            buf[key] -= a
        return self

    # -- scatter updates ------------------------------------------------------------------------
    def scatter_nd_update(self, indices, updates, name=None):
        """Set the entries at ``indices`` (shape ``[..., k]``) to ``updates``."""
        key, u = self._scatter_operands(indices, updates, "scatter_nd_update")
        self._writable()[key] = u
        return self

    def scatter_nd_add(self, indices, updates, name=None):
        """Add ``updates`` at ``indices``; repeated indices add up."""
        key, u = self._scatter_operands(indices, updates, "scatter_nd_add")
        np.add.at(self._writable(), key, u)
        return self

    def scatter_nd_sub(self, indices, updates, name=None):
        """Subtract ``updates`` at ``indices``; repeated indices add up."""
        key, u = self._scatter_operands(indices, updates, "scatter_nd_sub")
        np.subtract.at(self._writable(), key, u)
        return self

    def _scatter_operands(self, indices, updates, op):
        idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu" or idx.ndim < 1 or idx.shape[-1] > self.data.ndim:
            raise InvalidArgumentError(
                f"Variable '{self.name}'.{op}: indices must be integers of shape [..., k] with "
                f"k <= the variable's rank {self.data.ndim}, received dtype "
                f"{idx.dtype.name} and shape {list(idx.shape)}."
            )
        shape = self.data.shape
        k = idx.shape[-1]
        flat = idx.reshape(-1, k)
        bad = np.nonzero(np.any((flat < 0) | (flat >= np.asarray(shape[:k])), axis=1))[0]
        if bad.size:
            i = int(bad[0])
            raise InvalidArgumentError(
                f"Variable '{self.name}'.{op}: indices[{i}] = {flat[i].tolist()} does not "
                f"index into shape {list(shape)}."
            )
        u = self._converted(updates, op)
        want = idx.shape[:-1] + shape[k:]
        try:
            u = np.broadcast_to(u, want)
        except ValueError:
            raise InvalidArgumentError(
                f"Variable '{self.name}'.{op}: updates must have shape {list(want)} "
                f"(indices.shape[:-1] + variable.shape[k:]), received {list(u.shape)}."
            ) from None
        return tuple(np.moveaxis(idx, -1, 0)), u

    def __repr__(self):
        return (
            f"<featherflow.Variable '{self.name}' shape={self.data.shape} "
            f"dtype={self.data.dtype.name}, numpy={self.data!r}>"
        )

    # print(v) shows the variable, not a Tensor, as TensorFlow's
    __str__ = __repr__


def _is_slice_key(key):
    keys = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, slice)
               or (isinstance(k, (int, np.integer)) and not isinstance(k, bool))
               for k in keys)


def _scalar_keys(key):
    """Scalar integer Tensors in a key become ints (TensorFlow accepts them in slices)."""
    if isinstance(key, tuple):
        return tuple(_scalar_keys(k) for k in key)
    if isinstance(key, Tensor) and key.data.ndim == 0 and key.data.dtype.kind in "iu":
        return int(key.data)
    return key


class VariableSlice(Tensor):
    """The value of ``variable[key]``: a Tensor in every op, plus ``assign`` (and
    ``assign_add``/``assign_sub``, which TensorFlow lacks on slices) writing into the variable.

    Example::

        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> v[:, 1].assign([7.0, 8.0]).numpy()
        array([[1., 7.],
               [3., 8.]], dtype=float32)
    """

    __slots__ = ("variable", "key")

    def assign(self, value, name=None):
        """Write ``value`` into the slice; returns the variable, as TensorFlow does."""
        return self.variable._slice_update(self.key, value, "assign")

    def assign_add(self, delta, name=None):
        return self.variable._slice_update(self.key, delta, "assign_add")

    def assign_sub(self, delta, name=None):
        return self.variable._slice_update(self.key, delta, "assign_sub")


# Variables whose values a file gave them (weight loaders write arrays in place, not through
# assign): a layer whose state must come from data (Normalization) asks whether it was loaded.
# Kept by id with weak references (a Tensor's == is elementwise, so no WeakSet).
_LOADED = {}


def mark_loaded(variable):
    """Record that ``variable`` was given its value by a weight file or checkpoint."""
    key = id(variable)
    if key not in _LOADED:
        _LOADED[key] = weakref.ref(variable, lambda _ref, key=key: _LOADED.pop(key, None))


def was_loaded(variable):
    ref = _LOADED.get(id(variable))
    return ref is not None and ref() is variable
