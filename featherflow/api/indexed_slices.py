"""``tf.IndexedSlices`` and ``tf.IndexedSlicesSpec``: rows ``values[i]`` of a dense tensor at
``indices[i]`` (the sparse gradient type of TensorFlow's ``tf.gather``).

The dense tensor is ``dense[indices[i]] += values[i]`` (repeated indices add), as TensorFlow's
``tf.convert_to_tensor`` gives. NumPy reads an IndexedSlices as that dense array, so
``optimizer.apply_gradients`` takes one for a variable of ``dense_shape`` and updates it as
Keras does (Keras 3's optimizers densify IndexedSlices for their update rules; adding the rows
one by one gives the same numbers). featherflow's GradientTape returns dense gradients for
``tf.gather``; IndexedSlices come from user code.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, TensorShape, convert_to_tensor

__all__ = ["IndexedSlices", "IndexedSlicesSpec"]


def _tensor(value, what, dtype=None):
    t = value if isinstance(value, Tensor) else convert_to_tensor(value, dtype=dtype)
    return t


class IndexedSlices:
    """``tf.IndexedSlices(values, indices, dense_shape=None)``."""

    _is_composite_tensor = True

    def __init__(self, values, indices, dense_shape=None):
        self._values = _tensor(values, "values")
        self._indices = _tensor(indices, "indices")
        if self._indices.data.dtype.kind not in "iu":
            raise TypeError(f"IndexedSlices: indices must be integers; received dtype "
                            f"{self._indices.data.dtype}.")
        if self._indices.data.ndim != 1:
            raise ValueError(f"IndexedSlices: indices must be a vector (one index per row of "
                             f"values); received shape {tuple(self._indices.data.shape)}.")
        if self._values.data.ndim == 0 or (
                self._values.data.shape[0] != self._indices.data.shape[0]):
            raise ValueError(
                f"IndexedSlices: values must have one row per index ({self._indices.data.shape[0]}"
                f"); received values of shape {tuple(self._values.data.shape)}.")
        self._dense_shape = None if dense_shape is None else _tensor(dense_shape,
                                                                     "dense_shape")
        if self._dense_shape is not None:
            shape = self._dense_shape.data
            if tuple(shape[1:].tolist()) != tuple(self._values.data.shape[1:]):
                raise ValueError(
                    f"IndexedSlices: dense_shape {shape.tolist()} must end with the row shape "
                    f"of values {list(self._values.data.shape[1:])}.")

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self):
        if self._dense_shape is None:
            from featherflow.data.structure import TensorSpec

            return TensorSpec(None).shape  # unknown, as TensorFlow
        return TensorShape(int(d) for d in self._dense_shape.data)

    @property
    def name(self):
        return None

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    @property
    def op(self):
        return None

    @property
    def graph(self):
        return None

    def consumers(self):
        return []

    def _rows(self):
        if self._dense_shape is None:
            raise ValueError(f"Tensor conversion requested for IndexedSlices without "
                             f"dense_shape: {self!r}. Give dense_shape= to densify it.")
        return int(self._dense_shape.data[0])

    def to_dense(self):
        """The dense tensor (differentiable with respect to ``values``)."""
        from featherflow.ops.indexing import scatter_nd

        shape = (self._rows(),) + tuple(self._values.data.shape[1:])
        idx = self._indices.data
        if idx.size and (idx.min() < 0 or idx.max() >= shape[0]):
            from featherflow.errors import InvalidArgumentError

            raise InvalidArgumentError(
                f"IndexedSlices: indices must be in [0, {shape[0]}); received values from "
                f"{int(idx.min())} to {int(idx.max())}.")
        return scatter_nd(Tensor(idx.reshape(-1, 1)), self._values, shape)

    def __tf_tensor__(self, dtype=None, name=None):
        dense = self.to_dense()
        if dtype is not None and np.dtype(dtype) != dense.data.dtype:
            from featherflow.ops.math import cast

            dense = cast(dense, dtype)
        return dense

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self.to_dense().data)
        return a if dtype is None else a.astype(dtype)

    def __neg__(self):
        from featherflow.ops.math import negative

        return IndexedSlices(negative(self._values), self._indices, self._dense_shape)

    def __repr__(self):
        return (f"IndexedSlices(indices={self._indices!r}, values={self._values!r}"
                + ("" if self._dense_shape is None else f", dense_shape={self._dense_shape!r}")
                + ")")


class IndexedSlicesSpec:
    """``tf.IndexedSlicesSpec(shape=None, dtype=tf.float32, indices_dtype=tf.int64,
    dense_shape_dtype=None, indices_shape=None)``: the type of an IndexedSlices."""

    def __init__(self, shape=None, dtype="float32", indices_dtype="int64",
                 dense_shape_dtype=None, indices_shape=None):
        from featherflow.api.dtypes import as_dtype

        self._shape = None if shape is None or getattr(shape, "rank", 0) is None else tuple(
            None if d is None else int(d) for d in shape)
        self._dtype = as_dtype(dtype)
        self._indices_dtype = as_dtype(indices_dtype)
        self._dense_shape_dtype = None if dense_shape_dtype is None else as_dtype(
            dense_shape_dtype)
        self._indices_shape = (None,) if indices_shape is None else tuple(
            None if d is None else int(d) for d in indices_shape)

    @property
    def shape(self):
        if self._shape is None:
            from featherflow.data.structure import TensorSpec

            return TensorSpec(None).shape
        return TensorShape(self._shape)

    @property
    def dtype(self):
        return self._dtype

    @property
    def value_type(self):
        return IndexedSlices

    def is_compatible_with(self, other):
        if isinstance(other, IndexedSlices):
            other = IndexedSlicesSpec(other.shape, other.dtype, other.indices.dtype,
                                      None if other.dense_shape is None
                                      else other.dense_shape.dtype)
        if not isinstance(other, IndexedSlicesSpec) or other._dtype != self._dtype:
            return False
        if self._shape is None or other._shape is None:
            return True
        return len(self._shape) == len(other._shape) and all(
            a is None or b is None or a == b for a, b in zip(self._shape, other._shape))

    def __eq__(self, other):
        return (isinstance(other, IndexedSlicesSpec) and self._shape == other._shape
                and self._dtype == other._dtype
                and self._indices_dtype == other._indices_dtype
                and self._dense_shape_dtype == other._dense_shape_dtype
                and self._indices_shape == other._indices_shape)

    def __hash__(self):
        return hash((self._shape, self._dtype.name, self._indices_dtype.name))

    def __repr__(self):
        dense = "None" if self._dense_shape_dtype is None else f"tf.{self._dense_shape_dtype.name}"
        return (f"IndexedSlicesSpec({self.shape!r}, tf.{self._dtype.name}, "
                f"tf.{self._indices_dtype.name}, {dense}, "
                f"TensorShape({list(self._indices_shape)}))")
