"""``tf.ragged``, ``tf.RaggedTensor`` and ``tf.RaggedTensorSpec`` (docs/ragged.md).

>>> rt = tf.ragged.constant([[1, 2], [], [3]])
>>> (rt * 2).to_list()
[[2, 4], [], [6]]
"""

from featherflow.api import ragged_dispatch
from featherflow.api.ragged_ops import (  # noqa: A004 - TF's names
    boolean_mask,
    constant,
    constant_value,
    cross,
    cross_hashed,
    map_flat_values,
    range,
    row_splits_to_segment_ids,
    segment_ids_to_row_splits,
    stack,
    stack_dynamic_partitions,
)
from featherflow.api.ragged_spec import RaggedTensorSpec
from featherflow.api.ragged_tensor import RaggedTensor, is_ragged

# tf.add, tf.reduce_sum, tf.concat... accept RaggedTensors from here on (as TF's ragged
# package registers its dispatchers when it loads)
ragged_dispatch.install()

__all__ = ["RaggedTensor", "RaggedTensorSpec", "boolean_mask", "constant", "constant_value",
           "cross", "cross_hashed", "is_ragged", "map_flat_values", "range",
           "row_splits_to_segment_ids", "segment_ids_to_row_splits", "stack",
           "stack_dynamic_partitions"]
