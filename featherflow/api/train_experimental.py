"""``tf.train.experimental``: ``PythonState`` (a Python object a checkpoint saves as one
string) and the checkpoint sharding callbacks ``ShardableTensor``, ``ShardingCallback`` and
``ShardByTaskPolicy`` (featherflow.saving.tf_checkpoint). ``MaxShardSizePolicy`` is missing:
it splits large tensors into slices, which featherflow's TensorBundle writer and reader do not
handle (docs/saving.md)."""

from featherflow.saving.tf_checkpoint.python_state import PythonState
from featherflow.saving.tf_checkpoint.sharding import (
    ShardableTensor,
    ShardByTaskPolicy,
    ShardingCallback,
)

__all__ = ["PythonState", "ShardByTaskPolicy", "ShardableTensor", "ShardingCallback"]
