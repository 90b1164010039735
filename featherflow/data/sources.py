"""In-memory sources: ``from_tensor_slices``, ``from_tensors`` and ``range``."""

import numpy as np

from featherflow.api import sparse_data
from featherflow.data import structure
from featherflow.data.dataset import INFINITE, Dataset
from featherflow.errors import InvalidArgumentError


class TensorSliceDataset(Dataset):
    """The slices of a nest of arrays along their first dimension."""

    def __init__(self, tensors, name=None):
        super().__init__(name=name)
        if isinstance(tensors, Dataset):
            raise TypeError(
                "from_tensor_slices: received a Dataset; it takes tensors, arrays or lists "
                "(nested in tuples or dicts). To transform a dataset, use its methods.")
        try:
            self._data = structure.to_numpy_element(tensors)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"from_tensor_slices: could not convert the input to tensors ({err}). Every "
                "component must be an array, a tensor or a rectangular list; rows of different "
                "lengths need tf.ragged or padding first.") from None
        sizes = set()
        if any(structure.is_sparse(a) for a in structure.flatten(self._data)):
            # a SparseTensor component is read through a view that slices, batches and
            # gathers its rows as the arrays are (so batch and shuffle keep their fast paths)
            def view(a):
                if not structure.is_sparse(a):
                    return a
                sizes.add(sparse_data.check_sliceable(a))
                if a.indices.data.shape[1] == 1:
                    # TF's SerializeManySparse: a row of a slice is a SparseTensor of rank >= 1
                    raise InvalidArgumentError(
                        "from_tensor_slices: Rank of input SparseTensor should be > 1, but saw "
                        "rank: 1 (its rows would be scalars). Use from_tensors, or "
                        "tf.sparse.expand_dims / reshape it to rank 2 first.")
                return sparse_data.Slices(a)
            self._data = structure.map_element(view, self._data)
        leaves = structure.flatten(self._data)
        if not leaves:
            raise ValueError("from_tensor_slices: the input has no components.")
        self._ragged = any(structure.is_ragged(a) for a in leaves)
        if self._ragged:
            # rows of a RaggedTensor are taken one by one: no batch slices, no gathers
            self._gather = None
        for a in leaves:
            if structure.is_ragged(a):
                sizes.add(a.nrows_int())
                continue
            if isinstance(a, sparse_data.Slices):
                continue
            if a.ndim == 0:
                raise ValueError(
                    f"from_tensor_slices: every component needs a first dimension to slice; "
                    f"received a scalar ({structure.describe_structure(self._data)}). Use "
                    "from_tensors for a single element.")
            sizes.add(a.shape[0])
        if len(sizes) > 1:
            raise ValueError(
                f"from_tensor_slices: all components must have the same size in their first "
                f"dimension; received sizes {sorted(sizes)} "
                f"({structure.describe_structure(self._data)}).")
        self._n = sizes.pop()
        self._leaves = leaves

    def _compute_cardinality(self):
        return self._n

    def _compute_spec(self):
        return structure.map_element(_slice_spec, self._data)

    def _iterate(self):
        data = self._data
        if self._ragged:
            leaves = [structure.ragged_rows(a) if structure.is_ragged(a) else a
                      for a in self._leaves]
            return (structure.pack_as(data, [a[i] if isinstance(a, list) else a[i, ...]
                                             for a in leaves]) for i in range(self._n))
        # a[i, ...] is a view, and a 0-d array (not a NumPy scalar) when a is 1-D
        if type(data) is np.ndarray:
            return (data[i, ...] for i in range(self._n))
        leaves = self._leaves
        pack = _packer(data)
        return (pack([a[i, ...] for a in leaves]) for i in range(self._n))

    def _iterate_batches(self, batch_size, drop_remainder):
        """Consecutive batches as slices of the arrays (``batch`` on this source)."""
        if self._ragged:
            return None
        n = self._n
        stop = n - n % batch_size if drop_remainder else n
        data = self._data
        if type(data) is np.ndarray:
            return (data[i:i + batch_size] for i in range(0, stop, batch_size))
        return (structure.map_element(lambda a, i=i: a[i:i + batch_size], data)
                for i in range(0, stop, batch_size))

    def _gather(self, index):
        """The elements at ``index`` (an int array) stacked: the batch a shuffle-and-batch
        of this source would make, in one gather."""
        return structure.map_element(lambda a: a[index], self._data)


def _slice_spec(a):
    if structure.is_ragged(a):
        return structure.ragged_module().RaggedTensorSpec.from_value(a)._unbatched()
    if isinstance(a, sparse_data.Slices):
        return a.spec
    return structure.TensorSpec(a.shape[1:], a.dtype)


def _packer(structure_):
    """A fast rebuild of a nest from its leaves for the common shapes."""
    if type(structure_) is tuple and all(type(v) is np.ndarray for v in structure_):
        return tuple
    if type(structure_) is dict and all(type(v) is np.ndarray for v in structure_.values()):
        keys = sorted(structure_)
        order = list(structure_)
        if keys == order:
            return lambda leaves: dict(zip(keys, leaves))
        return lambda leaves: {k: v for k, v in sorted(zip(keys, leaves),
                                                       key=lambda kv: order.index(kv[0]))}
    return lambda leaves: structure.pack_as(structure_, leaves)


class TensorDataset(Dataset):
    """A dataset of exactly one element."""

    def __init__(self, tensors, name=None):
        super().__init__(name=name)
        self._element = structure.to_numpy_element(tensors)

    def _compute_cardinality(self):
        return 1

    def _compute_spec(self):
        return structure.spec_of(self._element)

    def _iterate(self):
        return iter((self._element,))


class RangeDataset(Dataset):
    """``range(stop)``, ``range(start, stop[, step])`` as int64 scalars (or ``output_type``)."""

    def __init__(self, *args, output_type="int64", name=None):
        super().__init__(name=name)
        if not 1 <= len(args) <= 3:
            raise TypeError(
                f"range takes 1 to 3 arguments (stop; start, stop; or start, stop, step), "
                f"received {len(args)}.")
        values = [int(np.asarray(a.numpy() if hasattr(a, "numpy") else a)) for a in args]
        if len(values) == 1:
            values = [0, values[0]]
        if len(values) == 2:
            values.append(1)
        self._start, self._stop, self._step = values
        if self._step == 0:
            raise ValueError("range: step must not be 0.")
        self._dtype = structure.TensorSpec((), output_type).dtype

    def _compute_cardinality(self):
        return len(range(self._start, self._stop, self._step))

    def _compute_spec(self):
        return structure.TensorSpec((), self._dtype)

    def _iterate(self):
        dtype = self._dtype
        return (np.array(i, dtype=dtype) for i in range(self._start, self._stop, self._step))


class CounterDataset(Dataset):
    """``start, start + step, ...`` forever (``Dataset.counter``)."""

    def __init__(self, start=0, step=1, dtype="int64", name=None):
        super().__init__(name=name)
        self._start, self._step = int(start), int(step)
        self._dtype = structure.TensorSpec((), dtype).dtype

    def _compute_cardinality(self):
        return INFINITE

    def _compute_spec(self):
        return structure.TensorSpec((), self._dtype)

    def _iterate(self):
        value, step, dtype = self._start, self._step, self._dtype
        while True:
            yield np.array(value, dtype=dtype)
            value += step
