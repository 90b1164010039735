"""Datasets as elements: ``DatasetSpec`` and the in-memory datasets ``window`` and
``group_by_window`` hand to user functions.

``window`` gives elements whose leaves are datasets, and ``flat_map``, ``interleave`` and
``group_by_window``'s ``reduce_func`` receive such datasets. Their spec is a
:class:`DatasetSpec`, as ``tf.data.DatasetSpec``.
"""

from featherflow.autodiff.tensor import TensorShape
from featherflow.data import batch, structure
from featherflow.data.dataset import Dataset
from featherflow.data.functions import function_name


class DatasetSpec:
    """The type of a dataset used as a value: its ``element_spec`` (``tf.data.DatasetSpec``).

    Example::

        >>> tf.data.Dataset.range(7).window(3).element_spec
        DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorShape([]))
    """

    __slots__ = ("element_spec", "_dataset_shape")

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec = element_spec
        self._dataset_shape = TensorShape(dataset_shape)

    @property
    def shape(self):
        return self._dataset_shape

    @property
    def _shape(self):
        # the static tensor shape code reads off TensorSpecs: a dataset value has none
        return None

    def is_compatible_with(self, other):
        if isinstance(other, Dataset):
            other = DatasetSpec(other.element_spec)
        return isinstance(other, DatasetSpec) and specs_compatible(self.element_spec,
                                                                   other.element_spec)

    def __eq__(self, other):
        return (isinstance(other, DatasetSpec) and self.element_spec == other.element_spec
                and self._dataset_shape == other._dataset_shape)

    def __hash__(self):
        return hash(repr(self))

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape({list(self._dataset_shape)}))"


def specs_compatible(a, b):
    """True when two nests of specs have one structure and compatible leaves."""
    if not structure.same_structure(a, b):
        return False
    return all(x.is_compatible_with(y) for x, y in zip(structure.flatten(a),
                                                        structure.flatten(b)))


def spec_of(element):
    """The spec of an element whose leaves may be datasets."""
    return structure.map_element(
        lambda leaf: DatasetSpec(leaf.element_spec) if isinstance(leaf, Dataset)
        else structure.TensorSpec(leaf.shape, leaf.dtype), element)


def require_dataset(value, what, fn):
    """``value`` if it is a Dataset; a TypeError naming the function otherwise."""
    if not isinstance(value, Dataset):
        raise TypeError(
            f"{what}: the function {function_name(fn)!r} must return a Dataset, it returned "
            f"{type(value).__name__}. Build one inside it, e.g. "
            "tf.data.Dataset.from_tensor_slices(x) or tf.data.Dataset.from_tensors(x).")
    return value


class ElementsDataset(Dataset):
    """A dataset of a list of elements already in memory (a window, a group)."""

    def __init__(self, elements, element_spec):
        super().__init__()
        self._elements = elements
        self._given_spec = element_spec

    @property
    def elements(self):
        """The list of elements (read, not to be changed)."""
        return self._elements

    def _compute_spec(self):
        return self._given_spec

    def _compute_cardinality(self):
        return len(self._elements)

    def _iterate(self):
        return iter(self._elements)

    def _iterate_batches(self, batch_size, drop_remainder):
        """Whole batches stacked from the list in one go each (``batch`` on a window)."""
        elements = self._elements
        n = len(elements)
        stop = n - n % batch_size if drop_remainder else n
        return (batch.stack(elements[i:i + batch_size]) for i in range(0, stop, batch_size))
