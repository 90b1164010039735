"""Elements of a dataset: nests of NumPy arrays, their specs, and the conversions at the edges.

Inside a pipeline an element is a nest (tuple, namedtuple, dict or a single leaf) of NumPy
arrays: 0-d arrays for scalars, object arrays of ``bytes`` for ``tf.string``. Users and map
functions see featherflow Tensors; ``as_numpy_iterator`` gives NumPy values (bytes for scalar
strings), as TensorFlow does.
"""

import numpy as np

from featherflow.api import sparse_data
from featherflow.api.sparse_tensor import SparseTensorSpec
from featherflow.autodiff.tensor import Tensor, TensorShape, as_array, dtype_name
from featherflow.data import seeds
from featherflow.errors import InvalidArgumentError


class TensorSpec:
    """The shape and dtype of one component of a dataset element, as ``tf.TensorSpec``.

    ``None`` in ``shape`` is a dimension that varies between elements (e.g. the last batch).

    Example::

        >>> tf.TensorSpec(shape=(None, 28, 28), dtype=tf.float32)
        TensorSpec(shape=(None, 28, 28), dtype=tf.float32, name=None)
    """

    __slots__ = ("_shape", "_dtype", "name")

    def __init__(self, shape, dtype="float32", name=None):
        if shape is None:
            self._shape = None
        else:
            self._shape = TensorShape(None if d is None else int(d) for d in shape)
        self._dtype = _as_dtype(dtype)
        self.name = name

    @property
    def shape(self):
        return self._shape if self._shape is not None else _UnknownRank()

    @property
    def dtype(self):
        # TensorFlow's DType (the NumPy dtype is kept inside for the checks)
        from featherflow.api.dtypes import of_numpy

        return of_numpy(self._dtype)

    @classmethod
    def from_tensor(cls, tensor, name=None):
        a = tensor.data if isinstance(tensor, Tensor) else as_array(tensor)
        return cls(a.shape, a.dtype, name)

    def is_compatible_with(self, spec_or_value):
        """True when ``spec_or_value`` (a spec, Tensor or array) fits this spec."""
        if isinstance(spec_or_value, TensorSpec):
            other_shape, other_dtype = spec_or_value._shape, spec_or_value._dtype
        else:
            a = spec_or_value.data if isinstance(spec_or_value, Tensor) else np.asarray(
                spec_or_value)
            other_shape, other_dtype = a.shape, a.dtype
        if other_dtype != self._dtype:
            return False
        return shape_compatible(self._shape, other_shape)

    def most_specific_common_supertype(self, others):
        shape = self._shape
        for other in others:
            if not isinstance(other, TensorSpec) or other._dtype != self._dtype:
                return None
            shape = relax_shape(shape, other._shape)
        return TensorSpec(shape, self._dtype, self.name)

    def _with_shape(self, shape):
        return TensorSpec(shape, self._dtype, self.name)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self._shape == other._shape
                and self._dtype == other._dtype and self.name == other.name)

    def __hash__(self):
        return hash((self._shape, self._dtype, self.name))

    def __repr__(self):
        if self._shape is None:
            shape = "<unknown>"
        else:
            dims = tuple(self._shape)
            shape = repr(dims)
        return f"TensorSpec(shape={shape}, dtype=tf.{dtype_name(self._dtype)}, name={self.name!r})"


class _UnknownRank(TensorShape):
    """The shape of a spec whose rank varies between elements."""

    @property
    def rank(self):
        return None

    @property
    def ndims(self):
        return None

    def as_list(self):
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def __repr__(self):
        return "TensorShape(None)"


def _as_dtype(dtype):
    if isinstance(dtype, str) and dtype == "string":
        return np.dtype(object)
    return np.dtype(getattr(dtype, "as_numpy_dtype", dtype))


def shape_compatible(expected, actual):
    """True when ``actual`` fits ``expected`` (``None`` dims and an unknown rank fit anything)."""
    if expected is None or actual is None:
        return True
    if len(expected) != len(actual):
        return False
    return all(e is None or a is None or e == a for e, a in zip(expected, actual))


def relax_shape(a, b):
    """The most specific shape both ``a`` and ``b`` fit: differing dims become ``None``."""
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


# -- nests ---------------------------------------------------------------------------------

def is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def map_element(fn, element):
    """``fn`` on every leaf of an element, keeping tuples, namedtuples and dicts."""
    kind = type(element)
    if kind is tuple:
        return tuple(map_element(fn, v) for v in element)
    if kind is dict:
        return {k: map_element(fn, v) for k, v in element.items()}
    if isinstance(element, tuple) and is_namedtuple(element):
        return kind(*(map_element(fn, v) for v in element))
    if isinstance(element, dict):
        return kind((k, map_element(fn, v)) for k, v in element.items())
    return fn(element)


def flatten(element):
    """The leaves of an element, dict values in sorted key order (as ``tf.nest``)."""
    if isinstance(element, tuple):
        return [leaf for v in element for leaf in flatten(v)]
    if isinstance(element, dict):
        return [leaf for k in sorted(element) for leaf in flatten(element[k])]
    return [element]


def pack_as(structure, leaves):
    """Rebuild ``structure``'s nest from ``leaves`` (as ``flatten`` lists them)."""
    it = iter(leaves)

    def build(s):
        if isinstance(s, tuple):
            values = [build(v) for v in s]
            return type(s)(*values) if is_namedtuple(s) else tuple(values)
        if isinstance(s, dict):
            packed = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, packed[k]) for k in s)
        return next(it)

    return build(structure)


def same_structure(a, b):
    """True when two nests have the same tuples, namedtuples and dict keys."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and is_namedtuple(a) == is_namedtuple(b)
                and all(same_structure(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(same_structure(a[k], b[k]) for k in a))
    return True


def describe_structure(element):
    """A short text of an element's nest, for error messages."""
    if isinstance(element, tuple):
        name = type(element).__name__ if is_namedtuple(element) else ""
        inner = ", ".join(describe_structure(v) for v in element)
        comma = "," if len(element) == 1 and not name else ""
        return f"{name}({inner}{comma})"
    if isinstance(element, dict):
        inner = ", ".join(f"{k!r}: {describe_structure(v)}" for k, v in element.items())
        return "{" + inner + "}"
    if isinstance(element, (TensorSpec, SparseTensorSpec)):
        return repr(element)
    if is_sparse(element):
        return f"<SparseTensor {dtype_name(element.dtype)} {tuple(element.shape)}>"
    return f"<{dtype_name(element.dtype)} {tuple(element.shape)}>" if hasattr(
        element, "dtype") else type(element).__name__


# -- conversions ---------------------------------------------------------------------------

def to_array(value):
    """One component of a user's value as an array, by TensorFlow's conversion rules."""
    if type(value) is np.ndarray:
        if value.dtype.kind in "US":
            return as_array(value)
        return value
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (str, bytes)):
        out = np.empty((), dtype=object)
        out[()] = value.encode("utf-8") if isinstance(value, str) else value
        return out
    if is_ragged(value) or is_sparse(value):
        return value  # a RaggedTensor or SparseTensor is one leaf of an element
    return as_array(value)


def ragged_module():
    """featherflow.api.ragged, loaded on first use (it registers tf.*'s ragged dispatch)."""
    from featherflow.api import ragged  # function-level: ragged builds on this module

    return ragged


def is_ragged(value):
    return type(value).__name__ == "RaggedTensor" and isinstance(
        value, ragged_module().RaggedTensor)


def ragged_rows(rt):
    """The rows of a RaggedTensor as elements: arrays for a ragged_rank of 1 (TF's slices of
    a RaggedTensor are dense then), RaggedTensors otherwise."""
    return [row.data if isinstance(row, Tensor) else row for row in rt]


def ragged_batch(rows, spec):
    """Rows (arrays or RaggedTensors) joined into one RaggedTensor with a new outer ragged
    dimension, as ``batch`` does for a RaggedTensorSpec component."""
    ragged = ragged_module()
    if not rows:
        raise ValueError("ragged_batch: no rows to batch.")
    if is_ragged(rows[0]) or (spec is not None and spec.ragged_rank > 0):
        if not is_ragged(rows[0]):
            # dense rows of a spec ragged inside (ragged_batch of shape [2, None]): each row
            # is read as a RaggedTensor of that ragged_rank first, as TF encodes it
            rows = [ragged.RaggedTensor.from_tensor(Tensor(a), ragged_rank=spec.ragged_rank)
                    for a in rows]
        stacked = ragged.stack(rows, axis=0)
        if spec is None or not spec._shape:
            return stacked
        width = spec._shape[0]
        if width != stacked._uniform:
            # the spec's static row count (or its absence) shows in the batch's shape, as TF
            # sets it: rows that happen to have equal lengths stay ragged under a None
            stacked = ragged.RaggedTensor(stacked._values, stacked._row_splits, internal=True,
                                          uniform_row_length=width)
        return stacked
    shapes = {a.shape[1:] for a in rows}
    if any(a.ndim == 0 for a in rows):
        raise InvalidArgumentError("ragged_batch: scalar components cannot be batched as "
                                   "ragged rows; use batch.")
    if len(shapes) > 1:
        # rows of different inner shapes become ragged in those dims too
        rts = [ragged.RaggedTensor.from_tensor(Tensor(a), ragged_rank=a.ndim - 1)
               if a.ndim > 1 else Tensor(a) for a in rows]
        return ragged.stack(rts, axis=0)
    lengths = np.array([a.shape[0] for a in rows], spec.row_splits_dtype if spec is not None
                       else np.int64)
    values = np.concatenate(rows) if rows[0].dtype != object or len(rows) > 1 else rows[0]
    return ragged.RaggedTensor.from_row_lengths(Tensor(values), lengths)


def is_ragged_spec(spec):
    return type(spec).__name__ == "RaggedTensorSpec"


is_sparse = sparse_data.is_sparse


def is_sparse_spec(spec):
    return isinstance(spec, SparseTensorSpec)


def is_composite_spec(spec):
    """True for the spec of a SparseTensor or RaggedTensor component (one TF's padded_batch
    and other dense-only transformations refuse)."""
    return is_sparse_spec(spec) or is_ragged_spec(spec)


def leaf_size(leaf):
    """The length of a component's first dimension (None for a scalar)."""
    if is_ragged(leaf):
        return leaf.nrows_int()
    if is_sparse(leaf):
        return int(leaf.dense_shape.data[0]) if leaf.dense_shape.data.size else None
    return leaf.shape[0] if leaf.ndim else None


def leaf_rows(leaf):
    """The rows of one component along its first dimension, as element leaves."""
    if is_ragged(leaf):
        return ragged_rows(leaf)
    if is_sparse(leaf):
        return sparse_data.unbatch(leaf)
    # a[i, ...] keeps 0-d rows arrays (a[i] would give bytes for strings)
    return [leaf[i, ...] for i in range(leaf.shape[0])]


def leaf_slice(leaf, start, stop):
    """Rows ``start:stop`` of one component, of the same kind (array, RaggedTensor,
    SparseTensor)."""
    if is_sparse(leaf):
        return sparse_data.Rows(leaf).rows(start, stop)
    return leaf[start:stop]


def leaf_concat(pieces):
    """Components of one kind joined along their first dimension (rebatch); SparseTensors
    take the largest dense shape of the pieces, as batching their rows does."""
    first = pieces[0]
    if is_sparse(first):
        return sparse_data.stack([row for p in pieces for row in sparse_data.unbatch(p)])
    if is_ragged(first):
        from featherflow.api import ragged_math  # function-level: ragged builds on this module

        return ragged_math.concat_axis0(pieces)
    return np.concatenate(pieces)


def leaf_row(leaf, i):
    """Row ``i`` of one component (``leaf_rows(leaf)[i]`` without splitting the others)."""
    if is_sparse(leaf):
        return sparse_data.Rows(leaf).row(i)
    if is_ragged(leaf):
        row = leaf[i]
        return row.data if isinstance(row, Tensor) else row
    return leaf[i, ...]


def to_numpy_element(value):
    """A user's value (tensors, arrays, lists, numbers, strings, in tuples and dicts) as an
    element. Lists are values, not structure: ``[1, 2]`` is one int32 array, as in TF."""
    if isinstance(value, (tuple, dict)):
        return map_element(to_array, value)
    return to_array(value)


def normalize_output(value):
    """What a map/filter function returned, as an element; lists become tuples, as TF does
    for function outputs."""
    if isinstance(value, list):
        value = tuple(value)
    return to_numpy_element(value)


def _as_tensor(leaf):
    # a leaf that is not an array (a window's Dataset) is handed over as it is
    return Tensor(leaf) if isinstance(leaf, np.ndarray) else leaf


def to_tensors(element):
    """The element as users see it: every array leaf a featherflow Tensor."""
    kind = type(element)
    if kind is np.ndarray:
        return Tensor(element)
    if kind is tuple:
        return tuple(Tensor(v) if type(v) is np.ndarray else to_tensors(v) for v in element)
    return map_element(_as_tensor, element)


def _user_leaf(a):
    if is_ragged(a):
        return a.numpy()
    if is_sparse(a):
        # TF 2.21's as_numpy_iterator gives a SparseTensor component as its dense array
        return _dense_array(a)
    if not isinstance(a, np.ndarray):
        # TF's message for a dataset of datasets (window)
        raise TypeError(
            f"Dataset.as_numpy_iterator() is not supported for datasets that produce values "
            f"of type {type(a).__name__}. Iterate the dataset itself, or flat_map the inner "
            "datasets into tensors first.")
    return a[()] if a.ndim == 0 else a


def _dense_array(st):
    out = np.zeros(st.dense_shape.data, st.dtype)
    if st.dtype == object:
        out[...] = b""
    out[tuple(st.indices.data.T)] = st.values.data
    return out


def to_user_numpy(element):
    """``as_numpy_iterator``'s form: arrays, NumPy scalars for 0-d leaves, bytes for strings."""
    return map_element(_user_leaf, element)


def call_with_element(fn, element):
    """Call a map/filter/flat_map function the way tf.data does: a tuple element is unpacked
    into positional arguments, anything else is passed as one argument."""
    args = to_tensors(element)
    # unseeded random ops inside take a traced graph's op seeds, as in TF
    with seeds.function_scope():
        if type(args) is tuple or (isinstance(args, tuple) and not is_namedtuple(args)):
            return fn(*args)
        return fn(args)


def _leaf_spec(a):
    if is_ragged(a):
        return ragged_module().RaggedTensorSpec.from_value(a)
    if is_sparse(a):
        return sparse_data.spec_of(a)
    return TensorSpec(a.shape, a.dtype)


def spec_of(element):
    """The nest of TensorSpecs (RaggedTensorSpecs for RaggedTensors, SparseTensorSpecs for
    SparseTensors) of one element."""
    return map_element(_leaf_spec, element)


def relax_spec(spec, element):
    """``spec`` widened so ``element`` also fits it (differing dims become ``None``)."""
    return pack_as(spec, [s._with_shape(relax_shape(s._shape, a.shape))
                          for s, a in zip(flatten(spec), flatten(element))])


def check_matches_spec(spec, element, where):
    """Raise a clear error when an element does not fit ``spec``."""
    if not same_structure(spec, element):
        raise TypeError(
            f"{where}: expected an element of structure {describe_structure(spec)}, received "
            f"{describe_structure(element)}. Every element of a dataset must have the same "
            "nesting (tuples, dicts) and number of components."
        )
    for s, a in zip(flatten(spec), flatten(element)):
        if is_sparse_spec(s) != is_sparse(a):
            kind = "a SparseTensor" if is_sparse(a) else "a dense value"
            raise TypeError(
                f"{where}: expected {s!r}, received {kind} ({describe_structure(a)}). A "
                "component is sparse in every element or in none; convert with "
                "tf.sparse.from_dense / tf.sparse.to_dense.")
        if a.dtype != s._dtype or not shape_compatible(s._shape, a.shape):
            raise TypeError(
                f"{where}: expected {s!r}, received a value of dtype "
                f"{dtype_name(a.dtype)} and shape {tuple(a.shape)}. Cast or reshape the value "
                "so every element matches the declared spec."
            )
