"""``tf.RaggedTensorSpec``: the type of a RaggedTensor (shape with ``None`` for ragged
dimensions, dtype, ragged_rank, row_splits_dtype), as datasets and ``map_fn`` declare it.

It is a TensorSpec (so tf.data's shape logic applies to it) that also carries the ragged
rank. As in TF, a spec of ragged_rank 0 describes a dense value that batches as ragged.
"""

import numpy as np

from featherflow.api.ragged_tensor import RaggedTensor
from featherflow.autodiff.tensor import dtype_name
from featherflow.data.structure import TensorSpec


class RaggedTensorSpec(TensorSpec):
    """The type of a ``tf.RaggedTensor``.

    Example::

        >>> tf.RaggedTensorSpec([None, None], tf.int32)
        RaggedTensorSpec(TensorShape([None, None]), tf.int32, 1, tf.int64)
    """

    __slots__ = ("_ragged_rank", "_row_splits_dtype")

    def __init__(self, shape=None, dtype="float32", ragged_rank=None,
                 row_splits_dtype="int64", flat_values_spec=None):
        if flat_values_spec is not None:
            dtype = flat_values_spec.dtype
        super().__init__(shape, dtype)
        rank = None if self._shape is None else len(self._shape)
        if ragged_rank is None:
            if rank is None:
                raise ValueError("RaggedTensorSpec: ragged_rank must be given when the rank "
                                 "of shape is unknown.")
            ragged_rank = rank - 1
        if ragged_rank < 0 or (rank is not None and ragged_rank >= max(rank, 1)):
            raise ValueError(f"RaggedTensorSpec: ragged_rank must be in [0, rank - 1] "
                             f"(rank {rank}); received ragged_rank={ragged_rank}.")
        self._ragged_rank = int(ragged_rank)
        self._row_splits_dtype = np.dtype(getattr(row_splits_dtype, "as_numpy_dtype",
                                                  row_splits_dtype))

    @property
    def ragged_rank(self):
        return self._ragged_rank

    @property
    def row_splits_dtype(self):
        return self._row_splits_dtype

    @property
    def flat_values_spec(self):
        return None

    @property
    def value_type(self):
        return RaggedTensor

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype, value.ragged_rank, value.row_splits_dtype)

    def is_compatible_with(self, spec_or_value):
        if isinstance(spec_or_value, RaggedTensor):
            spec_or_value = RaggedTensorSpec.from_value(spec_or_value)
        if isinstance(spec_or_value, RaggedTensorSpec):
            if spec_or_value._ragged_rank != self._ragged_rank:
                return False
        elif self._ragged_rank > 0:
            return False
        return super().is_compatible_with(spec_or_value)

    def most_specific_common_supertype(self, others):
        if any(not isinstance(o, RaggedTensorSpec) or o._ragged_rank != self._ragged_rank
               for o in others):
            return None
        dense = super().most_specific_common_supertype(others)
        return None if dense is None else self._with_shape(dense._shape)

    def _with_shape(self, shape):
        return RaggedTensorSpec(shape, self._dtype, self._ragged_rank, self._row_splits_dtype)

    def _batched(self, batch_size):
        """The spec of a batch of values of this spec (a new ragged outer dimension)."""
        if self._shape is None:
            shape = None
        else:
            shape = (batch_size,) + tuple(self._shape)
        return RaggedTensorSpec(shape, self._dtype, self._ragged_rank + 1,
                                self._row_splits_dtype)

    def _unbatched(self):
        shape = None if self._shape is None else tuple(self._shape[1:])
        return RaggedTensorSpec(shape, self._dtype, max(self._ragged_rank - 1, 0),
                                self._row_splits_dtype)

    def __eq__(self, other):
        return (isinstance(other, RaggedTensorSpec) and self._shape == other._shape
                and self._dtype == other._dtype and self._ragged_rank == other._ragged_rank
                and self._row_splits_dtype == other._row_splits_dtype)

    def __hash__(self):
        return hash((self._shape, self._dtype, self._ragged_rank, self._row_splits_dtype))

    def __repr__(self):
        shape = "TensorShape(None)" if self._shape is None else \
            f"TensorShape({list(self._shape)})"
        return (f"RaggedTensorSpec({shape}, tf.{dtype_name(self._dtype)}, "
                f"{self._ragged_rank}, tf.{self._row_splits_dtype.name})")
