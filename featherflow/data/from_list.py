"""``tf.data.experimental.from_list``: a dataset of the given elements, in order.

Each element is converted as ``from_tensors`` converts one (a Python list is one tensor, a
tuple or dict a structure). Every element must have the same structure and dtypes; shapes
may differ, and the spec then has ``None`` where they do, as TF's.

Example::

    >>> ds = tf.data.experimental.from_list([(1, "a"), (2, "b")])
    >>> list(ds.as_numpy_iterator())
    [(1, b'a'), (2, b'b')]
"""

from featherflow.data import structure
from featherflow.data.dataset import Dataset
from featherflow.data.functions import signature


class ListDataset(Dataset):
    """The elements of a Python list (``from_list``)."""

    def __init__(self, elements, name=None):
        super().__init__(name=name)
        elements = list(elements)
        if not elements:
            raise ValueError("Invalid `elements`. `elements` should not be empty. If you want "
                             "an empty dataset, use `tf.data.Dataset.range(0)`.")
        self._elements = [structure.to_numpy_element(e) for e in elements]
        first = self._elements[0]
        spec = structure.spec_of(first)
        for index, element in enumerate(self._elements[1:], 1):
            if not structure.same_structure(first, element) or \
                    signature(first) != signature(element):
                raise ValueError(
                    f"The two structures don't have the same nested structure: element 0 is "
                    f"{structure.describe_structure(first)} and element {index} is "
                    f"{structure.describe_structure(element)}. Every element of from_list "
                    "must have the same nesting and dtypes.")
            spec = structure.relax_spec(spec, element)
        self._element_spec = spec

    def _compute_cardinality(self):
        return len(self._elements)

    def _compute_spec(self):
        return self._element_spec

    def _iterate(self):
        return iter(self._elements)


def from_list(elements, name=None):
    return ListDataset(elements, name=name)
