"""``Dataset.unbatch``: every element split along its first dimension into elements."""

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import INFINITE, UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError


def leading_dims(spec, what):
    """The static first dimension of every component (``None`` where unknown); scalars and
    components of different static first dimensions are refused, as TensorFlow does."""
    dims = []
    for s in structure.flatten(spec):
        if s._shape is not None and len(s._shape) == 0:
            raise ValueError(
                f"{what}: every component needs a first dimension to split along; this input "
                f"has a scalar one ({s!r}). Batch it first, or drop the {what}.")
        dims.append(None if s._shape is None else s._shape[0])
    known = {d for d in dims if d is not None}
    if len(known) > 1:
        a, b = sorted(known)[:2]
        raise ValueError(
            f"{what}: the components' first dimensions must be equal (they are split "
            f"together); the spec has both {a} and {b}.")
    return dims


def split(element, what="unbatch"):
    """The rows of one element: a list of elements, one per index of the first dimension."""
    if type(element) is not np.ndarray:
        leaves = structure.flatten(element)
        sizes = [structure.leaf_size(a) for a in leaves]
        if None in sizes or len(set(sizes)) > 1:
            bad = next(i for i, n in enumerate(sizes) if n != sizes[0] or n is None)
            raise InvalidArgumentError(
                f"{what}: input element must have the same batch size in each component. "
                f"Component 0 had size {sizes[0]} but component {bad} had size {sizes[bad]}.")
        leaves = [structure.leaf_rows(a) for a in leaves]
        return [structure.pack_as(element, [a[i] for a in leaves]) for i in range(sizes[0])]
    if element.ndim == 0:
        raise InvalidArgumentError(f"{what}: cannot split a scalar element.")
    # a[i, ...] keeps 0-d rows arrays (a[i] would give bytes for strings)
    return [element[i, ...] for i in range(element.shape[0])]


class UnbatchDataset(Dataset):
    """The rows of the input's elements, one element per row.

    Example::

        >>> ds = tf.data.Dataset.range(5).batch(2).unbatch()
        >>> [int(x) for x in ds]
        [0, 1, 2, 3, 4]

    The cardinality is known when a component's first dimension is static (input
    cardinality times that size), as TensorFlow computes it.
    """

    def __init__(self, input_dataset, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._dims = leading_dims(input_dataset.element_spec, "unbatch")

    def _compute_spec(self):
        def one(s):
            if structure.is_ragged_spec(s):
                return s._unbatched()
            return s if s._shape is None else s._with_shape(tuple(s._shape)[1:])
        return structure.map_element(one, self._input.element_spec)

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if n == INFINITE:
            return INFINITE
        known = {d for d in self._dims if d is not None}
        # one static first dimension fixes them all: components must agree at run time
        if n == UNKNOWN or not known:
            return UNKNOWN
        return n * known.pop()

    def _iterate(self):
        it = self._input._iterate()
        try:
            for element in it:
                yield from split(element)
        finally:
            getattr(it, "close", lambda: None)()
