"""TensorFlow's checkpoint format: ``tf.train.Checkpoint``, ``CheckpointManager`` and the
checkpoint readers. Files move both ways: TensorFlow restores featherflow's checkpoints and
featherflow restores TensorFlow's (see docs/checkpoints.md).

- ``bundle``: the ``.index`` / ``.data-00000-of-00001`` files (TensorBundle); ``table``: the
  index's sorted-table layout; ``wire``: the protocol-buffer messages, by hand.
- ``object_graph``: which object hangs under which name (TensorFlow/Keras 3 names).
- ``checkpoint``: Checkpoint and its load statuses; ``restore``: matching and deferred
  restoration; ``manager``: CheckpointManager; ``state``: the ``checkpoint`` file and readers;
  ``views``: CheckpointView and TrackableView.
"""

from featherflow.saving.tf_checkpoint.bundle import CheckpointReader
from featherflow.saving.tf_checkpoint.checkpoint import (
    Checkpoint,
    CheckpointLoadStatus,
    CheckpointOptions,
    InitializationOnlyStatus,
)
from featherflow.saving.tf_checkpoint.manager import CheckpointManager
from featherflow.saving.tf_checkpoint.state import (
    CheckpointState,
    checkpoints_iterator,
    get_checkpoint_state,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
    update_checkpoint_state,
)
from featherflow.saving.tf_checkpoint.views import CheckpointView, TrackableView

__all__ = [
    "Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "CheckpointOptions",
    "CheckpointReader", "CheckpointState", "InitializationOnlyStatus", "checkpoints_iterator",
    "get_checkpoint_state", "latest_checkpoint", "list_variables", "load_checkpoint",
    "load_variable", "update_checkpoint_state", "CheckpointView", "TrackableView",
]
