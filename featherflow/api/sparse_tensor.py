"""tf.SparseTensor and tf.SparseTensorSpec: a dense shape, the coordinates of its non-zero
entries (int64 ``[N, rank]``) and their values (``[N]``).

``values`` is kept as the Tensor it was given, so a tape watching it differentiates through
every ``tf.sparse`` op built on it; ``indices`` and ``dense_shape`` are int64 Tensors and never
carry a gradient.
"""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor, TensorShape, as_array, convert_to_tensor, dtype_name
from featherflow.errors import InvalidArgumentError
from featherflow.ops import concat
from featherflow.ops import math as math_ops


def _int64(value, argument):
    if isinstance(value, SparseTensor):
        raise TypeError(f"SparseTensor: `{argument}` must be a dense integer tensor, received a "
                        "SparseTensor.")
    a = value.data if isinstance(value, Tensor) else np.asarray(value)
    if a.dtype.kind == "f" and a.size and not np.all(a == np.floor(a)):
        raise TypeError(f"SparseTensor: `{argument}` must hold integers, received the floats "
                        f"{a.reshape(-1)[:6].tolist()}.")
    if a.dtype.kind not in "iufb" and a.size:
        raise TypeError(f"SparseTensor: `{argument}` must be an int64 tensor, received dtype "
                        f"{dtype_name(a.dtype)}.")
    return Tensor(a.astype(np.int64))


def _rank_error(argument, expected, array):
    return ValueError(f"SparseTensor: `{argument}` must have rank {expected}, received shape "
                      f"{tuple(array.shape)}. Shape must be rank {expected} but is rank "
                      f"{array.ndim}.")


class SparseTensor:
    """A sparse tensor: ``indices`` (int64 ``[N, rank]``), ``values`` (``[N]``) and
    ``dense_shape`` (int64 ``[rank]``), as ``tf.sparse.SparseTensor``.

    Example::

        >>> st = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]], values=[1., 2.],
        ...                             dense_shape=[3, 4])
        >>> tf.sparse.to_dense(st).numpy()[1]
        array([0., 0., 2., 0.], dtype=float32)
    """

    # NumPy defers ``ndarray * st`` to our reflected operators
    __array_priority__ = 200

    def __init__(self, indices, values, dense_shape):
        indices = _int64(indices, "indices")
        if isinstance(values, SparseTensor):
            raise TypeError("SparseTensor: `values` must be a dense 1-D tensor, received a "
                            "SparseTensor.")
        if isinstance(values, (list, tuple)) and any(isinstance(v, Tensor) for v in values):
            # a list of tensors is packed (dtype and tape link kept), as TF's conversion does
            values = concat.stack([convert_to_tensor(v) for v in values])
        values = convert_to_tensor(values)
        if type(values) is not Tensor:
            # a Variable is read once, as TF converts it: a later assign leaves st alone
            values = math_ops.identity(values)
        raw_shape = dense_shape
        dense_shape = _int64(dense_shape, "dense_shape")
        if indices.data.ndim != 2:
            raise _rank_error("indices", 2, indices.data)
        if values.data.ndim != 1:
            raise _rank_error("values", 1, values.data)
        if dense_shape.data.ndim != 1:
            raise _rank_error("dense_shape", 1, dense_shape.data)
        n, rank = indices.data.shape
        if n != values.data.shape[0]:
            raise ValueError(
                f"SparseTensor: `indices` has {n} rows but `values` has {values.data.shape[0]} "
                "elements; there must be one value per index row (Dimensions "
                f"{n} and {values.data.shape[0]} are not compatible).")
        if rank != dense_shape.data.shape[0]:
            raise ValueError(
                f"SparseTensor: `indices` has {rank} columns but `dense_shape` has "
                f"{dense_shape.data.shape[0]} elements; each index row needs one coordinate per "
                f"dimension (Dimensions {rank} and {dense_shape.data.shape[0]} are not "
                "compatible).")
        if np.any(dense_shape.data < 0):
            raise ValueError(
                f"SparseTensor: `dense_shape` must be fully defined in eager mode, received "
                f"{dense_shape.data.tolist()} (None or -1 dimensions are unknown).")
        self._indices = indices
        self._values = values
        self._dense_shape = dense_shape
        if state.tracing is not None and state.from_data(raw_shape):
            # a map function being traced: TF's static shape is dense_shape's constant
            # value, and one computed from the inputs has none
            state.data_dependent(self, *range(rank))

    @classmethod
    def from_value(cls, sparse_tensor_value):
        if not is_sparse(sparse_tensor_value):
            raise TypeError(f"Argument sparse_tensor_value={sparse_tensor_value} is neither a "
                            "SparseTensor nor SparseTensorValue.")
        return cls(sparse_tensor_value.indices, sparse_tensor_value.values,
                   sparse_tensor_value.dense_shape)

    @property
    def indices(self):
        return self._indices

    @property
    def values(self):
        return self._values

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.data.dtype

    @property
    def shape(self):
        return TensorShape(int(d) for d in self._dense_shape.data)

    def get_shape(self):
        return self.shape

    def set_shape(self, shape):
        """Check that the dense shape fits ``shape`` (``None`` dims fit anything)."""
        dims = list(shape) if shape is not None else None
        actual = tuple(self.shape)
        if dims is not None and (len(dims) != len(actual) or any(
                d is not None and d != a for d, a in zip(dims, actual))):
            raise ValueError(f"SparseTensor's dense shape {actual} is not compatible with "
                             f"supplied shape {tuple(dims)}.")

    def with_values(self, new_values):
        """The same indices and dense shape with ``new_values`` (shape ``[N]``)."""
        new_values = convert_to_tensor(new_values)
        if new_values.data.shape != self._values.data.shape:
            raise ValueError(
                f"SparseTensor.with_values: `new_values` must have shape "
                f"{tuple(self._values.data.shape)} (one per index), received "
                f"{tuple(new_values.data.shape)}.")
        return SparseTensor(self._indices, new_values, self._dense_shape)

    def _type_spec(self):
        return SparseTensorSpec(self.shape, self.dtype)

    def __repr__(self):
        return (f"SparseTensor(indices={self._indices!s}, values={self._values!s}, "
                f"dense_shape={self._dense_shape!s})")

    __str__ = __repr__

    def __array__(self, dtype=None, copy=None):
        # np.asarray / tf.convert_to_tensor / tf.constant reach here: refuse as TF does
        raise ValueError(
            f"Attempt to convert a value ({self!r}) with an unsupported type "
            f"(<class 'featherflow.SparseTensor'>) to a Tensor. Use tf.sparse.to_dense(st) "
            "for the dense tensor.")

    def __bool__(self):
        raise TypeError("The truth value of a SparseTensor is not defined; use "
                        "tf.sparse.to_dense first.")

    # sparse (op) dense -> sparse with the same indices, as TF's sparse_dense_cwise ops; the
    # dense operand broadcasts to the dense shape. Dense * sparse is the same product.
    def __mul__(self, other):
        return _cwise(self, other, "mul")

    def __rmul__(self, other):
        return _cwise(self, other, "mul")

    def __truediv__(self, other):
        return _cwise(self, other, "truediv")


def _cwise(sp, other, op):
    from featherflow.api import sparse_ops  # cycle: sparse_ops builds SparseTensors

    return sparse_ops.sparse_dense_cwise(sp, other, op)


def is_sparse(x):
    """True for a SparseTensor (``tf.sparse`` has no SparseTensorValue in eager mode)."""
    return isinstance(x, SparseTensor)


def as_sparse(value, argument, where):
    """``value`` as a SparseTensor, or a TypeError naming the argument."""
    if isinstance(value, SparseTensor):
        return value
    raise TypeError(f"{where}: Input `{argument}` must be a SparseTensor, received "
                    f"{type(value).__name__}. Make one with tf.sparse.from_dense(x) or "
                    "tf.sparse.SparseTensor(indices, values, dense_shape).")


def check_indices_in_range(sp, where):
    """InvalidArgumentError (as TF's kernels) when an index row lies outside dense_shape."""
    idx = sp.indices.data
    shape = sp.dense_shape.data
    if idx.size:
        bad = np.nonzero(np.any((idx < 0) | (idx >= shape), axis=1))[0]
        if bad.size:
            i = int(bad[0])
            raise InvalidArgumentError(
                f"{where}: indices[{i}] = {idx[i].tolist()} is out of bounds: need 0 <= index < "
                f"{shape.tolist()} (the SparseTensor's dense_shape).")


class _UnknownShape(TensorShape):
    """The dense shape of a spec whose rank varies between elements."""

    rank = ndims = property(lambda self: None)

    def __repr__(self):
        return "TensorShape(None)"


class SparseTensorSpec:
    """The dense shape and dtype of a SparseTensor, as ``tf.SparseTensorSpec``.

    Example::

        >>> tf.SparseTensorSpec(shape=[3, 4], dtype=tf.int32)
        SparseTensorSpec(TensorShape([3, 4]), tf.int32)
    """

    __slots__ = ("_shape", "_dtype")

    def __init__(self, shape=None, dtype="float32"):
        if shape is None or getattr(shape, "rank", 0) is None:
            self._shape = None
        else:
            self._shape = TensorShape(None if d is None else int(getattr(d, "value", d))
                                      for d in shape)
        if isinstance(dtype, str) and dtype == "string":
            self._dtype = np.dtype(object)
        else:
            self._dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))

    value_type = property(lambda self: SparseTensor)

    @property
    def shape(self):
        return self._shape if self._shape is not None else _UnknownShape()

    @property
    def dtype(self):
        return self._dtype

    @classmethod
    def from_value(cls, value):
        if not isinstance(value, SparseTensor):
            raise TypeError("Expected SparseTensor or SparseTensorValue. Received: "
                            f"{value} of type {type(value).__name__}.")
        return cls(value.shape, value.dtype)

    def is_compatible_with(self, spec_or_value):
        if isinstance(spec_or_value, SparseTensor):
            spec_or_value = SparseTensorSpec.from_value(spec_or_value)
        if not isinstance(spec_or_value, SparseTensorSpec):
            return False
        if spec_or_value._dtype != self._dtype:
            return False
        a, b = self._shape, spec_or_value._shape
        if a is None or b is None:
            return True
        return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))

    def most_specific_common_supertype(self, others):
        shape = self._shape
        for other in others:
            if not isinstance(other, SparseTensorSpec) or other._dtype != self._dtype:
                return None
            if shape is None or other._shape is None or len(shape) != len(other._shape):
                shape = None
            else:
                shape = tuple(x if x == y else None for x, y in zip(shape, other._shape))
        return SparseTensorSpec(shape, self._dtype)

    def _with_shape(self, shape):
        return SparseTensorSpec(shape, self._dtype)

    def __eq__(self, other):
        return (isinstance(other, SparseTensorSpec) and self._shape == other._shape
                and self._dtype == other._dtype)

    def __hash__(self):
        return hash((self._shape, self._dtype))

    def __repr__(self):
        shape = "TensorShape(None)" if self._shape is None else repr(self._shape)
        return f"SparseTensorSpec({shape}, tf.{dtype_name(self._dtype)})"


def dense_operand(value, dtype=None):
    """A dense operand: a Tensor stays (its tape link kept), anything else is converted."""
    if isinstance(value, SparseTensor):
        raise TypeError("Expected a dense tensor, received a SparseTensor; use "
                        "tf.sparse.to_dense first.")
    if isinstance(value, Tensor):
        return value
    return Tensor(as_array(value, dtype))
