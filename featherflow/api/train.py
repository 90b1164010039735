"""``tf.train``: checkpoints and their views, the Example and cluster protos, moving averages
and thread coordination.

- ``Checkpoint``, ``CheckpointManager``, ``CheckpointOptions``, ``latest_checkpoint``,
  ``get_checkpoint_state``, ``checkpoints_iterator``, ``load_checkpoint``, ``list_variables``,
  ``load_variable``: TensorFlow's checkpoint format (featherflow.saving.tf_checkpoint);
  ``CheckpointView`` and ``TrackableView`` show a checkpoint's and live objects' graphs.
- ``Example``, ``Features``, ``Feature``, ``BytesList``, ``FloatList``, ``Int64List``,
  ``FeatureList``, ``FeatureLists``, ``SequenceExample``: protobuf message classes, built on
  first access (protobuf stays unimported until then), whose bytes are TensorFlow's.
- ``ClusterSpec`` and the ``ClusterDef``, ``JobDef``, ``ServerDef`` messages (TensorFlow's
  bytes; ServerDef's ``default_session_config`` is kept only as an unknown field).
- ``Coordinator``: stop requests and exception hand-over between threads.
- ``ExponentialMovingAverage``: shadow variables that follow variables with decay.
- ``experimental``: ``PythonState`` and the checkpoint sharding callbacks.

Example::

    >>> feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2]))
    >>> example = tf.train.Example(features=tf.train.Features(feature={"x": feature}))
    >>> record = example.SerializeToString()
"""

from featherflow.api import train_experimental as experimental
from featherflow.api.cluster_spec import ClusterSpec
from featherflow.api.coordinator import Coordinator
from featherflow.api.moving_averages import ExponentialMovingAverage
from featherflow.io import example_proto, server_proto
from featherflow.saving.tf_checkpoint import (
    Checkpoint,
    CheckpointManager,
    CheckpointOptions,
    CheckpointView,
    TrackableView,
    checkpoints_iterator,
    get_checkpoint_state,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
)

__all__ = [
    "Checkpoint", "CheckpointManager", "CheckpointOptions", "CheckpointView", "ClusterSpec",
    "Coordinator",
    "ExponentialMovingAverage",
    "checkpoints_iterator",
    "get_checkpoint_state", "latest_checkpoint", "list_variables", "load_checkpoint",
    "load_variable", "TrackableView", "experimental",
]


def __getattr__(name):
    for module in (example_proto, server_proto):
        if name in module.MESSAGE_NAMES:
            message_type = module.message_class(name)
            globals()[name] = message_type
            return message_type
    raise AttributeError(f"module 'featherflow.train' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(example_proto.MESSAGE_NAMES)
                  | set(server_proto.MESSAGE_NAMES))
