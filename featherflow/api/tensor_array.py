"""``tf.TensorArray`` and ``tf.TensorArraySpec``: a list of tensors of one dtype, as TensorFlow's
eager TensorArray.

The elements are the tensors written (no copies), so gradients flow through ``write`` ->
``read``/``stack``/``gather``/``concat`` by the ops that assemble them (``stack``, ``concat``),
and ``unstack``/``split``/``scatter`` slice with differentiable ops: TensorFlow's gradients.
As in TensorFlow's eager mode, ``write`` changes the array and returns it, so both
``ta = ta.write(i, x)`` (the graph-safe form) and ``ta.write(i, x)`` work, and a TensorArray is a
loop variable of ``tf.while_loop``.

TensorFlow's checks and errors are kept: the dtype of a written tensor (InvalidArgumentError),
indices outside a fixed-size array (OutOfRangeError), element shapes (ValueError; with
``infer_shape`` the first write fixes the shape), a second read of a cleared element
(``clear_after_read``, the default). Unwritten elements read as zeros of the element shape.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, TensorShape, convert_to_tensor
from featherflow.errors import InvalidArgumentError, OutOfRangeError

__all__ = ["TensorArray", "TensorArraySpec"]


def _dims(shape):
    """None (unknown rank) or a tuple of ints/None from a shape-like."""
    if shape is None or getattr(shape, "rank", 0) is None:
        return None
    if isinstance(shape, Tensor):
        shape = shape.data.tolist()
    return tuple(None if d is None else int(d) for d in shape)


def _compatible(a, b):
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def _merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return tuple(y if x is None else x for x, y in zip(a, b))


def _shape_object(dims):
    if dims is None:
        from featherflow.data.structure import TensorSpec

        return TensorSpec(None).shape
    return TensorShape(dims)


def _shape_text(dims):
    return "<unknown>" if dims is None else str(tuple(dims)).replace(",)", ")")


def _index(value, what):
    if isinstance(value, Tensor):
        value = value.data
    a = np.asarray(value)
    if a.ndim != 0 or a.dtype.kind not in "iu":
        raise TypeError(f"TensorArray.{what}: the index must be a scalar integer; received "
                        f"{value!r}.")
    return int(a)


def _indices(value):
    if isinstance(value, Tensor):
        value = value.data
    return [int(i) for i in np.asarray(value).reshape(-1)]


class TensorArray:
    """``tf.TensorArray(dtype, size=None, dynamic_size=None, clear_after_read=None,
    tensor_array_name=None, handle=None, flow=None, infer_shape=True, element_shape=None,
    colocate_with_first_write_call=True, name=None)``."""

    #: passed through as is where featherflow converts values to tensors (tf.while_loop's
    #: loop variables), as TensorFlow's composite tensors
    _is_composite_tensor = True

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        from featherflow.api.dtypes import as_dtype

        if handle is not None:
            raise ValueError("TensorArray handles are not supported when eager execution is "
                             "enabled.")
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is "
                             "enabled.")
        self._dtype = as_dtype(dtype)
        self._np_dtype = np.dtype(self._dtype)
        size = _index(size, "size") if isinstance(size, Tensor) else int(size)
        if size < 0:
            raise ValueError(f"TensorArray: size must be >= 0; received {size}.")
        self._elements = [None] * size
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = bool(infer_shape)
        self._element_shape = _dims(element_shape)
        self._cleared = set()

    # -- properties -------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        return _shape_object(self._element_shape)

    @property
    def handle(self):
        return None

    @property
    def flow(self):
        return convert_to_tensor(0, dtype="int32")

    def size(self, name=None):
        """The number of elements, an int32 scalar tensor."""
        return convert_to_tensor(len(self._elements), dtype="int32")

    def identity(self, name=None):
        return self

    def close(self, name=None):
        """Drop every element."""
        del self._elements[:]

    # -- element access ---------------------------------------------------------------
    def _zeros(self, i):
        if self._element_shape is None or None in self._element_shape:
            raise InvalidArgumentError(
                f"TensorArray: element {i} was never written and the element shape "
                f"{_shape_text(self._element_shape)} is not fully known, so it cannot be read "
                f"as zeros; write it first or give element_shape.")
        z = Tensor(np.zeros(self._element_shape, self._np_dtype))
        self._elements[i] = z
        return z

    def _get(self, i):
        value = self._elements[i]
        return value if value is not None else self._zeros(i)

    def read(self, index, name=None):
        """Element ``index`` (zeros of the element shape if never written)."""
        i = _index(index, "read")
        if i < 0:
            raise OutOfRangeError(f"Reading from negative indices (index {i}) is not "
                                  f"allowed.")
        if i >= len(self._elements):
            raise OutOfRangeError(f"Tried to read from index {i} but array size is: "
                                  f"{len(self._elements)} ")
        value = self._elements[i]
        if value is None:
            if i in self._cleared:
                raise InvalidArgumentError(
                    f"Could not read index {i} twice because it was cleared after a previous "
                    f"read (perhaps try setting clear_after_read = false?)")
            value = self._zeros(i)
        if self._clear_after_read:
            self._elements[i] = None
            self._cleared.add(i)
        return value

    def _write(self, i, value):
        if i < 0:
            raise OutOfRangeError(f"Writing to negative indices (index {i}) is not allowed.")
        if i >= len(self._elements):
            if not self._dynamic_size:
                raise OutOfRangeError(
                    f"Tried to write to index {i} but array is not resizeable and size is: "
                    f"{len(self._elements)} ")
            self._elements.extend([None] * (i + 1 - len(self._elements)))
        if not isinstance(value, Tensor):
            value = _convert(value, self._np_dtype)
        if value.data.dtype != self._np_dtype:
            from featherflow.api.dtypes import of_numpy

            raise InvalidArgumentError(
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{of_numpy(value.data.dtype).name} ")
        shape = tuple(value.data.shape)
        if not _compatible(self._element_shape, shape):
            raise ValueError(f"Incompatible shape for value ({_shape_text(shape)}), expected "
                             f"({_shape_text(self._element_shape)})")
        if self._infer_shape:
            self._element_shape = _merge(self._element_shape, shape)
        self._elements[i] = value
        self._cleared.discard(i)

    def write(self, index, value, name=None):
        """Write ``value`` at ``index``; returns this TensorArray."""
        self._write(_index(index, "write"), value)
        return self

    def stack(self, name=None):
        """The elements stacked on a new first axis."""
        from featherflow.ops.concat import stack

        if not self._elements:
            if self._element_shape is not None and None not in self._element_shape:
                return Tensor(np.zeros((0,) + self._element_shape, self._np_dtype))
            return Tensor(np.zeros((0,), self._np_dtype))
        return stack([self._get(i) for i in range(len(self._elements))])

    def gather(self, indices, name=None):
        """The elements at ``indices``, stacked."""
        from featherflow.ops.concat import stack

        picked = _indices(indices)
        for i in picked:
            if not 0 <= i < len(self._elements):
                raise OutOfRangeError(f"TensorArray.gather: index {i} is outside the array "
                                      f"of size {len(self._elements)}.")
        if not picked:
            dims = self._element_shape if self._element_shape is not None else ()
            return Tensor(np.zeros((0,) + tuple(d or 0 for d in dims), self._np_dtype))
        return stack([self._get(i) for i in picked])

    def concat(self, name=None):
        """The elements concatenated along their first axis."""
        from featherflow.ops.concat import concat

        parts = [self._get(i) for i in range(len(self._elements))]
        for i, p in enumerate(parts):
            if p.data.ndim == 0:
                raise InvalidArgumentError(f"Concat saw a scalar shape at index {i} but "
                                           f"requires at least vectors.")
        if not parts:
            dims = self._element_shape[1:] if self._element_shape else ()
            return Tensor(np.zeros((0,) + tuple(d or 0 for d in dims), self._np_dtype))
        return concat(parts, 0)

    def unstack(self, value, name=None):
        """The slices of ``value`` along its first axis become the elements."""
        from featherflow.ops.concat import unstack

        value = value if isinstance(value, Tensor) else _convert(value, self._np_dtype)
        self._check_dtype(value)
        n = int(value.data.shape[0]) if value.data.ndim else 0
        if value.data.ndim == 0:
            raise ValueError("TensorArray.unstack: value must have at least one dimension.")
        if n > len(self._elements) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size "
                             f"{len(self._elements)} ")
        self._elements = list(unstack(value)) if n else []
        self._cleared = set()
        if self._infer_shape and n:
            self._element_shape = _merge(self._element_shape, tuple(value.data.shape[1:]))
        return self

    def scatter(self, indices, value, name=None):
        """Write the slices of ``value`` at ``indices``."""
        from featherflow.ops.concat import unstack

        value = value if isinstance(value, Tensor) else _convert(value, self._np_dtype)
        where = _indices(indices)
        if value.data.ndim == 0 or value.data.shape[0] != len(where):
            raise InvalidArgumentError(
                f"TensorArray.scatter: value must have one slice per index ({len(where)}); "
                f"received shape {tuple(value.data.shape)}.")
        for i, part in zip(where, unstack(value)):
            self._write(i, part)
        return self

    def split(self, value, lengths, name=None):
        """Split ``value`` along its first axis into pieces of ``lengths``."""
        from featherflow.ops.concat import split

        value = value if isinstance(value, Tensor) else _convert(value, self._np_dtype)
        self._check_dtype(value)
        lens = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
        if lens.ndim != 1:
            raise InvalidArgumentError(f"Expected lengths to be a vector, received shape: "
                                       f"{list(lens.shape)} ")
        if value.data.ndim == 0:
            raise InvalidArgumentError(f"Expected value to be at least a vector, but received "
                                       f"shape: {list(value.data.shape)} ")
        if int(lens.sum()) != value.data.shape[0]:
            raise InvalidArgumentError(
                f"Expected sum of lengths to be equal to values.shape[0], but sum of lengths "
                f"is {int(lens.sum())} and value's shape is: {list(value.data.shape)} ")
        if not self._dynamic_size and lens.shape[0] != len(self._elements):
            raise InvalidArgumentError(
                f"TensorArray's size is not equal to the size of lengths "
                f"({len(self._elements)} vs. {lens.shape[0]}), and the TensorArray is not "
                f"marked as dynamically resizeable.")
        self._elements = list(split(value, [int(n) for n in lens], axis=0))
        self._cleared = set()
        return self

    def _check_dtype(self, value):
        if value.data.dtype != self._np_dtype:
            from featherflow.api.dtypes import of_numpy

            raise InvalidArgumentError(
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{of_numpy(value.data.dtype).name} ")

    def grad(self, source, flow=None, name=None):
        raise RuntimeError(
            "TensorArray.grad is for graph gradients; featherflow (as TensorFlow when "
            "executing eagerly) takes gradients through tf.GradientTape instead.")

    def __repr__(self):
        return (f"<TensorArray dtype={self._dtype.name} size={len(self._elements)} "
                f"element_shape={_shape_text(self._element_shape)}>")


def _convert(value, np_dtype):
    a = np.asarray(value)
    if a.dtype.kind == "f" and np_dtype.kind in "iub":
        raise InvalidArgumentError(f"TensorArray: cannot write {value!r} to a TensorArray of "
                                   f"dtype {np_dtype.name}; cast it first.")
    return convert_to_tensor(value, dtype=np_dtype)


class TensorArraySpec:
    """``tf.TensorArraySpec(element_shape=None, dtype=tf.float32, dynamic_size=False,
    infer_shape=True)``: the type of a TensorArray."""

    def __init__(self, element_shape=None, dtype="float32", dynamic_size=False,
                 infer_shape=True):
        from featherflow.api.dtypes import as_dtype

        self._element_shape = _dims(element_shape)
        self._dtype = as_dtype(dtype)
        self._dynamic_size = dynamic_size
        self._infer_shape = infer_shape

    @property
    def element_shape(self):
        return _shape_object(self._element_shape)

    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def infer_shape(self):
        return self._infer_shape

    @property
    def value_type(self):
        return TensorArray

    @classmethod
    def from_value(cls, value):
        if not isinstance(value, TensorArray):
            raise TypeError(f"TensorArraySpec.from_value: expected a TensorArray, received "
                            f"{type(value).__name__}.")
        return cls(value._element_shape, value.dtype, value.dynamic_size, value._infer_shape)

    def is_compatible_with(self, other):
        if isinstance(other, TensorArray):
            other = TensorArraySpec.from_value(other)
        if not isinstance(other, TensorArraySpec):
            return False
        return (self._dtype == other._dtype and self._dynamic_size == other._dynamic_size
                and _compatible(self._element_shape, other._element_shape))

    def __eq__(self, other):
        return (isinstance(other, TensorArraySpec) and self._dtype == other._dtype
                and self._element_shape == other._element_shape
                and self._dynamic_size == other._dynamic_size
                and self._infer_shape == other._infer_shape)

    def __hash__(self):
        return hash((self._element_shape, self._dtype.name, self._dynamic_size,
                     self._infer_shape))

    def __repr__(self):
        shape = repr(self.element_shape)
        return (f"TensorArraySpec({shape}, tf.{self._dtype.name}, {self._dynamic_size}, "
                f"{self._infer_shape})")
