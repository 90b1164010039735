"""``tf.RaggedTensor``: rows of different lengths, as flat values plus row splits.

A RaggedTensor holds ``values`` (a featherflow Tensor, or another RaggedTensor for more than
one ragged dimension) and ``row_splits``: row ``i`` is ``values[row_splits[i]:row_splits[i+1]]``.
The splits are NumPy integer arrays (int64 unless built from int32 splits, as in TF); the
values stay Tensors, so ops on a RaggedTensor are ops on its flat values and the tape
differentiates through them.
"""

import numpy as np

from featherflow.api import ragged_partition
from featherflow.api.ragged_operators import RaggedOperators
from featherflow.autodiff import tensor as _tensor_module
from featherflow.autodiff.tensor import Tensor, TensorShape, as_array
from featherflow.errors import InvalidArgumentError


def _as_values(values, name="values"):
    """``values`` as a Tensor (a Tensor passes through, so the tape keeps its history)."""
    if isinstance(values, (Tensor, RaggedTensor)):
        return values
    if isinstance(values, (list, tuple)) and not values:
        return Tensor(np.zeros((0,), np.float32))
    try:
        return Tensor(as_array(values))
    except (TypeError, ValueError) as err:
        raise TypeError(f"RaggedTensor: '{name}' must be a tensor or a (nested) list of "
                        f"numbers or strings; received {values!r} ({err}).") from None


def _index_array(value, name, dtype=None):
    """A 1-D integer array from a partitioning argument (row_splits, row_lengths...)."""
    a = value.data if isinstance(value, Tensor) else np.asarray(value)
    if a.size == 0 and a.dtype.kind not in "iu":
        a = a.astype(np.int64)
    if a.dtype.kind not in "iu":
        raise TypeError(f"RaggedTensor: '{name}' must be an integer tensor (int32 or int64); "
                        f"received dtype {a.dtype}.")
    if a.ndim != 1:
        raise ValueError(f"RaggedTensor: '{name}' must be a 1-D tensor; received shape "
                         f"{list(a.shape)}.")
    if dtype is not None:
        return a.astype(dtype, copy=False)
    return a.astype(np.int32 if a.dtype == np.int32 else np.int64, copy=False)


def _nvals(values):
    return values.nrows() if isinstance(values, RaggedTensor) else values.data.shape[0]


def _check_values(values, name):
    if isinstance(values, Tensor) and values.data.ndim == 0:
        raise ValueError(f"RaggedTensor: '{name}' must have rank at least 1; received a "
                         "scalar.")


class RaggedTensor(RaggedOperators):
    """A tensor with one or more ragged (variable-length) dimensions, as ``tf.RaggedTensor``.

    Example::

        >>> rt = tf.RaggedTensor.from_row_lengths([3, 1, 4, 1, 5], row_lengths=[2, 0, 3])
        >>> rt
        <tf.RaggedTensor [[3, 1], [], [4, 1, 5]]>
        >>> tf.reduce_sum(rt, axis=1).numpy()
        array([4, 0, 10], dtype=int32)
    """

    __slots__ = ("_values", "_row_splits", "_uniform", "__weakref__")
    # ndarray + RaggedTensor defers to our operators
    __array_priority__ = 200

    def __init__(self, values, row_splits, internal=False, uniform_row_length=None):
        if not internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the "
                             "factory methods instead (e.g., RaggedTensor.from_row_lengths())")
        self._values = values
        self._row_splits = row_splits
        # the row length when every row has it by construction: the shape shows it
        self._uniform = uniform_row_length

    # -- factories ---------------------------------------------------------------------------
    @classmethod
    def _checked(cls, values, splits, op):
        if splits.size == 0:
            raise InvalidArgumentError(f"Arguments to {op} do not form a valid RaggedTensor: "
                                       "row_splits must have at least one element (0).")
        if splits[0] != 0:
            raise InvalidArgumentError(
                f"Arguments to {op} do not form a valid RaggedTensor: row_splits must start "
                f"at 0; received row_splits[0] = {splits[0]}.")
        if np.any(splits[1:] < splits[:-1]):
            raise InvalidArgumentError(
                f"Arguments to {op} do not form a valid RaggedTensor: row_splits must be "
                f"sorted in ascending order (monotonic); received {splits.tolist()}.")
        n = _nvals(values)
        if splits[-1] != n:
            raise InvalidArgumentError(
                f"Arguments to {op} do not form a valid RaggedTensor: the last row split "
                f"({splits[-1]}) must equal the number of values ({n}).")
        return cls(values, splits, internal=True)

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Rows ``values[row_splits[i]:row_splits[i + 1]]``."""
        values = _as_values(values)
        _check_values(values, "values")
        splits = _index_array(row_splits, "row_splits")
        return cls._checked(values, splits, "from_row_splits")

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Rows of ``row_lengths[i]`` consecutive values."""
        values = _as_values(values)
        _check_values(values, "values")
        lengths = _index_array(row_lengths, "row_lengths")
        if np.any(lengths < 0):
            raise InvalidArgumentError(
                f"Arguments to from_row_lengths do not form a valid RowPartition: row_lengths "
                f"must be >= 0; received {lengths.tolist()}.")
        splits = np.concatenate([np.zeros(1, lengths.dtype), np.cumsum(lengths,
                                                                        dtype=lengths.dtype)])
        return cls._checked(values, splits, "from_row_lengths")

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Value ``j`` in row ``value_rowids[j]`` (sorted); ``nrows`` adds empty rows."""
        values = _as_values(values)
        _check_values(values, "values")
        rowids = _index_array(value_rowids, "value_rowids")
        if rowids.size and (rowids[0] < 0 or np.any(rowids[1:] < rowids[:-1])):
            raise InvalidArgumentError(
                f"Arguments to from_value_rowids do not form a valid RowPartition: "
                f"value_rowids must be non-negative and sorted; received {rowids.tolist()}.")
        count = (int(rowids[-1]) + 1 if rowids.size else 0) if nrows is None else int(
            nrows.data if isinstance(nrows, Tensor) else nrows)
        if rowids.size and rowids[-1] >= count:
            raise InvalidArgumentError(
                f"Arguments to from_value_rowids do not form a valid RowPartition: nrows "
                f"({count}) must be greater than the largest value_rowid ({rowids[-1]}).")
        lengths = np.bincount(rowids, minlength=count).astype(rowids.dtype)
        splits = np.concatenate([np.zeros(1, rowids.dtype), np.cumsum(lengths,
                                                                       dtype=rowids.dtype)])
        return cls._checked(values, splits, "from_value_rowids")

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        """Rows starting at ``row_starts`` (the last row runs to the end of ``values``)."""
        values = _as_values(values)
        _check_values(values, "values")
        starts = _index_array(row_starts, "row_starts")
        splits = np.concatenate([starts, np.array([_nvals(values)], starts.dtype)])
        return cls._checked(values, splits, "from_row_starts")

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        """Rows ending at ``row_limits`` (the first row starts at 0)."""
        values = _as_values(values)
        _check_values(values, "values")
        limits = _index_array(row_limits, "row_limits")
        splits = np.concatenate([np.zeros(1, limits.dtype), limits])
        return cls._checked(values, splits, "from_row_limits")

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True,
                                name=None):
        """Rows of ``uniform_row_length`` values each (a uniform dimension in the shape)."""
        values = _as_values(values)
        _check_values(values, "values")
        width = int(uniform_row_length.data if isinstance(uniform_row_length, Tensor)
                    else uniform_row_length)
        n = _nvals(values)
        if width < 0:
            raise InvalidArgumentError(f"from_uniform_row_length: uniform_row_length must "
                                       f"be >= 0; received {width}.")
        count = (n // width if width else 0) if nrows is None else int(nrows)
        if count * width != n:
            raise InvalidArgumentError(f"from_uniform_row_length: {n} values do not split "
                                       f"into rows of {width}.")
        splits = np.arange(count + 1, dtype=np.int64) * width
        return cls(values, splits, internal=True, uniform_row_length=width)

    @property
    def uniform_row_length(self):
        return None if self._uniform is None else Tensor(np.array(self._uniform,
                                                                  self._row_splits.dtype))

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """One ragged dimension per entry of ``nested_row_splits`` (outermost first)."""
        if isinstance(nested_row_splits, (Tensor, np.ndarray)):
            raise TypeError("RaggedTensor.from_nested_row_splits: nested_row_splits must be a "
                            "list of tensors, one per ragged dimension.")
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls.from_row_splits(result, splits)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate=True):
        """One ragged dimension per entry of ``nested_row_lengths`` (outermost first)."""
        if isinstance(nested_row_lengths, (Tensor, np.ndarray)):
            raise TypeError("RaggedTensor.from_nested_row_lengths: nested_row_lengths must "
                            "be a list of tensors, one per ragged dimension.")
        result = flat_values
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths)
        return result

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None,
                                 name=None, validate=True):
        nested_nrows = [None] * len(nested_value_rowids) if nested_nrows is None else list(
            nested_nrows)
        result = flat_values
        for rowids, nrows in reversed(list(zip(nested_value_rowids, nested_nrows))):
            result = cls.from_value_rowids(result, rowids, nrows)
        return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None,
                    row_splits_dtype="int64"):
        """The rows of a dense ``tensor``, cut to ``lengths`` or with trailing ``padding``
        removed; ``ragged_rank`` leading dimensions after the first become ragged."""
        return ragged_partition.from_tensor(cls, _as_values(tensor, "tensor"), lengths,
                                            padding, ragged_rank, row_splits_dtype)

    # -- structure ---------------------------------------------------------------------------
    @property
    def values(self):
        """The values of the outermost ragged dimension (a Tensor or RaggedTensor)."""
        return self._values

    @property
    def row_splits(self):
        return Tensor(self._row_splits)

    @property
    def flat_values(self):
        values = self._values
        while isinstance(values, RaggedTensor):
            values = values._values
        return values

    @property
    def nested_row_splits(self):
        out = [Tensor(self._row_splits)]
        values = self._values
        while isinstance(values, RaggedTensor):
            out.append(Tensor(values._row_splits))
            values = values._values
        return tuple(out)

    def _nested_splits(self):
        out = [self._row_splits]
        values = self._values
        while isinstance(values, RaggedTensor):
            out.append(values._row_splits)
            values = values._values
        return out

    @property
    def ragged_rank(self):
        values = self._values
        return values.ragged_rank + 1 if isinstance(values, RaggedTensor) else 1

    @property
    def dtype(self):
        return self.flat_values.data.dtype

    @property
    def row_splits_dtype(self):
        return self._row_splits.dtype

    @property
    def shape(self):
        dims = [self.nrows_int()]
        value = self
        while isinstance(value, RaggedTensor):
            dims.append(value._uniform)
            value = value._values
        return TensorShape(tuple(dims) + tuple(value.data.shape[1:]))

    def get_shape(self):
        return self.shape

    def nrows_int(self):
        return int(self._row_splits.shape[0] - 1)

    def nrows(self, out_type=None, name=None):
        dtype = self._row_splits.dtype if out_type is None else np.dtype(
            getattr(out_type, "as_numpy_dtype", out_type))
        return Tensor(np.array(self.nrows_int(), dtype))

    def _lengths(self):
        return np.diff(self._row_splits)

    def row_lengths(self, axis=1, name=None):
        """The length of each row along ragged ``axis`` (1 by default)."""
        if axis == 1:
            return Tensor(self._lengths())
        if axis < 1 or not isinstance(self._values, RaggedTensor) and axis > 1:
            if axis == 0:
                raise ValueError("RaggedTensor.row_lengths: axis=0 is not a ragged axis; "
                                 "use nrows().")
            raise ValueError(f"RaggedTensor.row_lengths: axis={axis} is not a ragged axis "
                             f"of a RaggedTensor of ragged_rank {self.ragged_rank}.")
        return self.with_values(self._values.row_lengths(axis - 1))

    def row_starts(self, name=None):
        return Tensor(self._row_splits[:-1])

    def row_limits(self, name=None):
        return Tensor(self._row_splits[1:])

    def _rowids(self):
        return np.repeat(np.arange(self.nrows_int(), dtype=self._row_splits.dtype),
                         self._lengths())

    def value_rowids(self, name=None):
        """The row of each value in ``values``."""
        return Tensor(self._rowids())

    def nested_row_lengths(self, name=None):
        return tuple(Tensor(np.diff(s)) for s in self._nested_splits())

    def nested_value_rowids(self, name=None):
        out = [self.value_rowids()]
        values = self._values
        while isinstance(values, RaggedTensor):
            out.append(values.value_rowids())
            values = values._values
        return tuple(out)

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """The smallest dense shape that holds every row (``to_tensor``'s shape)."""
        dims = [self.nrows_int()]
        for splits in self._nested_splits():
            lengths = np.diff(splits)
            dims.append(int(lengths.max()) if lengths.size else 0)
        dims.extend(self.flat_values.data.shape[1:])
        dtype = self._row_splits.dtype if out_type is None else np.dtype(
            getattr(out_type, "as_numpy_dtype", out_type))
        shape = np.array(dims, dtype)
        if axis is None:
            return Tensor(shape)
        return Tensor(shape[axis])

    # -- rebuilding --------------------------------------------------------------------------
    def with_values(self, new_values):
        """The same outer row partition over ``new_values``."""
        new_values = _as_values(new_values, "new_values")
        old, new = _nvals(self._values), _nvals(new_values)
        if old != new:
            raise ValueError(f"RaggedTensor.with_values: Shapes ({old},) and ({new},) are "
                             f"incompatible: new_values must have {old} rows.")
        return RaggedTensor(new_values, self._row_splits, internal=True,
                            uniform_row_length=self._uniform)

    def with_flat_values(self, new_values):
        """The same nested row partitions over ``new_values``."""
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype):
        dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
        if dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
            raise ValueError(f"row_splits_dtype must be int32 or int64; received {dtype}.")
        values = self._values
        if isinstance(values, RaggedTensor):
            values = values.with_row_splits_dtype(dtype)
        return RaggedTensor(values, self._row_splits.astype(dtype), internal=True,
                            uniform_row_length=self._uniform)

    def merge_dims(self, outer_axis, inner_axis):
        """Dimensions ``outer_axis`` .. ``inner_axis`` merged into one."""
        return ragged_partition.merge_dims(self, outer_axis, inner_axis)

    # -- conversions -------------------------------------------------------------------------
    def to_tensor(self, default_value=None, name=None, shape=None):
        """A dense tensor, short rows padded with ``default_value`` (0, b'' or False), cut
        or padded to ``shape`` when given."""
        from featherflow.api import ragged_dense

        return ragged_dense.to_tensor(self, default_value, shape)

    def to_list(self):
        """The rows as nested Python lists (bytes for strings)."""
        flat = self.flat_values.data
        rows = flat.tolist()
        for splits in reversed(self._nested_splits()):
            rows = [rows[s:e] for s, e in zip(splits[:-1].tolist(), splits[1:].tolist())]
        return rows

    def numpy(self):
        """TF's NumPy form: ragged rows as 1-D object arrays of arrays; rows of one length
        stacked into one array."""
        values = self._values.numpy() if isinstance(self._values, RaggedTensor) else \
            self._values.data
        splits = self._row_splits.tolist()
        rows = [values[s:e] for s, e in zip(splits[:-1], splits[1:])]
        if not rows:
            return np.zeros((0, 0) + values.shape[1:], dtype=values.dtype)
        if any(len(row) != len(rows[0]) for row in rows) or values.dtype == object and \
                isinstance(self._values, RaggedTensor):
            out = np.empty(len(rows), dtype=object)
            for i, row in enumerate(rows):
                out[i] = row
            return out
        return np.stack(rows)

    def to_sparse(self, name=None):
        from featherflow.api import ragged_dense

        return ragged_dense.to_sparse(self)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype="int64"):
        from featherflow.api import ragged_dense

        return ragged_dense.from_sparse(st_input, row_splits_dtype)

    def __repr__(self):
        return f"<tf.RaggedTensor {ragged_partition.format_value(self.numpy())}>"

    __str__ = __repr__

    def __len__(self):
        raise TypeError("object of type 'RaggedTensor' has no len(); use rt.nrows().")

    def __iter__(self):
        for i in range(self.nrows_int()):
            yield self[i]

    def __bool__(self):
        raise TypeError("RaggedTensor may not be used as a boolean.")

    __hash__ = object.__hash__

    def __getitem__(self, key):
        from featherflow.api import ragged_indexing

        return ragged_indexing.getitem(self, key)

    def _rows_slice(self, start, stop):
        """Rows ``start:stop`` (a step-1 slice of the outer dimension)."""
        splits = self._row_splits[start:stop + 1]
        lo, hi = int(splits[0]), int(splits[-1])
        return RaggedTensor(_slice_values(self._values, lo, hi), splits - splits[0],
                            internal=True, uniform_row_length=self._uniform)

    def _row(self, i):
        lo, hi = int(self._row_splits[i]), int(self._row_splits[i + 1])
        return _slice_values(self._values, lo, hi)


def _slice_values(values, lo, hi):
    if isinstance(values, RaggedTensor):
        return values._rows_slice(lo, hi)
    return values[lo:hi]


def is_ragged(value):
    return isinstance(value, RaggedTensor)


# featherflow's Tensor operators hand `dense <op> ragged` to RaggedTensor's reflected methods
_tensor_module.DEFERRING.add(RaggedTensor)
